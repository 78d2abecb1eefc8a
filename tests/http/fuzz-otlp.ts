/**
 * Random OTLP/HTTP trace requests for the fuzz suite: GenAI spans that must be
 * stored, spans that are not LLM calls, and spans with one known defect, sent
 * as OTLP JSON (built by hand from the OTLP spec) or protobuf (encoded by the
 * OpenTelemetry SDK's own serializer), each with the outcome the docs promise.
 */
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import fc from "fast-check";
import { FUZZ_NOW, hostileLabel, hostileText } from "./fuzz-native";
import { RULES, storedString } from "./fuzz-rules";

/** An attribute value: the OTLP AnyValue kinds the suite sends. */
export type AttrValue = { string: string } | { int: number } | { double: number } | { bool: boolean };
export type Attr = { key: string; value: AttrValue };

export type SpanSpec = {
  traceId: string;
  spanId: string;
  name: string;
  startNs: bigint;
  /** 0: the span has no end. */
  endNs: bigint;
  attributes: Attr[];
};

/** What the docs say happens to a span: stored (with what), skipped, or refused at a path below the span. */
export type SpanOutcome =
  | { kind: "stored"; expect: Record<string, unknown>; costUsd: number | null }
  | { kind: "skipped" }
  | { kind: "rejected"; path: string };

export type OtlpSpanCase = { span: SpanSpec; outcome: SpanOutcome };

const hex = (bytes: number) =>
  fc
    .uint8Array({ minLength: bytes, maxLength: bytes })
    .map((b) => Buffer.from(b).toString("hex"))
    .filter((h) => !/^0+$/.test(h));

const NS_PER_MS = BigInt(1_000_000);

/** A start in the accepted range, in nanoseconds (sub-millisecond part included). */
const startNs = fc
  .tuple(fc.integer({ min: RULES.minTimestampMs, max: FUZZ_NOW }), fc.integer({ min: 0, max: 999_999 }))
  .map(([ms, sub]) => BigInt(ms) * NS_PER_MS + BigInt(sub));

const durationNs = fc.oneof(
  fc.constant(BigInt(0)),
  fc.bigInt({ min: BigInt(0), max: BigInt(120_000) * NS_PER_MS }),
  fc.constant(BigInt(RULES.maxLatencyMs) * NS_PER_MS),
);

const s = (key: string, value: string): Attr => ({ key, value: { string: value } });
const int = (key: string, value: number): Attr => ({ key, value: { int: value } });
const dbl = (key: string, value: number): Attr => ({ key, value: { double: value } });

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Labels an attribute can carry: not blank (blank strings are not picked) and
 * not empty once NUL is removed. Lone surrogates are left to `surrogateSpan`:
 * in protobuf they make the whole request malformed.
 */
const attrLabel = hostileLabel(RULES.maxLabelLength).filter((v) => v.trim() !== "" && storedString(v).trim() !== "" && !LONE.test(v));

const genAiSpan = fc
  .record({
    traceId: hex(16),
    spanId: hex(8),
    name: fc.string({ unit: "grapheme", maxLength: 12 }),
    start: startNs,
    duration: durationNs,
    model: attrLabel,
    provider: fc.option(attrLabel, { nil: undefined }),
    inputTokens: fc.option(fc.integer({ min: 0, max: RULES.maxTokens }), { nil: undefined }),
    outputTokens: fc.option(fc.integer({ min: 0, max: RULES.maxTokens }), { nil: undefined }),
    cost: fc.option(fc.oneof(fc.double({ min: 0.000_001, max: 100, noNaN: true }), fc.constantFrom(Number.NaN, Infinity, -Infinity)), {
      nil: undefined,
    }),
    prompt: hostileText,
    answer: hostileText,
    userId: fc.option(attrLabel, { nil: undefined }),
    sessionId: fc.option(attrLabel, { nil: undefined }),
  })
  .map((g): OtlpSpanCase => {
    const endNs = g.duration === BigInt(0) ? BigInt(0) : g.start + g.duration;
    const attributes: Attr[] = [s("gen_ai.operation.name", "chat"), s("gen_ai.request.model", g.model)];
    if (g.provider !== undefined) attributes.push(s("gen_ai.provider.name", g.provider));
    if (g.inputTokens !== undefined) attributes.push(int("gen_ai.usage.input_tokens", g.inputTokens));
    if (g.outputTokens !== undefined) attributes.push(int("gen_ai.usage.output_tokens", g.outputTokens));
    if (g.cost !== undefined) attributes.push(dbl("gen_ai.usage.cost", g.cost));
    if (g.userId !== undefined) attributes.push(s("user.id", g.userId));
    if (g.sessionId !== undefined) attributes.push(s("gen_ai.conversation.id", g.sessionId));
    attributes.push(s("gen_ai.input.messages", JSON.stringify([{ role: "user", parts: [{ type: "text", content: g.prompt }] }])));
    attributes.push(s("gen_ai.output.messages", JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: g.answer }] }])));
    const span: SpanSpec = { traceId: g.traceId, spanId: g.spanId, name: g.name, startNs: g.start, endNs, attributes };
    // A non-finite double cannot be stored; the attribute counts as absent.
    const costUsd = g.cost !== undefined && Number.isFinite(g.cost) ? g.cost : null;
    return {
      span,
      outcome: {
        kind: "stored",
        costUsd,
        expect: {
          externalId: `${g.traceId}-${g.spanId}`,
          timestamp: new Date(Number(g.start / NS_PER_MS)).toISOString(),
          latencyMs: endNs === BigInt(0) ? null : Number(endNs - g.start) / 1e6,
          provider: g.provider === undefined ? null : storedString(g.provider),
          model: storedString(g.model),
          prompt: [{ role: "user", content: storedString(g.prompt) }],
          response: [{ role: "assistant", content: storedString(g.answer) }],
          inputTokens: g.inputTokens ?? null,
          outputTokens: g.outputTokens ?? null,
          userId: g.userId === undefined ? null : storedString(g.userId),
          sessionId: g.sessionId === undefined ? null : storedString(g.sessionId),
          status: "ok",
          error: null,
        },
      },
    };
  });

/** A model name with a lone surrogate: stored with U+FFFD from OTLP JSON, a malformed (non-UTF-8) string in protobuf. */
const surrogateSpan = genAiSpan.map((ok): OtlpSpanCase => {
  if (ok.outcome.kind !== "stored") return ok;
  const model = "model-\uD83D";
  const attributes = ok.span.attributes.map((a) => (a.key === "gen_ai.request.model" ? s(a.key, model) : a));
  return { span: { ...ok.span, attributes }, outcome: { ...ok.outcome, expect: { ...ok.outcome.expect, model: storedString(model) } } };
});

const plainSpan = fc
  .record({ traceId: hex(16), spanId: hex(8), start: startNs, route: hostileText })
  .map(
    (p): OtlpSpanCase => ({
      span: {
        traceId: p.traceId,
        spanId: p.spanId,
        name: "GET /api/answer",
        startNs: p.start,
        endNs: p.start + NS_PER_MS,
        attributes: [s("http.request.method", "GET"), s("url.path", p.route)],
      },
      outcome: { kind: "skipped" },
    }),
  );

type Defect = { apply: (span: SpanSpec) => SpanSpec; path: string };

const setAttr = (span: SpanSpec, attr: Attr): SpanSpec => ({
  ...span,
  attributes: [...span.attributes.filter((a) => a.key !== attr.key), attr],
});

const DEFECTS: Defect[] = [
  { apply: (x) => ({ ...x, spanId: "0000000000000000" }), path: ".spanId" },
  { apply: (x) => ({ ...x, traceId: x.traceId.slice(0, 30) }), path: ".traceId" },
  { apply: (x) => ({ ...x, startNs: BigInt(0), endNs: BigInt(0) }), path: ".startTimeUnixNano" },
  { apply: (x) => ({ ...x, endNs: x.startNs - BigInt(1) }), path: ".endTimeUnixNano" },
  // 1998: before the accepted range.
  { apply: (x) => ({ ...x, startNs: BigInt("900000000000000000"), endNs: BigInt(0) }), path: ".startTimeUnixNano" },
  // Two days ahead of the clock.
  { apply: (x) => ({ ...x, startNs: BigInt(FUZZ_NOW + 2 * 86_400_000) * NS_PER_MS, endNs: BigInt(0) }), path: ".startTimeUnixNano" },
  { apply: (x) => ({ ...x, endNs: x.startNs + BigInt(RULES.maxLatencyMs + 1) * NS_PER_MS }), path: ".endTimeUnixNano" },
  { apply: (x) => setAttr(x, int("gen_ai.usage.input_tokens", -3)), path: '.attributes["gen_ai.usage.input_tokens"]' },
  { apply: (x) => setAttr(x, dbl("gen_ai.usage.output_tokens", 1.5)), path: '.attributes["gen_ai.usage.output_tokens"]' },
  { apply: (x) => setAttr(x, int("gen_ai.usage.input_tokens", RULES.maxTokens + 1)), path: '.attributes["gen_ai.usage.input_tokens"]' },
  { apply: (x) => setAttr(x, dbl("gen_ai.usage.cost", -1)), path: '.attributes["gen_ai.usage.cost"]' },
  { apply: (x) => setAttr(x, s("gen_ai.request.model", "\u0000")), path: '.attributes["gen_ai.request.model"]' },
  { apply: (x) => setAttr(x, s("gen_ai.request.model", "m".repeat(RULES.maxLabelLength + 1))), path: '.attributes["gen_ai.request.model"]' },
  { apply: (x) => setAttr(x, s("user.id", "u".repeat(RULES.maxLabelLength + 1))), path: '.attributes["user.id"]' },
  {
    apply: (x) =>
      setAttr(
        x,
        s("gen_ai.input.messages", JSON.stringify([{ role: "user", parts: [{ type: "text", content: "p".repeat(RULES.maxTextLength + 1) }] }])),
      ),
    path: '.attributes["gen_ai.input.messages"]',
  },
];

const brokenSpan = fc.tuple(genAiSpan, fc.constantFrom(...DEFECTS)).map(
  ([ok, defect]): OtlpSpanCase => ({ span: defect.apply(ok.span), outcome: { kind: "rejected", path: defect.path } }),
);

export type OtlpRequestCase = {
  spans: OtlpSpanCase[];
  /** Repeat an earlier span of the request, or one stored by an earlier request, by this pick. */
  repeat: { within: number | null; earlier: number | null };
  encoding: "json" | "protobuf";
  gzip: boolean;
};

export const otlpRequest = fc.record({
  spans: fc.array(
    fc.oneof(
      { weight: 6, arbitrary: genAiSpan },
      { weight: 1, arbitrary: surrogateSpan },
      { weight: 1, arbitrary: plainSpan },
      { weight: 3, arbitrary: brokenSpan },
    ),
    { minLength: 1, maxLength: 4 },
  ),
  repeat: fc.record({ within: fc.option(fc.nat(), { nil: null }), earlier: fc.option(fc.nat(), { nil: null }) }),
  encoding: fc.constantFrom("json", "protobuf"),
  gzip: fc.boolean(),
});

// ---------------------------------------------------------------------------
// Encodings
// ---------------------------------------------------------------------------

function jsonAnyValue(v: AttrValue): Record<string, unknown> {
  if ("string" in v) return { stringValue: v.string };
  if ("int" in v) return { intValue: String(v.int) };
  if ("bool" in v) return { boolValue: v.bool };
  // OTLP JSON writes non-finite doubles as the strings "NaN", "Infinity", "-Infinity".
  return { doubleValue: Number.isFinite(v.double) ? v.double : String(v.double) };
}

/** OTLP JSON as the spec writes it: hex ids, int64 as decimal strings, lowerCamelCase. */
export function encodeOtlpJson(spans: SpanSpec[]): Uint8Array {
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "fuzz" } }] },
        scopeSpans: [
          {
            scope: { name: "fuzz", version: "1" },
            spans: spans.map((x) => ({
              traceId: x.traceId,
              spanId: x.spanId,
              name: x.name,
              kind: 3,
              startTimeUnixNano: x.startNs.toString(),
              endTimeUnixNano: x.endNs.toString(),
              attributes: x.attributes.map((a) => ({ key: a.key, value: jsonAnyValue(a.value) })),
              status: {},
            })),
          },
        ],
      },
    ],
  };
  return new TextEncoder().encode(JSON.stringify(body));
}

const resource = resourceFromAttributes({ "service.name": "fuzz" });
const NS_PER_S = BigInt(1_000_000_000);

/** Protobuf from the OpenTelemetry SDK's serializer (what exporter-trace-otlp-proto sends). */
export function encodeOtlpProtobuf(spans: SpanSpec[]): Uint8Array {
  const readable = spans.map((x): ReadableSpan => {
    const hr = (ns: bigint): [number, number] => [Number(ns / NS_PER_S), Number(ns % NS_PER_S)];
    const attributes = Object.fromEntries(
      x.attributes.map((a) => [a.key, "string" in a.value ? a.value.string : "int" in a.value ? a.value.int : "bool" in a.value ? a.value.bool : a.value.double]),
    );
    return {
      name: x.name,
      kind: 2,
      spanContext: () => ({ traceId: x.traceId, spanId: x.spanId, traceFlags: 1 }),
      parentSpanContext: undefined,
      startTime: hr(x.startNs),
      endTime: hr(x.endNs),
      status: { code: 0 },
      attributes,
      links: [],
      events: [],
      duration: hr(x.endNs > x.startNs ? x.endNs - x.startNs : BigInt(0)),
      ended: true,
      resource,
      instrumentationScope: { name: "fuzz", version: "1" },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  });
  const bytes = ProtobufTraceSerializer.serializeRequest(readable);
  if (!bytes) throw new Error("the SDK serializer refused the spans");
  return bytes;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when a string the protobuf carries as such (span name, attribute key or string value) holds a lone surrogate. */
export function holdsLoneSurrogate(span: SpanSpec): boolean {
  return [span.name, ...span.attributes.flatMap((a) => [a.key, "string" in a.value ? a.value.string : ""])].some((text) =>
    LONE_SURROGATE.test(text),
  );
}
