-- Up Migration
-- DORA reads one window of finished releases by start time. Without these it read the whole table and, per
-- failure, every release of that service.
-- The window, with every column DORA needs, so the read is an index-only scan (no heap page per row).
CREATE INDEX releases_window_idx ON releases (started_at)
  INCLUDE (service, environment, status, committed_at, finished_at, rolled_back_at)
  WHERE status <> 'started';
-- "When was this service next deployed successfully after this failure": one probe per failure.
CREATE INDEX releases_success_finish_idx ON releases (service, environment, finished_at)
  WHERE status IN ('succeeded', 'rolled_back');
-- Plain CREATE INDEX (migrations run in one transaction): at a million rows it takes seconds, during which
-- writes to releases wait; reads do not.

-- Down Migration
DROP INDEX releases_success_finish_idx;
DROP INDEX releases_window_idx;
