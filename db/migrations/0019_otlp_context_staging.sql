CREATE TABLE "otlp_retrievals" (
	"project_id" uuid NOT NULL,
	"otel_trace_id" text NOT NULL,
	"span_id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"documents" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "otlp_retrievals_project_id_otel_trace_id_span_id_pk" PRIMARY KEY("project_id","otel_trace_id","span_id")
);
--> statement-breakpoint
ALTER TABLE "otlp_retrievals" ADD CONSTRAINT "otlp_retrievals_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "otlp_retrievals_received_idx" ON "otlp_retrievals" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "traces_project_otel_trace_idx" ON "traces" USING btree ("project_id",("metadata"->'otel'->>'traceId')) WHERE (metadata->'otel'->>'traceId') is not null;