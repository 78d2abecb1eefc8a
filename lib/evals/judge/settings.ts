import { z } from "zod";
import { customTemplate, TEMPLATES, type CustomRubric, type JudgeTemplate, type TemplateId } from "./templates";

/**
 * The settings of an `llm_judge` evaluator: which connection, which template
 * (a custom one carries its rubric and its score mapping), and the limits a
 * team needs on a paid endpoint. Every default is documented in
 * docs/evaluations.md.
 */

export const JUDGE_TEMPLATE_IDS = [
  "correctness",
  "relevance",
  "faithfulness",
  "context_precision",
  "context_recall",
  "safety",
  "prompt_injection",
  "custom",
] as const satisfies readonly TemplateId[];

/** Calls a judge evaluator may make per UTC day unless its settings say otherwise (null: no cap). */
export const DEFAULT_DAILY_CALL_CAP = 1000;
export const DEFAULT_JUDGE_CONCURRENCY_SETTING = 4;
export const DEFAULT_JUDGE_TIMEOUT_MS = 60_000;

/** Templates that read a reference answer (golden set or the trace's expectedOutput); context precision uses one when there is one. */
export const REFERENCE_TEMPLATES: ReadonlySet<TemplateId> = new Set(["correctness", "context_recall", "context_precision"]);

export const JudgeSettingsSchema = z
  .strictObject({
    connectionId: z.uuid({ message: "is not an LLM connection id" }),
    template: z.enum(JUDGE_TEMPLATE_IDS, { message: `must be one of ${JUDGE_TEMPLATE_IDS.join(", ")}` }),
    /** custom: the instructions the judge grades by. */
    rubric: z.string().trim().min(1, "must not be empty").max(8000, "must be at most 8000 characters").optional(),
    /** custom: the answers the judge may choose, each with its score in [0, 1]. */
    choices: z
      .record(
        z.string().trim().min(1, "must not be empty").max(60, "must be at most 60 characters"),
        z.number("must be a number").min(0, "must be between 0 and 1").max(1, "must be between 0 and 1"),
      )
      .refine((c) => Object.keys(c).length >= 2 && Object.keys(c).length <= 20, "must hold between 2 and 20 choices")
      .optional(),
    /** custom: a whole-number scale; min maps to 0, max to 1. */
    scale: z
      .strictObject({ min: z.number().int("must be a whole number"), max: z.number().int("must be a whole number") })
      .refine((s) => s.max > s.min && s.max - s.min <= 100, "needs max above min, at most 100 steps apart")
      .optional(),
    dailyCallCap: z.number().int("must be a whole number").min(1, "must be at least 1").max(10_000_000, "must be at most 10000000").nullable().default(DEFAULT_DAILY_CALL_CAP),
    dailyCostCapUsd: z.number().positive("must be above 0").max(1_000_000, "must be at most 1000000").nullable().default(null),
    concurrency: z.number().int("must be a whole number").min(1, "must be at least 1").max(32, "must be at most 32").default(DEFAULT_JUDGE_CONCURRENCY_SETTING),
    timeoutMs: z.number().int("must be a whole number").min(1000, "must be at least 1000").max(300_000, "must be at most 300000").default(DEFAULT_JUDGE_TIMEOUT_MS),
    matchThreshold: z.number().min(0.5, "must be at least 0.5").max(1, "must be at most 1").default(0.9),
  })
  .superRefine((s, ctx) => {
    if (s.template === "custom") {
      if (!s.rubric) ctx.addIssue({ code: "custom", path: ["rubric"], message: "is required for the custom template" });
      if (!s.choices === !s.scale) ctx.addIssue({ code: "custom", path: ["choices"], message: "give either choices (with scores) or a scale, not both" });
    } else {
      for (const field of ["rubric", "choices", "scale"] as const) {
        if (s[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: "applies to the custom template only" });
      }
    }
  });

export type JudgeSettings = z.output<typeof JudgeSettingsSchema>;

/**
 * The template an evaluator's settings name. A custom template's rubric and
 * choices are part of the request, hence of every cache key: its version
 * stays 1.
 */
export function judgeTemplateOf(settings: JudgeSettings): JudgeTemplate {
  if (settings.template !== "custom") return TEMPLATES[settings.template];
  const rubric: CustomRubric = settings.choices
    ? { kind: "choices", rubric: settings.rubric!, choices: settings.choices }
    : { kind: "scale", rubric: settings.rubric!, min: settings.scale!.min, max: settings.scale!.max };
  return customTemplate(rubric, 1);
}
