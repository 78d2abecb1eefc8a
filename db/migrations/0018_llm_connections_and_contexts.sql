CREATE TABLE "judge_cache" (
	"project_id" uuid NOT NULL,
	"key" text NOT NULL,
	"template_id" text NOT NULL,
	"template_version" integer NOT NULL,
	"model" text NOT NULL,
	"score" double precision NOT NULL,
	"reasoning" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"prompt_tokens" integer,
	"completion_tokens" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "judge_cache_project_id_key_pk" PRIMARY KEY("project_id","key")
);
--> statement-breakpoint
CREATE TABLE "judge_usage" (
	"project_id" uuid NOT NULL,
	"evaluator_id" text NOT NULL,
	"day" date NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"prompt_tokens" bigint DEFAULT 0 NOT NULL,
	"completion_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"unpriced_calls" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "judge_usage_project_id_evaluator_id_day_pk" PRIMARY KEY("project_id","evaluator_id","day")
);
--> statement-breakpoint
CREATE TABLE "llm_connections" (
	"project_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"base_url" text NOT NULL,
	"model" text NOT NULL,
	"api_key_sealed" text,
	"api_key_last4" text,
	"headers_sealed" text,
	"header_names" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"input_per_million" double precision,
	"output_per_million" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llm_connections_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "contexts" jsonb;--> statement-breakpoint
ALTER TABLE "judge_cache" ADD CONSTRAINT "judge_cache_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judge_usage" ADD CONSTRAINT "judge_usage_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_connections" ADD CONSTRAINT "llm_connections_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "llm_connections_project_name_key" ON "llm_connections" USING btree ("project_id","name");