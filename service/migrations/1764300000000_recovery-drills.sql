-- Up Migration
-- devctl dr drill records each restore drill here, so "when did we last prove the recovery, how long did it
-- take, how much data would it have lost" is one read, and a scheduled drill that stopped running shows.
CREATE TABLE recovery_drills (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  environment           text NOT NULL,
  recovery_environment  text NOT NULL,
  region                text NOT NULL,
  outcome               text NOT NULL CHECK (outcome IN ('passed', 'failed')),
  restore_point         timestamptz NOT NULL,
  image_digest          text NOT NULL,
  rpo_seconds           integer NOT NULL CHECK (rpo_seconds >= 0),
  rto_seconds           integer NOT NULL CHECK (rto_seconds >= 0),
  started_at            timestamptz NOT NULL,
  finished_at           timestamptz NOT NULL CHECK (finished_at >= started_at),
  notes                 text NOT NULL DEFAULT '',
  actor                 text NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recovery_drills_environment_idx ON recovery_drills (environment, started_at DESC, id DESC);
-- "Which digest ran in <environment> at T": the newest release finished by T, per service.
CREATE INDEX releases_ran_at_idx ON releases (environment, service, finished_at DESC)
  WHERE status IN ('succeeded', 'rolled_back');

-- Down Migration
DROP INDEX releases_ran_at_idx;
DROP TABLE recovery_drills;
