CREATE TYPE "public"."alert_channel_kind" AS ENUM('webhook', 'slack');--> statement-breakpoint
CREATE TYPE "public"."monitor_verdict" AS ENUM('ok', 'drift', 'insufficient_data');--> statement-breakpoint
CREATE TYPE "public"."alert_state" AS ENUM('ok', 'firing', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."monitor_kind" AS ENUM('embedding_drift', 'topic_drift', 'concept_drift', 'version_regression', 'metric');--> statement-breakpoint
CREATE TYPE "public"."version_change_status" AS ENUM('pending', 'regression', 'improvement', 'no_significant_change');--> statement-breakpoint
CREATE TABLE "alert_channels" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" "alert_channel_kind" NOT NULL,
	"url" text NOT NULL,
	"secret" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_channels_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "alert_deliveries" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"alert_id" uuid NOT NULL,
	"channel_id" uuid NOT NULL,
	"event" text NOT NULL,
	"payload" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_deliveries_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"monitor_id" uuid NOT NULL,
	"state" "alert_state" NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"first_evidence" jsonb NOT NULL,
	"last_evidence" jsonb NOT NULL,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"clean_streak" integer DEFAULT 0 NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_fired_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "alerts_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "monitor_results" (
	"project_id" uuid NOT NULL,
	"monitor_id" uuid NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"reference_start" timestamp with time zone NOT NULL,
	"reference_end" timestamp with time zone NOT NULL,
	"sample_sizes" jsonb NOT NULL,
	"statistics" jsonb NOT NULL,
	"p_value" double precision,
	"score" double precision,
	"threshold" double precision,
	"verdict" "monitor_verdict" NOT NULL,
	"artefacts" jsonb NOT NULL,
	"duration_ms" integer NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitor_results_project_id_monitor_id_window_start_window_end_pk" PRIMARY KEY("project_id","monitor_id","window_start","window_end")
);
--> statement-breakpoint
CREATE TABLE "monitors" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" "monitor_kind" NOT NULL,
	"segment" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reference" jsonb NOT NULL,
	"window_seconds" integer NOT NULL,
	"schedule" text NOT NULL,
	"thresholds" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"channel_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"alert_state" "alert_state" DEFAULT 'ok' NOT NULL,
	"next_run_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"last_run_at" timestamp with time zone,
	"backfilled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitors_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "version_changes" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"provider" text DEFAULT '' NOT NULL,
	"model" text DEFAULT '' NOT NULL,
	"from_version" text NOT NULL,
	"to_version" text NOT NULL,
	"last_seen_old_at" timestamp with time zone NOT NULL,
	"first_seen_new_at" timestamp with time zone NOT NULL,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" "version_change_status" DEFAULT 'pending' NOT NULL,
	"before_count" integer DEFAULT 0 NOT NULL,
	"after_count" integer DEFAULT 0 NOT NULL,
	"comparison" jsonb,
	"compared_at" timestamp with time zone,
	CONSTRAINT "version_changes_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
ALTER TABLE "alert_channels" ADD CONSTRAINT "alert_channels_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_project_id_monitor_id_monitors_project_id_id_fk" FOREIGN KEY ("project_id","monitor_id") REFERENCES "public"."monitors"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitor_results" ADD CONSTRAINT "monitor_results_project_id_monitor_id_monitors_project_id_id_fk" FOREIGN KEY ("project_id","monitor_id") REFERENCES "public"."monitors"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitors" ADD CONSTRAINT "monitors_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "version_changes" ADD CONSTRAINT "version_changes_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_deliveries_due_idx" ON "alert_deliveries" USING btree ("next_attempt_at") WHERE delivered_at is null and failed_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_one_firing_key" ON "alerts" USING btree ("project_id","monitor_id") WHERE state = 'firing';--> statement-breakpoint
CREATE INDEX "alerts_project_opened_idx" ON "alerts" USING btree ("project_id","opened_at");--> statement-breakpoint
CREATE UNIQUE INDEX "monitor_results_id_key" ON "monitor_results" USING btree ("project_id","id");--> statement-breakpoint
CREATE INDEX "monitors_due_idx" ON "monitors" USING btree ("next_run_at") WHERE paused = false;--> statement-breakpoint
CREATE UNIQUE INDEX "version_changes_switch_key" ON "version_changes" USING btree ("project_id","provider","model","first_seen_new_at");--> statement-breakpoint
CREATE INDEX "version_changes_pending_idx" ON "version_changes" USING btree ("project_id","status");