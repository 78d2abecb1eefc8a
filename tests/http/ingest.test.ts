import { gzipSync } from "node:zlib";
import { SpanKind } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter as OtlpHttpJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OtlpProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appTargets, startApp, TEST_KEY, type RunningApp } from "../../testing/app-server";

const auth = { Authorization: `Bearer ${TEST_KEY}` };
const json = { ...auth, "Content-Type": "application/json" };

function nativeTrace(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    timestamp: "2026-11-27T10:00:00Z",
    provider: "openai",
    model: "gpt-4o-mini",
    modelVersion: "gpt-4o-mini-2024-07-18",
    route: "cheap",
    prompt: [{ role: "user", content: "How do I export my invoices?" }],
    response: "Open Billing → Invoices and choose Export.",
    latencyMs: 640,
    ttftMs: 120,
    inputTokens: 14,
    outputTokens: 11,
    costUsd: 0.00004,
    status: "ok",
    finishReason: "stop",
    userId: "u-1",
    sessionId: "s-1",
    tags: ["billing"],
    metadata: { plan: "pro" },
    scores: { user_feedback: 1 },
    ...extra,
  };
}

/** Spans made by the real OpenTelemetry SDK, captured so each exporter can send the same ones. */
function genAiSpans(suffix: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "support-bot", "deployment.environment": "test" }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer("http-suite");
  const start = new Date("2026-11-27T12:00:00Z");
  const llm = tracer.startSpan(`chat gpt-4o ${suffix}`, {
    kind: SpanKind.CLIENT,
    startTime: start,
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.response.model": "gpt-4o-2024-08-06",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 52,
      "gen_ai.usage.output_tokens": 47,
      "gen_ai.conversation.id": `conv-${suffix}`,
      "driftline.route": "quality",
      "gen_ai.input.messages": JSON.stringify([
        { role: "user", parts: [{ type: "text", content: `Contact me at jane.doe@example.com about ${suffix}` }] },
      ]),
      "gen_ai.output.messages": JSON.stringify([
        { role: "assistant", parts: [{ type: "text", content: "Sure, I will email you." }], finish_reason: "stop" },
      ]),
    },
  });
  llm.end(new Date(start.getTime() + 1234));
  const db = tracer.startSpan("SELECT orders", { startTime: start, attributes: { "db.system": "postgresql" } });
  db.end(new Date(start.getTime() + 5));
  return memory.getFinishedSpans();
}

function exportWith(exporter: { export(spans: ReadableSpan[], cb: (r: ExportResult) => void): void }, spans: ReadableSpan[]) {
  return new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));
}

describe.each(appTargets())("ingest over HTTP on %s", (database) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ database });
  }, 150_000);
  afterAll(async () => {
    await app?.stop();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = json) =>
    fetch(`${app.url}${path}`, { method: "POST", headers, body: typeof body === "string" || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body) });

  it("stores a native batch once and answers per item", async () => {
    const first = await post("/api/v1/traces", { traces: [nativeTrace("n-1"), nativeTrace("n-2")] });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ accepted: 2, duplicates: 0, rejected: 0, items: [{ id: "n-1", status: "accepted" }, { id: "n-2", status: "accepted" }] });

    const again = await post("/api/v1/traces", { traces: [nativeTrace("n-1")] });
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1, items: [{ index: 0, id: "n-1", status: "duplicate" }] });

    const read = await fetch(`${app.url}/api/v1/traces/n-1`, { headers: auth });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({
      externalId: "n-1",
      model: "gpt-4o-mini",
      modelVersion: "gpt-4o-mini-2024-07-18",
      latencyMs: 640,
      inputTokens: 14,
      costUsd: 0.00004,
      tags: ["billing"],
      metadata: { plan: "pro" },
      scores: { user_feedback: 1 },
    });
  });

  it("keeps the valid items of a mixed batch and names each bad field", async () => {
    const response = await post("/api/v1/traces", {
      traces: [nativeTrace("m-ok"), nativeTrace("m-bad", { latencyMs: -5, inputTokens: 1.5 }), nativeTrace("m-ok-2")],
    });
    expect(response.status).toBe(207);
    const body = await response.json();
    expect(body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(body.items[1]).toMatchObject({ index: 1, id: "m-bad", status: "rejected" });
    const paths = body.items[1].errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(["traces[1].inputTokens", "traces[1].latencyMs"]);
    expect((await fetch(`${app.url}/api/v1/traces/m-ok-2`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${app.url}/api/v1/traces/m-bad`, { headers: auth })).status).toBe(404);
  });

  it("stores hostile and unusual strings verbatim, strips NUL and redacts PII", async () => {
    const nasty = "'; DROP TABLE traces; -- 🤖 مرحبا بالعالم \u202Eabc";
    const response = await post("/api/v1/traces", {
      traces: [nativeTrace("odd-1", { prompt: `${nasty}\u0000 mail bob@example.org`, metadata: { note: nasty } })],
    });
    expect(response.status).toBe(200);
    const stored = await (await fetch(`${app.url}/api/v1/traces/odd-1`, { headers: auth })).json();
    expect(stored.prompt).toBe(`${nasty} mail [EMAIL]`);
    expect(stored.metadata.note).toBe(nasty);
    expect(stored.metadata.driftline_redactions).toEqual({ email: 1 });
  });

  it("accepts GenAI spans from the official OTLP/HTTP protobuf and JSON exporters", async () => {
    const proto = new OtlpProtoExporter({ url: `${app.url}/v1/traces`, headers: auth, compression: "gzip" as never });
    const protoResult = await exportWith(proto, genAiSpans("proto"));
    expect(protoResult.error?.message).toBeUndefined();
    expect(protoResult.code).toBe(ExportResultCode.SUCCESS);

    const httpJson = new OtlpHttpJsonExporter({ url: `${app.url}/api/public/otel/v1/traces`, headers: auth });
    const jsonResult = await exportWith(httpJson, genAiSpans("json"));
    expect(jsonResult.code).toBe(ExportResultCode.SUCCESS);
    await Promise.all([proto.shutdown(), httpJson.shutdown()]);

    const list = await (await fetch(`${app.url}/api/v1/traces?model=gpt-4o&limit=10`, { headers: auth })).json();
    expect(list.data).toHaveLength(2); // the database spans were acknowledged, not stored
    for (const trace of list.data) {
      expect(trace).toMatchObject({
        provider: "openai",
        model: "gpt-4o",
        modelVersion: "gpt-4o-2024-08-06",
        route: "quality",
        latencyMs: 1234,
        inputTokens: 52,
        outputTokens: 47,
        finishReason: "stop",
        timestamp: "2026-11-27T12:00:00.000Z",
      });
      expect(JSON.stringify(trace.prompt)).toContain("[EMAIL]");
      expect(JSON.stringify(trace.prompt)).not.toContain("jane.doe@example.com");
    }
    expect(list.data.map((t: { sessionId: string }) => t.sessionId).sort()).toEqual(["conv-json", "conv-proto"]);
  });

  it("reports refused spans through partialSuccess", async () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              scope: { name: "t" },
              spans: [
                {
                  traceId: "0af7651916cd43dd8448eb211c80319c",
                  spanId: "b7ad6b7169203331",
                  name: "chat",
                  startTimeUnixNano: "1795000000000000000",
                  endTimeUnixNano: "1795000001000000000",
                  attributes: [
                    { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
                    { key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } },
                    { key: "gen_ai.usage.input_tokens", value: { intValue: "-3" } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await post("/v1/traces", body);
    expect(response.status).toBe(200);
    const answer = await response.json();
    expect(answer.partialSuccess.rejectedSpans).toBe("1");
    expect(answer.partialSuccess.errorMessage).toContain("b7ad6b7169203331");
  });

  it("pages through the read API with a cursor, newest first", async () => {
    const traces = Array.from({ length: 7 }, (_, i) =>
      nativeTrace(`page-${i}`, { timestamp: `2026-11-20T0${i}:00:00Z`, route: "paging" }),
    );
    expect((await post("/api/v1/traces", { traces })).status).toBe(200);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/v1/traces?route=paging&limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await (await fetch(`${app.url}${query}`, { headers: auth })).json();
      seen.push(...page.data.map((t: { externalId: string }) => t.externalId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["page-6", "page-5", "page-4", "page-3", "page-2", "page-1", "page-0"]);
  });

  it.each([
    ["no key", "/api/v1/traces", { "Content-Type": "application/json" }, JSON.stringify({ traces: [] }), 401],
    ["an unknown key", "/api/v1/traces", { Authorization: "Bearer dl_nope_nope_nope_nope", "Content-Type": "application/json" }, JSON.stringify({ traces: [] }), 401],
    ["malformed JSON", "/api/v1/traces", json, '{"traces": [', 400],
    ["a body that is not an object", "/api/v1/traces", json, "[1,2,3]", 400],
    ["the wrong content type", "/api/v1/traces", { ...auth, "Content-Type": "text/plain" }, "hello", 415],
    ["malformed protobuf", "/v1/traces", { ...auth, "Content-Type": "application/x-protobuf" }, new Uint8Array([0xff, 0xff, 0xff, 0x01]), 400],
    ["an unknown content encoding", "/v1/traces", { ...json, "Content-Encoding": "br2" }, "{}", 415],
    ["broken gzip", "/v1/traces", { ...json, "Content-Encoding": "gzip" }, new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x01]), 400],
  ] as const)("answers %s with %i", async (_name, path, headers, body, status) => {
    const response = await post(path, body, headers as Record<string, string>);
    expect(response.status).toBe(status);
    const answer = await response.json();
    expect(answer.error.message).toEqual(expect.any(String));
  });

  it("refuses oversized bodies and batches with 413, saying the limit", async () => {
    const big = await post("/api/v1/traces", JSON.stringify({ traces: [nativeTrace("big", { prompt: "x".repeat(11 * 1024 * 1024) })] }));
    expect(big.status).toBe(413);
    const bomb = gzipSync(Buffer.from(JSON.stringify({ traces: [nativeTrace("bomb", { prompt: "y".repeat(12 * 1024 * 1024) })] })));
    const inflated = await post("/api/v1/traces", new Uint8Array(bomb), { ...json, "Content-Encoding": "gzip" });
    expect(inflated.status).toBe(413);
    const many = await post("/api/v1/traces", { traces: Array.from({ length: 1001 }, (_, i) => nativeTrace(`many-${i}`)) });
    expect(many.status).toBe(413);
    expect((await many.json()).error.message).toContain("1000");
  });

  it("never shows another project's traces to a key", async () => {
    // demo-0 belongs to the demo project, not to the key's project.
    expect((await fetch(`${app.url}/api/v1/traces/demo-0`, { headers: auth })).status).toBe(404);
    const list = await (await fetch(`${app.url}/api/v1/traces?limit=500`, { headers: auth })).json();
    expect(list.data.some((t: { externalId: string }) => t.externalId.startsWith("demo-"))).toBe(false);
  });

  it("names bad query parameters", async () => {
    const response = await fetch(`${app.url}/api/v1/traces?limit=0&from=yesterday`, { headers: auth });
    expect(response.status).toBe(422);
    const paths = (await response.json()).error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(["query.from", "query.limit"]);
  });
});

describe("ingest rate limit", () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ database: "pglite", env: { DRIFTLINE_RATE_LIMIT: "2", DRIFTLINE_DEMO: "0" } });
  }, 150_000);
  afterAll(async () => {
    await app?.stop();
  });

  it("answers 429 with Retry-After once a key's burst is spent", async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const response = await fetch(`${app.url}/api/v1/traces?limit=1`, { headers: auth });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get("retry-after");
    }
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });
});
