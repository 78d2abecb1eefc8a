CREATE TABLE "model_versions_seen" (
	"project_id" uuid NOT NULL,
	"provider" text DEFAULT '' NOT NULL,
	"model" text DEFAULT '' NOT NULL,
	"model_version" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"checked_at" timestamp with time zone,
	"settled" boolean DEFAULT false NOT NULL,
	CONSTRAINT "model_versions_seen_project_id_provider_model_model_version_pk" PRIMARY KEY("project_id","provider","model","model_version")
);
--> statement-breakpoint
ALTER TABLE "model_versions_seen" ADD CONSTRAINT "model_versions_seen_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "model_versions_seen_due_idx" ON "model_versions_seen" USING btree ("checked_at") WHERE settled = false;