-- Traces partitioned by month of started_at (UTC), on PostgreSQL and PGlite alike, with a default
-- partition so that no insert ever fails. Converts a populated database (copy into a new partitioned
-- table, swap) as well as an empty one. Written by hand: drizzle-kit cannot say PARTITION BY; the
-- end state is the one db/schema describes (the snapshot), plus the partitions.
--
-- A partitioned table's unique keys must include the partition column, so the client's id is kept
-- unique across partitions in trace_keys (project_id, external_id -> id, started_at); ingest inserts
-- the key first and the trace only when the key was new. Scores, embeddings and both backlogs
-- reference trace_keys instead of traces.
CREATE TABLE "trace_keys" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"external_id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	CONSTRAINT "trace_keys_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
INSERT INTO "trace_keys" ("project_id", "id", "external_id", "started_at")
SELECT "project_id", "id", "external_id", "started_at" FROM "traces";
--> statement-breakpoint
ALTER TABLE "trace_keys" ADD CONSTRAINT "trace_keys_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "trace_keys_project_external_key" ON "trace_keys" USING btree ("project_id","external_id");--> statement-breakpoint
CREATE INDEX "trace_keys_project_started_idx" ON "trace_keys" USING btree ("project_id","started_at");--> statement-breakpoint
ALTER TABLE "embedding_backlog" DROP CONSTRAINT "embedding_backlog_project_id_trace_id_traces_project_id_id_fk";--> statement-breakpoint
ALTER TABLE "embeddings" DROP CONSTRAINT "embeddings_project_id_trace_id_traces_project_id_id_fk";--> statement-breakpoint
ALTER TABLE "eval_backlog" DROP CONSTRAINT "eval_backlog_project_id_trace_id_traces_project_id_id_fk";--> statement-breakpoint
ALTER TABLE "scores" DROP CONSTRAINT "scores_project_id_trace_id_traces_project_id_id_fk";--> statement-breakpoint
ALTER TABLE "embedding_backlog" ADD CONSTRAINT "embedding_backlog_project_id_trace_id_trace_keys_project_id_id_fk" FOREIGN KEY ("project_id","trace_id") REFERENCES "public"."trace_keys"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "embeddings" ADD CONSTRAINT "embeddings_project_id_trace_id_trace_keys_project_id_id_fk" FOREIGN KEY ("project_id","trace_id") REFERENCES "public"."trace_keys"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "eval_backlog" ADD CONSTRAINT "eval_backlog_project_id_trace_id_trace_keys_project_id_id_fk" FOREIGN KEY ("project_id","trace_id") REFERENCES "public"."trace_keys"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_project_id_trace_id_trace_keys_project_id_id_fk" FOREIGN KEY ("project_id","trace_id") REFERENCES "public"."trace_keys"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The partitioned table: same columns, order and defaults as the old one.
CREATE TABLE "traces_partitioned" (LIKE "traces" INCLUDING DEFAULTS) PARTITION BY RANGE ("started_at");
--> statement-breakpoint
CREATE TABLE "traces_default" PARTITION OF "traces_partitioned" DEFAULT;
--> statement-breakpoint
-- One partition per month that holds traces (at most three years back) up to two months ahead;
-- anything older stays in the default partition.
DO $$
DECLARE
  first_month timestamptz;
  m timestamptz;
  last_month timestamptz := date_trunc('month', now(), 'UTC') + interval '2 months';
BEGIN
  SELECT date_trunc('month', min("started_at"), 'UTC') INTO first_month FROM "traces";
  -- An empty table starts at this month (greatest() would skip the null).
  first_month := greatest(coalesce(first_month, date_trunc('month', now(), 'UTC')), date_trunc('month', now(), 'UTC') - interval '36 months');
  m := least(first_month, date_trunc('month', now(), 'UTC'));
  WHILE m <= last_month LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF "traces_partitioned" FOR VALUES FROM (%L) TO (%L)',
      'traces_' || to_char(m AT TIME ZONE 'UTC', 'YYYY_MM'), m, ((m AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC');
    m := ((m AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
  END LOOP;
END $$;
--> statement-breakpoint
INSERT INTO "traces_partitioned" SELECT * FROM "traces";
--> statement-breakpoint
DROP TABLE "traces";
--> statement-breakpoint
ALTER TABLE "traces_partitioned" RENAME TO "traces";
--> statement-breakpoint
ALTER TABLE "traces" ADD CONSTRAINT "traces_project_id_id_started_at_pk" PRIMARY KEY("project_id","id","started_at");--> statement-breakpoint
ALTER TABLE "traces" ADD CONSTRAINT "traces_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "traces_project_external_idx" ON "traces" USING btree ("project_id","external_id");--> statement-breakpoint
CREATE INDEX "traces_project_started_idx" ON "traces" USING btree ("project_id","started_at");--> statement-breakpoint
CREATE INDEX "traces_project_model_started_idx" ON "traces" USING btree ("project_id","model","started_at");--> statement-breakpoint
CREATE INDEX "traces_tags_idx" ON "traces" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "traces_unpriced_idx" ON "traces" USING btree ("project_id","started_at") WHERE cost_usd is null and input_tokens is not null and output_tokens is not null;--> statement-breakpoint
CREATE INDEX "traces_project_otel_trace_idx" ON "traces" USING btree ("project_id",("metadata"->'otel'->>'traceId')) WHERE (metadata->'otel'->>'traceId') is not null;--> statement-breakpoint
-- The rollup triggers (0006) went with the old table.
CREATE TRIGGER traces_rollup_insert AFTER INSERT ON traces REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION driftline_mark_trace_hours();
--> statement-breakpoint
CREATE TRIGGER traces_rollup_delete AFTER DELETE ON traces REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION driftline_mark_trace_hours();
--> statement-breakpoint
CREATE TRIGGER traces_rollup_update AFTER UPDATE ON traces REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION driftline_mark_updated_trace_hours();
--> statement-breakpoint
-- A score's hour comes from its trace's key: one index probe instead of one per partition.
CREATE OR REPLACE FUNCTION driftline_mark_score_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty_hours (project_id, hour)
  SELECT DISTINCT h.project_id, h.hour
    FROM (SELECT s.project_id,
                 (SELECT date_trunc('hour', k.started_at, 'UTC') FROM trace_keys k
                   WHERE k.project_id = s.project_id AND k.id = s.trace_id) AS hour
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
                 (SELECT date_trunc('hour', k.started_at, 'UTC') FROM trace_keys k
                   WHERE k.project_id = s.project_id AND k.id = s.trace_id) AS hour
            FROM new_rows s) h
   WHERE h.hour IS NOT NULL;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Creates the month partition holding `at` unless it exists (lib/jobs/partitions.ts calls it for the
-- coming months). Traces of that month already in the default partition move into it first, so the
-- attach never fails. A transaction-level advisory lock serializes workers (safe behind PgBouncer).
CREATE OR REPLACE FUNCTION driftline_ensure_trace_partition(at timestamptz) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  lo timestamptz := date_trunc('month', at, 'UTC');
  hi timestamptz := ((date_trunc('month', at, 'UTC') AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
  part text := 'traces_' || to_char(date_trunc('month', at, 'UTC') AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
  PERFORM pg_advisory_xact_lock(7203114002);
  IF to_regclass(format('%I', part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE traces INCLUDING DEFAULTS)', part);
  EXECUTE format('INSERT INTO %I SELECT * FROM traces_default WHERE started_at >= %L AND started_at < %L', part, lo, hi);
  EXECUTE format('DELETE FROM traces_default WHERE started_at >= %L AND started_at < %L', lo, hi);
  EXECUTE format('ALTER TABLE traces ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  RETURN true;
END $$;
