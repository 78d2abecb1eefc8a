ALTER TYPE "public"."evaluator_kind" ADD VALUE 'llm_judge';--> statement-breakpoint
ALTER TABLE "eval_backlog" ADD COLUMN "last_answer" text;--> statement-breakpoint
ALTER TABLE "evaluators" ADD COLUMN "paused_until" timestamp with time zone;