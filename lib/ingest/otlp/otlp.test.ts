/**
 * OTLP decode + mapping, fed with bytes produced by the real OpenTelemetry JS
 * SDK and the serializers the official OTLP/HTTP exporters post with.
 */
import { SpanKind, SpanStatusCode, type Attributes as OtelAttributes } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeOtlpRequest } from "./decode";
import { buildExportTraceServiceResponse, encodeExportTraceServiceResponse, mapOtlpRequest } from "./map-request";

const NOW = Date.parse("2026-01-15T12:00:00.000Z");
const START = Date.parse("2026-01-15T11:00:00.000Z");
const opts = { now: () => NOW };

type SpanSpec = {
  name: string;
  attributes: OtelAttributes;
  durationMs?: number;
  error?: { message: string; exception?: Error };
  events?: Array<{ name: string; attributes?: OtelAttributes; atMs: number }>;
};

/** Records spans with the real SDK and returns the finished ReadableSpans. */
function recordSpans(specs: SpanSpec[]) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "support-bot", "deployment.environment.name": "production" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("driftline-test", "1.2.3");
  for (const spec of specs) {
    const span = tracer.startSpan(spec.name, { kind: SpanKind.CLIENT, startTime: new Date(START), attributes: spec.attributes });
    for (const e of spec.events ?? []) span.addEvent(e.name, e.attributes ?? {}, new Date(START + e.atMs));
    if (spec.error) {
      if (spec.error.exception) span.recordException(spec.error.exception, new Date(START + 10));
      span.setStatus({ code: SpanStatusCode.ERROR, message: spec.error.message });
    }
    span.end(new Date(START + (spec.durationMs ?? 1500)));
  }
  return exporter.getFinishedSpans();
}

const genAiChat: SpanSpec = {
  name: "chat gpt-4o",
  attributes: {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4o",
    "gen_ai.response.model": "gpt-4o-2024-08-06",
    "gen_ai.request.temperature": 0.2,
    "gen_ai.request.max_tokens": 200,
    "gen_ai.response.id": "chatcmpl-123",
    "gen_ai.response.finish_reasons": ["stop"],
    "gen_ai.usage.input_tokens": 52,
    "gen_ai.usage.output_tokens": 47,
    "gen_ai.usage.cost": 0.0012,
    "gen_ai.response.time_to_first_chunk": 0.25,
    "gen_ai.conversation.id": "conv_5j66",
    "user.id": "u-17",
    "driftline.route": "faq",
    "gen_ai.system_instructions": JSON.stringify([{ type: "text", content: "You are a helpful bot" }]),
    "gen_ai.input.messages": JSON.stringify([
      { role: "user", parts: [{ type: "text", content: "Tell me a joke about OpenTelemetry" }] },
    ]),
    "gen_ai.output.messages": JSON.stringify([
      {
        role: "assistant",
        parts: [{ type: "text", content: "Why did the developer bring OpenTelemetry to the party?" }],
        finish_reason: "stop",
      },
    ]),
  },
};

const expectedGenAiTrace = (traceId: string, spanId: string) => ({
  externalId: `${traceId}-${spanId}`,
  timestamp: new Date(START),
  provider: "openai",
  model: "gpt-4o",
  modelVersion: "gpt-4o-2024-08-06",
  route: "faq",
  prompt: [
    { role: "system", content: "You are a helpful bot" },
    { role: "user", content: "Tell me a joke about OpenTelemetry" },
  ],
  response: [{ role: "assistant", content: "Why did the developer bring OpenTelemetry to the party?" }],
  latencyMs: 1500,
  ttftMs: 250,
  inputTokens: 52,
  outputTokens: 47,
  costUsd: 0.0012,
  status: "ok",
  error: null,
  finishReason: "stop",
  userId: "u-17",
  sessionId: "conv_5j66",
  tags: ["env:production"],
  metadata: {
    "service.name": "support-bot",
    "deployment.environment.name": "production",
    "gen_ai.operation.name": "chat",
    "gen_ai.response.id": "chatcmpl-123",
    requestParams: { temperature: 0.2, max_tokens: 200 },
    otel: { traceId, spanId, spanName: "chat gpt-4o", spanKind: "client", scope: "driftline-test@1.2.3" },
  },
  scores: {},
});

const otherSpans: SpanSpec[] = [
  { name: "GET /api/answer", attributes: { "http.request.method": "GET", "url.path": "/api/answer" } },
  { name: "embeddings text-embedding-3-small", attributes: { "gen_ai.operation.name": "embeddings", "gen_ai.request.model": "text-embedding-3-small" } },
  {
    name: "chat claude",
    durationMs: 300,
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "claude-sonnet-4",
      "error.type": "overloaded_error",
    },
    error: { message: "529 Overloaded", exception: new Error("Overloaded") },
  },
];

describe("real OTel SDK spans through the exporters' serializers", () => {
  const spans = recordSpans([genAiChat, ...otherSpans]);
  const ids = spans.map((s) => s.spanContext());
  const check = (body: Uint8Array, contentType: string, contentEncoding?: string) => {
    const request = decodeOtlpRequest({ body, contentType, contentEncoding });
    const result = mapOtlpRequest(request, opts);
    expect(result.rejected).toEqual([]);
    expect(result.skipped).toBe(2);
    expect(result.traces).toHaveLength(2);
    const [chat, failed] = result.traces;
    expect(chat?.trace).toEqual(expectedGenAiTrace(ids[0]!.traceId, ids[0]!.spanId));
    expect(chat?.spanRef).toEqual({
      path: "resourceSpans[0].scopeSpans[0].spans[0]",
      traceId: ids[0]!.traceId,
      spanId: ids[0]!.spanId,
      name: "chat gpt-4o",
    });
    expect(failed?.trace).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-4",
      status: "error",
      error: "529 Overloaded",
      latencyMs: 300,
      prompt: null,
      response: null,
    });
  };

  it("decodes protobuf (exporter-trace-otlp-proto)", () => {
    check(ProtobufTraceSerializer.serializeRequest(spans)!, "application/x-protobuf");
  });

  it("decodes gzipped protobuf", () => {
    check(gzipSync(ProtobufTraceSerializer.serializeRequest(spans)!), "application/x-protobuf", "gzip");
  });

  it("decodes JSON (exporter-trace-otlp-http)", () => {
    check(JsonTraceSerializer.serializeRequest(spans)!, "application/json; charset=utf-8");
  });

  it("decodes gzipped JSON", () => {
    check(gzipSync(JsonTraceSerializer.serializeRequest(spans)!), "application/json", "gzip");
  });

  it("keeps the good spans of a request when one is refused", () => {
    const spans = recordSpans([
      genAiChat,
      { name: "chat", attributes: { "gen_ai.operation.name": "chat", "gen_ai.usage.output_tokens": 2.5 } },
    ]);
    const request = decodeOtlpRequest({ body: ProtobufTraceSerializer.serializeRequest(spans)!, contentType: "application/x-protobuf" });
    const result = mapOtlpRequest(request, opts);
    expect(result.traces.map((t) => t.spanRef.path)).toEqual(["resourceSpans[0].scopeSpans[0].spans[0]"]);
    expect(result.rejected).toEqual([
      {
        spanRef: expect.objectContaining({ path: "resourceSpans[0].scopeSpans[0].spans[1]", name: "chat" }),
        errors: [
          { path: 'resourceSpans[0].scopeSpans[0].spans[1].attributes["gen_ai.usage.output_tokens"]', message: "must be an integer" },
        ],
      },
    ]);
  });

  it("takes ttft from a first-token event and scores from evaluation events", () => {
    const [span] = recordSpans([
      {
        name: "chat",
        attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o-mini" },
        events: [
          { name: "First Token Stream Event", atMs: 180 },
          {
            name: "gen_ai.evaluation.result",
            atMs: 1600,
            attributes: { "gen_ai.evaluation.name": "Relevance", "gen_ai.evaluation.score.value": 0.75 },
          },
        ],
      },
    ]);
    const request = decodeOtlpRequest({ body: ProtobufTraceSerializer.serializeRequest([span!])!, contentType: "application/x-protobuf" });
    const trace = mapOtlpRequest(request, opts).traces[0]?.trace;
    expect(trace?.ttftMs).toBe(180);
    expect(trace?.scores).toEqual({ Relevance: 0.75 });
  });

  it("records the exception when the status has no message", () => {
    const [span] = recordSpans([
      {
        name: "chat",
        attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "m" },
        error: { message: "", exception: Object.assign(new Error("429 Too Many Requests"), { name: "RateLimitError" }) },
      },
    ]);
    const request = decodeOtlpRequest({ body: JsonTraceSerializer.serializeRequest([span!])!, contentType: "application/json" });
    expect(mapOtlpRequest(request, opts).traces[0]?.trace.error).toBe("RateLimitError: 429 Too Many Requests");
  });
});

/** A hand-written OTLP JSON request around one span's attributes. */
function otlpJson(attributes: Array<{ key: string; value: unknown }>, span: Record<string, unknown> = {}): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "rag-api" } }] },
          scopeSpans: [
            {
              scope: { name: "test" },
              spans: [
                {
                  traceId: "5B8EFFF798038103D269B633813FC60C",
                  spanId: "EEE19B7EC3C1B174",
                  name: "llm",
                  kind: "SPAN_KIND_CLIENT",
                  startTimeUnixNano: String(BigInt(START) * BigInt(1_000_000)),
                  endTimeUnixNano: String(BigInt(START + 900) * BigInt(1_000_000) + BigInt(123_456)),
                  attributes,
                  status: {},
                  ...span,
                },
              ],
            },
          ],
        },
      ],
    }),
  );
}

const s = (key: string, v: string) => ({ key, value: { stringValue: v } });
const i = (key: string, v: number | string) => ({ key, value: { intValue: v } });
const d = (key: string, v: number) => ({ key, value: { doubleValue: v } });

function mapJson(attributes: Array<{ key: string; value: unknown }>, span?: Record<string, unknown>) {
  return mapOtlpRequest(decodeOtlpRequest({ body: otlpJson(attributes, span), contentType: "application/json" }), opts);
}

describe("attribute conventions", () => {
  it("maps OpenInference attributes", () => {
    const result = mapJson([
      s("openinference.span.kind", "LLM"),
      s("llm.provider", "openai"),
      s("llm.system", "openai"),
      s("llm.model_name", "gpt-4o-2024-08-06"),
      s("llm.invocation_parameters", JSON.stringify({ model: "gpt-4o", temperature: 0 })),
      s("llm.input_messages.0.message.role", "system"),
      s("llm.input_messages.0.message.content", "Answer from context."),
      s("llm.input_messages.1.message.role", "user"),
      s("llm.input_messages.1.message.contents.0.message_content.type", "text"),
      s("llm.input_messages.1.message.contents.0.message_content.text", "What is MMD?"),
      s("llm.output_messages.0.message.role", "assistant"),
      s("llm.output_messages.0.message.content", "Maximum mean discrepancy."),
      i("llm.token_count.prompt", "120"),
      i("llm.token_count.completion", 8),
      i("llm.token_count.total", 128),
      d("llm.cost.total", 0.0003),
      s("session.id", "sess-1"),
      s("user.id", "user-1"),
      { key: "tag.tags", value: { arrayValue: { values: [{ stringValue: "rag" }, { stringValue: "beta" }] } } },
      s("metadata", JSON.stringify({ experiment: "B" })),
      s("input.value", "What is MMD?"),
      s("output.value", "Maximum mean discrepancy."),
    ]);
    expect(result.rejected).toEqual([]);
    const trace = result.traces[0]?.trace;
    expect(trace).toMatchObject({
      externalId: "5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174",
      provider: "openai",
      model: "gpt-4o",
      modelVersion: "gpt-4o-2024-08-06",
      prompt: [
        { role: "system", content: "Answer from context." },
        { role: "user", content: "What is MMD?" },
      ],
      response: [{ role: "assistant", content: "Maximum mean discrepancy." }],
      inputTokens: 120,
      outputTokens: 8,
      costUsd: 0.0003,
      sessionId: "sess-1",
      userId: "user-1",
      tags: ["rag", "beta"],
      latencyMs: 900.123456,
    });
    expect(trace?.metadata).toMatchObject({ experiment: "B", requestParams: { model: "gpt-4o", temperature: 0 }, totalTokens: 128 });
  });

  it("maps OpenLLMetry attributes with the deprecated gen_ai.system and prompt/completion token keys", () => {
    const result = mapJson([
      s("llm.request.type", "chat"),
      s("gen_ai.system", "Anthropic"),
      s("gen_ai.request.model", "claude-3-5-sonnet"),
      s("gen_ai.response.model", "claude-3-5-sonnet-20241022"),
      s("gen_ai.prompt.0.role", "user"),
      s("gen_ai.prompt.0.content", "Summarise the ticket"),
      s("gen_ai.completion.0.role", "assistant"),
      s("gen_ai.completion.0.content", "Customer wants a refund."),
      s("gen_ai.completion.0.finish_reason", "end_turn"),
      i("gen_ai.usage.prompt_tokens", 30),
      i("gen_ai.usage.completion_tokens", 6),
      i("llm.usage.total_tokens", 36),
      s("traceloop.association.properties.user_id", "u-9"),
      s("traceloop.association.properties.route", "triage"),
      s("traceloop.association.properties.tenant", "acme"),
    ]);
    expect(result.traces[0]?.trace).toMatchObject({
      provider: "Anthropic",
      model: "claude-3-5-sonnet",
      modelVersion: "claude-3-5-sonnet-20241022",
      prompt: [{ role: "user", content: "Summarise the ticket" }],
      response: [{ role: "assistant", content: "Customer wants a refund." }],
      finishReason: "end_turn",
      inputTokens: 30,
      outputTokens: 6,
      userId: "u-9",
      route: "triage",
      metadata: expect.objectContaining({ tenant: "acme", totalTokens: 36 }),
    });
  });

  it("derives the missing token count from the total and reads traceloop.entity.* as a last resort", () => {
    const result = mapJson([
      s("gen_ai.system", "openai"),
      s("gen_ai.request.model", "gpt-4o"),
      i("gen_ai.usage.prompt_tokens", 10),
      i("llm.usage.total_tokens", 25),
      s("traceloop.entity.input", JSON.stringify({ messages: [{ role: "user", content: "hi" }] })),
      s("traceloop.entity.output", "hello!"),
    ]);
    expect(result.traces[0]?.trace).toMatchObject({
      inputTokens: 10,
      outputTokens: 15,
      prompt: [{ role: "user", content: "hi" }],
      response: "hello!",
    });
  });

  it("reads GenAI content recorded as structured (kvlist/array) values", () => {
    const text = (content: string) => ({ kvlistValue: { values: [s("type", "text"), s("content", content)] } });
    const msg = (role: string, content: string) => ({
      kvlistValue: { values: [s("role", role), { key: "parts", value: { arrayValue: { values: [text(content)] } } }] },
    });
    const result = mapJson([
      s("gen_ai.operation.name", "chat"),
      s("gen_ai.request.model", "gemini-2.0-flash"),
      { key: "gen_ai.input.messages", value: { arrayValue: { values: [msg("user", "Ping?")] } } },
      { key: "gen_ai.output.messages", value: { arrayValue: { values: [msg("assistant", "Pong.")] } } },
      { key: "gen_ai.response.finish_reasons", value: { arrayValue: { values: [{ stringValue: "stop" }] } } },
    ]);
    expect(result.traces[0]?.trace).toMatchObject({
      prompt: [{ role: "user", content: "Ping?" }],
      response: [{ role: "assistant", content: "Pong." }],
      finishReason: "stop",
    });
  });

  it("skips non-LLM spans and agent/tool spans", () => {
    expect(mapJson([s("http.request.method", "GET")]).skipped).toBe(1);
    expect(mapJson([s("gen_ai.operation.name", "execute_tool"), s("gen_ai.tool.name", "search")]).skipped).toBe(1);
    expect(mapJson([s("openinference.span.kind", "CHAIN"), s("input.value", "x")]).skipped).toBe(1);
    expect(mapJson([s("traceloop.span.kind", "workflow"), s("traceloop.entity.input", "{}")]).skipped).toBe(1);
  });

  it("points errors in times and texts at the span field or attribute they came from", () => {
    const at = "resourceSpans[0].scopeSpans[0].spans[0]";
    const chat = s("gen_ai.operation.name", "chat");
    const before2000 = mapJson([chat], { startTimeUnixNano: "900000000000000000", endTimeUnixNano: "900000001000000000" });
    expect(before2000.rejected[0]?.errors).toEqual([{ path: `${at}.startTimeUnixNano`, message: "must not be before 2000-01-01T00:00:00Z" }]);
    const twoDays = String(BigInt(START + 2 * 86_400_000) * BigInt(1_000_000));
    expect(mapJson([chat], { endTimeUnixNano: twoDays }).rejected[0]?.errors).toEqual([
      { path: `${at}.endTimeUnixNano`, message: "must be at most 86400000 ms" },
    ]);
    const long = "x".repeat(1_000_001);
    const input = JSON.stringify([{ role: "user", parts: [{ type: "text", content: long }] }]);
    expect(mapJson([chat, s("gen_ai.input.messages", input)]).rejected[0]?.errors).toEqual([
      { path: `${at}.attributes["gen_ai.input.messages"]`, message: "prompt[0].content must be at most 1000000 characters" },
    ]);
    expect(mapJson([chat, s("output.value", long)]).rejected[0]?.errors).toEqual([
      { path: `${at}.attributes["output.value"]`, message: "must be at most 1000000 characters" },
    ]);
  });

  it("treats JSON text nested too deep as plain text instead of overflowing the stack", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const mapped = mapJson([
      s("gen_ai.operation.name", "chat"),
      s("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"blob","v":${deep}}]}]`),
      s("metadata", `{"a":${deep}}`),
      s("llm.invocation_parameters", `{"a":${deep}}`),
      s("input.value", "fallback prompt"),
    ]);
    expect(mapped.rejected).toEqual([]);
    expect(mapped.traces[0]?.trace.prompt).toBe("fallback prompt");
    expect(mapped.traces[0]?.trace.metadata).not.toHaveProperty("a");
  });

  it("rejects a broken span with paths into the request and keeps its neighbours", () => {
    const bad = mapJson([s("gen_ai.operation.name", "chat"), i("gen_ai.usage.input_tokens", -3)], { spanId: "0000000000000000" });
    expect(bad.rejected).toEqual([
      {
        spanRef: { path: "resourceSpans[0].scopeSpans[0].spans[0]", traceId: "5b8efff798038103d269b633813fc60c", spanId: "0000000000000000", name: "llm" },
        errors: [{ path: "resourceSpans[0].scopeSpans[0].spans[0].spanId", message: "must be 8 bytes (16 hex characters), not all zero" }],
      },
    ]);
    const negative = mapJson([s("gen_ai.operation.name", "chat"), i("gen_ai.usage.input_tokens", -3)]);
    expect(negative.rejected[0]?.errors).toEqual([
      { path: 'resourceSpans[0].scopeSpans[0].spans[0].attributes["gen_ai.usage.input_tokens"]', message: "must not be negative" },
    ]);
    const response = buildExportTraceServiceResponse(negative.rejected);
    expect(response.partialSuccess?.rejectedSpans).toBe("1");
    expect(response.partialSuccess?.errorMessage).toMatch(/^1 span rejected: span eee19b7ec3c1b174 of trace 5b8e.*must not be negative$/);
    expect(buildExportTraceServiceResponse([])).toEqual({});
  });
});

describe("ExportTraceServiceResponse encoding", () => {
  it("round-trips through the exporter's own response decoder", () => {
    const rejected = [
      { spanRef: { path: "p", traceId: "t", spanId: "s", name: "n" }, errors: [{ path: "p.x", message: "bad" }] },
    ];
    const response = buildExportTraceServiceResponse(rejected);
    const proto = ProtobufTraceSerializer.deserializeResponse(encodeExportTraceServiceResponse(response, "protobuf"));
    expect(Number(proto.partialSuccess?.rejectedSpans)).toBe(1);
    expect(proto.partialSuccess?.errorMessage).toBe("1 span rejected: span s of trace t: p.x: bad");
    const json = JsonTraceSerializer.deserializeResponse(encodeExportTraceServiceResponse(response, "json"));
    expect(json).toEqual(response);
    expect(encodeExportTraceServiceResponse({}, "protobuf")).toHaveLength(0);
  });
});
