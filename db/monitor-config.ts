import { z } from "zod";
import type { MonitorKind } from "@/db/schema";

/**
 * Settings of each monitor kind with their defaults (documented in
 * docs/monitors.md). A monitor stores only what its creator set; the
 * defaults are applied when it runs, so improving a default reaches
 * existing monitors.
 */
const common = {
  /** Fewer rows than this on either side → verdict `insufficient_data`. */
  minSamples: z.number().int().min(2).max(100_000).default(30),
  /** Seeded subsample cap per side (docs/monitors.md, "Subsampling"). */
  maxRows: z.number().int().min(10).max(100_000).default(2000),
  /** Significance level of the verdict's test(s). */
  alpha: z.number().gt(0).lt(0.5).default(0.01),
  /** Clean windows in a row that resolve a firing alert. */
  resolveAfter: z.number().int().min(1).max(100).default(1),
  /** Drift within this many seconds after a resolve re-opens the same alert without notifying again. */
  cooldownSeconds: z.number().int().min(0).max(30 * 86_400).default(3600),
  /** Seed of subsampling, splits, k-means and permutations; default derived from the monitor id. */
  seed: z.number().int().min(0).max(2_147_483_647).optional(),
};

export const ThresholdSchemas = {
  embedding_drift: z.strictObject({
    ...common,
    /** Which texts: prompts, responses, or both (drift in either; each tested at alpha/2). */
    text: z.enum(["prompt", "response", "both"]).default("prompt"),
    /** Floor of the kernel two-sample classifier's held-out AUC (effect size; the linear classifier's AUC is reported beside it). */
    auc: z.number().min(0.5).max(1).default(0.55),
    permutations: z.number().int().min(50).max(5000).default(200),
    /** Points per window in the stored 2-D projection sample. */
    projectionSample: z.number().int().min(0).max(2000).default(300),
  }),
  topic_drift: z.strictObject({
    ...common,
    /** Number of topics; default round(√(n/2)) clamped to [1, 8]. */
    topics: z.number().int().min(1).max(30).optional(),
    /** PSI floor of the topic mix (effect size). */
    psi: z.number().min(0).default(0.1),
    /** Share of current prompts beyond the reference's 95th-percentile distance that counts as material (expected: 5%). */
    emergingShare: z.number().gt(0.05).lt(1).default(0.1),
    /** Smallest emerging group reported. */
    emergingMinSize: z.number().int().min(1).default(5),
  }),
  concept_drift: z.strictObject({
    ...common,
    topics: z.number().int().min(1).max(30).optional(),
    /** Per-topic comparisons need this many traces on both sides. */
    minTopicSamples: z.number().int().min(5).default(20),
    correction: z.enum(["bh", "holm"]).default("bh"),
    /** Material change of a rate (refusal, error), absolute. */
    rateDelta: z.number().min(0).max(1).default(0.05),
    /** Material change of a score mean, in reference standard deviations. */
    scoreEffect: z.number().min(0).default(0.2),
    /** Scores compared (default: every score name seen in the reference). */
    scores: z.array(z.string().min(1)).max(20).optional(),
    /** Cosine similarity above which two prompts count as the same question (answer drift). */
    similarity: z.number().min(0.5).max(1).default(0.9),
    /** Prompts sampled per side for answer drift (each one pgvector query). */
    answerPairs: z.number().int().min(0).max(1000).default(100),
  }),
  version_regression: z.strictObject({
    ...common,
    minSamples: z.number().int().min(2).max(100_000).default(50),
    /** Relative change of latency, output length or cost that is material. */
    relativeDelta: z.number().min(0).default(0.1),
    rateDelta: z.number().min(0).max(1).default(0.02),
    scoreEffect: z.number().min(0).default(0.2),
    similarity: z.number().min(0.5).max(1).default(0.9),
    answerPairs: z.number().int().min(0).max(1000).default(100),
  }),
  metric: z.strictObject({
    ...common,
    metric: z.enum(["latency_ms", "cost_usd", "output_tokens", "error_rate", "refusal_rate", "score"]).default("latency_ms"),
    /** Score name when metric = "score". */
    score: z.string().min(1).optional(),
    detector: z.enum(["threshold", "page_hinkley", "adwin"]).default("page_hinkley"),
    /** threshold detector: the window's aggregate must stay within [min, max]. */
    aggregate: z.enum(["mean", "p50", "p95"]).default("mean"),
    min: z.number().optional(),
    max: z.number().optional(),
    /** Page–Hinkley on the reference-standardised stream: δ and λ (default λ = 3·√n, n = values read). */
    delta: z.number().min(0).default(0.005),
    lambda: z.number().positive().optional(),
    /** ADWIN confidence δ. */
    adwinDelta: z.number().gt(0).lt(1).default(0.002),
    maxRows: z.number().int().min(10).max(200_000).default(20_000),
  }),
} as const;

export type ThresholdsOf<K extends MonitorKind> = z.output<(typeof ThresholdSchemas)[K]>;
export type AnyThresholds = { [K in MonitorKind]: ThresholdsOf<K> }[MonitorKind];

/** The stored settings with every default filled in (throws a ZodError when they do not fit the kind). */
export function resolveThresholds<K extends MonitorKind>(kind: K, stored: unknown): ThresholdsOf<K> {
  return (ThresholdSchemas[kind] as unknown as z.ZodType<ThresholdsOf<K>>).parse(stored ?? {});
}

export const SegmentSchema = z.strictObject({
  model: z.string().min(1).max(256).optional(),
  route: z.string().min(1).max(256).optional(),
  provider: z.string().min(1).max(256).optional(),
  tags: z.array(z.string().min(1).max(256)).max(20).optional(),
});

const isoDate = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z" });

export const ReferenceSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("preceding") }),
  z
    .strictObject({ type: z.literal("fixed"), from: isoDate, to: isoDate })
    .refine((r) => new Date(r.from) < new Date(r.to), { message: "must be before `to`", path: ["from"] }),
]);
