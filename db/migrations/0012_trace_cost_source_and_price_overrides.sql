CREATE TYPE "public"."cost_source" AS ENUM('client', 'price_table', 'override');--> statement-breakpoint
CREATE TABLE "price_overrides" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"provider" text DEFAULT '' NOT NULL,
	"model" text NOT NULL,
	"input_per_million" double precision NOT NULL,
	"output_per_million" double precision NOT NULL,
	"cached_input_per_million" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_overrides_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "price_repricings" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"model" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cursor_started_at" timestamp with time zone,
	"cursor_id" uuid,
	"scanned" integer DEFAULT 0 NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "price_repricings_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "cached_input_tokens" integer;--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "reasoning_tokens" integer;--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "cost_source" "cost_source";--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "price_table_version" text;--> statement-breakpoint
ALTER TABLE "price_overrides" ADD CONSTRAINT "price_overrides_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_repricings" ADD CONSTRAINT "price_repricings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "price_overrides_project_model_key" ON "price_overrides" USING btree ("project_id","provider","model");--> statement-breakpoint
CREATE UNIQUE INDEX "price_repricings_open_key" ON "price_repricings" USING btree ("project_id","model") WHERE finished_at is null;--> statement-breakpoint
CREATE INDEX "price_repricings_due_idx" ON "price_repricings" USING btree ("requested_at") WHERE finished_at is null;--> statement-breakpoint
CREATE INDEX "traces_unpriced_idx" ON "traces" USING btree ("project_id","started_at") WHERE cost_usd is null and input_tokens is not null and output_tokens is not null;