CREATE TABLE "daily_active_users" (
	"project_id" uuid NOT NULL,
	"day" date NOT NULL,
	"user_id" text NOT NULL,
	CONSTRAINT "daily_active_users_project_id_day_user_id_pk" PRIMARY KEY("project_id","day","user_id")
);
--> statement-breakpoint
CREATE TABLE "hourly_score_rollups" (
	"project_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"provider" text DEFAULT '' NOT NULL,
	"model" text DEFAULT '' NOT NULL,
	"route" text DEFAULT '' NOT NULL,
	"name" text NOT NULL,
	"count" integer NOT NULL,
	"sum" double precision NOT NULL,
	CONSTRAINT "hourly_score_rollups_project_id_hour_provider_model_route_name_pk" PRIMARY KEY("project_id","hour","provider","model","route","name")
);
--> statement-breakpoint
CREATE TABLE "hourly_tag_rollups" (
	"project_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"tag" text NOT NULL,
	"requests" integer NOT NULL,
	"errors" integer NOT NULL,
	"refusals" integer NOT NULL,
	"cost_usd" double precision NOT NULL,
	"latency_ms_sum" double precision NOT NULL,
	"latency_count" integer NOT NULL,
	"latency_histogram" integer[] NOT NULL,
	CONSTRAINT "hourly_tag_rollups_project_id_hour_tag_pk" PRIMARY KEY("project_id","hour","tag")
);
--> statement-breakpoint
CREATE TABLE "rollup_dirty_hours" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "retention_days" integer;--> statement-breakpoint
ALTER TABLE "hourly_rollups" ADD COLUMN "latency_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "daily_active_users" ADD CONSTRAINT "daily_active_users_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hourly_score_rollups" ADD CONSTRAINT "hourly_score_rollups_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hourly_tag_rollups" ADD CONSTRAINT "hourly_tag_rollups_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;