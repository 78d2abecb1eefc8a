CREATE TABLE "hourly_active_users" (
	"project_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"user_id" text NOT NULL,
	CONSTRAINT "hourly_active_users_project_id_hour_user_id_pk" PRIMARY KEY("project_id","hour","user_id")
);
--> statement-breakpoint
ALTER TABLE "hourly_active_users" ADD CONSTRAINT "hourly_active_users_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Hours rolled up before this table existed: roll them up again so it is filled.
INSERT INTO rollup_dirty_hours (project_id, hour)
SELECT DISTINCT project_id, date_trunc('hour', started_at, 'UTC') FROM traces;
