-- Versions named by traces stored before this table existed are known already: record them as settled, so
-- the first new trace of an old version does not look like a version never seen.
INSERT INTO "model_versions_seen" ("project_id", "provider", "model", "model_version", "first_seen_at", "checked_at", "settled")
SELECT "project_id", coalesce("provider", ''), coalesce("model", ''), "model_version", min("started_at"), now(), true
  FROM "traces"
 WHERE "model_version" IS NOT NULL
 GROUP BY 1, 2, 3, 4
ON CONFLICT DO NOTHING;
