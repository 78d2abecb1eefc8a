/**
 * Native batch validation: `{traces: [...]}` in, one outcome per item out.
 * Items are validated independently so the valid ones in a mixed batch survive.
 * Pure: no database, no HTTP; the clock and the id generator can be injected.
 */
import type { z } from "zod";
import {
  NATIVE_LIMITS,
  createNativeTraceSchema,
  nativeBatchEnvelopeSchema,
  nativeTraceSchema,
  nestsDeeperThan,
  sanitizeJson,
  sanitizeString,
  type NativeSchemaOptions,
  type NativeTraceParsed,
  type NativeTraceSchema,
} from "./native-schema";
import type { ChatMessage, FieldError, NormalizedTrace, TraceText } from "./types";

export type NativeItemResult =
  | {
      index: number;
      trace: NormalizedTrace;
      /**
       * True when the client sent no `id` and a random UUID was generated: the
       * id is then not an idempotency key, and a retry will store a second copy.
       */
      generatedId: boolean;
      /** Set when an earlier item of the same batch has the same id: store once, answer "duplicate". */
      duplicateOf?: number;
      errors?: undefined;
    }
  | {
      index: number;
      /** The client's id when it was a readable string, for the rejected outcome. */
      id: string | null;
      errors: FieldError[];
      trace?: undefined;
    };

export type NativeBatchResult = {
  items: NativeItemResult[];
  /** The envelope itself is wrong; no item was looked at. */
  batchError?: FieldError[];
  /** 413 when the batch has more than `NATIVE_LIMITS.maxBatchItems` items, 400 otherwise. */
  batchErrorStatus?: 400 | 413;
};

export type ParseNativeOptions = NativeSchemaOptions & {
  /** Id for traces sent without one. Defaults to crypto.randomUUID. */
  generateId?: () => string;
};

export function parseNativeBatch(body: unknown, options: ParseNativeOptions = {}): NativeBatchResult {
  const envelope = nativeBatchEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    const isObject = body !== null && typeof body === "object" && !Array.isArray(body);
    return {
      items: [],
      batchError: isObject
        ? formatZodIssues(envelope.error.issues, "", body)
        : [{ path: "", message: 'body must be a JSON object: {"traces": [...]}' }],
      batchErrorStatus: 400,
    };
  }
  const traces = envelope.data.traces;
  if (traces.length > NATIVE_LIMITS.maxBatchItems) {
    return {
      items: [],
      batchError: [
        {
          path: "traces",
          message: `a batch may hold at most ${NATIVE_LIMITS.maxBatchItems} traces (got ${traces.length}); split it`,
        },
      ],
      batchErrorStatus: 413,
    };
  }

  const schema = schemaFor(options.now);
  const firstIndexById = new Map<string, number>();
  const items: NativeItemResult[] = traces.map((input, index) => {
    const result = validateNativeTrace(input, { ...options, schema, pathPrefix: `traces[${index}]` });
    if ("errors" in result) return { index, id: result.id, errors: result.errors };
    const item: NativeItemResult = { index, trace: result.trace, generatedId: result.generatedId };
    const first = firstIndexById.get(result.trace.externalId);
    if (first === undefined) firstIndexById.set(result.trace.externalId, index);
    else item.duplicateOf = first;
    return item;
  });
  return { items };
}

export type ValidateTraceOptions = ParseNativeOptions & {
  /** Prefix for error paths, e.g. `traces[3]`. */
  pathPrefix?: string;
  schema?: NativeTraceSchema;
};

/** Validates and normalises one native trace. Also used by the OTLP mapper, so both paths share the limits. */
export function validateNativeTrace(
  input: unknown,
  options: ValidateTraceOptions = {},
): { trace: NormalizedTrace; generatedId: boolean } | { errors: FieldError[]; id: string | null } {
  const schema = options.schema ?? schemaFor(options.now);
  const prefix = options.pathPrefix ?? "";
  const { shallow, errors: depthErrors } = withoutTooDeepFields(input, prefix);
  const parsed = schema.safeParse(shallow);
  if (!parsed.success || depthErrors.length > 0) {
    const errors = parsed.success ? [] : formatZodIssues(parsed.error.issues, prefix, shallow);
    return { errors: [...depthErrors, ...errors], id: readableId(input) };
  }
  const generatedId = parsed.data.id == null;
  const externalId = parsed.data.id ?? (options.generateId ?? (() => globalThis.crypto.randomUUID()))();
  const now = options.now ?? Date.now;
  return { trace: toNormalizedTrace(parsed.data, externalId, new Date(now())), generatedId };
}

/**
 * Fields nested deeper than `NATIVE_LIMITS.maxJsonDepth` get an error of their
 * own and are left out of the schema check, which (like the copies made when
 * storing) recurses and would overflow the stack on pathological input. The
 * other fields are still checked, so the answer names every bad field.
 * Metadata has its own, smaller depth limit, checked first by its schema.
 */
function withoutTooDeepFields(input: unknown, prefix: string): { shallow: unknown; errors: FieldError[] } {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return { shallow: input, errors: [] };
  const errors: FieldError[] = [];
  let shallow: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(input)) {
    if (key === "metadata" || !nestsDeeperThan(value, NATIVE_LIMITS.maxJsonDepth)) continue;
    errors.push({ path: formatPath(prefix, [key]), message: `must not be nested more than ${NATIVE_LIMITS.maxJsonDepth} levels deep` });
    shallow ??= { ...(input as Record<string, unknown>) };
    delete shallow[key];
  }
  return { shallow: shallow ?? input, errors };
}

const schemasByClock = new WeakMap<() => number, NativeTraceSchema>();

/** The default schema, or one bound to an injected clock (built once per clock function). */
function schemaFor(now: (() => number) | undefined): NativeTraceSchema {
  if (!now) return nativeTraceSchema;
  let schema = schemasByClock.get(now);
  if (!schema) schemasByClock.set(now, (schema = createNativeTraceSchema({ now })));
  return schema;
}

function readableId(input: unknown): string | null {
  if (input === null || typeof input !== "object") return null;
  const id = (input as { id?: unknown }).id;
  if (typeof id !== "string" || id.length === 0 || id.length > NATIVE_LIMITS.maxIdLength) return null;
  return sanitizeString(id);
}

function toNormalizedTrace(t: NativeTraceParsed, externalId: string, receivedAt: Date): NormalizedTrace {
  const error = t.error ?? null;
  return {
    externalId,
    // A trace without a timestamp is taken to have started when it was received.
    timestamp: t.timestamp ?? receivedAt,
    provider: t.provider ?? null,
    model: t.model ?? null,
    modelVersion: t.modelVersion ?? null,
    route: t.route ?? null,
    prompt: normalizeText(t.prompt),
    response: normalizeText(t.response),
    latencyMs: t.latencyMs ?? null,
    ttftMs: t.ttftMs ?? null,
    inputTokens: t.inputTokens ?? null,
    outputTokens: t.outputTokens ?? null,
    // Optional fields: present only when sent, so a trace without them reads as before.
    ...(t.cachedInputTokens != null ? { cachedInputTokens: t.cachedInputTokens } : {}),
    ...(t.reasoningTokens != null ? { reasoningTokens: t.reasoningTokens } : {}),
    costUsd: t.costUsd ?? null,
    // An error text without an explicit status means the call failed.
    status: t.status ?? (error ? "error" : "ok"),
    error,
    finishReason: t.finishReason ?? null,
    userId: t.userId ?? null,
    sessionId: t.sessionId ?? null,
    tags: t.tags ?? [],
    metadata: t.metadata ?? {},
    scores: t.scores ?? {},
    ...(t.expectedOutput != null ? { expectedOutput: t.expectedOutput } : {}),
    ...(t.contexts?.length ? { contexts: t.contexts.map((c) => ({ content: c.content, id: c.id ?? null, source: c.source ?? null, score: c.score ?? null })) } : {}),
  };
}

type ParsedText = NonNullable<NativeTraceParsed["prompt"]>;
type ParsedMessage = Exclude<ParsedText, string>[number];

const TEXT_PART_TYPES = new Set(["text", "input_text", "output_text"]);

function normalizeText(value: ParsedText | null | undefined): TraceText | null {
  if (value == null) return null;
  if (typeof value === "string") return value;
  return value.map(normalizeMessage);
}

/** `content` as plain text; content parts that are not text, explicit `parts` and provider extras go to `parts`. */
function normalizeMessage(message: ParsedMessage): ChatMessage {
  const { role, content, name, parts, ...extras } = message;
  const outParts: unknown[] = parts ? parts.map(sanitizeJson) : [];
  let contentText = "";
  if (typeof content === "string") {
    contentText = content;
  } else if (Array.isArray(content)) {
    const texts: string[] = [];
    for (const part of content) {
      const partText = textOfPart(part);
      if (partText !== null) texts.push(partText);
      else outParts.push(sanitizeJson(part));
    }
    contentText = texts.join("\n");
  }
  for (const [key, value] of Object.entries(extras)) {
    if (value !== undefined && value !== null) outParts.push({ type: sanitizeString(key), value: sanitizeJson(value) });
  }
  const out: ChatMessage = { role, content: contentText };
  if (name != null) out.name = name;
  if (outParts.length > 0) out.parts = outParts;
  return out;
}

function textOfPart(part: { type?: string } & Record<string, unknown>): string | null {
  if (part.type !== undefined && !TEXT_PART_TYPES.has(part.type)) return null;
  const value = typeof part.text === "string" ? part.text : typeof part.content === "string" ? part.content : null;
  return value === null ? null : sanitizeString(value);
}

// ---------------------------------------------------------------------------
// Errors: zod issues → [{path, message}]
// ---------------------------------------------------------------------------

const KNOWN_FIELDS = new Set(Object.keys(nativeTraceSchema.shape));

/** `traces[3]` + ["prompt", 0, "content"] → `traces[3].prompt[0].content` */
export function formatPath(prefix: string, segments: readonly PropertyKey[]): string {
  let out = prefix;
  for (const seg of segments) {
    if (typeof seg === "number") out += `[${seg}]`;
    else {
      const key = String(seg);
      if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out === "" ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/**
 * zod issues → `[{path, message}]` with paths like `traces[3].prompt[1].role`.
 * `input` is the value that was validated; it tells a missing field ("is
 * required") from a wrong one, since zod issues do not carry the input.
 */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[], prefix: string, input?: unknown): FieldError[] {
  return formatIssuesAt(issues, prefix, [], input);
}

function formatIssuesAt(
  issues: readonly z.core.$ZodIssue[],
  prefix: string,
  base: readonly PropertyKey[],
  input: unknown,
): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) out.push(...formatIssue(issue, prefix, base, input));
  return out;
}

function formatIssue(issue: z.core.$ZodIssue, prefix: string, base: readonly PropertyKey[], input: unknown): FieldError[] {
  const segments = [...base, ...issue.path];
  const path = formatPath(prefix, segments);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({ path: formatPath(path, [key]), message: unknownFieldMessage(key, segments) }));
    case "invalid_union": {
      // Report the branch that got furthest (e.g. the array branch of a prompt
      // whose message 2 has no role) rather than a bare "Invalid input".
      const deepest = issue.errors
        .filter((branch) => branch.some((i) => i.path.length > 0))
        .sort((a, b) => maxPathLength(b) - maxPathLength(a))[0];
      if (deepest) return formatIssuesAt(deepest, prefix, segments, input);
      const last = segments[segments.length - 1];
      const message =
        last === "content"
          ? "must be a string, an array of content parts, or null"
          : "must be a string or an array of chat messages [{role, content}]";
      return [{ path, message }];
    }
    case "invalid_type":
      if (valueAt(input, segments) === undefined) return [{ path, message: "is required" }];
      return [{ path, message: issue.message.startsWith("Invalid input") ? `must be ${issue.expected}` : issue.message }];
    default:
      return [{ path, message: issue.message }];
  }
}

function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const seg of segments) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

function maxPathLength(branch: readonly z.core.$ZodIssue[]): number {
  return Math.max(...branch.map((i) => i.path.length));
}

function unknownFieldMessage(key: string, parentSegments: readonly PropertyKey[]): string {
  if (parentSegments.length === 0) {
    const camel = key.replace(/[_-]([a-z])/g, (_, c: string) => c.toUpperCase());
    if (camel !== key && KNOWN_FIELDS.has(camel)) return `unknown field; did you mean "${camel}"?`;
  }
  return "unknown field";
}
