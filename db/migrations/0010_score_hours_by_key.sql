-- The score triggers found each score's trace hour with a join the planner
-- could run as a hash join over all of `traces` (seen: a sequential scan of
-- every trace on each ingest batch, growing with the table). A correlated
-- lookup by the primary key costs one index probe per changed score instead.
CREATE OR REPLACE FUNCTION driftline_mark_score_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_hours (project_id, hour)
  SELECT DISTINCT h.project_id, h.hour
    FROM (SELECT s.project_id,
                 (SELECT date_trunc('hour', t.started_at, 'UTC') FROM traces t
                   WHERE t.project_id = s.project_id AND t.id = s.trace_id) AS hour
            FROM changed_rows s) h
   WHERE h.hour IS NOT NULL;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION driftline_mark_updated_score_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_hours (project_id, hour)
  SELECT DISTINCT h.project_id, h.hour
    FROM (SELECT s.project_id,
                 (SELECT date_trunc('hour', t.started_at, 'UTC') FROM traces t
                   WHERE t.project_id = s.project_id AND t.id = s.trace_id) AS hour
            FROM new_rows s) h
   WHERE h.hour IS NOT NULL;
  RETURN NULL;
END $$;
