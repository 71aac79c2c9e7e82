-- Up Migration
-- DORA's time to restore of a failed deploy is the finish of the next successful deploy of the same service
-- and environment. Looking that up per failure on every read cost most of the query at a million releases;
-- it is now recorded on the failure (restored_at) whenever a release is written, so the read is a plain
-- aggregate over the window's index. Only failed rows carry it; a rollback's restore is rolled_back_at.
ALTER TABLE releases ADD COLUMN restored_at timestamptz;

-- The backfill, in one statement: 3.9 s at a million releases (100,000 failures); the whole migration about
-- 5 s, during which reads and writes of releases wait (ALTER TABLE holds its lock to the commit).
UPDATE releases f SET restored_at = (
  SELECT min(s.finished_at) FROM releases s
  WHERE s.service = f.service AND s.environment = f.environment
    AND s.status IN ('succeeded', 'rolled_back') AND s.finished_at > f.finished_at)
WHERE f.status = 'failed';

-- A trigger rather than the repository, so every writer keeps it right: the API, seed scripts, restores and
-- hand corrections. Writers of one service and environment take turns on an advisory lock: without it a
-- failure and the success after it, committed at the same moment, would each miss the other. Each statement
-- below runs on a fresh snapshot (READ COMMITTED), taken after the lock, so it sees the previous holder's rows.
CREATE FUNCTION releases_record_restore() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_success boolean := TG_OP <> 'INSERT' AND OLD.status IN ('succeeded', 'rolled_back') AND OLD.finished_at IS NOT NULL;
  is_success boolean := TG_OP <> 'DELETE' AND NEW.status IN ('succeeded', 'rolled_back') AND NEW.finished_at IS NOT NULL;
BEGIN
  -- succeeded → rolled_back keeps the finish: nothing to redo.
  IF was_success AND is_success AND OLD.finished_at = NEW.finished_at
     AND OLD.service = NEW.service AND OLD.environment = NEW.environment THEN
    RETURN NEW;
  END IF;

  IF TG_OP <> 'INSERT' THEN
    PERFORM pg_advisory_xact_lock(hashtextextended('releases-restore:' || OLD.service || E'\n' || OLD.environment, 0));
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM pg_advisory_xact_lock(hashtextextended('releases-restore:' || NEW.service || E'\n' || NEW.environment, 0));
  END IF;

  -- A success that is taken back: the failures it restored look for the next one again.
  IF was_success THEN
    UPDATE releases f SET restored_at = (
      SELECT min(s.finished_at) FROM releases s
      WHERE s.service = f.service AND s.environment = f.environment AND s.id <> OLD.id
        AND s.status IN ('succeeded', 'rolled_back') AND s.finished_at > f.finished_at)
    WHERE f.service = OLD.service AND f.environment = OLD.environment AND f.status = 'failed'
      AND f.restored_at = OLD.finished_at AND f.id <> OLD.id;
  END IF;

  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;

  -- A new success restores the failures between the success finished before it and itself (earlier ones
  -- were restored by that success at the latest); written out of order, it may be earlier than their
  -- recorded restore, so the earlier time wins.
  IF is_success THEN
    UPDATE releases f SET restored_at = NEW.finished_at
    WHERE f.service = NEW.service AND f.environment = NEW.environment AND f.status = 'failed' AND f.id <> NEW.id
      AND f.finished_at < NEW.finished_at
      AND f.finished_at >= COALESCE((
        SELECT max(s.finished_at) FROM releases s
        WHERE s.service = NEW.service AND s.environment = NEW.environment AND s.id <> NEW.id
          AND s.status IN ('succeeded', 'rolled_back') AND s.finished_at < NEW.finished_at), '-infinity')
      AND (f.restored_at IS NULL OR f.restored_at > NEW.finished_at);
  END IF;

  IF NEW.status = 'failed' AND NEW.finished_at IS NOT NULL THEN
    NEW.restored_at := (
      SELECT min(s.finished_at) FROM releases s
      WHERE s.service = NEW.service AND s.environment = NEW.environment AND s.id <> NEW.id
        AND s.status IN ('succeeded', 'rolled_back') AND s.finished_at > NEW.finished_at);
  ELSE
    NEW.restored_at := NULL;
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER releases_record_restore BEFORE INSERT OR DELETE OR UPDATE OF status, finished_at, service, environment ON releases
  FOR EACH ROW EXECUTE FUNCTION releases_record_restore();

-- What the trigger's UPDATE walks: one service and environment's failures by finish time.
CREATE INDEX releases_failed_finish_idx ON releases (service, environment, finished_at) WHERE status = 'failed';

-- The window index covers restored_at too, so DORA stays an index-only scan.
DROP INDEX releases_window_idx;
CREATE INDEX releases_window_idx ON releases (started_at)
  INCLUDE (service, environment, status, committed_at, finished_at, rolled_back_at, restored_at)
  WHERE status <> 'started';

-- Down Migration
DROP INDEX releases_window_idx;
CREATE INDEX releases_window_idx ON releases (started_at)
  INCLUDE (service, environment, status, committed_at, finished_at, rolled_back_at)
  WHERE status <> 'started';
DROP INDEX releases_failed_finish_idx;
DROP TRIGGER releases_record_restore ON releases;
DROP FUNCTION releases_record_restore();
ALTER TABLE releases DROP COLUMN restored_at;
