/**
 * The one public entrance to Driftline's metrics: names, what each needs, its settings schema, and
 * `prepareMetric`, which validates settings once (compiles a regex or a JSON Schema) and returns the
 * function the evaluator job and `driftline eval` call per trace.
 *
 * N-gram and heuristic metrics are synchronous and pure; semantic metrics are asynchronous because
 * they embed through an `Embedder` (or reuse vectors the caller passes in `ctx.vectors`).
 * Exact definitions, defaults and reference sources: docs/evaluations.md.
 */
import { z } from "zod";
import { contextRelevance } from "../context-relevance";
import { answerRelevance, bertScore, semScore } from "../semantic";
import { sentenceBleu } from "./bleu";
import { sentenceChrf } from "./chrf";
import {
  detectLanguage,
  isEmptyResponse,
  isTruncated,
  countPii,
  countWords,
  countChars,
  matchesAny,
  compileSafeRegex,
  REGEX_MAX_PATTERN_LENGTH,
  REGEX_MAX_INPUT_LENGTH,
  REGEX_TIMEOUT_MS,
  regexProblem,
  jsonSchemaProblem,
  compileJsonSchema,
  parseJsonResponse,
} from "./heuristics";
import { rougeN, rougeL } from "./rouge";
import { isRefusal } from "../../ingest/refusal";
import { REDACTION_KINDS } from "../../ingest/redact";
import type { EvalInput, MetricContext, MetricKind, MetricNeeds, MetricResult } from "./types";

export type {
  EvalInput,
  KnownVectors,
  MetricContext,
  MetricKind,
  MetricNeeds,
  MetricResult,
  MetricSkipped,
  MetricValue,
  SkipReason,
} from "./types";
export { isSkipped } from "./types";
export { sentenceBleu, type BleuResult } from "./bleu";
export { sentenceChrf, type ChrfOptions, type ChrfResult } from "./chrf";
export { rougeN, rougeL, rougeTokenize, type RougeScore, type RougeOptions } from "./rouge";
export { tokenize13a } from "./tokenize-13a";
export { porterStem } from "./porter-stemmer";

export const METRIC_NAMES = [
  "bleu",
  "chrf",
  "chrf++",
  "rouge1",
  "rouge2",
  "rougeL",
  "semscore",
  "relevance",
  "bertscore",
  "context_relevance",
  "empty",
  "truncated",
  "length_chars",
  "length_words",
  "json_valid",
  "json_schema",
  "contains",
  "regex",
  "language_mismatch",
  "pii",
  "refusal",
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export const isMetricName = (name: string): name is MetricName => (METRIC_NAMES as readonly string[]).includes(name);

/** A metric with its settings validated and compiled: call `compute` once per trace. */
export type PreparedMetric =
  | { name: MetricName; async: false; settings: unknown; compute(input: EvalInput): MetricResult }
  | { name: MetricName; async: true; settings: unknown; compute(input: EvalInput, ctx: MetricContext): Promise<MetricResult> };

export interface MetricDefinition {
  name: MetricName;
  kind: MetricKind;
  needs: MetricNeeds;
  /** `unit`: a value on [0, 1]; `count`: a non-negative whole number (characters, words, PII matches). */
  scale: "unit" | "count";
  /** For `unit` metrics: whether a higher value is better (a threshold then reads "alert below"). */
  higherIsBetter: boolean;
  description: string;
  /** `settingsSchema.parse({})` gives the defaults; a failure carries each field's path. */
  settingsSchema: z.ZodType;
  /** Validates the settings (throws a ZodError with paths) and compiles them once. */
  prepare(settings?: unknown): PreparedMetric;
}

const NO_SETTINGS = z.object({}).strict();
const ROUGE_SETTINGS = z
  .object({ stemmer: z.boolean().default(false).describe("Porter-stem tokens longer than 3 characters, as rouge-score's use_stemmer") })
  .strict();
const CONTAINS_SETTINGS = z
  .object({
    substrings: z.array(z.string().min(1).max(1000)).min(1).max(100),
    mode: z.enum(["any", "all"]).default("any"),
    caseSensitive: z.boolean().default(false),
  })
  .strict();
const REGEX_SETTINGS = z
  .object({
    pattern: z.string().min(1).max(REGEX_MAX_PATTERN_LENGTH),
    flags: z.string().regex(/^(?!.*(.).*\1)[imsu]*$/, "flags are a subset of i, m, s, u, each at most once").default(""),
  })
  .strict()
  .superRefine((s, ctx) => {
    const problem = regexProblem(s.pattern, s.flags);
    if (problem) ctx.addIssue({ code: "custom", path: ["pattern"], message: problem });
  });
const JSON_VALID_SETTINGS = z
  .object({ allowCodeFence: z.boolean().default(false).describe("accept a response that is one ```json fenced block") })
  .strict();
const JSON_SCHEMA_SETTINGS = z
  .object({
    schema: z.record(z.string(), z.unknown()),
    allowCodeFence: z.boolean().default(false),
  })
  .strict()
  .superRefine((s, ctx) => {
    const problem = jsonSchemaProblem(s.schema);
    if (problem) ctx.addIssue({ code: "custom", path: ["schema"], message: problem });
  });
const TRUNCATED_SETTINGS = z
  .object({ midSentence: z.boolean().default(true).describe("also count a response that stops without closing punctuation") })
  .strict();
const LANGUAGE_SETTINGS = z
  .object({ minLength: z.number().int().min(1).max(1000).default(10).describe("texts with fewer letters than this are undetermined") })
  .strict();
const PII_SETTINGS = z.object({ kinds: z.array(z.enum(REDACTION_KINDS)).min(1).default([...REDACTION_KINDS]) }).strict();

/** Context relevance without an LLM (lib/evals/context-relevance.ts), as a metric: skipped without contexts. */
async function contextRelevanceMetric(input: EvalInput, ctx: MetricContext): Promise<MetricResult> {
  if (input.prompt === null) return { skipped: "no_prompt" };
  if (!input.contexts || input.contexts.length === 0) return { skipped: "no_contexts" };
  if (!ctx.embedder) return { skipped: "no_embedder" };
  const result = await contextRelevance(ctx.embedder, input.prompt, input.contexts);
  if ("skipped" in result) return { skipped: result.skipped === "no_question" ? "no_prompt" : result.skipped };
  return { value: result.value, details: { max: result.max } };
}

const needs = (reference: boolean, prompt: boolean, embedder: boolean): MetricNeeds => ({ reference, prompt, embedder });
const flag = (b: boolean): MetricResult => ({ value: b ? 1 : 0 });

type SyncDef = Omit<MetricDefinition, "prepare"> & { build(settings: never): (input: EvalInput) => MetricResult };
type AsyncDef = Omit<MetricDefinition, "prepare"> & {
  buildAsync(settings: never): (input: EvalInput, ctx: MetricContext) => Promise<MetricResult>;
};

function withReference(compute: (response: string, reference: string) => MetricResult) {
  return (input: EvalInput): MetricResult => {
    if (input.response === null) return { skipped: "no_response" };
    if (input.reference === null) return { skipped: "no_reference" };
    return compute(input.response, input.reference);
  };
}

const DEFS: ReadonlyArray<SyncDef | AsyncDef> = [
  {
    name: "bleu",
    kind: "ngram",
    needs: needs(true, false, false),
    scale: "unit",
    higherIsBetter: true,
    description: "sacreBLEU sentence BLEU (13a tokenizer, exponential smoothing, effective order) / 100",
    settingsSchema: NO_SETTINGS,
    build: () =>
      withReference((response, reference) => {
        const r = sentenceBleu(response, [reference]);
        return { value: r.score, details: { brevityPenalty: r.brevityPenalty } };
      }),
  },
  {
    name: "chrf",
    kind: "ngram",
    needs: needs(true, false, false),
    scale: "unit",
    higherIsBetter: true,
    description: "sacreBLEU sentence chrF (character order 6, word order 0, β = 2, epsilon smoothing) / 100",
    settingsSchema: NO_SETTINGS,
    build: () => withReference((response, reference) => ({ value: sentenceChrf(response, [reference]).score })),
  },
  {
    name: "chrf++",
    kind: "ngram",
    needs: needs(true, false, false),
    scale: "unit",
    higherIsBetter: true,
    description: "sacreBLEU sentence chrF++ (character order 6, word order 2, β = 2, epsilon smoothing) / 100",
    settingsSchema: NO_SETTINGS,
    build: () => withReference((response, reference) => ({ value: sentenceChrf(response, [reference], { wordOrder: 2 }).score })),
  },
  ...([
    ["rouge1", 1],
    ["rouge2", 2],
    ["rougeL", 0],
  ] as const).map(
    ([name, n]): SyncDef => ({
      name,
      kind: "ngram",
      needs: needs(true, false, false),
      scale: "unit",
      higherIsBetter: true,
      description: `rouge-score ${name} F-measure (its tokenizer${n === 0 ? ", longest common subsequence" : ""}; optional Porter stemmer)`,
      settingsSchema: ROUGE_SETTINGS,
      build: (s: z.infer<typeof ROUGE_SETTINGS>) =>
        withReference((response, reference) => {
          // rouge-score's order is score(target, prediction): the reference is the target.
          const r = n === 0 ? rougeL(reference, response, s) : rougeN(reference, response, n, s);
          return { value: r.fmeasure, details: { precision: r.precision, recall: r.recall } };
        }),
    }),
  ),
  {
    name: "semscore",
    kind: "semantic",
    needs: needs(true, false, true),
    scale: "unit",
    higherIsBetter: true,
    description: "cosine between the embeddings of the response and the reference, clamped at 0",
    settingsSchema: NO_SETTINGS,
    buildAsync: () => semScore,
  },
  {
    name: "relevance",
    kind: "semantic",
    needs: needs(false, true, true),
    scale: "unit",
    higherIsBetter: true,
    description: "cosine between the embeddings of the prompt and the response, clamped at 0",
    settingsSchema: NO_SETTINGS,
    buildAsync: () => answerRelevance,
  },
  {
    name: "bertscore",
    kind: "semantic",
    needs: needs(true, false, true),
    scale: "unit",
    higherIsBetter: true,
    description: "BERTScore-style greedy token matching F1 over the embedding model's token vectors (no idf, no rescaling), clamped at 0",
    settingsSchema: NO_SETTINGS,
    buildAsync: () => bertScore,
  },
  {
    name: "context_relevance",
    kind: "semantic",
    needs: needs(false, true, true),
    scale: "unit",
    higherIsBetter: true,
    description:
      "mean cosine between the embeddings of the prompt and of each retrieved context (the trace's contexts), clamped at 0; details.max is the best context's",
    settingsSchema: NO_SETTINGS,
    buildAsync: () => contextRelevanceMetric,
  },
  {
    name: "empty",
    kind: "heuristic",
    needs: needs(false, false, false),
    scale: "unit",
    higherIsBetter: false,
    description: "1 when the response is missing or only whitespace, else 0",
    settingsSchema: NO_SETTINGS,
    build: () => (input) => flag(isEmptyResponse(input.response)),
  },
  {
    name: "truncated",
    kind: "heuristic",
    needs: needs(false, false, false),
    scale: "unit",
    higherIsBetter: false,
    description: "1 when the finish reason says the token limit was hit, or the response stops mid-sentence; else 0",
    settingsSchema: TRUNCATED_SETTINGS,
    build: (s: z.infer<typeof TRUNCATED_SETTINGS>) => (input) => {
      if (input.response === null && !input.finishReason) return { skipped: "no_response" };
      return flag(isTruncated(input.response ?? "", input.finishReason ?? null, s));
    },
  },
  {
    name: "length_chars",
    kind: "heuristic",
    needs: needs(false, false, false),
    scale: "count",
    higherIsBetter: true,
    description: "number of Unicode code points in the response",
    settingsSchema: NO_SETTINGS,
    build: () => (input) => (input.response === null ? { skipped: "no_response" } : { value: countChars(input.response) }),
  },
  {
    name: "length_words",
    kind: "heuristic",
    needs: needs(false, false, false),
    scale: "count",
    higherIsBetter: true,
    description: "number of whitespace-separated words in the response",
    settingsSchema: NO_SETTINGS,
    build: () => (input) => (input.response === null ? { skipped: "no_response" } : { value: countWords(input.response) }),
  },
  {
    name: "json_valid",
    kind: "heuristic",
    needs: needs(false, false, false),
    scale: "unit",
    higherIsBetter: true,
    description: "1 when the whole response (trimmed) parses as JSON, else 0",
    settingsSchema: JSON_VALID_SETTINGS,
    build: (s: z.infer<typeof JSON_VALID_SETTINGS>) => (input) =>
      input.response === null ? { skipped: "no_response" } : flag(parseJsonResponse(input.response, s.allowCodeFence).ok),
  },
  {
    name: "json_schema",
    kind: "heuristic",
    needs: needs(false, false, false),
    scale: "unit",
    higherIsBetter: true,
    description: "1 when the response parses as JSON and validates against the JSON Schema, else 0",
    settingsSchema: JSON_SCHEMA_SETTINGS,
    build: (s: z.infer<typeof JSON_SCHEMA_SETTINGS>) => {
      const validate = compileJsonSchema(s.schema);
      return (input) => {
        if (input.response === null) return { skipped: "no_response" };
        const parsed = parseJsonResponse(input.response, s.allowCodeFence);
        return flag(parsed.ok && validate(parsed.value));
      };
    },
  },
  {
    name: "contains",
    kind: "heuristic",
    needs: needs(false, false, false),
    scale: "unit",
    higherIsBetter: true,
    description: "1 when the response contains any (or all) of the given substrings, else 0",
    settingsSchema: CONTAINS_SETTINGS,
    build: (s: z.infer<typeof CONTAINS_SETTINGS>) => {
      const needles = s.caseSensitive ? s.substrings : s.substrings.map((x) => x.toLowerCase());
      return (input) => (input.response === null ? { skipped: "no_response" } : flag(matchesAny(input.response, needles, s)));
    },
  },
  {
    name: "regex",
    kind: "heuristic",
    needs: needs(false, false, false),
    scale: "unit",
    higherIsBetter: true,
    description: `1 when the pattern matches within the response's first ${REGEX_MAX_INPUT_LENGTH} characters (${REGEX_TIMEOUT_MS} ms limit), else 0`,
    settingsSchema: REGEX_SETTINGS,
    build: (s: z.infer<typeof REGEX_SETTINGS>) => {
      const re = compileSafeRegex(s.pattern, s.flags);
      return (input) => {
        if (input.response === null) return { skipped: "no_response" };
        const matched = re.test(input.response);
        return matched === null ? { skipped: "timeout" } : flag(matched);
      };
    },
  },
  {
    name: "language_mismatch",
    kind: "heuristic",
    needs: needs(false, true, false),
    scale: "unit",
    higherIsBetter: false,
    description: "1 when the response's language differs from the prompt's (ELD language identifier), else 0",
    settingsSchema: LANGUAGE_SETTINGS,
    build: (s: z.infer<typeof LANGUAGE_SETTINGS>) => (input) => {
      if (input.response === null) return { skipped: "no_response" };
      if (input.prompt === null) return { skipped: "no_prompt" };
      const a = detectLanguage(input.prompt, s);
      const b = detectLanguage(input.response, s);
      if (a === null || b === null) return { skipped: "undetermined" };
      return flag(a !== b);
    },
  },
  {
    name: "pii",
    kind: "heuristic",
    needs: needs(false, false, false),
    scale: "count",
    higherIsBetter: false,
    description: "number of PII matches (emails, phone numbers, cards, IBANs, SSNs, IPs, secrets) in the response before redaction",
    settingsSchema: PII_SETTINGS,
    build: (s: z.infer<typeof PII_SETTINGS>) => {
      const kinds = new Set(s.kinds);
      return (input) => {
        if (input.response === null) return { skipped: "no_response" };
        const counts = countPii(input.response, kinds);
        let total = 0;
        for (const n of Object.values(counts)) total += n ?? 0;
        return { value: total, details: counts as Record<string, number> };
      };
    },
  },
  {
    name: "refusal",
    kind: "heuristic",
    needs: needs(false, false, false),
    scale: "unit",
    higherIsBetter: false,
    description: "1 when the response is a refusal (finish reason, or a stock opening such as \"I'm sorry, but I can't\"), else 0",
    settingsSchema: NO_SETTINGS,
    build: () => (input) => flag(isRefusal(input.response, input.finishReason ?? null)),
  },
];

function define(def: SyncDef | AsyncDef): MetricDefinition {
  const { settingsSchema, name } = def;
  const base = {
    name: def.name,
    kind: def.kind,
    needs: def.needs,
    scale: def.scale,
    higherIsBetter: def.higherIsBetter,
    description: def.description,
    settingsSchema,
  };
  return {
    ...base,
    prepare(raw?: unknown): PreparedMetric {
      const settings = settingsSchema.parse(raw ?? {});
      if ("buildAsync" in def) return { name, async: true, settings, compute: def.buildAsync(settings as never) };
      return { name, async: false, settings, compute: def.build(settings as never) };
    },
  };
}

export const METRICS: Readonly<Record<MetricName, MetricDefinition>> = Object.fromEntries(DEFS.map((d) => [d.name, define(d)])) as Record<
  MetricName,
  MetricDefinition
>;

/** Validates settings and compiles the metric once; throws a ZodError (with paths) on bad settings. */
export function prepareMetric(name: MetricName, settings?: unknown): PreparedMetric {
  return METRICS[name].prepare(settings);
}

/** Runs prepared metrics over one input; synchronous metrics are not awaited one by one. */
export async function computeMetrics(
  metrics: readonly PreparedMetric[],
  input: EvalInput,
  ctx: MetricContext = {},
): Promise<Partial<Record<MetricName, MetricResult>>> {
  const out: Partial<Record<MetricName, MetricResult>> = {};
  for (const m of metrics) out[m.name] = m.async ? await m.compute(input, ctx) : m.compute(input);
  return out;
}
