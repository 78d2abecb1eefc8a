-- The score triggers looked up the hour of every changed score's trace: an evaluator batch writes about
-- ten scores per trace, so ten probes of trace_keys per trace. Each distinct trace is looked up once now
-- (measured: 8.5 ms → 0.9 ms for a statement of 1,700 scores on 170 traces). Same marks as before.
CREATE OR REPLACE FUNCTION driftline_mark_score_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_hours (project_id, hour)
  SELECT DISTINCT h.project_id, h.hour
    FROM (SELECT s.project_id,
                 (SELECT date_trunc('hour', k.started_at, 'UTC') FROM trace_keys k
                   WHERE k.project_id = s.project_id AND k.id = s.trace_id) AS hour
            FROM (SELECT DISTINCT project_id, trace_id FROM changed_rows) s) h
   WHERE h.hour IS NOT NULL;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION driftline_mark_updated_score_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_hours (project_id, hour)
  SELECT DISTINCT h.project_id, h.hour
    FROM (SELECT s.project_id,
                 (SELECT date_trunc('hour', k.started_at, 'UTC') FROM trace_keys k
                   WHERE k.project_id = s.project_id AND k.id = s.trace_id) AS hour
            FROM (SELECT DISTINCT project_id, trace_id FROM new_rows) s) h
   WHERE h.hour IS NOT NULL;
  RETURN NULL;
END $$;
