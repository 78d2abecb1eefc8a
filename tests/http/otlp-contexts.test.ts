import { context, SpanKind, trace, type Span } from "@opentelemetry/api";
import type { ExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appTargets, startApp, TEST_KEY, TEST_PROJECT, type RunningApp } from "../../testing/app-server";
import { startFakeOpenAi, type FakeOpenAi } from "../fake-openai";
import { ADMIN, sessionFetch, signIn } from "./tenants";

// A RAG pipeline traced with the real OpenTelemetry SDK (BatchSpanProcessor +
// the OTLP/HTTP exporter): the retriever span and the LLM span of one trace
// leave in two export requests, in either order, and the LLM call stored by
// Driftline carries the retrieved documents as its contexts; an llm_judge
// faithfulness evaluator (against a local OpenAI-compatible server) and the
// embedding-based context relevance then score it.

const DOCS = [
  { content: "Invoices live under Billing > Invoices.", id: "kb-12", score: 0.91, source: "kb/billing.md" },
  { content: "Export writes one CSV file per month.", id: "kb-40", score: 0.77, source: "kb/export.md" },
];

/** The exporter the SDK is given, recording which spans each export request carried. */
function recording(inner: SpanExporter, calls: string[][]): SpanExporter {
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      calls.push(spans.map((s) => s.name));
      inner.export(spans, done);
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

function openInferenceRetriever(span: Span) {
  span.setAttribute("openinference.span.kind", "RETRIEVER");
  span.setAttribute("input.value", "How do I export my invoices?");
  DOCS.forEach((d, i) => {
    span.setAttribute(`retrieval.documents.${i}.document.content`, d.content);
    span.setAttribute(`retrieval.documents.${i}.document.id`, d.id);
    span.setAttribute(`retrieval.documents.${i}.document.score`, d.score);
    span.setAttribute(`retrieval.documents.${i}.document.metadata`, JSON.stringify({ source: d.source }));
  });
}

function genAiRetriever(span: Span) {
  span.setAttribute("gen_ai.operation.name", "retrieval");
  span.setAttribute("gen_ai.data_source.id", "kb");
  span.setAttribute("gen_ai.retrieval.documents", JSON.stringify(DOCS.map((d) => ({ id: d.id, score: d.score, content: d.content, metadata: { source: d.source } }))));
}

function llmCall(span: Span) {
  span.setAttribute("gen_ai.operation.name", "chat");
  span.setAttribute("gen_ai.provider.name", "openai");
  span.setAttribute("gen_ai.request.model", "gpt-4o-mini");
  span.setAttribute("gen_ai.usage.input_tokens", 120);
  span.setAttribute("gen_ai.usage.output_tokens", 20);
  span.setAttribute("gen_ai.input.messages", JSON.stringify([{ role: "user", parts: [{ type: "text", content: "How do I export my invoices?" }] }]));
  span.setAttribute("gen_ai.output.messages", JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "Open Billing > Invoices and choose Export." }], finish_reason: "stop" }]));
}

describe.each(appTargets())("OTLP retrieved contexts over HTTP on %s", (database) => {
  let app: RunningApp;
  let fake: FakeOpenAi;
  beforeAll(async () => {
    fake = await startFakeOpenAi();
    app = await startApp({
      database,
      env: { DRIFTLINE_DEMO: "0", DRIFTLINE_SECRET_KEY: "otlp-rag-judge-secret-key-of-32-chars-at-least", DRIFTLINE_ALLOW_PRIVATE_LLM: "1" },
    });
  }, 150_000);
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  /**
   * One RAG request under a root span: the retriever and the LLM call as its
   * children, each ended and flushed on its own (`first` decides which), so
   * each leaves in its own export request. Returns the LLM call's external id.
   */
  async function ragRequest(first: "retriever" | "llm", retriever: (span: Span) => void, calls: string[][]): Promise<string> {
    const exporter = new OTLPTraceExporter({ url: `${app.url}/v1/traces`, headers: { Authorization: `Bearer ${TEST_KEY}` } });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ "service.name": "rag-bot" }),
      spanProcessors: [new BatchSpanProcessor(recording(exporter, calls), { scheduledDelayMillis: 60_000 })],
    });
    const tracer = provider.getTracer("rag-suite");
    const root = tracer.startSpan("answer question");
    const parent = trace.setSpan(context.active(), root);
    const start = Date.now() - 5_000;
    const steps = {
      retriever: () => {
        const span = tracer.startSpan("retrieve", { startTime: new Date(start), kind: SpanKind.INTERNAL }, parent);
        retriever(span);
        span.end(new Date(start + 40));
        return span;
      },
      llm: () => {
        const span = tracer.startSpan("chat gpt-4o-mini", { startTime: new Date(start + 50), kind: SpanKind.CLIENT }, parent);
        llmCall(span);
        span.end(new Date(start + 900));
        return span;
      },
    };
    const order = first === "retriever" ? (["retriever", "llm"] as const) : (["llm", "retriever"] as const);
    let llmSpan: Span | undefined;
    for (const step of order) {
      const span = steps[step]();
      if (step === "llm") llmSpan = span;
      await provider.forceFlush();
    }
    root.end();
    await provider.shutdown();
    const { traceId, spanId } = llmSpan!.spanContext();
    return `${traceId}-${spanId}`;
  }

  const read = async (externalId: string) => {
    const response = await fetch(`${app.url}/api/v1/traces/${externalId}`, { headers: { Authorization: `Bearer ${TEST_KEY}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as { id: string; contexts: unknown[] };
  };
  const expected = DOCS.map((d) => ({ content: d.content, id: d.id, score: d.score, source: d.source }));

  it("joins an OpenInference retriever span exported before its LLM span, in another request", async () => {
    const calls: string[][] = [];
    const externalId = await ragRequest("retriever", openInferenceRetriever, calls);
    expect(calls).toEqual([["retrieve"], ["chat gpt-4o-mini"], ["answer question"]]);
    expect((await read(externalId)).contexts).toEqual(expected);
  });

  it("joins an OpenInference retriever span exported after its LLM span was stored, and the trace page shows the contexts", async () => {
    const calls: string[][] = [];
    const externalId = await ragRequest("llm", openInferenceRetriever, calls);
    expect(calls).toEqual([["chat gpt-4o-mini"], ["retrieve"], ["answer question"]]);
    const stored = await read(externalId);
    expect(stored.contexts).toEqual(expected);

    const session = await signIn(app, ADMIN.email, ADMIN.password);
    const page = await sessionFetch(app, session, `/p/${TEST_PROJECT}/traces/${stored.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    // React separates the text around the count with comments in server HTML.
    expect(html).toMatch(/<section[^>]*data-testid="retrieved-contexts"[^>]*><h2>Retrieved contexts \((<!-- -->)?2(<!-- -->)?\)<\/h2>/);
    expect(html).toContain("Export writes one CSV file per month.");
    expect(html).toContain("kb/billing.md · id kb-12 · score 0.910");
  });

  it("joins a GenAI-convention retrieval span (gen_ai.retrieval.documents) in either order", async () => {
    for (const first of ["retriever", "llm"] as const) {
      const calls: string[][] = [];
      const externalId = await ragRequest(first, genAiRetriever, calls);
      expect(calls).toHaveLength(3);
      expect((await read(externalId)).contexts).toEqual(expected);
    }
  });

  it("scores a RAG trace sent as separate retriever and LLM exports: judge faithfulness and context relevance", async () => {
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${app.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${TEST_KEY}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> & { data?: Array<Record<string, unknown>> } };
    };
    const connection = await api("POST", "/api/v1/llm-connections", { name: "rag judge", baseUrl: fake.baseUrl, model: "gpt-4o-mini", apiKey: "sk-otlp-rag-judge" });
    expect(connection.status).toBe(201);
    const judge = await api("POST", "/api/v1/evaluators", { name: "rag", kind: "llm_judge", settings: { connectionId: connection.json.id, template: "faithfulness" } });
    expect(judge.status).toBe(201);
    const relevance = await api("POST", "/api/v1/evaluators", { name: "ctx", kind: "semantic", settings: { metrics: ["context_relevance"] } });
    expect(relevance.status).toBe(201);

    // Both orders: the retriever's documents first, and after the LLM call was stored (its evaluators are queued again).
    const reasons = "The answer's one sentence is stated in the first document.";
    const scoresOf = async (externalId: string) =>
      ((await api("GET", `/api/v1/scores?traceId=${encodeURIComponent(externalId)}`)).json.data ?? []).filter((s) => s.source === "eval");
    for (const first of ["retriever", "llm"] as const) {
      fake.queue.push({ kind: "tool", name: "submit_verdicts", arguments: { reasons, verdicts: ["yes"] } });
      const externalId = await ragRequest(first, openInferenceRetriever, []);
      expect((await read(externalId)).contexts).toEqual(expected);
      await expect
        .poll(async () => (await scoresOf(externalId)).map((s) => s.name).sort(), { timeout: 90_000, interval: 500 })
        .toEqual(["ctx.context_relevance", "rag.faithfulness"]);
      const scores = await scoresOf(externalId);
      expect(scores.find((s) => s.name === "rag.faithfulness")).toMatchObject({ value: 1, comment: reasons });
      const ctx = scores.find((s) => s.name === "ctx.context_relevance")!.value as number;
      expect(ctx).toBeGreaterThan(0);
      expect(ctx).toBeLessThanOrEqual(1);
      // The trace page shows the judge's reasoning beside its score.
      const session = await signIn(app, ADMIN.email, ADMIN.password);
      const page = await sessionFetch(app, session, `/p/${TEST_PROJECT}/traces/${(await read(externalId)).id}`);
      expect(await page.text()).toContain(reasons);
    }
    // The judge was sent the joined documents with the answer, once: the second trace has the same question, answer and
    // contexts, so its verdict came from the judge cache.
    const prompts = fake.requests.map((r) => (r.body as { messages: Array<{ content: string }> }).messages.map((m) => m.content).join("\n"));
    const judged = prompts.filter((p) => p.includes("Open Billing > Invoices and choose Export."));
    expect(judged).toHaveLength(1);
    for (const p of judged) for (const d of DOCS) expect(p).toContain(d.content);
  });
});
