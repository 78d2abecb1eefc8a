/**
 * The client snippets of docs/clients.md, run as written (the real packages,
 * pinned as dev dependencies) against the production build and a fake
 * OpenAI-compatible server; every stored trace is read back over the API.
 * One trace per model call, with what the client sent and nothing invented.
 */
import { SpanKind } from "@opentelemetry/api";
import { CompressionAlgorithm } from "@opentelemetry/otlp-exporter-base";
import { OTLPTraceExporter as OtlpProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { ExportResult } from "@opentelemetry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSnippets, runSnippet } from "../clients/snippets";
import { FAKE_ANSWER, startFakeOpenAi, type FakeOpenAi } from "../fake-openai";
import { appTargets, startApp, TEST_KEY, TEST_PROJECT, type RunningApp } from "../../testing/app-server";

const auth = { Authorization: `Bearer ${TEST_KEY}` };
const SYSTEM = "You answer billing questions in one sentence.";
const QUESTION = "How do I export my invoices?";
const STREAM_QUESTION = "Where do I find my receipts?";

type StoredTrace = {
  externalId: string;
  provider: string | null;
  model: string | null;
  modelVersion: string | null;
  prompt: unknown;
  response: unknown;
  latencyMs: number | null;
  ttftMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  costSource: "client" | "price_table" | "override" | null;
  cachedInputTokens: number | null;
  userId: string | null;
  sessionId: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  timestamp: string;
};

const snippets = readSnippets();

describe.each(appTargets())("client packages over HTTP on %s", (database) => {
  let app: RunningApp;
  let openai: FakeOpenAi;
  beforeAll(async () => {
    [app, openai] = await Promise.all([startApp({ database }), startFakeOpenAi()]);
  }, 150_000);
  afterAll(async () => {
    await Promise.all([app?.stop(), openai?.close()]);
  });

  const env = () => ({
    DRIFTLINE_URL: app.url,
    DRIFTLINE_API_KEY: TEST_KEY,
    DRIFTLINE_PROJECT: TEST_PROJECT,
    OPENAI_BASE_URL: openai.baseUrl,
    OPENAI_API_KEY: "sk-test",
  });

  async function storedIds(): Promise<Set<string>> {
    const list = await fetch(`${app.url}/api/v1/traces?limit=500`, { headers: auth });
    expect(list.status).toBe(200);
    const { data } = (await list.json()) as { data: Array<{ externalId: string }> };
    return new Set(data.map((t) => t.externalId));
  }

  /** Traces stored since `before` was taken, read one by one, in start order. */
  async function tracesSince(before: Set<string>): Promise<StoredTrace[]> {
    const added = [...(await storedIds())].filter((id) => !before.has(id));
    const traces = await Promise.all(
      added.map(async (id) => (await (await fetch(`${app.url}/api/v1/traces/${id}`, { headers: auth })).json()) as StoredTrace),
    );
    return traces.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  }

  /** Runs a snippet and returns the traces it stored: every snippet makes one call as a whole, then one streamed. */
  async function run(id: string, change: (code: string) => string = (code) => code): Promise<StoredTrace[]> {
    const found = snippets.get(id);
    if (!found) throw new Error(`docs/clients.md has no snippet "${id}"`);
    const snippet = { ...found, code: change(found.code) };
    const before = await storedIds();
    const requestsBefore = openai.requests.length;
    const result = await runSnippet(snippet, env());
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(FAKE_ANSWER);
    expect(openai.requests.length - requestsBefore).toBe(2);
    const traces = await tracesSince(before);
    for (const trace of traces) expectCost(trace);
    return traces;
  }

  /**
   * None of these clients sends a cost: a call with its token counts is priced from the price table
   * (gpt-4o-mini: $0.15, $0.075 and $0.60 per million input, cached input and output tokens), one without stays null.
   */
  function expectCost(trace: StoredTrace) {
    if (trace.costSource === "client") return;
    if (trace.inputTokens === null || trace.outputTokens === null) {
      expect(trace.costUsd).toBeNull();
      return;
    }
    expect(trace.costSource).toBe("price_table");
    const cached = trace.cachedInputTokens ?? 0;
    expect(trace.costUsd).toBeCloseTo((trace.inputTokens - cached) * 0.15e-6 + cached * 0.075e-6 + trace.outputTokens * 0.6e-6, 12);
  }

  function expectStreamTtft(trace: StoredTrace) {
    expect(trace.ttftMs).not.toBeNull();
    expect(trace.ttftMs!).toBeGreaterThan(50); // the fake server waits 60 ms before its first chunk
    expect(trace.ttftMs!).toBeLessThan(trace.latencyMs!);
  }

  it("AI SDK 6 (experimental_telemetry): one trace per call, prompt and response, provider without its API part, metadata keys", async () => {
    const [generated, streamed, ...more] = await run("ai-sdk-6");
    expect(more).toEqual([]);
    expect(generated).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      modelVersion: "gpt-4o-mini-2024-07-18",
      prompt: [
        { role: "system", content: SYSTEM },
        { role: "user", content: QUESTION },
      ],
      response: FAKE_ANSWER,
      inputTokens: 15,
      outputTokens: 9,
      ttftMs: null,
      userId: "u-42",
      sessionId: "s-7",
      tags: ["support"],
      metadata: { plan: "pro", functionId: "support-answer" },
    });
    expect(generated!.latencyMs).toBeGreaterThan(50);
    expect(streamed).toMatchObject({ prompt: [{ role: "user", content: STREAM_QUESTION }], response: FAKE_ANSWER, inputTokens: 7, outputTokens: 9 });
    expectStreamTtft(streamed!);
  });

  it("AI SDK 7 with @ai-sdk/otel: the chat span is the trace, enriched from the call's spans; TTFT from time_to_first_chunk", async () => {
    const [generated, streamed, ...more] = await run("ai-sdk-7");
    expect(more).toEqual([]);
    expect(generated).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      modelVersion: "gpt-4o-mini-2024-07-18",
      prompt: [
        { role: "system", content: SYSTEM },
        { role: "user", content: QUESTION },
      ],
      response: [{ role: "assistant", content: FAKE_ANSWER }],
      inputTokens: 15,
      outputTokens: 9,
      ttftMs: null,
      userId: "u-42",
      sessionId: "s-7",
      metadata: { plan: "pro", functionId: "support-answer" },
    });
    expectStreamTtft(streamed!);
  });

  it("AI SDK 7 legacy format: v6's spans, TTFT from ai.response.msToFirstChunk", async () => {
    const [generated, streamed, ...more] = await run("ai-sdk-7-legacy");
    expect(more).toEqual([]);
    expect(generated).toMatchObject({ provider: "openai", response: FAKE_ANSWER, inputTokens: 7, userId: "u-42", ttftMs: null });
    expect(streamed).toMatchObject({ provider: "openai", prompt: [{ role: "user", content: STREAM_QUESTION }], response: FAKE_ANSWER });
    expectStreamTtft(streamed!);
  });

  it("with a SimpleSpanProcessor each span comes in its own request, the outer one last: still one trace per call", async () => {
    const simple = (code: string) => {
      expect(code).toContain("new BatchSpanProcessor(");
      return code.replaceAll("BatchSpanProcessor", "SimpleSpanProcessor");
    };
    const v6 = await run("ai-sdk-6", simple);
    expect(v6.map((t) => (t.metadata.otel as { spanName: string }).spanName)).toEqual(["ai.generateText.doGenerate", "ai.streamText.doStream"]);
    // AI SDK 6 repeats the call's metadata on each provider-call span.
    expect(v6[0]).toMatchObject({ userId: "u-42", sessionId: "s-7", metadata: { functionId: "support-answer" } });
    const v7 = await run("ai-sdk-7", simple);
    expect(v7).toHaveLength(2);
    // @ai-sdk/otel keeps function id and runtime context on the spans above the chat span, which came later.
    expect(v7[0]).toMatchObject({ model: "gpt-4o-mini", response: [{ role: "assistant", content: FAKE_ANSWER }], userId: null, sessionId: null });
    expect(v7[0]!.metadata.functionId).toBeUndefined();
    expectStreamTtft(v7[1]!);
  });

  for (const id of ["openinference", "openllmetry"]) {
    it(`openai SDK under ${id}: one trace per call; what the instrumentation leaves out stays null`, async () => {
      const [whole, streamed, ...more] = await run(id);
      expect(more).toEqual([]);
      for (const trace of [whole, streamed]) {
        expect(trace).toMatchObject({
          provider: "openai",
          model: "gpt-4o-mini",
          prompt: [
            { role: "system", content: SYSTEM },
            { role: "user", content: QUESTION },
          ],
          response: [{ role: "assistant", content: FAKE_ANSWER }],
          userId: null,
          sessionId: null,
        });
      }
      expect(whole).toMatchObject({ modelVersion: "gpt-4o-mini-2024-07-18", inputTokens: 15, outputTokens: 9 });
      // Neither instrumentation records a stream's usage or its first chunk.
      expect(streamed).toMatchObject({ inputTokens: null, outputTokens: null, ttftMs: null });
    });
  }

  it("Langfuse JS (@langfuse/otel, Basic auth with slug and key): generations stored with cost, TTFT and trace attributes", async () => {
    const [whole, streamed, ...more] = await run("langfuse-js");
    expect(more).toEqual([]);
    expect(whole).toMatchObject({
      provider: null,
      model: "gpt-4o-mini",
      modelVersion: null,
      prompt: [
        { role: "system", content: SYSTEM },
        { role: "user", content: QUESTION },
      ],
      response: [{ role: "assistant", content: FAKE_ANSWER }],
      inputTokens: 15,
      outputTokens: 9,
      ttftMs: null,
      userId: "u-42",
      sessionId: "s-7",
      tags: ["support"],
      metadata: { plan: "pro", requestParams: { temperature: 0.2 } },
    });
    expect(whole!.costUsd).toBeCloseTo(0.000008, 10);
    expect(streamed).toMatchObject({ response: [{ role: "assistant", content: FAKE_ANSWER }], inputTokens: 15, outputTokens: 9 });
    expectStreamTtft(streamed!);
  });

  it("Langfuse JS with a wrong key pair is refused with 401 JSON and stores nothing", async () => {
    const before = await storedIds();
    const snippet = snippets.get("langfuse-js")!;
    const result = await runSnippet(snippet, { ...env(), DRIFTLINE_API_KEY: "dl_not_a_key_of_this_project_000000" });
    expect(result.stdout).toContain(FAKE_ANSWER); // the application's own calls go on
    expect(result.stderr).toMatch(/401|Unauthorized/i);
    expect(await tracesSince(before)).toEqual([]);
    const basic = Buffer.from(`${TEST_PROJECT}:dl_not_a_key_of_this_project_000000`).toString("base64");
    const answer = await fetch(`${app.url}/api/public/otel/v1/traces`, {
      method: "POST",
      headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it("curl: the OTLP/JSON request of the docs is stored", async () => {
    const before = await storedIds();
    const result = await runSnippet(snippets.get("curl")!, env());
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe("{}");
    const [trace, ...more] = await tracesSince(before);
    expect(more).toEqual([]);
    expect(trace).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      prompt: [{ role: "user", content: QUESTION }],
      response: [{ role: "assistant", content: FAKE_ANSWER }],
      inputTokens: 14,
      outputTokens: 9,
      userId: "u-42",
    });
    expect(trace!.latencyMs).toBeCloseTo(900, 0);
  });

  it("Collector: the exporter section's request (protobuf, gzip, <endpoint>/v1/traces, its header) is stored", async () => {
    // No Collector binary can be installed here: the YAML's exporter settings drive the OTLP/HTTP
    // exporter that sends what the Collector's otlphttp exporter sends.
    const yaml = snippets.get("otel-collector")!.code;
    const section = yaml.slice(yaml.indexOf("otlphttp/driftline:"), yaml.indexOf("\nservice:"));
    const setting = (name: string) => section.match(new RegExp(`^\\s+${name}:\\s*(.+?)(?:\\s+#.*)?$`, "m"))?.[1];
    const substitute = (v: string) => v.replace(/\$\{env:([A-Z_]+)\}/g, (_, name: string) => (env() as Record<string, string>)[name] ?? "");
    expect(setting("encoding")).toBe("proto");
    expect(setting("compression")).toBe("gzip");
    expect(yaml).toMatch(/exporters: \[otlphttp\/driftline\]/);
    const endpoint = substitute(setting("endpoint")!);
    const authorization = substitute(setting("Authorization")!);
    expect(endpoint).toBe(app.url);
    expect(authorization).toBe(`Bearer ${TEST_KEY}`);

    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    const span = provider.getTracer("collector-test").startSpan("chat gpt-4o-mini", {
      kind: SpanKind.CLIENT,
      attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o-mini", "gen_ai.usage.input_tokens": 3 },
    });
    span.end();
    const before = await storedIds();
    const exporter = new OtlpProtoExporter({ url: `${endpoint}/v1/traces`, headers: { Authorization: authorization }, compression: CompressionAlgorithm.GZIP });
    const exported = await new Promise<ExportResult>((resolve) => exporter.export(memory.getFinishedSpans() as ReadableSpan[], resolve));
    expect(exported.code, String(exported.error)).toBe(0);
    const [trace, ...more] = await tracesSince(before);
    expect(more).toEqual([]);
    expect(trace).toMatchObject({ model: "gpt-4o-mini", inputTokens: 3 });
  });

  it("unknown paths under the ingest prefixes answer JSON 404, never an HTML page", async () => {
    for (const [method, path] of [
      ["POST", "/v1/metrics"],
      ["POST", "/v1/logs"],
      ["GET", "/api/v1/nothing/here"],
      ["POST", "/api/public/otel/v1/metrics"],
      ["POST", "/api/public/unknown"],
      ["DELETE", "/api/v1/traces/x/y/z"],
    ]) {
      const answer = await fetch(`${app.url}${path}`, { method: method!, headers: { ...auth, "Content-Type": "application/json" }, body: method === "GET" ? undefined : "{}" });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.headers.get("content-type"), `${method} ${path}`).toContain("application/json");
      expect(await answer.json()).toMatchObject({ error: { code: "not_found", message: expect.stringContaining(path!) } });
    }
  });
});
