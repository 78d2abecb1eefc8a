-- Ingest queued each trace for every enabled evaluator in its own statement: three evaluators added 300
-- eval_backlog rows to a 100-trace batch (+25 to +44 % ingest p99). Ingest now only flags the trace's key
-- (one entry in this partial index) and the evaluation job expands flagged keys into eval_backlog rows.
ALTER TABLE "trace_keys" ADD COLUMN "eval_pending" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "trace_keys_eval_pending_idx" ON "trace_keys" USING btree ("project_id","started_at") WHERE eval_pending;