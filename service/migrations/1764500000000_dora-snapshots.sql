-- Up Migration
-- DORA metrics computed by a scheduled job (service/src/dora/snapshot.ts), so /v1/metrics/dora reads a few rows
-- instead of aggregating a window of the ledger on every call. One row per run; the API serves the newest run
-- while it is younger than DORA_SNAPSHOT_MAX_AGE_SECONDS and falls back to the live query otherwise.
CREATE TABLE dora_snapshot_runs (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The end of every window in this run: the transaction's now(), one instant for all of them.
  computed_at    timestamptz NOT NULL,
  -- EventBridge Scheduler's <aws.scheduler.scheduled-time>: a retried or duplicated delivery of one scheduled
  -- run finds its row and does nothing. NULL for runs started by hand, which always compute.
  scheduled_for  timestamptz UNIQUE,
  -- The windows (days) this run holds; other windows are answered live.
  windows        integer[] NOT NULL CHECK (cardinality(windows) > 0),
  duration_ms    integer NOT NULL CHECK (duration_ms >= 0),
  trigger        text NOT NULL
);
CREATE INDEX dora_snapshot_runs_computed_idx ON dora_snapshot_runs (computed_at DESC);

-- The raw aggregates, not the rounded response: the API derives the response with the same code as the live
-- query, so both paths answer alike.
CREATE TABLE dora_snapshots (
  run_id        bigint NOT NULL REFERENCES dora_snapshot_runs (id) ON DELETE CASCADE,
  -- '' is every environment together (environment names are never empty).
  environment   text NOT NULL,
  days          integer NOT NULL CHECK (days > 0),
  deployments   integer NOT NULL,
  successful    integer NOT NULL,
  failures      integer NOT NULL,
  lead_seconds     double precision,
  restore_seconds  double precision,
  PRIMARY KEY (run_id, environment, days)
);

-- Down Migration
DROP TABLE dora_snapshots;
DROP TABLE dora_snapshot_runs;
