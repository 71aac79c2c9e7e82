-- Up Migration
CREATE TABLE releases (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  service         text NOT NULL,
  environment     text NOT NULL,
  version         text NOT NULL,
  image_digest    text NOT NULL,
  commit_sha      text NOT NULL,
  committed_at    timestamptz,
  status          text NOT NULL DEFAULT 'started'
                  CHECK (status IN ('started', 'succeeded', 'failed', 'rolled_back')),
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  rolled_back_at  timestamptz,
  actor           text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Keyset pagination, newest first, with and without the common filters.
CREATE INDEX releases_created_idx ON releases (created_at DESC, id DESC);
CREATE INDEX releases_service_created_idx ON releases (service, created_at DESC, id DESC);
CREATE INDEX releases_environment_created_idx ON releases (environment, created_at DESC, id DESC);
-- "What runs where": the latest succeeded release per service of one environment.
CREATE INDEX releases_current_idx ON releases (environment, service, created_at DESC, id DESC)
  WHERE status = 'succeeded';

CREATE TABLE api_keys (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('viewer', 'deployer', 'admin')),
  -- SHA-256 of a 256-bit random secret: the secret itself is never stored.
  key_hash    bytea NOT NULL UNIQUE,
  key_prefix  text NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

CREATE TABLE idempotency_keys (
  principal_id  text NOT NULL,
  key           text NOT NULL,
  request_hash  bytea NOT NULL,
  response      jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal_id, key)
);

-- Down Migration
DROP TABLE idempotency_keys;
DROP TABLE api_keys;
DROP TABLE releases;
