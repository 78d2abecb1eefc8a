-- project_id first in the primary key, like every project-owned table; id keeps the claim order.
ALTER TABLE "rollup_dirty_hours" DROP CONSTRAINT "rollup_dirty_hours_pkey";--> statement-breakpoint
ALTER TABLE "rollup_dirty_hours" ADD CONSTRAINT "rollup_dirty_hours_project_id_id_pk" PRIMARY KEY("project_id","id");--> statement-breakpoint
CREATE INDEX "rollup_dirty_hours_id_idx" ON "rollup_dirty_hours" USING btree ("id");
