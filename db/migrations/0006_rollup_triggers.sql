-- Mark the hours whose traces or scores change, for the rollup job (lib/jobs/rollup.ts).
-- Statement-level triggers with transition tables: one row per statement and hour, not per trace.
CREATE OR REPLACE FUNCTION driftline_mark_trace_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_hours (project_id, hour)
  SELECT DISTINCT project_id, date_trunc('hour', started_at, 'UTC') FROM changed_rows;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION driftline_mark_updated_trace_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_hours (project_id, hour)
  SELECT project_id, date_trunc('hour', started_at, 'UTC') FROM new_rows
  UNION
  SELECT project_id, date_trunc('hour', started_at, 'UTC') FROM old_rows;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION driftline_mark_score_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_hours (project_id, hour)
  SELECT DISTINCT t.project_id, date_trunc('hour', t.started_at, 'UTC')
    FROM changed_rows s JOIN traces t ON t.project_id = s.project_id AND t.id = s.trace_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION driftline_mark_updated_score_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_hours (project_id, hour)
  SELECT DISTINCT t.project_id, date_trunc('hour', t.started_at, 'UTC')
    FROM new_rows s JOIN traces t ON t.project_id = s.project_id AND t.id = s.trace_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER traces_rollup_insert AFTER INSERT ON traces REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION driftline_mark_trace_hours();
--> statement-breakpoint
CREATE TRIGGER traces_rollup_delete AFTER DELETE ON traces REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION driftline_mark_trace_hours();
--> statement-breakpoint
CREATE TRIGGER traces_rollup_update AFTER UPDATE ON traces REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION driftline_mark_updated_trace_hours();
--> statement-breakpoint
CREATE TRIGGER scores_rollup_insert AFTER INSERT ON scores REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION driftline_mark_score_hours();
--> statement-breakpoint
CREATE TRIGGER scores_rollup_update AFTER UPDATE ON scores REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION driftline_mark_updated_score_hours();
--> statement-breakpoint
CREATE TRIGGER scores_rollup_delete AFTER DELETE ON scores REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION driftline_mark_score_hours();
--> statement-breakpoint
-- Traces stored before this migration: every hour that has any is rolled up once.
INSERT INTO rollup_dirty_hours (project_id, hour)
SELECT DISTINCT project_id, date_trunc('hour', started_at, 'UTC') FROM traces;
