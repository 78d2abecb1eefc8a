/**
 * The native trace format accepted by `POST /api/v1/traces`, as zod schemas.
 *
 * The same schema also checks the traces the OTLP mapper produces, so both
 * front doors enforce one set of limits and one string rule. See docs/ingest.md.
 */
import { z } from "zod";

export const NATIVE_LIMITS = {
  maxBatchItems: 1000,
  maxIdLength: 256,
  /** provider, model, modelVersion, route, finishReason, userId, sessionId, message role/name. */
  maxLabelLength: 256,
  /** A prompt/response string, one message's content, the error text. */
  maxTextLength: 1_000_000,
  maxMessages: 1000,
  /** JSON size of one chat message, parts and provider extras included. */
  maxMessageBytes: 2_000_000,
  maxTags: 50,
  maxTagLength: 128,
  maxScores: 100,
  maxScoreNameLength: 128,
  maxMetadataBytes: 32_768,
  /** Retrieved contexts (RAG) per trace, and the characters of one context's content. */
  maxContexts: 50,
  maxContextLength: 32_768,
  /** The metadata object itself is level 1. */
  maxMetadataDepth: 5,
  /**
   * Deepest nesting of any other field (a prompt's parts, provider extras). The
   * checks and copies below recurse, so a body of 100,000 nested brackets would
   * otherwise overflow the stack.
   */
  maxJsonDepth: 64,
  maxLatencyMs: 86_400_000,
  maxTokens: 100_000_000,
  maxCostUsd: 1_000_000,
  /** 2000-01-01T00:00:00Z */
  minTimestampMs: Date.UTC(2000, 0, 1),
  /** How far ahead of the server clock a timestamp may be (clock skew). */
  maxFutureSkewMs: 86_400_000,
} as const;

// ---------------------------------------------------------------------------
// The string rule
// ---------------------------------------------------------------------------

const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Every stored string goes through this. PostgreSQL `text` cannot hold U+0000
 * and rejects unpaired UTF-16 surrogates (invalid UTF-8), so NUL is removed and
 * a lone surrogate becomes U+FFFD. Everything else (emoji, RTL text, SQL-looking
 * text) is kept verbatim.
 */
export function sanitizeString(value: string): string {
  let out = value.includes("\u0000") ? value.replace(NUL, "") : value;
  if (/[\uD800-\uDFFF]/.test(out)) out = out.replace(LONE_SURROGATE, "\uFFFD");
  return out;
}

/** Deep copy of a JSON value with every string (and key) sanitised. */
export function sanitizeJson(value: unknown): unknown {
  if (typeof value === "string") return sanitizeString(value);
  if (Array.isArray(value)) return value.map(sanitizeJson);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[sanitizeString(k)] = sanitizeJson(v);
    return out;
  }
  return value;
}

/**
 * True when a JSON value nests arrays/objects more than `max` levels deep
 * (`{}` and `[]` are level 1). Iterative, so it is safe on input of any depth:
 * run it before anything that recurses over client JSON.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    if (top.value === null || typeof top.value !== "object") continue;
    if (top.depth + 1 > max) return true;
    for (const child of Object.values(top.value)) {
      if (child !== null && typeof child === "object") stack.push({ value: child, depth: top.depth + 1 });
    }
  }
  return false;
}

/** Nesting depth of a JSON value: scalars 0, `{}`/`[]` 1, `{a:{}}` 2… Stops counting past `limit`. */
function jsonDepth(value: unknown, limit: number): number {
  if (value === null || typeof value !== "object") return 0;
  if (limit <= 0) return 1;
  let max = 0;
  for (const v of Object.values(value)) {
    max = Math.max(max, jsonDepth(v, limit - 1));
    if (max >= limit) break;
  }
  return 1 + max;
}

/** Why a value cannot be stored as JSON, or null. Rejects NaN/±Infinity, functions, bigint, etc. */
function notJsonReason(value: unknown, path: string): string | null {
  if (value === null || typeof value === "string" || typeof value === "boolean") return null;
  if (typeof value === "number") return Number.isFinite(value) ? null : `${path || "value"} must be a finite number`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const r = notJsonReason(value[i], `${path}[${i}]`);
      if (r) return r;
    }
    return null;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      const r = notJsonReason(v, path ? `${path}.${k}` : k);
      if (r) return r;
    }
    return null;
  }
  return `${path || "value"} is not a JSON value`;
}

function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

// ---------------------------------------------------------------------------
// Field schemas
// ---------------------------------------------------------------------------

const sanitized = (max: number) =>
  z.string("must be a string").max(max, `must be at most ${max} characters`).overwrite(sanitizeString);

const label = () => sanitized(NATIVE_LIMITS.maxLabelLength).min(1, "must not be empty");

const text = sanitized(NATIVE_LIMITS.maxTextLength);

const nonNegative = (max: number, unit: string) =>
  z
    .number("must be a finite number")
    .refine((v) => v >= 0, "must not be negative")
    .refine((v) => v <= max, `must be at most ${max}${unit}`);

const tokenCount = z
  .number("must be a finite number")
  .refine(Number.isInteger, "must be an integer")
  .refine((v) => v >= 0, "must not be negative")
  .refine((v) => v <= NATIVE_LIMITS.maxTokens, `must be at most ${NATIVE_LIMITS.maxTokens}`);

/** Byte budget and JSON-ness of one chat message, including parts and provider extras. */
function checkMessageJson(message: unknown, ctx: z.RefinementCtx): void {
  const reason = notJsonReason(message, "");
  if (reason) {
    ctx.addIssue({ code: "custom", message: reason });
    return;
  }
  const bytes = utf8Bytes(JSON.stringify(message));
  if (bytes > NATIVE_LIMITS.maxMessageBytes) {
    ctx.addIssue({ code: "custom", message: `must be at most ${NATIVE_LIMITS.maxMessageBytes} bytes as JSON (got ${bytes})` });
  }
}

/** One content part in OpenAI / Anthropic / OTel style: `{type:"text", text}` or `{type:"text", content}`. */
const contentParts = z.array(z.looseObject({ type: z.string("must be a string").optional() }), "must be an array");

/**
 * A chat message. Known fields are checked; other fields a provider SDK puts on
 * a message (tool_calls, tool_call_id, refusal…) are accepted and kept in
 * `parts` so pasting provider messages works.
 */
export const chatMessageSchema = z
  .looseObject({
    role: label(),
    content: z.union([text, contentParts, z.null()]).optional(),
    name: label().nullish(),
    parts: z.array(z.unknown(), "must be an array").nullish(),
  })
  .superRefine(checkMessageJson);

export const traceTextSchema = z.union([
  text,
  z.array(chatMessageSchema).max(NATIVE_LIMITS.maxMessages, `must have at most ${NATIVE_LIMITS.maxMessages} messages`),
]);

const metadataSchema = z
  .record(z.string(), z.unknown(), "must be an object")
  .superRefine((meta, ctx) => {
    // Depth first: jsonDepth stops at the limit, while the checks after it recurse all the way down.
    if (jsonDepth(meta, NATIVE_LIMITS.maxMetadataDepth + 1) > NATIVE_LIMITS.maxMetadataDepth) {
      ctx.addIssue({ code: "custom", message: `must be nested at most ${NATIVE_LIMITS.maxMetadataDepth} levels deep` });
      return;
    }
    const reason = notJsonReason(meta, "");
    if (reason) {
      ctx.addIssue({ code: "custom", message: reason });
      return;
    }
    const bytes = utf8Bytes(JSON.stringify(meta));
    if (bytes > NATIVE_LIMITS.maxMetadataBytes) {
      ctx.addIssue({
        code: "custom",
        message: `must be at most ${NATIVE_LIMITS.maxMetadataBytes} bytes as JSON (got ${bytes})`,
      });
    }
  })
  .transform((meta) => sanitizeJson(meta) as Record<string, unknown>);

const scoresSchema = z
  .record(
    // Sanitise before the length checks, so a name of only NUL is refused instead of stored empty.
    z
      .string()
      .overwrite(sanitizeString)
      .min(1, "score names must not be empty")
      .max(NATIVE_LIMITS.maxScoreNameLength, `score names must be at most ${NATIVE_LIMITS.maxScoreNameLength} characters`),
    z.number("must be a finite number"),
    "must be an object of {name: number}",
  )
  .refine((s) => Object.keys(s).length <= NATIVE_LIMITS.maxScores, `must have at most ${NATIVE_LIMITS.maxScores} scores`);

const tagsSchema = z
  .array(
    // Sanitise before the length checks, so a tag of only NUL is refused instead of stored empty.
    z
      .string("must be a string")
      .overwrite(sanitizeString)
      .min(1, "must not be empty")
      .max(NATIVE_LIMITS.maxTagLength, `must be at most ${NATIVE_LIMITS.maxTagLength} characters`),
    "must be an array of strings",
  )
  .max(NATIVE_LIMITS.maxTags, `must have at most ${NATIVE_LIMITS.maxTags} tags`)
  .transform((tags) => [...new Set(tags)]);

const isoDateTime = z.iso.datetime({ offset: true });

/**
 * Timestamps: an ISO 8601 date-time with `Z` or an offset, or epoch
 * milliseconds. Accepted range: 2000-01-01T00:00:00Z up to one day ahead of the
 * server clock.
 */
function timestampSchema(now: () => number) {
  return z.unknown().transform((value, ctx): Date => {
    let ms: number;
    if (typeof value === "string") {
      if (!isoDateTime.safeParse(value).success) {
        ctx.issues.push({
          code: "custom",
          input: value,
          message: 'must be an ISO 8601 date-time with a time zone (e.g. "2025-01-31T12:00:00.000Z") or epoch milliseconds',
        });
        return z.NEVER;
      }
      ms = Date.parse(value);
    } else if (typeof value === "number" && Number.isFinite(value)) {
      ms = value;
    } else {
      ctx.issues.push({
        code: "custom",
        input: value,
        message: "must be an ISO 8601 date-time string or epoch milliseconds",
      });
      return z.NEVER;
    }
    if (ms < NATIVE_LIMITS.minTimestampMs) {
      const hint = typeof value === "number" && value > 0 && value < 1e11 ? " (this looks like epoch seconds; send milliseconds)" : "";
      ctx.issues.push({ code: "custom", input: value, message: `must not be before 2000-01-01T00:00:00Z${hint}` });
      return z.NEVER;
    }
    if (ms > now() + NATIVE_LIMITS.maxFutureSkewMs) {
      ctx.issues.push({ code: "custom", input: value, message: "must not be more than 24 hours in the future" });
      return z.NEVER;
    }
    return new Date(ms);
  });
}

export type NativeSchemaOptions = {
  /** The server clock, for the future-timestamp check. Defaults to Date.now. */
  now?: () => number;
};

/** The schema for one native trace. Unknown fields are refused (they are usually typos like `latency_ms`). */
/** The token-part refinements run beside the object's own issues, so the value may not be an object at all. */
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object";

/** One retrieved context: the text the model was given, with its retriever's id, source and score when known. */
export const contextSchema = z.strictObject({
  content: sanitized(NATIVE_LIMITS.maxContextLength),
  id: sanitized(NATIVE_LIMITS.maxLabelLength).nullish(),
  source: sanitized(NATIVE_LIMITS.maxLabelLength).nullish(),
  score: z.number("must be a number").refine(Number.isFinite, "must be a finite number").nullish(),
});

const contextsSchema = z.array(contextSchema, "must be an array of { content, id?, source?, score? }").max(NATIVE_LIMITS.maxContexts, `must hold at most ${NATIVE_LIMITS.maxContexts} contexts`);

export function createNativeTraceSchema(options: NativeSchemaOptions = {}) {
  const now = options.now ?? Date.now;
  return z
    .strictObject({
      // `null` means "not sent" for every field (docs/ingest.md), as SDKs often serialise None/nil that way.
      id: sanitized(NATIVE_LIMITS.maxIdLength).min(1, "must not be empty").nullish(),
      timestamp: timestampSchema(now).nullish(),
      provider: label().nullish(),
      model: label().nullish(),
      modelVersion: label().nullish(),
      route: label().nullish(),
      prompt: traceTextSchema.nullish(),
      response: traceTextSchema.nullish(),
      latencyMs: nonNegative(NATIVE_LIMITS.maxLatencyMs, " ms").nullish(),
      ttftMs: nonNegative(NATIVE_LIMITS.maxLatencyMs, " ms").nullish(),
      inputTokens: tokenCount.nullish(),
      outputTokens: tokenCount.nullish(),
      cachedInputTokens: tokenCount.nullish(),
      reasoningTokens: tokenCount.nullish(),
      costUsd: nonNegative(NATIVE_LIMITS.maxCostUsd, " USD").nullish(),
      status: z.enum(["ok", "error"], 'must be "ok" or "error"').nullish(),
      error: text.nullish(),
      finishReason: label().nullish(),
      userId: label().nullish(),
      sessionId: label().nullish(),
      tags: tagsSchema.nullish(),
      metadata: metadataSchema.nullish(),
      scores: scoresSchema.nullish(),
      /** The expected answer: the reference of reference-based evaluators (docs/evaluations.md). */
      expectedOutput: text.nullish(),
      contexts: contextsSchema.nullish(),
    })
    .refine((t) => t.ttftMs == null || t.latencyMs == null || t.ttftMs <= t.latencyMs, {
      path: ["ttftMs"],
      message: "must not be greater than latencyMs",
      // Only compare once both numbers are known to be valid.
      when: (payload) => payload.issues.length === 0,
    })
    // The parts are counted inside their totals, as the OTel GenAI conventions count them.
    .refine((t) => t.cachedInputTokens == null || t.inputTokens == null || t.cachedInputTokens <= t.inputTokens, {
      path: ["cachedInputTokens"],
      message: "must not be greater than inputTokens (cached tokens are counted in inputTokens)",
      when: (payload) => isObject(payload.value) && !payload.issues.some((i) => ["inputTokens", "cachedInputTokens"].includes(String(i.path?.[0]))),
    })
    .refine((t) => t.reasoningTokens == null || t.outputTokens == null || t.reasoningTokens <= t.outputTokens, {
      path: ["reasoningTokens"],
      message: "must not be greater than outputTokens (reasoning tokens are counted in outputTokens)",
      when: (payload) => isObject(payload.value) && !payload.issues.some((i) => ["outputTokens", "reasoningTokens"].includes(String(i.path?.[0]))),
    });
}

export type NativeTraceSchema = ReturnType<typeof createNativeTraceSchema>;
/** A native trace as the client sends it. */
export type NativeTraceInput = z.input<NativeTraceSchema>;
/** A native trace after validation (strings sanitised, timestamp a Date). */
export type NativeTraceParsed = z.output<NativeTraceSchema>;

export const nativeTraceSchema = createNativeTraceSchema();

/**
 * The batch envelope. Items are validated one by one by `parseNativeBatch`, so
 * one bad item does not sink the batch; this only checks the envelope.
 */
export const nativeBatchEnvelopeSchema = z.looseObject({
  traces: z.array(z.unknown(), 'must be an array of traces: {"traces": [...]}'),
});
