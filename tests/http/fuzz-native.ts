/**
 * Random native batches for the fuzz suite: valid traces, traces with known bad
 * fields, and things that are not traces at all, each with the outcome
 * docs/ingest.md promises for it.
 */
import fc from "fast-check";
import { depthOf, hasStoredKeyClash, jsonBytes, pathKey, RULES, storedJson, storedString } from "./fuzz-rules";

// ---------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------

/** Text that has broken storage layers before: SQL, quoting, escapes, bidi, emoji, NUL, lone surrogates. */
const NASTY = [
  "'; DROP TABLE traces; --",
  "Robert'); DROP TABLE students;--",
  "\" OR 1=1 --",
  "$$; select pg_sleep(10); $$",
  "🤖",
  "👩‍👩‍👧‍👦",
  "مرحبا بالعالم",
  "שלום עולם",
  "\u202Eabc\u202C",
  "\u200F\u200E\u2066",
  "\\",
  '"',
  "\\u0000",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "\uDC00",
  "\uD83D",
  "\uFFFD",
  "\uFEFF",
  "NULL",
  "null",
  "{}",
  '{"a":',
  "{a,b}",
  " ",
  "\t\r\n",
  "%s%n%x",
  "${7*7}",
  "<script>alert(1)</script>",
  "𝕏𝔂",
  "e\u0301",
  "\u0085\u2028\u2029",
  "ÿ\u00ad",
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 6 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) },
  { weight: 1, arbitrary: loneSurrogate },
);

export const hostileText = fc.array(piece, { maxLength: 4 }).map((parts) => parts.join(""));

/** A string of 1..max characters that is still non-empty once NUL is removed. */
export const hostileLabel = (max: number) =>
  hostileText.map((s) => (storedString(s) === "" ? `${s}x` : s)).filter((s) => s.length <= max);

/** Long text, up to a fifth of the 1,000,000-character limit, multi-byte included. */
const longText = fc
  .tuple(fc.constantFrom("x", "é", "🤖", "'; --", "\u0000"), fc.integer({ min: 1_000, max: 100_000 }))
  .map(([unit, n]) => unit.repeat(n));

const text = fc.oneof({ weight: 12, arbitrary: hostileText }, { weight: 1, arbitrary: longText });

// ---------------------------------------------------------------------------
// Values of each field
// ---------------------------------------------------------------------------

export const FUZZ_NOW = Date.now();

/** A timestamp to send and the instant it means (null: the time the request was received). */
type TimestampCase = { send: unknown; expectMs: number | null };

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

const isoTimestamp = fc
  .record({
    ms: fc.integer({ min: RULES.minTimestampMs + 86_400_000, max: FUZZ_NOW }),
    offsetMinutes: fc.oneof(fc.constant(0), fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 })),
    fraction: fc.string({ unit: fc.constantFrom(..."0123456789".split("")), maxLength: 9 }),
    zulu: fc.boolean(),
  })
  .map(({ ms, offsetMinutes, fraction, zulu }): TimestampCase => {
    const wholeSeconds = Math.floor(ms / 1000) * 1000;
    const local = new Date(wholeSeconds + offsetMinutes * 60_000);
    const sign = offsetMinutes < 0 ? "-" : "+";
    const zone =
      offsetMinutes === 0 && zulu ? "Z" : `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
    const send =
      `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
      `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
      `${fraction ? `.${fraction}` : ""}${zone}`;
    // Sub-millisecond digits are cut, not rounded (a JS Date holds milliseconds).
    const millis = fraction ? Number(fraction.padEnd(3, "0").slice(0, 3)) : 0;
    return { send, expectMs: wholeSeconds + millis };
  });

const validTimestamp: fc.Arbitrary<TimestampCase> = fc.oneof(
  fc.constant({ send: undefined, expectMs: null }),
  fc.constant({ send: null, expectMs: null }),
  fc.integer({ min: RULES.minTimestampMs, max: FUZZ_NOW }).map((ms) => ({ send: ms, expectMs: ms })),
  fc.double({ min: RULES.minTimestampMs, max: FUZZ_NOW, noNaN: true }).map((ms) => ({ send: ms, expectMs: Math.trunc(ms) })),
  fc.constant({ send: RULES.minTimestampMs, expectMs: RULES.minTimestampMs }),
  fc.constant({ send: "2000-01-01T00:00:00Z", expectMs: RULES.minTimestampMs }),
  fc.constant({ send: "2024-02-29T23:59:59.999+23:59", expectMs: Date.UTC(2024, 1, 29, 0, 0, 59, 999) }),
  // Ahead of the server clock, but within the day of allowed skew.
  fc.integer({ min: 1, max: 20 * 3_600_000 }).map((ahead) => ({ send: FUZZ_NOW + ahead, expectMs: FUZZ_NOW + ahead })),
  isoTimestamp,
);

const latency = fc.oneof(
  fc.constant(0),
  fc.constant(RULES.maxLatencyMs),
  fc.integer({ min: 0, max: 120_000 }),
  fc.double({ min: 0, max: RULES.maxLatencyMs, noNaN: true }),
);

const tokens = fc.oneof(fc.constant(0), fc.constant(RULES.maxTokens), fc.integer({ min: 0, max: RULES.maxTokens }));

const cost = fc.oneof(fc.constant(0), fc.constant(RULES.maxCostUsd), fc.double({ min: 0, max: RULES.maxCostUsd, noNaN: true }));

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

const metadataKey = hostileText.filter((k) => k.length <= 40);
const metadataLeaf = fc.oneof(hostileText, fc.integer(), finite, fc.boolean(), fc.constant(null));
const { metadataValue } = fc.letrec((tie) => ({
  metadataValue: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    metadataLeaf,
    fc.array(tie("metadataValue"), { maxLength: 3 }),
    fc.dictionary(metadataKey, tie("metadataValue"), { maxKeys: 3 }),
  ),
}));
const metadata = fc
  .dictionary(metadataKey, metadataValue, { maxKeys: 5 })
  .filter(
    (m) => depthOf(m) <= RULES.maxMetadataDepth && jsonBytes(m) <= RULES.maxMetadataBytes && !hasStoredKeyClash(m),
  );

const tags = fc.array(fc.oneof(hostileLabel(RULES.maxTagLength), fc.constantFrom("prod", "beta")), { maxLength: 6 });

const scores = fc
  .dictionary(hostileLabel(RULES.maxScoreNameLength), finite, { maxKeys: 4 })
  .filter((s) => !hasStoredKeyClash(s));

const textPart = fc.record({ type: fc.constantFrom("text", "input_text", "output_text"), text: hostileText });
const otherPart = fc.record({ type: fc.constant("image_url"), image_url: fc.record({ url: hostileText }) });
const toolCall = fc.record({
  id: hostileText,
  type: fc.constant("function"),
  function: fc.record({ name: hostileText, arguments: hostileText }),
});

const chatMessage = fc.record(
  {
    role: fc.oneof(fc.constantFrom("system", "user", "assistant", "tool"), hostileLabel(RULES.maxLabelLength)),
    content: fc.oneof(text, fc.constant(null), fc.array(fc.oneof(textPart, otherPart), { maxLength: 3 })),
    name: fc.oneof(hostileLabel(RULES.maxLabelLength), fc.constant(null)),
    tool_calls: fc.array(toolCall, { minLength: 1, maxLength: 2 }),
    tool_call_id: hostileText,
  },
  { requiredKeys: ["role"] },
);

const traceText = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: text },
  { weight: 4, arbitrary: fc.array(chatMessage, { maxLength: 4 }) },
);

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) });

/** A valid native trace without its id (ids are chosen per batch, see IdChoice). */
const validFields = fc
  .record(
    {
      timestamp: validTimestamp,
      provider: nullable(hostileLabel(RULES.maxLabelLength)),
      model: nullable(hostileLabel(RULES.maxLabelLength)),
      modelVersion: nullable(hostileLabel(RULES.maxLabelLength)),
      route: nullable(hostileLabel(RULES.maxLabelLength)),
      prompt: traceText,
      response: traceText,
      latencyMs: nullable(latency),
      ttftShare: fc.double({ min: 0, max: 1, noNaN: true }),
      inputTokens: nullable(tokens),
      outputTokens: nullable(tokens),
      costUsd: nullable(cost),
      status: fc.constantFrom("ok", "error", null),
      error: nullable(text),
      finishReason: nullable(hostileLabel(RULES.maxLabelLength)),
      userId: nullable(hostileLabel(RULES.maxLabelLength)),
      sessionId: nullable(hostileLabel(RULES.maxLabelLength)),
      tags: nullable(tags),
      metadata: nullable(metadata),
      scores: nullable(scores),
    },
    { requiredKeys: [] },
  )
  .map(({ timestamp, ttftShare = 0, ...fields }) => {
    const trace: Record<string, unknown> = { ...fields };
    if (timestamp !== undefined && timestamp.send !== undefined) trace.timestamp = timestamp.send;
    // ttftMs must not exceed latencyMs: a share of it (or any valid value when there is no latency).
    if (typeof trace.latencyMs === "number" && ttftShare > 0.1) trace.ttftMs = trace.latencyMs * ttftShare;
    else if (trace.latencyMs === undefined && ttftShare > 0.8) trace.ttftMs = ttftShare * 1000;
    return { trace, timestampMs: timestamp === undefined ? null : timestamp.expectMs };
  });

// ---------------------------------------------------------------------------
// Bad values: each lands at a known path
// ---------------------------------------------------------------------------

/** Stands for a JSON number that overflows to Infinity; serialiseBatch writes it as `1e999`. */
export const INFINITY = "__fuzz_1e999__";
const NEG_INFINITY = "__fuzz_-1e999__";

/**
 * Stands for `levels` nested arrays; serialiseBatch writes the brackets. (The
 * value itself would overflow the stack of JSON.stringify and of the test
 * runner's reporting.)
 */
const nested = (levels: number): string => `__fuzz_nested_${levels}__`;
const NESTED = /"__fuzz_nested_(\d+)__"/g;

type Mutation = { field: string; value: unknown; path: string };

const TIMESTAMP_BAD: unknown[] = [
  "0000-01-01T00:00:00Z",
  "1999-12-31T23:59:59.999Z",
  "2000-01-01T00:00:00+00:01",
  "9999-12-31T23:59:59Z",
  new Date(FUZZ_NOW + 26 * 3_600_000).toISOString(),
  -1,
  -8.64e15,
  0,
  1_700_000_000,
  "2016-12-31T23:59:60Z",
  "2025-01-01 10:00:00Z",
  "2025-01-01T10:00:00",
  "2025-02-30T00:00:00Z",
  "2025-01-01T24:00:00Z",
  "2025-01-01T00:00:00+24:00",
  "2025-01-01T00:00:00+0530",
  "+002025-01-01T00:00:00Z",
  "yesterday",
  "",
  "1700000000000",
  INFINITY,
  NEG_INFINITY,
  true,
  {},
  [],
];

const LABEL_BAD: unknown[] = ["", "\u0000", "\u0000\u0000", "y".repeat(RULES.maxLabelLength + 1), 5, true, {}, ["a"]];
const LATENCY_BAD: unknown[] = [-1, -0.001, RULES.maxLatencyMs + 1, "12", true, {}, [1], INFINITY, NEG_INFINITY];
const TOKENS_BAD: unknown[] = [1.5, -1, RULES.maxTokens + 1, "3", false, INFINITY];
const COST_BAD: unknown[] = [-0.01, RULES.maxCostUsd + 1, "0.1", INFINITY, [0]];

const labelFields = ["provider", "model", "modelVersion", "route", "finishReason", "userId", "sessionId"] as const;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...LABEL_BAD).map((value) => ({ field: "id", value, path: ".id" })),
  fc.constantFrom(...TIMESTAMP_BAD).map((value) => ({ field: "timestamp", value, path: ".timestamp" })),
  fc
    .tuple(fc.constantFrom(...labelFields), fc.constantFrom(...LABEL_BAD))
    .map(([field, value]) => ({ field, value, path: `.${field}` })),
  fc
    .tuple(fc.constantFrom("latencyMs", "ttftMs"), fc.constantFrom(...LATENCY_BAD))
    .map(([field, value]) => ({ field, value, path: `.${field}` })),
  fc
    .tuple(fc.constantFrom("inputTokens", "outputTokens"), fc.constantFrom(...TOKENS_BAD))
    .map(([field, value]) => ({ field, value, path: `.${field}` })),
  fc.constantFrom(...COST_BAD).map((value) => ({ field: "costUsd", value, path: ".costUsd" })),
  fc.constantFrom("OK", "failed", "", 1, false).map((value) => ({ field: "status", value, path: ".status" })),
  fc.constantFrom(5, {}, ["x"], "e".repeat(RULES.maxTextLength + 1)).map((value) => ({ field: "error", value, path: ".error" })),
  fc.constantFrom(
    { value: "prod", path: ".tags" },
    { value: {}, path: ".tags" },
    { value: Array.from({ length: RULES.maxTags + 1 }, (_, i) => `t${i}`), path: ".tags" },
    { value: ["ok", 1], path: ".tags[1]" },
    { value: ["ok", ""], path: ".tags[1]" },
    { value: ["\u0000"], path: ".tags[0]" },
    { value: ["ok", "t".repeat(RULES.maxTagLength + 1)], path: ".tags[1]" },
    { value: [null], path: ".tags[0]" },
  ).map((m) => ({ field: "tags", ...m })),
  fc.constantFrom(
    [],
    "plan=pro",
    42,
    { a: { b: { c: { d: { e: {} } } } } },
    { big: "m".repeat(RULES.maxMetadataBytes) },
    { n: INFINITY },
    { deep: nested(100_000) },
  ).map((value) => ({ field: "metadata", value, path: ".metadata" })),
  fc.constantFrom(
    { value: { judge: "0.5" }, path: ".scores.judge" },
    { value: { "judge.helpfulness": INFINITY }, path: '.scores["judge.helpfulness"]' },
    { value: { "": 1 }, path: '.scores[""]' },
    { value: { "\u0000": 1 }, path: '.scores["\\u0000"]' },
    { value: { ["s".repeat(RULES.maxScoreNameLength + 1)]: 1 }, path: `.scores${pathKey("s".repeat(RULES.maxScoreNameLength + 1))}` },
    { value: Object.fromEntries(Array.from({ length: RULES.maxScores + 1 }, (_, i) => [`s${i}`, i])), path: ".scores" },
    { value: [1, 2], path: ".scores" },
    { value: { ok: null }, path: ".scores.ok" },
  ).map((m) => ({ field: "scores", ...m })),
  fc
    .tuple(
      fc.constantFrom("prompt", "response"),
      fc.constantFrom(
        { value: 5, path: "" },
        { value: { role: "user", content: "x" }, path: "" },
        { value: "p".repeat(RULES.maxTextLength + 1), path: "" },
        { value: [{ content: "no role" }], path: "[0].role" },
        { value: [{ role: "user", content: "ok" }, { role: "" }], path: "[1].role" },
        { value: [{ role: "user", content: 5 }], path: "[0].content" },
        { value: [{ role: "user", content: "ok", name: "" }], path: "[0].name" },
        { value: [{ role: "user", content: "c".repeat(RULES.maxTextLength + 1) }], path: "[0].content" },
        { value: [{ role: "user", parts: "not an array" }], path: "[0].parts" },
        { value: [{ role: "user", tool_calls: nested(100_000) }], path: "" },
        { value: [{ role: "user", tool_calls: nested(RULES.maxJsonDepth - 1) }], path: "" },
      ),
    )
    .map(([field, m]) => ({ field, value: m.value, path: `.${field}${m.path}` })),
  fc.constantFrom(
    { field: "latency_ms", value: 5, path: ".latency_ms" },
    { field: "promptText", value: "x", path: ".promptText" },
    { field: "extra field", value: 1, path: '["extra field"]' },
  ),
);

// ---------------------------------------------------------------------------
// Items and batches
// ---------------------------------------------------------------------------

/** Which id an item carries: one of a small shared pool (duplicates), a fresh one, none, or one stored by an earlier batch. */
export type IdChoice =
  | { kind: "pool"; id: string }
  | { kind: "fresh"; id: string }
  | { kind: "absent" }
  | { kind: "null" }
  | { kind: "earlier"; pick: number };

const POOL = ["dup-a", "dup-a\u0000", "dup-b", "dup-🤖", "dup-'; --"];

const idChoice: fc.Arbitrary<IdChoice> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...POOL).map((id): IdChoice => ({ kind: "pool", id })) },
  { weight: 6, arbitrary: hostileLabel(RULES.maxIdLength).map((id): IdChoice => ({ kind: "fresh", id })) },
  { weight: 1, arbitrary: fc.constant<IdChoice>({ kind: "absent" }) },
  { weight: 1, arbitrary: fc.constant<IdChoice>({ kind: "null" }) },
  { weight: 2, arbitrary: fc.nat().map((pick): IdChoice => ({ kind: "earlier", pick })) },
);

export type NativeItem =
  | { kind: "valid"; trace: Record<string, unknown>; timestampMs: number | null; id: IdChoice }
  | { kind: "invalid"; trace: Record<string, unknown>; id: IdChoice; mutations: Mutation[] }
  | { kind: "not-a-trace"; value: unknown };

const validItem = fc
  .tuple(validFields, idChoice)
  .map(([v, id]): NativeItem => ({ kind: "valid", trace: v.trace, timestampMs: v.timestampMs, id }));

const invalidItem = fc
  .tuple(validFields, idChoice, fc.uniqueArray(mutation, { minLength: 1, maxLength: 2, selector: (m) => m.field }))
  .map(([v, id, mutations]): NativeItem => {
    const trace = { ...v.trace };
    for (const m of mutations) trace[m.field] = m.value;
    return { kind: "invalid", trace, id, mutations };
  });

/** ttftMs above a valid latencyMs: only reported when every field is otherwise valid. */
const ttftAboveLatency = fc
  .tuple(validFields, idChoice, fc.double({ min: 0, max: 1_000_000, noNaN: true }), fc.double({ min: 0.001, max: 1000, noNaN: true }))
  .map(([v, id, latencyMs, over]): NativeItem => ({
    kind: "invalid",
    trace: { ...v.trace, latencyMs, ttftMs: latencyMs + over },
    id,
    mutations: [{ field: "ttftMs", value: latencyMs + over, path: ".ttftMs" }],
  }));

const notATrace = fc
  .constantFrom<unknown>(null, 42, "trace", [], [{ id: "x" }], true)
  .map((value): NativeItem => ({ kind: "not-a-trace", value }));

export const nativeBatch = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: validItem },
    { weight: 4, arbitrary: invalidItem },
    { weight: 1, arbitrary: ttftAboveLatency },
    { weight: 1, arbitrary: notATrace },
  ),
  { maxLength: 6 },
);

// ---------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------

/** What the read API should show for a stored trace. `timestampMs` null: the time the request was received. */
export type ExpectedTrace = {
  externalId: string;
  timestampMs: number | null;
  fields: Record<string, unknown>;
  scores: Record<string, number>;
  costUsd: number | null;
  /** For a trace sent without a timestamp: when the request was sent and answered. */
  receivedWindow?: [number, number];
};

/** The trace as the server receives it (JSON has no undefined; -0 becomes 0). */
function onTheWire(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

const TEXT_PARTS = new Set(["text", "input_text", "output_text"]);

/** "Chat messages" in docs/ingest.md: text parts joined with newlines into content, everything else kept in parts. */
function expectedMessage(message: Record<string, unknown>): Record<string, unknown> {
  const { role, content, name, parts, ...extras } = message;
  const texts: string[] = [];
  const kept: unknown[] = Array.isArray(parts) ? parts.map(storedJson) : [];
  if (typeof content === "string") texts.push(storedString(content));
  else if (Array.isArray(content)) {
    for (const part of content as Array<Record<string, unknown>>) {
      if (TEXT_PARTS.has(part.type as string) && typeof part.text === "string") texts.push(storedString(part.text));
      else kept.push(storedJson(part));
    }
  }
  for (const [key, value] of Object.entries(extras)) if (value !== null) kept.push({ type: key, value: storedJson(value) });
  const out: Record<string, unknown> = { role: storedString(role as string), content: texts.join("\n") };
  if (typeof name === "string") out.name = storedString(name);
  if (kept.length > 0) out.parts = kept;
  return out;
}

function expectedText(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return storedString(value);
  return (value as Array<Record<string, unknown>>).map(expectedMessage);
}

const orNull = (v: unknown) => (typeof v === "string" ? storedString(v) : v ?? null);

export function expectedNativeTrace(trace: Record<string, unknown>, externalId: string, timestampMs: number | null): ExpectedTrace {
  const t = onTheWire(trace);
  const error = typeof t.error === "string" ? storedString(t.error) : null;
  const tags: string[] = [];
  for (const tag of (t.tags as string[] | null) ?? []) if (!tags.includes(storedString(tag))) tags.push(storedString(tag));
  const scores = Object.fromEntries(Object.entries((t.scores as Record<string, number> | null) ?? {}).map(([k, v]) => [storedString(k), v]));
  return {
    externalId,
    timestampMs,
    costUsd: (t.costUsd as number | null | undefined) ?? null,
    scores,
    fields: {
      externalId,
      provider: orNull(t.provider),
      model: orNull(t.model),
      modelVersion: orNull(t.modelVersion),
      route: orNull(t.route),
      prompt: expectedText(t.prompt),
      response: expectedText(t.response),
      latencyMs: t.latencyMs ?? null,
      ttftMs: t.ttftMs ?? null,
      inputTokens: t.inputTokens ?? null,
      outputTokens: t.outputTokens ?? null,
      status: (t.status as string | null | undefined) ?? (error ? "error" : "ok"),
      error,
      finishReason: orNull(t.finishReason),
      userId: orNull(t.userId),
      sessionId: orNull(t.sessionId),
      tags,
      metadata: storedJson(t.metadata ?? {}),
    },
  };
}

/** The request body: JSON, with the Infinity stand-ins written as the overflowing number `1e999`. */
export function serialiseBatch(traces: unknown[]): string {
  return JSON.stringify({ traces })
    .split(JSON.stringify(INFINITY))
    .join("1e999")
    .split(JSON.stringify(NEG_INFINITY))
    .join("-1e999")
    .replace(NESTED, (_, levels: string) => "[".repeat(Number(levels)) + "]".repeat(Number(levels)));
}

/** The id a rejected item is answered with: the client's id when it was a readable string. */
export function readableId(trace: unknown): string | null {
  if (trace === null || typeof trace !== "object" || Array.isArray(trace)) return null;
  const id = (trace as { id?: unknown }).id;
  return typeof id === "string" && id.length >= 1 && id.length <= RULES.maxIdLength ? storedString(id) : null;
}

export { pathKey };
