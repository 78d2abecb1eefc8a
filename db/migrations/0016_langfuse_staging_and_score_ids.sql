CREATE TABLE "langfuse_generations" (
	"project_id" uuid NOT NULL,
	"id" text NOT NULL,
	"trace_id" text NOT NULL,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"field_times" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"scores" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"written_trace_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "langfuse_generations_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "langfuse_traces" (
	"project_id" uuid NOT NULL,
	"id" text NOT NULL,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"field_times" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"scores" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "langfuse_traces_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
ALTER TABLE "scores" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "scores" ADD COLUMN "comment" text;--> statement-breakpoint
ALTER TABLE "langfuse_generations" ADD CONSTRAINT "langfuse_generations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "langfuse_traces" ADD CONSTRAINT "langfuse_traces_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "langfuse_generations_trace_idx" ON "langfuse_generations" USING btree ("project_id","trace_id");--> statement-breakpoint
CREATE INDEX "langfuse_generations_open_idx" ON "langfuse_generations" USING btree ("updated_at") WHERE written_trace_id is null;--> statement-breakpoint
CREATE INDEX "langfuse_traces_updated_idx" ON "langfuse_traces" USING btree ("updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "scores_project_trace_external_key" ON "scores" USING btree ("project_id","trace_id","external_id");