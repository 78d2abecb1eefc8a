CREATE TABLE "embedding_backlog" (
	"project_id" uuid NOT NULL,
	"trace_id" uuid NOT NULL,
	"kind" "embedded_text" NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"failed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "embedding_backlog_project_id_trace_id_kind_pk" PRIMARY KEY("project_id","trace_id","kind")
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "redaction" text DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "embedding_backlog" ADD CONSTRAINT "embedding_backlog_project_id_trace_id_traces_project_id_id_fk" FOREIGN KEY ("project_id","trace_id") REFERENCES "public"."traces"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "embedding_backlog_due_idx" ON "embedding_backlog" USING btree ("next_attempt_at") WHERE failed_at is null;--> statement-breakpoint
CREATE INDEX "embedding_backlog_project_idx" ON "embedding_backlog" USING btree ("project_id","created_at");