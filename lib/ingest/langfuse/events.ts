/**
 * Langfuse's public batch ingestion API (`POST /api/public/ingestion`), the
 * one the Langfuse v2/v3 SDKs post to: `{batch: [{id, type, timestamp, body,
 * metadata?}], metadata?}`. The event and body shapes follow Langfuse's own
 * public schema (trace-create, generation-create/-update, span-*, event-create,
 * score-create, sdk-log, legacy observation-create/-update); fields it does not
 * define are ignored, as Langfuse does.
 *
 * Pure: each event is checked on its own, so the valid events of a mixed batch
 * survive, and a bad one is answered with the path of the wrong field.
 */
import { z } from "zod";
import { NATIVE_LIMITS, nestsDeeperThan, sanitizeJson } from "../native-schema";
import type { FieldError } from "../types";
import { formatZodIssues } from "../validate-native";
import { normalizeUsage, type UsageFields } from "./usage";

export const LANGFUSE_LIMITS = {
  /** Events in one request (the SDKs send 15 by default). */
  maxEvents: 1000,
  /** Langfuse's own limit for an event id. */
  maxEventIdLength: 800,
} as const;

/** Observation types of newer SDKs that Driftline acknowledges without storing, like spans and events. */
const ACKNOWLEDGED_TYPES = new Set([
  "span-create",
  "span-update",
  "event-create",
  "sdk-log",
  "dataset-run-item-create",
  ...["agent", "tool", "chain", "retriever", "evaluator", "embedding", "guardrail"].flatMap((t) => [`${t}-create`, `${t}-update`]),
]);
const GENERATION_TYPES = new Set(["generation-create", "generation-update"]);
const LEGACY_OBSERVATION_TYPES = new Set(["observation-create", "observation-update"]);
const KNOWN_TYPES = [...GENERATION_TYPES, ...LEGACY_OBSERVATION_TYPES, "trace-create", "score-create", ...ACKNOWLEDGED_TYPES];

const id = z.string("must be a string").min(1, "must not be empty").max(NATIVE_LIMITS.maxIdLength, `must be at most ${NATIVE_LIMITS.maxIdLength} characters`);
const optionalString = z.string("must be a string").nullish();
const dateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone (e.g. "2025-01-31T12:00:00.000Z")' });
const level = z.enum(["DEBUG", "DEFAULT", "WARNING", "ERROR"], 'must be "DEBUG", "DEFAULT", "WARNING" or "ERROR"');
const count = z.number("must be a number").int("must be an integer").nonnegative("must not be negative");
const jsonValue = z.unknown().optional();

const usageSchema = z
  .object({
    input: count.nullish(),
    output: count.nullish(),
    total: count.nullish(),
    unit: optionalString,
    promptTokens: count.nullish(),
    completionTokens: count.nullish(),
    totalTokens: count.nullish(),
    inputCost: z.number("must be a number").nonnegative("must not be negative").nullish(),
    outputCost: z.number("must be a number").nonnegative("must not be negative").nullish(),
    totalCost: z.number("must be a number").nonnegative("must not be negative").nullish(),
  })
  .nullish();

/** `usageDetails`: `{input, output, input_cached_tokens, …}` or an OpenAI usage object as the provider returned it. */
const usageDetailsSchema = z.record(z.string(), z.union([count, z.record(z.string(), count.nullish()), z.null()]), "must be an object").nullish();
const costDetailsSchema = z.record(z.string(), z.number("must be a number").nonnegative("must not be negative").nullish(), "must be an object").nullish();

const traceBody = z.object({
  id,
  timestamp: dateTime.nullish(),
  name: optionalString,
  userId: optionalString,
  sessionId: optionalString,
  release: optionalString,
  version: optionalString,
  environment: optionalString,
  metadata: jsonValue,
  tags: z.array(z.string("must be a string"), "must be an array of strings").nullish(),
});

const generationBody = z.object({
  id,
  traceId: id.nullish(),
  name: optionalString,
  startTime: dateTime.nullish(),
  endTime: dateTime.nullish(),
  completionStartTime: dateTime.nullish(),
  model: optionalString,
  modelParameters: z.record(z.string(), jsonValue, "must be an object").nullish(),
  input: jsonValue,
  output: jsonValue,
  usage: usageSchema,
  usageDetails: usageDetailsSchema,
  costDetails: costDetailsSchema,
  metadata: jsonValue,
  level: level.nullish(),
  statusMessage: optionalString,
  parentObservationId: optionalString,
  version: optionalString,
  environment: optionalString,
  promptName: optionalString,
  promptVersion: z.number("must be a number").int("must be an integer").nullish(),
});

const legacyObservationBody = generationBody.extend({ type: z.enum(["GENERATION", "SPAN", "EVENT"], 'must be "GENERATION", "SPAN" or "EVENT"') });

const scoreBody = z.object({
  id: id.nullish(),
  name: z.string("must be a string").trim().min(1, "must not be empty").max(NATIVE_LIMITS.maxScoreNameLength, `must be at most ${NATIVE_LIMITS.maxScoreNameLength} characters`),
  value: z.union([z.number("must be a number"), z.string()], "must be a number"),
  dataType: z.enum(["NUMERIC", "BOOLEAN", "CATEGORICAL"], 'must be "NUMERIC", "BOOLEAN" or "CATEGORICAL"').nullish(),
  traceId: id.nullish(),
  observationId: id.nullish(),
  sessionId: optionalString,
  datasetRunId: optionalString,
  comment: z.string("must be a string").max(NATIVE_LIMITS.maxTextLength, `must be at most ${NATIVE_LIMITS.maxTextLength} characters`).nullish(),
  source: z.enum(["API", "EVAL", "ANNOTATION"], 'must be "API", "EVAL" or "ANNOTATION"').nullish(),
});

const envelope = z.object({
  id: z.string("must be a string").min(1, "must not be empty").max(LANGFUSE_LIMITS.maxEventIdLength, `must be at most ${LANGFUSE_LIMITS.maxEventIdLength} characters`),
  type: z.string("must be a string"),
  timestamp: dateTime,
  body: z.record(z.string(), z.unknown(), "must be an object"),
});

/** The trace-level fields a trace-create carries, as staged. */
export type TraceFields = {
  timestamp?: string;
  name?: string;
  userId?: string;
  sessionId?: string;
  release?: string;
  version?: string;
  environment?: string;
  metadata?: unknown;
  tags?: string[];
};

/** The fields of a generation, as staged and merged (usage already in one shape). */
export type GenerationFields = {
  traceId?: string;
  name?: string;
  startTime?: string;
  endTime?: string;
  completionStartTime?: string;
  model?: string;
  modelParameters?: Record<string, unknown>;
  input?: unknown;
  output?: unknown;
  usage?: UsageFields;
  costDetails?: Record<string, number>;
  metadata?: unknown;
  level?: string;
  statusMessage?: string;
  parentObservationId?: string;
  version?: string;
  environment?: string;
  promptName?: string;
  promptVersion?: number;
};

export type ScoreFields = {
  id: string | null;
  name: string;
  value: number;
  traceId: string | null;
  observationId: string | null;
  comment: string | null;
  source: string;
};

type Base = { index: number; eventId: string; type: string; timestamp: string };
export type IngestionEvent =
  | (Base & { kind: "trace"; id: string; fields: TraceFields })
  | (Base & { kind: "generation"; id: string; fields: GenerationFields; create: boolean })
  | (Base & { kind: "score"; score: ScoreFields })
  | (Base & { kind: "acknowledged" });

export type EventError = { index: number; eventId: string; errors: FieldError[] };

export type IngestionBatch = { events: IngestionEvent[]; errors: EventError[] };

/** The whole request is wrong: answered with one status, no event looked at. */
export class IngestionBatchError extends Error {
  constructor(
    readonly status: 400 | 413,
    readonly errors: FieldError[],
  ) {
    super(errors[0]?.message ?? "Invalid batch");
  }
}

/** `{batch: [...]}` → one parsed event or one error per event, in order. */
export function parseIngestionBatch(body: unknown): IngestionBatch {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new IngestionBatchError(400, [{ path: "", message: 'body must be a JSON object: {"batch": [...]}' }]);
  }
  const batch = (body as { batch?: unknown }).batch;
  if (!Array.isArray(batch)) {
    throw new IngestionBatchError(400, [{ path: "batch", message: batch === undefined ? "is required" : "must be an array of events" }]);
  }
  if (batch.length > LANGFUSE_LIMITS.maxEvents) {
    throw new IngestionBatchError(413, [{ path: "batch", message: `a batch may hold at most ${LANGFUSE_LIMITS.maxEvents} events (got ${batch.length}); split it` }]);
  }
  const events: IngestionEvent[] = [];
  const errors: EventError[] = [];
  batch.forEach((raw, index) => {
    const result = parseEvent(raw, index);
    if ("errors" in result) errors.push(result);
    else events.push(result);
  });
  return { events, errors };
}

function readableEventId(raw: unknown): string {
  const value = raw !== null && typeof raw === "object" ? (raw as { id?: unknown }).id : undefined;
  return typeof value === "string" ? value.slice(0, LANGFUSE_LIMITS.maxEventIdLength) : "unknown";
}

function parseEvent(raw: unknown, index: number): IngestionEvent | EventError {
  const prefix = `batch[${index}]`;
  const eventId = readableEventId(raw);
  const fail = (errors: FieldError[]): EventError => ({ index, eventId, errors });
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return fail([{ path: prefix, message: "must be an event object {id, type, timestamp, body}" }]);
  const env = envelope.safeParse(raw);
  if (!env.success) return fail(formatZodIssues(env.error.issues, prefix, raw));
  const { type, timestamp } = env.data;
  const base: Base = { index, eventId: env.data.id, type, timestamp };
  const bodyPath = `${prefix}.body`;
  if (!KNOWN_TYPES.includes(type)) {
    return fail([{ path: `${prefix}.type`, message: `unknown event type "${type.slice(0, 64)}"; expected one of ${KNOWN_TYPES.slice(0, 8).join(", ")}, …` }]);
  }
  if (ACKNOWLEDGED_TYPES.has(type)) return { ...base, kind: "acknowledged" };
  // Deep JSON is refused before anything recurses over it (input/output are copied and mapped later).
  for (const [key, value] of Object.entries(env.data.body)) {
    if (nestsDeeperThan(value, NATIVE_LIMITS.maxJsonDepth)) {
      return fail([{ path: `${bodyPath}.${key}`, message: `must not be nested more than ${NATIVE_LIMITS.maxJsonDepth} levels deep` }]);
    }
  }
  const body = sanitizeJson(env.data.body) as Record<string, unknown>;

  if (type === "trace-create") {
    const parsed = traceBody.safeParse(body);
    if (!parsed.success) return fail(formatZodIssues(parsed.error.issues, bodyPath, body));
    const { id: traceId, ...rest } = parsed.data;
    return { ...base, kind: "trace", id: traceId, fields: compact(rest) as TraceFields };
  }
  if (type === "score-create") return parseScore(base, body, bodyPath);

  const legacy = LEGACY_OBSERVATION_TYPES.has(type);
  const parsed = (legacy ? legacyObservationBody : generationBody).safeParse(body);
  if (!parsed.success) return fail(formatZodIssues(parsed.error.issues, bodyPath, body));
  if (legacy && (parsed.data as { type?: string }).type !== "GENERATION") return { ...base, kind: "acknowledged" };
  const { id: observationId, usage, usageDetails, costDetails, ...rest } = parsed.data as z.output<typeof generationBody>;
  const normalized = normalizeUsage(usage ?? null, usageDetails ?? null);
  if ("error" in normalized) return fail([{ path: `${bodyPath}.${normalized.error.path}`, message: normalized.error.message }]);
  const fields: GenerationFields = compact({ ...rest, type: undefined }) as GenerationFields;
  if (normalized.usage) fields.usage = normalized.usage;
  const costs = costDetails ? (compact(costDetails) as Record<string, number>) : null;
  if (costs && Object.keys(costs).length > 0) fields.costDetails = costs;
  const create = type.endsWith("-create");
  return { ...base, kind: "generation", id: observationId, fields, create };
}

function parseScore(base: Base, body: Record<string, unknown>, bodyPath: string): IngestionEvent | EventError {
  const fail = (errors: FieldError[]): EventError => ({ index: base.index, eventId: base.eventId, errors });
  const parsed = scoreBody.safeParse(body);
  if (!parsed.success) return fail(formatZodIssues(parsed.error.issues, bodyPath, body));
  const s = parsed.data;
  let value: number;
  if (typeof s.value === "number" && Number.isFinite(s.value)) value = s.value;
  else if (s.dataType === "BOOLEAN" && (s.value === "true" || s.value === "false")) value = s.value === "true" ? 1 : 0;
  else {
    return fail([
      {
        path: `${bodyPath}.value`,
        message: "must be a number: categorical scores are not stored (Driftline scores are numbers; send BOOLEAN as 0/1)",
      },
    ]);
  }
  if (s.dataType === "BOOLEAN" && value !== 0 && value !== 1) return fail([{ path: `${bodyPath}.value`, message: "must be 0 or 1 for a BOOLEAN score" }]);
  if (!s.traceId && !s.observationId) {
    return fail([
      {
        path: `${bodyPath}.traceId`,
        message: "is required (or observationId): scores attach to traces; session and dataset-run scores are not stored",
      },
    ]);
  }
  return {
    ...base,
    kind: "score",
    score: {
      id: s.id ?? null,
      name: s.name,
      value,
      traceId: s.traceId ?? null,
      observationId: s.observationId ?? null,
      comment: s.comment ?? null,
      source: (s.source ?? "API").toLowerCase(),
    },
  };
}

/** Drops null and undefined values: in Langfuse's events they mean "not sent", never "clear". */
function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== null && v !== undefined) out[key] = v;
  return out as Partial<T>;
}
