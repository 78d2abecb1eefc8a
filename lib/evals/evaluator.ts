/**
 * What an evaluator is, apart from where it is stored: its kind's settings
 * (validated, with documented defaults), the metrics they prepare, and what
 * running them needs (a reference, the embedding model). The evaluation job
 * (lib/jobs/evaluate.ts) and the services use these; docs/evaluations.md
 * documents every default.
 */
import { z } from "zod";
import { JudgeSettingsSchema, judgeTemplateOf, REFERENCE_TEMPLATES, type JudgeSettings } from "./judge/settings";
import type { JudgeTemplate } from "./judge/templates";
import { METRICS, type MetricKind, type MetricName, type PreparedMetric } from "./metrics";

export const EVALUATOR_KINDS = ["ngram", "semantic", "heuristic", "llm_judge"] as const;
export type EvaluatorKind = (typeof EVALUATOR_KINDS)[number];

/** A golden item matches a trace whose prompt's embedding has at least this cosine to the item's input. */
export const DEFAULT_MATCH_THRESHOLD = 0.9;

const metricsOf = (kind: MetricKind) => (Object.keys(METRICS) as MetricName[]).filter((name) => METRICS[name].kind === kind);

export const KIND_METRICS: Readonly<Record<EvaluatorKind, readonly MetricName[]>> = {
  ngram: metricsOf("ngram"),
  semantic: metricsOf("semantic"),
  heuristic: metricsOf("heuristic"),
  llm_judge: [],
};

export const DEFAULT_METRICS: Readonly<Record<EvaluatorKind, readonly MetricName[]>> = {
  ngram: ["bleu", "chrf", "rouge1", "rouge2", "rougeL"],
  semantic: ["semscore", "relevance"],
  heuristic: ["empty", "truncated", "refusal", "language_mismatch", "pii", "length_words"],
  llm_judge: [],
};

const matchThreshold = z
  .number()
  .min(0.5, "must be at least 0.5")
  .max(1, "must be at most 1")
  .default(DEFAULT_MATCH_THRESHOLD)
  .describe("cosine between a trace's prompt and a golden item's input needed to match");

function settingsSchema(kind: Exclude<EvaluatorKind, "llm_judge">) {
  const names = KIND_METRICS[kind] as [MetricName, ...MetricName[]];
  return z
    .strictObject({
      metrics: z
        .array(z.enum(names, { message: `must be one of ${names.join(", ")}` }))
        .min(1, "needs at least one metric")
        .refine((list) => new Set(list).size === list.length, "lists a metric twice")
        .default([...DEFAULT_METRICS[kind]]),
      /** Per-metric settings (see each metric's schema), e.g. `{ "rougeL": { "stemmer": true } }`. */
      metricSettings: z.record(z.string(), z.unknown()).default({}),
      matchThreshold,
    })
    .superRefine((settings, ctx) => {
      for (const [name, value] of Object.entries(settings.metricSettings)) {
        if (!settings.metrics.includes(name as MetricName)) {
          ctx.addIssue({ code: "custom", path: ["metricSettings", name], message: "is not one of this evaluator's metrics" });
          continue;
        }
        const parsed = METRICS[name as MetricName].settingsSchema.safeParse(value ?? {});
        if (!parsed.success) {
          for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: ["metricSettings", name, ...issue.path.map(String)], message: issue.message });
        }
      }
      for (const name of settings.metrics) {
        if (settings.metricSettings[name] !== undefined) continue;
        const parsed = METRICS[name].settingsSchema.safeParse({});
        if (!parsed.success) ctx.addIssue({ code: "custom", path: ["metricSettings", name], message: `${name} needs settings: ${parsed.error.issues[0]?.message ?? "see its schema"}` });
      }
    });
}

export type MetricEvaluatorSettings = { metrics: MetricName[]; metricSettings: Record<string, unknown>; matchThreshold: number };
export type { JudgeSettings };
export type EvaluatorSettings = MetricEvaluatorSettings | JudgeSettings;

/** Problems with each field's path under `settings`, or the settings with their defaults. */
export function parseEvaluatorSettings(
  kind: EvaluatorKind,
  settings: unknown,
): { ok: true; settings: EvaluatorSettings } | { ok: false; issues: Array<{ path: string; message: string }> } {
  const parsed = (kind === "llm_judge" ? JudgeSettingsSchema : settingsSchema(kind)).safeParse(settings ?? {});
  if (parsed.success) return { ok: true, settings: parsed.data as EvaluatorSettings };
  return { ok: false, issues: parsed.error.issues.map((i) => ({ path: ["settings", ...i.path.map(String)].join("."), message: i.message })) };
}

/** An evaluator's metrics, compiled once per version. */
export type PreparedEvaluator = {
  kind: EvaluatorKind;
  settings: { matchThreshold: number };
  metrics: PreparedMetric[];
  /** An llm_judge evaluator's settings and template (no metrics then). */
  judge: { settings: JudgeSettings; template: JudgeTemplate } | null;
  /** Some metric compares with a reference answer (golden item or the trace's expectedOutput). */
  needsReference: boolean;
  /** Some metric embeds (semantic kinds) — the job waits until the trace's texts are embedded. */
  needsEmbedder: boolean;
};

export function prepareEvaluator(kind: EvaluatorKind, rawSettings: unknown): PreparedEvaluator {
  const parsed = parseEvaluatorSettings(kind, rawSettings);
  if (!parsed.ok) throw new Error(`invalid evaluator settings: ${parsed.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`);
  if (kind === "llm_judge") {
    const settings = parsed.settings as JudgeSettings;
    return { kind, settings, metrics: [], judge: { settings, template: judgeTemplateOf(settings) }, needsReference: REFERENCE_TEMPLATES.has(settings.template), needsEmbedder: false };
  }
  const settings = parsed.settings as MetricEvaluatorSettings;
  const metrics = settings.metrics.map((name) => METRICS[name].prepare(settings.metricSettings[name] ?? {}));
  return {
    kind,
    settings,
    metrics,
    judge: null,
    needsReference: settings.metrics.some((name) => METRICS[name].needs.reference),
    needsEmbedder: settings.metrics.some((name) => METRICS[name].needs.embedder),
  };
}

/** The score an evaluator's metric writes on a trace: `<evaluator>.<metric>` (an llm_judge's: `<evaluator>.<template>`). */
export const scoreName = (evaluatorName: string, metric: string): string => `${evaluatorName}.${metric}`;

/**
 * Whether a trace falls in an evaluator's sample: a stable hash of the
 * client's trace id and the evaluator's id on [0, 1) below the rate — the
 * same trace always gets the same answer, in the ingest statement (SQL) and
 * in a backfill. Mirrors `sampleSql`.
 */
export const SAMPLE_SQL = (externalId: string, evaluatorId: string) =>
  `(('x' || left(md5(${externalId} || ':' || ${evaluatorId}::text), 8))::bit(32)::bigint / 4294967296.0)`;
