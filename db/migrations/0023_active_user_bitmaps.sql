-- Active users as bitmaps (issue 17): the distinct-user count of a 30-day period read users × 30 rows of
-- daily_active_users plus up to 23 hours × users at each edge from hourly_active_users; it now reads one row
-- per user and 64-day block (active_user_days) and one per user and edge day (active_user_hours).
CREATE TABLE "active_user_days" (
	"project_id" uuid NOT NULL,
	"block" integer NOT NULL,
	"user_id" text NOT NULL,
	"days" bigint NOT NULL,
	CONSTRAINT "active_user_days_project_id_block_user_id_pk" PRIMARY KEY("project_id","block","user_id")
);
--> statement-breakpoint
CREATE TABLE "active_user_hours" (
	"project_id" uuid NOT NULL,
	"day" date NOT NULL,
	"user_id" text NOT NULL,
	"hours" integer NOT NULL,
	CONSTRAINT "active_user_hours_project_id_day_user_id_pk" PRIMARY KEY("project_id","day","user_id")
);
--> statement-breakpoint
ALTER TABLE "active_user_days" ADD CONSTRAINT "active_user_days_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "active_user_hours" ADD CONSTRAINT "active_user_hours_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Backfill from the tables they replace: the hours each user was seen in, per UTC day; the days, per block
-- of 64 days since 1970-01-01 (floor division, so a day before 1970 lands in a negative block).
INSERT INTO "active_user_hours" ("project_id", "day", "user_id", "hours")
SELECT project_id, (hour AT TIME ZONE 'UTC')::date, user_id,
       bit_or(1 << extract(hour FROM hour AT TIME ZONE 'UTC')::int)
  FROM hourly_active_users
 GROUP BY 1, 2, 3;
--> statement-breakpoint
INSERT INTO "active_user_days" ("project_id", "block", "user_id", "days")
SELECT project_id, floor((day - date '1970-01-01') / 64.0)::int, user_id,
       bit_or(1::bigint << (((day - date '1970-01-01') % 64 + 64) % 64))
  FROM daily_active_users
 GROUP BY 1, 2, 3;
--> statement-breakpoint
DROP TABLE "daily_active_users" CASCADE;--> statement-breakpoint
DROP TABLE "hourly_active_users" CASCADE;
