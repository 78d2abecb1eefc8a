import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { NormalizedTrace } from "../types";
import { normalizeAiSdkProvider } from "./ai-sdk";
import { decodeOtlpRequest } from "./decode";
import { mapOtlpRequest, type OtlpMapResult } from "./map-request";
import { mapSpan } from "./map-span";
import type { Attributes, OtlpSpan, OtlpTraceRequest } from "./types";

/**
 * The OTLP requests the real client packages sent when running the snippets of
 * docs/clients.md against a fake OpenAI server (`npx tsx
 * scripts/capture-client-fixtures.ts` rewrites them). Each snippet makes one
 * call as a whole and one streamed; the fake server answers ANSWER, reports
 * 2 cached prompt tokens, and waits 60 ms before its first chunk.
 */
const ANSWER = "Open Billing, then Invoices, then Export.";
const SYSTEM = "You answer billing questions in one sentence.";
const QUESTION = "How do I export my invoices?";
const STREAM_QUESTION = "Where do I find my receipts?";

function fixtureRequests(id: string): OtlpTraceRequest[] {
  const file = path.join(path.dirname(new URL(import.meta.url).pathname), "fixtures", `${id}.json`);
  const { requests } = JSON.parse(readFileSync(file, "utf8")) as { requests: unknown[] };
  return requests.map((body) =>
    decodeOtlpRequest({ body: new TextEncoder().encode(JSON.stringify(body)), contentType: "application/json", contentEncoding: null }),
  );
}

function mapAll(requests: OtlpTraceRequest[]): { traces: NormalizedTrace[]; skipped: number; rejected: OtlpMapResult["rejected"] } {
  const results = requests.map((r) => mapOtlpRequest(r));
  return {
    traces: results.flatMap((r) => r.traces.map((t) => t.trace)).sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime()),
    skipped: results.reduce((n, r) => n + r.skipped, 0),
    rejected: results.flatMap((r) => r.rejected),
  };
}

const spansOf = (request: OtlpTraceRequest) => request.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));

/** The same request with only the spans `keep` selects. */
function only(request: OtlpTraceRequest, keep: (span: OtlpSpan) => boolean): OtlpTraceRequest {
  return {
    resourceSpans: request.resourceSpans.map((rs) => ({ ...rs, scopeSpans: rs.scopeSpans.map((ss) => ({ ...ss, spans: ss.spans.filter(keep) })) })),
  };
}

function expectTtftMeasured(trace: NormalizedTrace) {
  expect(trace.ttftMs).not.toBeNull();
  expect(trace.ttftMs!).toBeGreaterThanOrEqual(55);
  expect(trace.ttftMs!).toBeLessThan(trace.latencyMs!);
}

describe("Vercel AI SDK 6 (experimental_telemetry)", () => {
  const { traces, skipped, rejected } = mapAll(fixtureRequests("ai-sdk-6"));

  it("stores one trace per model call: the doGenerate/doStream spans, not the generateText/streamText around them", () => {
    expect(rejected).toEqual([]);
    expect(traces.map((t) => t.metadata.otel)).toMatchObject([{ spanName: "ai.generateText.doGenerate" }, { spanName: "ai.streamText.doStream" }]);
    expect(skipped).toBe(2);
  });

  it("reads model, provider without its API part, prompt, response, usage and the documented metadata keys", () => {
    const [generated, streamed] = traces;
    expect(generated).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      modelVersion: "gpt-4o-mini-2024-07-18",
      prompt: [
        { role: "system", content: SYSTEM },
        { role: "user", content: QUESTION },
      ],
      response: ANSWER,
      inputTokens: 15,
      outputTokens: 9,
      cachedInputTokens: 2,
      reasoningTokens: 0,
      finishReason: "stop",
      status: "ok",
      userId: "u-42",
      sessionId: "s-7",
      tags: ["support"],
      costUsd: null,
    });
    expect(generated!.metadata).toMatchObject({ plan: "pro", functionId: "support-answer", totalTokens: 24 });
    expect(generated!.ttftMs).toBeNull(); // not streamed: the SDK sends no first-chunk time
    expect(streamed).toMatchObject({ prompt: [{ role: "user", content: STREAM_QUESTION }], response: ANSWER, inputTokens: 7, outputTokens: 9 });
    expectTtftMeasured(streamed!);
  });

  it("stores the inner span alone when the outer one comes in a later request, and only acknowledges the outer one", () => {
    const [request] = fixtureRequests("ai-sdk-6");
    const inner = (s: OtlpSpan) => s.name.endsWith(".doGenerate") || s.name.endsWith(".doStream");
    const first = mapOtlpRequest(only(request!, inner));
    const later = mapOtlpRequest(only(request!, (s) => !inner(s)));
    expect(first.traces).toHaveLength(2);
    expect(first.traces[0]!.trace).toMatchObject({ userId: "u-42", sessionId: "s-7", response: ANSWER });
    expect(later).toMatchObject({ traces: [], rejected: [], skipped: 2 });
  });
});

describe("Vercel AI SDK 7 with @ai-sdk/otel", () => {
  it("GenAI format: the chat span is the trace; function id and runtime context come from the spans above it", () => {
    const { traces, skipped, rejected } = mapAll(fixtureRequests("ai-sdk-7"));
    expect(rejected).toEqual([]);
    expect(skipped).toBe(4); // invoke_agent and step spans of both calls
    expect(traces).toHaveLength(2);
    const [generated, streamed] = traces;
    expect(generated).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      modelVersion: "gpt-4o-mini-2024-07-18",
      prompt: [
        { role: "system", content: SYSTEM },
        { role: "user", content: QUESTION },
      ],
      response: [{ role: "assistant", content: ANSWER }],
      inputTokens: 15,
      outputTokens: 9,
      cachedInputTokens: 2,
      finishReason: "stop",
      userId: "u-42",
      sessionId: "s-7",
    });
    expect(generated!.metadata).toMatchObject({ functionId: "support-answer", plan: "pro" });
    expect(generated!.ttftMs).toBeNull();
    // gen_ai.client.operation.time_to_first_chunk is in seconds.
    const chat = spansOf(fixtureRequests("ai-sdk-7")[0]!).find((s) => s.spanId === (streamed!.metadata.otel as { spanId: string }).spanId)!;
    expect(streamed!.ttftMs).toBeCloseTo((chat.attributes["gen_ai.client.operation.time_to_first_chunk"] as number) * 1000, 6);
    expectTtftMeasured(streamed!);
  });

  it("GenAI format: a chat span exported without its ancestors keeps what it carries and nothing more", () => {
    const [request] = fixtureRequests("ai-sdk-7");
    const { traces } = mapAll([only(request!, (s) => s.name.startsWith("chat "))]);
    expect(traces).toHaveLength(2);
    expect(traces[0]).toMatchObject({ model: "gpt-4o-mini", response: [{ role: "assistant", content: ANSWER }], userId: null, sessionId: null });
    expect(traces[0]!.metadata.functionId).toBeUndefined();
  });

  it("legacy format: TTFT from ai.response.msToFirstChunk, not from the firstChunk event written at the span's end", () => {
    const requests = fixtureRequests("ai-sdk-7-legacy");
    const { traces, skipped } = mapAll(requests);
    expect(skipped).toBe(2);
    expect(traces.map((t) => t.metadata.otel)).toMatchObject([{ spanName: "ai.generateText.doGenerate" }, { spanName: "ai.streamText.doStream" }]);
    const streamed = traces[1]!;
    const span = spansOf(requests[0]!).find((s) => s.name === "ai.streamText.doStream")!;
    const event = span.events.find((e) => e.name === "ai.stream.firstChunk")!;
    const eventMs = Number(event.timeUnixNano - span.startTimeUnixNano) / 1e6;
    expect(streamed.ttftMs).toBe(span.attributes["ai.response.msToFirstChunk"]);
    expect(eventMs - streamed.ttftMs!).toBeGreaterThan(30); // the event's time is the end of the stream
    expectTtftMeasured(streamed);
    expect(streamed).toMatchObject({ provider: "openai", response: ANSWER, userId: "u-42", sessionId: "s-7", inputTokens: 7, outputTokens: 9 });
  });
});

describe("openai SDK under OpenInference and OpenLLMetry", () => {
  for (const id of ["openinference", "openllmetry"]) {
    it(`${id}: one trace per call, with what the instrumentation sends`, () => {
      const { traces, skipped } = mapAll(fixtureRequests(id));
      expect(skipped).toBe(0);
      expect(traces).toHaveLength(2);
      for (const trace of traces) {
        expect(trace).toMatchObject({
          provider: "openai",
          model: "gpt-4o-mini",
          prompt: [
            { role: "system", content: SYSTEM },
            { role: "user", content: QUESTION },
          ],
          response: [{ role: "assistant", content: ANSWER }],
          finishReason: "stop",
          userId: null,
          costUsd: null,
        });
      }
      expect(traces[0]).toMatchObject({ modelVersion: "gpt-4o-mini-2024-07-18", inputTokens: 15, outputTokens: 9 });
      // Neither instrumentation records usage or a first-token time for a stream: they stay null.
      expect(traces[1]).toMatchObject({ inputTokens: null, outputTokens: null, ttftMs: null });
    });
  }
});

describe("Langfuse JS SDK (@langfuse/otel + @langfuse/tracing)", () => {
  const { traces, skipped } = mapAll(fixtureRequests("langfuse-js"));

  it("stores the generations and skips the span around them", () => {
    expect(skipped).toBe(1);
    expect(traces.map((t) => t.metadata.otel)).toMatchObject([{ spanName: "chat" }, { spanName: "chat-stream" }]);
  });

  it("reads model, input, output, usage, cost, the propagated trace attributes, and TTFT from the JSON-quoted completion start", () => {
    const [whole, streamed] = traces;
    expect(whole).toMatchObject({
      provider: null,
      model: "gpt-4o-mini",
      modelVersion: null,
      prompt: [
        { role: "system", content: SYSTEM },
        { role: "user", content: QUESTION },
      ],
      response: [{ role: "assistant", content: ANSWER }],
      inputTokens: 15,
      outputTokens: 9,
      userId: "u-42",
      sessionId: "s-7",
      tags: ["support"],
      ttftMs: null,
    });
    expect(whole!.costUsd).toBeCloseTo(0.000008, 12);
    expect(whole!.metadata).toMatchObject({ plan: "pro", requestParams: { temperature: 0.2 } });
    expect(streamed).toMatchObject({ response: [{ role: "assistant", content: ANSWER }], inputTokens: 15, costUsd: null });
    expectTtftMeasured(streamed!);
  });
});

const T0 = BigInt(Date.UTC(2026, 10, 1)) * 1_000_000n;
const span = (attributes: Attributes, extra: Partial<OtlpSpan> = {}): OtlpSpan => ({
  traceId: "5b8efff798038103d269b633813fc60c",
  spanId: "00f067aa0ba902b7",
  parentSpanId: "",
  name: "span",
  kind: 1,
  startTimeUnixNano: T0,
  endTimeUnixNano: T0 + 2_000_000_000n,
  attributes,
  events: [],
  status: { code: 0, message: "" },
  ...extra,
});
const map = (attributes: Attributes, extra: Partial<OtlpSpan> = {}) =>
  mapSpan(span(attributes, extra), { resource: {}, scope: { name: "test", version: "", attributes: {} } }, { now: () => Date.UTC(2026, 10, 2) });
const traceOf = (attributes: Attributes, extra: Partial<OtlpSpan> = {}) => {
  const result = map(attributes, extra);
  if (result.kind !== "trace") throw new Error(JSON.stringify(result));
  return result.trace;
};

describe("AI SDK attributes", () => {
  it("drops the API part of the provider id", () => {
    expect(
      ["openai.chat", "openai.responses", "anthropic.messages", "google.generative-ai", "google.vertex.chat", "mistral"].map(normalizeAiSdkProvider),
    ).toEqual(["openai", "openai", "anthropic", "google", "google.vertex", "mistral"]);
  });

  it("takes the caller's ai.prompt when the messages sent are not recorded, and keeps tool calls beside the text", () => {
    const trace = traceOf({
      "ai.operationId": "ai.generateText.doGenerate",
      "ai.model.provider": "anthropic.messages",
      "ai.model.id": "claude-sonnet-4-5",
      "ai.prompt": JSON.stringify({ system: "Be brief.", prompt: "Weather in Paris?" }),
      "ai.response.toolCalls": JSON.stringify([{ toolCallId: "c1", toolName: "weather", input: { city: "Paris" } }]),
      "ai.response.finishReason": "tool-calls",
      "ai.telemetry.metadata.tags": ["weather", "beta"],
    });
    expect(trace).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      prompt: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Weather in Paris?" },
      ],
      response: [{ role: "assistant", content: "", parts: [{ type: "tool_call", toolCallId: "c1", toolName: "weather", input: { city: "Paris" } }] }],
      finishReason: "tool-calls",
      tags: ["weather", "beta"],
      inputTokens: null,
      ttftMs: null,
    });
  });

  it("reads v4's token names and generateObject's response object", () => {
    const trace = traceOf({
      "ai.operationId": "ai.generateObject.doGenerate",
      "ai.model.provider": "openai.chat",
      "ai.model.id": "gpt-4o",
      "ai.prompt.messages": JSON.stringify([{ role: "user", content: [{ type: "text", text: "Extract the city" }] }]),
      "ai.response.object": JSON.stringify({ city: "Paris" }),
      "ai.usage.promptTokens": 12,
      "ai.usage.completionTokens": 5,
    });
    expect(trace).toMatchObject({
      provider: "openai",
      prompt: [{ role: "user", content: "Extract the city" }],
      response: '{"city":"Paris"}',
      inputTokens: 12,
      outputTokens: 5,
    });
  });

  it("skips tool, embedding and outer spans with a reason", () => {
    for (const [op, reason] of [
      ["ai.toolCall", /not an LLM call/],
      ["ai.embed.doEmbed", /not an LLM call/],
      ["ai.streamText", /doStream span is stored/],
    ] as const) {
      const result = map({ "ai.operationId": op, "gen_ai.request.model": "x" });
      expect(result).toMatchObject({ kind: "skip" });
      expect(result.kind === "skip" && result.reason).toMatch(reason);
    }
  });
});

describe("Langfuse attributes", () => {
  it("maps an error-level generation, usage and cost parts, prompt link, environment and observation metadata", () => {
    const trace = traceOf({
      "langfuse.observation.type": "generation",
      "langfuse.observation.model.name": "gpt-4o",
      "langfuse.observation.input": "Summarise the ticket",
      "langfuse.observation.level": "ERROR",
      "langfuse.observation.status_message": "rate limited",
      "langfuse.observation.usage_details": JSON.stringify({ prompt_tokens: 40, completion_tokens: 0, cache_read_input_tokens: 32 }),
      "langfuse.observation.cost_details": JSON.stringify({ input: 0.0001, output: 0 }),
      "langfuse.observation.completion_start_time": JSON.stringify(new Date(Date.UTC(2026, 10, 1, 0, 0, 0, 250)).toISOString()),
      "langfuse.observation.prompt.name": "summariser",
      "langfuse.observation.prompt.version": 3,
      "langfuse.observation.metadata.ticket": "T-9",
      "langfuse.environment": "staging",
      "langfuse.trace.name": "support-flow",
    });
    expect(trace).toMatchObject({
      model: "gpt-4o",
      prompt: "Summarise the ticket",
      response: null,
      status: "error",
      error: "rate limited",
      inputTokens: 40,
      outputTokens: 0,
      cachedInputTokens: 32,
      costUsd: 0.0001,
      ttftMs: 250,
      tags: ["env:staging"],
    });
    expect(trace.metadata).toMatchObject({ ticket: "T-9", prompt: { name: "summariser", version: 3 }, level: "ERROR", traceName: "support-flow" });
  });

  it("acknowledges every other observation type without storing it", () => {
    for (const type of ["span", "event", "agent", "tool", "embedding"]) {
      expect(map({ "langfuse.observation.type": type, "gen_ai.request.model": "gpt-4o" })).toMatchObject({ kind: "skip" });
    }
  });
});

describe("refused values name the attribute the client sent", () => {
  const errorsOf = (result: ReturnType<typeof map>) => (result.kind === "rejected" ? result.errors : []);

  it("an AI SDK or Langfuse value points at its own attribute, not the key it was translated to", () => {
    expect(errorsOf(map({ "ai.operationId": "ai.generateText.doGenerate", "ai.model.id": "m", "ai.usage.inputTokens": -1 }))).toEqual([
      { path: 'span.attributes["ai.usage.inputTokens"]', message: "must not be negative" },
    ]);
    expect(
      errorsOf(map({ "langfuse.observation.type": "generation", "langfuse.observation.usage_details": JSON.stringify({ input: 1.5 }) })),
    ).toEqual([{ path: 'span.attributes["langfuse.observation.usage_details"]', message: "must be an integer" }]);
  });

  it("a value inherited from a parent span says so", () => {
    const parent = span({ "user.id": "u".repeat(300) }, { spanId: "1111111111111111", name: "request" });
    const child = span({ "gen_ai.operation.name": "chat", "gen_ai.request.model": "m" }, { parentSpanId: "1111111111111111" });
    const request: OtlpTraceRequest = {
      resourceSpans: [{ resource: { attributes: {} }, schemaUrl: "", scopeSpans: [{ scope: { name: "t", version: "", attributes: {} }, schemaUrl: "", spans: [parent, child] }] }],
    };
    const result = mapOtlpRequest(request, { now: () => Date.UTC(2026, 10, 2) });
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]!.errors[0]).toMatchObject({
      path: 'resourceSpans[0].scopeSpans[0].spans[1].attributes["user.id"]',
      message: expect.stringContaining("(inherited from a parent span)"),
    });
  });
});
