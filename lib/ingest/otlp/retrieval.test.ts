import { describe, expect, it } from "vitest";
import { decodeOtlpRequest } from "./decode";
import { mapOtlpRequest } from "./map-request";

const TRACE = "5b8efff798038103d269b633813fc60c";
const OTHER = "0af7651916cd43dd8448eb211c80319c";
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const num = (key: string, value: number) => ({ key, value: { doubleValue: value } });
const now = BigInt(Date.now() - 60_000) * 1_000_000n;

function span(traceId: string, spanId: string, attributes: unknown[]) {
  return { traceId, spanId, name: spanId, kind: 1, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 1_000_000n), attributes };
}

const retriever = (traceId: string, spanId: string, docs: Array<{ content: string; id?: string; score?: number; metadata?: string }>) =>
  span(traceId, spanId, [
    str("openinference.span.kind", "RETRIEVER"),
    ...docs.flatMap((d, i) => [
      str(`retrieval.documents.${i}.document.content`, d.content),
      ...(d.id ? [str(`retrieval.documents.${i}.document.id`, d.id)] : []),
      ...(d.score !== undefined ? [num(`retrieval.documents.${i}.document.score`, d.score)] : []),
      ...(d.metadata ? [str(`retrieval.documents.${i}.document.metadata`, d.metadata)] : []),
    ]),
  ]);

const llm = (traceId: string, spanId: string) =>
  span(traceId, spanId, [str("openinference.span.kind", "LLM"), str("llm.model_name", "gpt-4o-mini"), str("input.value", "How do I export invoices?"), str("output.value", "Billing > Export.")]);

const map = (spans: unknown[]) =>
  mapOtlpRequest(
    decodeOtlpRequest({ body: new TextEncoder().encode(JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] })), contentType: "application/json" }),
  );

describe("OpenInference retriever documents", () => {
  it("become the contexts of the LLM calls of the same OTel trace, in order, with id, score and source", () => {
    const result = map([
      retriever(TRACE, "aaaaaaaaaaaaaaaa", [
        { content: "Invoices live under Billing.", id: "doc-1", score: 0.92, metadata: JSON.stringify({ source: "kb/billing.md" }) },
        { content: "Exports are CSV files.", id: "doc-2", score: 0.81 },
      ]),
      llm(TRACE, "bbbbbbbbbbbbbbbb"),
      llm(OTHER, "cccccccccccccccc"),
    ]);
    expect(result.skipped).toBe(1); // the retriever span itself is not an LLM call
    const [first, second] = result.traces;
    expect(first!.trace.contexts).toEqual([
      { content: "Invoices live under Billing.", id: "doc-1", source: "kb/billing.md", score: 0.92 },
      { content: "Exports are CSV files.", id: "doc-2", source: null, score: 0.81 },
    ]);
    expect(second!.trace.contexts).toBeUndefined();
  });

  it("keeps at most 50 documents per trace and cuts a long one to 32 KiB", () => {
    const docs = Array.from({ length: 60 }, (_, i) => ({ content: i === 0 ? "x".repeat(40_000) : `doc ${i}` }));
    const result = map([retriever(TRACE, "aaaaaaaaaaaaaaaa", docs), llm(TRACE, "bbbbbbbbbbbbbbbb")]);
    const contexts = result.traces[0]!.trace.contexts!;
    expect(contexts).toHaveLength(50);
    expect(contexts[0]!.content).toHaveLength(32_768);
    expect(contexts[49]!.content).toBe("doc 49");
  });

  it("carry each retriever span's documents, once per span, for joining with calls in other requests", () => {
    const r = retriever(TRACE, "aaaaaaaaaaaaaaaa", [{ content: "one" }]);
    const result = map([r, r, retriever("00000000000000000000000000000000", "dddddddddddddddd", [{ content: "x" }])]);
    expect(result.retrievals).toEqual([{ traceId: TRACE, spanId: "aaaaaaaaaaaaaaaa", startedAt: new Date(Number(now / 1_000_000n)), documents: [{ content: "one", id: null, source: null, score: null }] }]);
  });
});

describe("GenAI-convention retrieval documents (gen_ai.retrieval.documents)", () => {
  const genAi = (traceId: string, spanId: string, value: unknown) => ({
    ...span(traceId, spanId, [str("gen_ai.operation.name", "retrieval")]),
    attributes: [str("gen_ai.operation.name", "retrieval"), { key: "gen_ai.retrieval.documents", value }],
  });

  it("read from a JSON string or a structured array; text from content, text or page_content; source from source, source_id or metadata", () => {
    const docs = [
      { id: "doc-1", score: 0.9, content: "Invoices live under Billing.", metadata: { source: "kb/billing.md" } },
      { id: "doc-2", score: "0.5", text: "Exports are CSV files.", source_id: "kb" },
      { id: "doc-3", score: 0.4 }, // no text: not a context
      { page_content: "Archived after a year.", source: "kb/archive.md" },
    ];
    const asString = map([genAi(TRACE, "aaaaaaaaaaaaaaaa", { stringValue: JSON.stringify(docs) }), llm(TRACE, "bbbbbbbbbbbbbbbb")]);
    const expected = [
      { content: "Invoices live under Billing.", id: "doc-1", source: "kb/billing.md", score: 0.9 },
      { content: "Exports are CSV files.", id: "doc-2", source: "kb", score: 0.5 },
      { content: "Archived after a year.", id: null, source: "kb/archive.md", score: null },
    ];
    expect(asString.skipped).toBe(1);
    expect(asString.traces[0]!.trace.contexts).toEqual(expected);

    const kv = (o: Record<string, unknown>) => ({
      kvlistValue: {
        values: Object.entries(o).map(([key, v]) => ({ key, value: typeof v === "number" ? { doubleValue: v } : { stringValue: String(v) } })),
      },
    });
    const structured = map([
      genAi(TRACE, "aaaaaaaaaaaaaaaa", { arrayValue: { values: [kv({ id: "doc-1", score: 0.9, content: "Invoices live under Billing." })] } }),
      llm(TRACE, "bbbbbbbbbbbbbbbb"),
    ]);
    expect(structured.traces[0]!.trace.contexts).toEqual([{ content: "Invoices live under Billing.", id: "doc-1", source: null, score: 0.9 }]);
  });

  it("join a trace's retrievals by the spans' start time, whatever their order in the request", () => {
    const later = { ...retriever(TRACE, "aaaaaaaaaaaaaaaa", [{ content: "second" }]), startTimeUnixNano: String(now + 5_000_000n) };
    const earlier = genAi(TRACE, "cccccccccccccccc", { stringValue: JSON.stringify([{ id: "x", content: "first" }]) });
    const result = map([later, llm(TRACE, "bbbbbbbbbbbbbbbb"), earlier]);
    expect(result.traces[0]!.trace.contexts!.map((c) => c.content)).toEqual(["first", "second"]);
  });
});
