/**
 * One Langfuse generation (with its trace's fields) → one Driftline trace.
 * The result goes through the native trace schema (validateNativeTrace), so
 * the Langfuse door keeps the same limits and string rule as the others.
 * Mapping table: docs/ingest.md, "Langfuse ingestion API".
 */
import { NATIVE_LIMITS } from "../native-schema";
import { finishReasonOfMessages, toTraceText } from "../otlp/messages";
import type { FieldError, NormalizedTrace } from "../types";
import { validateNativeTrace } from "../validate-native";
import type { GenerationFields, TraceFields } from "./events";

export type StagedGeneration = { id: string; traceId: string; fields: GenerationFields };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const ms = (iso: string | undefined): number | null => (iso === undefined ? null : Date.parse(iso));

/** Where each native field came from, for error paths and for dropping a field that cannot be stored. */
const SOURCE_OF: Record<string, string> = {
  id: "id",
  timestamp: "startTime",
  model: "model",
  route: "name",
  prompt: "input",
  response: "output",
  latencyMs: "endTime",
  ttftMs: "completionStartTime",
  inputTokens: "usage",
  outputTokens: "usage",
  costUsd: "costDetails",
  error: "statusMessage",
  finishReason: "output",
  userId: "userId",
  sessionId: "sessionId",
  tags: "tags",
  metadata: "metadata",
};

/** Application metadata: an object as it is, anything else under `value`. */
function userMetadata(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  return isObject(value) ? value : { value };
}

function costOf(g: GenerationFields): number | null {
  const details = g.costDetails;
  if (details && Object.keys(details).length > 0) {
    if (typeof details.total === "number") return details.total;
    return Object.values(details).reduce((s, v) => s + (typeof v === "number" ? v : 0), 0);
  }
  const u = g.usage;
  if (u?.totalCost !== undefined) return u.totalCost;
  if (u?.inputCost !== undefined || u?.outputCost !== undefined) return (u.inputCost ?? 0) + (u.outputCost ?? 0);
  return null;
}

function tokens(g: GenerationFields): { input: number | null; output: number | null } {
  const u = g.usage;
  let input = u?.input ?? null;
  let output = u?.output ?? null;
  const total = u?.total ?? null;
  // A total with one side known gives the other (as on the OTLP door).
  if (total !== null && input !== null && output === null && total >= input) output = total - input;
  else if (total !== null && output !== null && input === null && total >= output) input = total - output;
  return { input, output };
}

/** The native trace input the generation maps to (before validation). */
export function nativeInputOf(gen: StagedGeneration, trace: TraceFields | null): Record<string, unknown> {
  const g = gen.fields;
  const t = trace ?? {};
  const start = ms(g.startTime);
  const end = ms(g.endTime);
  const completionStart = ms(g.completionStartTime);
  const latencyMs = start !== null && end !== null ? end - start : null;
  let ttftMs = start !== null && completionStart !== null ? completionStart - start : null;
  // Clock noise (a first token "after" the end, or before the start): dropped rather than refused.
  if (ttftMs !== null && (ttftMs < 0 || (latencyMs !== null && ttftMs > latencyMs))) ttftMs = null;
  const { input, output } = tokens(g);
  const isError = g.level === "ERROR";
  const environment = g.environment ?? t.environment;
  const tags = [...(t.tags ?? [])];
  if (environment && environment !== "default") tags.push(`env:${environment}`);

  const langfuse: Record<string, unknown> = { traceId: gen.traceId, observationId: gen.id };
  const put = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) langfuse[key] = value;
  };
  put("name", g.name);
  put("traceName", t.name);
  put("parentObservationId", g.parentObservationId);
  put("level", g.level && g.level !== "DEFAULT" ? g.level : undefined);
  put("statusMessage", isError ? undefined : g.statusMessage);
  put("usageDetails", g.usage?.details);
  put("usageUnit", g.usage?.unit);
  put("costDetails", g.costDetails);
  put("cachedInputTokens", g.usage?.cachedInput);
  put("reasoningTokens", g.usage?.reasoning);
  put("environment", environment);

  const metadata: Record<string, unknown> = { ...userMetadata(t.metadata), ...userMetadata(g.metadata) };
  const ours: Record<string, unknown> = {
    requestParams: g.modelParameters,
    promptName: g.promptName,
    promptVersion: g.promptVersion,
    release: t.release,
    version: g.version ?? t.version,
    totalTokens: g.usage?.total,
  };
  for (const [key, value] of Object.entries(ours)) if (value !== undefined && value !== null) metadata[key] = value;
  metadata.langfuse = langfuse;

  const response = toTraceText(g.output, "assistant");
  return {
    id: gen.id,
    timestamp: g.startTime ?? null,
    provider: null,
    model: g.model ?? null,
    modelVersion: null,
    route: t.name ?? null,
    prompt: toTraceText(g.input, "user"),
    response,
    latencyMs,
    ttftMs,
    inputTokens: input,
    outputTokens: output,
    costUsd: costOf(g),
    status: isError ? "error" : "ok",
    error: isError ? (g.statusMessage ?? "ERROR") : null,
    finishReason: finishReasonOfMessages(isObject(g.output) ? [g.output] : g.output),
    userId: t.userId ?? null,
    sessionId: t.sessionId ?? null,
    tags: tags.slice(0, NATIVE_LIMITS.maxTags),
    metadata: fitMetadata(metadata, "langfuse"),
  };
}

/** Errors of a native field → the Langfuse body field it came from (`batch[3].body.usage`). */
export function toLangfuseErrors(errors: FieldError[], bodyPath: string): FieldError[] {
  return errors.map((e) => {
    const field = e.path.split(/[.[]/)[0] ?? "";
    const source = SOURCE_OF[field] ?? field;
    const rest = e.path.slice(field.length);
    // A prompt or response is read from the whole input/output: the path names it, the message says where inside.
    if (field === "prompt" || field === "response") return { path: `${bodyPath}.${source}`, message: rest ? `${source}${rest} ${e.message}` : e.message };
    return { path: `${bodyPath}.${source}${rest}`, message: e.message };
  });
}

/**
 * Checks one event's own contribution (as if it were the whole generation),
 * so an event the merge could never store is refused with its field's path.
 */
export function checkGeneration(gen: StagedGeneration, bodyPath: string, now?: () => number): FieldError[] {
  const g = gen.fields;
  const errors: FieldError[] = [];
  const start = ms(g.startTime);
  const end = ms(g.endTime);
  if (start !== null && end !== null && end < start) errors.push({ path: `${bodyPath}.endTime`, message: "must not be before startTime" });
  const input = nativeInputOf(gen, null);
  if (errors.length > 0) input.latencyMs = null;
  const result = validateNativeTrace(input, { now });
  if ("errors" in result) errors.push(...toLangfuseErrors(result.errors, bodyPath));
  return errors;
}

/** Checks a trace-create's fields that reach the stored trace (user, session, tags, name). */
export function checkTraceFields(fields: TraceFields, bodyPath: string): FieldError[] {
  const input = { userId: fields.userId ?? null, sessionId: fields.sessionId ?? null, tags: fields.tags ?? null, route: fields.name ?? null };
  const result = validateNativeTrace(input);
  return "errors" in result ? toLangfuseErrors(result.errors, bodyPath) : [];
}

/**
 * The trace to store for a generation. A value that passed its own event's
 * check can still fail once merged (a latency over a day from a start and an
 * end sent apart): such a field is left out and named in
 * `metadata.langfuse.droppedFields` rather than losing the whole generation.
 */
export function generationToTrace(gen: StagedGeneration, trace: TraceFields | null, now?: () => number): NormalizedTrace {
  let input = nativeInputOf(gen, trace);
  const dropped: string[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const result = validateNativeTrace(input, { now });
    if (!("errors" in result)) return result.trace;
    const fields = [...new Set(result.errors.map((e) => e.path.split(/[.[]/)[0] ?? ""))].filter((f) => f !== "id");
    if (fields.length === 0) break;
    input = { ...input };
    for (const field of fields) {
      input[field] = field === "tags" ? [] : field === "metadata" ? {} : null;
      dropped.push(SOURCE_OF[field] ?? field);
    }
    if (fields.includes("timestamp")) input.latencyMs = input.ttftMs = null;
    const meta = (input.metadata ?? {}) as Record<string, unknown>;
    input.metadata = { ...meta, langfuse: { ...((meta.langfuse as object) ?? { observationId: gen.id, traceId: gen.traceId }), droppedFields: dropped } };
  }
  throw new Error(`generation ${gen.id} could not be mapped to a trace`);
}

/**
 * Metadata is made to fit rather than refused (the client cannot fix it after
 * the fact): values nested too deep are kept as JSON text, and past the size
 * limit the largest of the application's keys are dropped and named in
 * `droppedKeys`. `keep` names our own key, which is never dropped.
 */
export function fitMetadata(meta: Record<string, unknown>, keep: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const depth = (v: unknown, limit: number): number =>
    v === null || typeof v !== "object" || limit <= 0 ? 0 : 1 + Math.max(0, ...Object.values(v).map((c) => depth(c, limit - 1)));
  for (const [k, v] of Object.entries(meta)) {
    out[k] = depth(v, NATIVE_LIMITS.maxMetadataDepth) > NATIVE_LIMITS.maxMetadataDepth - 1 ? JSON.stringify(v) : v;
  }
  const size = () => Buffer.byteLength(JSON.stringify(out), "utf8");
  const dropped: string[] = [];
  while (size() > NATIVE_LIMITS.maxMetadataBytes - 1024) {
    const largest = Object.keys(out)
      .filter((k) => k !== keep && k !== "droppedKeys")
      .sort((a, b) => JSON.stringify(out[b]).length - JSON.stringify(out[a]).length)[0];
    if (largest === undefined) {
      out[keep] = JSON.stringify(out[keep]).slice(0, 4096);
      break;
    }
    delete out[largest];
    dropped.push(largest.slice(0, 64));
    out.droppedKeys = dropped.slice(0, 20);
  }
  return out;
}
