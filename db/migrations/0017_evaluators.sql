CREATE TYPE "public"."evaluator_kind" AS ENUM('ngram', 'semantic', 'heuristic');--> statement-breakpoint
CREATE TYPE "public"."evaluator_status" AS ENUM('enabled', 'paused');--> statement-breakpoint
CREATE TABLE "dataset_items" (
	"project_id" uuid NOT NULL,
	"dataset_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"input" text NOT NULL,
	"expected_output" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"embedding" vector,
	"embedding_model_id" integer,
	"version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dataset_items_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "datasets" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "datasets_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "eval_backlog" (
	"project_id" uuid NOT NULL,
	"trace_id" uuid NOT NULL,
	"evaluator_id" uuid NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"failed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "eval_backlog_project_id_trace_id_evaluator_id_pk" PRIMARY KEY("project_id","trace_id","evaluator_id")
);
--> statement-breakpoint
CREATE TABLE "evaluator_versions" (
	"project_id" uuid NOT NULL,
	"evaluator_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"kind" "evaluator_kind" NOT NULL,
	"settings" jsonb NOT NULL,
	"dataset_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluator_versions_project_id_evaluator_id_version_pk" PRIMARY KEY("project_id","evaluator_id","version")
);
--> statement-breakpoint
CREATE TABLE "evaluators" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" "evaluator_kind" NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"segment" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"sample_rate" double precision DEFAULT 1 NOT NULL,
	"dataset_id" uuid,
	"threshold" double precision,
	"status" "evaluator_status" DEFAULT 'enabled' NOT NULL,
	"paused_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluators_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
ALTER TABLE "scores" ADD COLUMN "evaluator_id" uuid;--> statement-breakpoint
ALTER TABLE "scores" ADD COLUMN "evaluator_version" integer;--> statement-breakpoint
ALTER TABLE "scores" ADD COLUMN "dataset_item_id" uuid;--> statement-breakpoint
ALTER TABLE "scores" ADD COLUMN "match_similarity" double precision;--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "expected_output" text;--> statement-breakpoint
ALTER TABLE "dataset_items" ADD CONSTRAINT "dataset_items_embedding_model_id_embedding_models_id_fk" FOREIGN KEY ("embedding_model_id") REFERENCES "public"."embedding_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_items" ADD CONSTRAINT "dataset_items_project_id_dataset_id_datasets_project_id_id_fk" FOREIGN KEY ("project_id","dataset_id") REFERENCES "public"."datasets"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "eval_backlog" ADD CONSTRAINT "eval_backlog_project_id_trace_id_traces_project_id_id_fk" FOREIGN KEY ("project_id","trace_id") REFERENCES "public"."traces"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "eval_backlog" ADD CONSTRAINT "eval_backlog_project_id_evaluator_id_evaluators_project_id_id_fk" FOREIGN KEY ("project_id","evaluator_id") REFERENCES "public"."evaluators"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluator_versions" ADD CONSTRAINT "evaluator_versions_project_id_evaluator_id_evaluators_project_id_id_fk" FOREIGN KEY ("project_id","evaluator_id") REFERENCES "public"."evaluators"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluators" ADD CONSTRAINT "evaluators_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dataset_items_dataset_idx" ON "dataset_items" USING btree ("project_id","dataset_id");--> statement-breakpoint
CREATE UNIQUE INDEX "datasets_project_name_key" ON "datasets" USING btree ("project_id","name");--> statement-breakpoint
CREATE INDEX "eval_backlog_due_idx" ON "eval_backlog" USING btree ("next_attempt_at") WHERE failed_at is null;--> statement-breakpoint
CREATE INDEX "eval_backlog_evaluator_idx" ON "eval_backlog" USING btree ("project_id","evaluator_id");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluators_project_name_key" ON "evaluators" USING btree ("project_id","name");--> statement-breakpoint
CREATE INDEX "scores_project_evaluator_idx" ON "scores" USING btree ("project_id","evaluator_id","created_at") WHERE evaluator_id is not null;--> statement-breakpoint
CREATE INDEX "scores_project_item_idx" ON "scores" USING btree ("project_id","dataset_item_id") WHERE dataset_item_id is not null;