-- Up Migration
-- Timestamps are client-supplied; an impossible order makes negative lead or restore times that pollute every
-- DORA window. NOT VALID: rows written before these checks existed are kept as they are (a migration must
-- not fail on history, and rewriting history is not ours to do); every new or updated row is checked.
-- `VALIDATE CONSTRAINT` once old rows are fixed turns them into full constraints.
ALTER TABLE releases
  ADD CONSTRAINT releases_committed_before_start CHECK (committed_at IS NULL OR committed_at <= started_at) NOT VALID,
  ADD CONSTRAINT releases_finished_after_start CHECK (finished_at IS NULL OR finished_at >= started_at) NOT VALID,
  ADD CONSTRAINT releases_rolled_back_after_finish CHECK (rolled_back_at IS NULL OR rolled_back_at >= finished_at) NOT VALID;

-- Down Migration
ALTER TABLE releases
  DROP CONSTRAINT releases_committed_before_start,
  DROP CONSTRAINT releases_finished_after_start,
  DROP CONSTRAINT releases_rolled_back_after_finish;
