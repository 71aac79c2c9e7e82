-- Up Migration
-- DORA reads one window of finished releases by start time, over all environments or one. Without these it
-- read the whole table. Plain CREATE INDEX (migrations run in one transaction): at a million rows it takes
-- seconds, during which writes to releases wait; reads do not.
CREATE INDEX releases_window_idx ON releases (started_at) WHERE status <> 'started';
CREATE INDEX releases_environment_window_idx ON releases (environment, started_at) WHERE status <> 'started';

-- Down Migration
DROP INDEX releases_environment_window_idx;
DROP INDEX releases_window_idx;
