import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { projects } from "@/db/schema";
import { decodeOtlpRequest } from "@/lib/ingest/otlp/decode";
import { parseRedactionSetting } from "@/lib/ingest/redact";
import { purgeExpiredRetrievals } from "@/lib/jobs/retention";
import { getTrace } from "@/lib/queries/traces-read";
import { ingestOtlpRequest } from "@/lib/services/traces/ingest";
import { dbTargets } from "./targets";

// Retriever documents and the LLM span of the same OTel trace exported in
// different requests, in either order (lib/services/traces/otlp-contexts.ts).

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const num = (key: string, value: number) => ({ key, value: { doubleValue: value } });
const base = BigInt(Date.now() - 60_000) * 1_000_000n;

function span(traceId: string, spanId: string, offsetMs: number, attributes: unknown[]) {
  const start = base + BigInt(offsetMs) * 1_000_000n;
  return { traceId, spanId, name: spanId, kind: 1, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 1_000_000n), attributes };
}

const retriever = (traceId: string, spanId: string, offsetMs: number, docs: Array<{ content: string; id: string; score: number }>) =>
  span(traceId, spanId, offsetMs, [
    str("openinference.span.kind", "RETRIEVER"),
    str("input.value", "How do I export invoices?"),
    ...docs.flatMap((d, i) => [
      str(`retrieval.documents.${i}.document.content`, d.content),
      str(`retrieval.documents.${i}.document.id`, d.id),
      num(`retrieval.documents.${i}.document.score`, d.score),
    ]),
  ]);

const llm = (traceId: string, spanId: string, offsetMs: number) =>
  span(traceId, spanId, offsetMs, [
    str("openinference.span.kind", "LLM"),
    str("llm.model_name", "gpt-4o-mini"),
    str("input.value", "How do I export invoices?"),
    str("output.value", "Billing > Invoices > Export."),
  ]);

const request = (spans: unknown[]) =>
  decodeOtlpRequest({
    body: new TextEncoder().encode(JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: "test" }, spans }] }] })),
    contentType: "application/json",
  });

const DOC_A = { content: "Invoices live under Billing. Ask billing@example.com.", id: "doc-a", score: 0.9 };
const DOC_B = { content: "Exports are CSV files.", id: "doc-b", score: 0.8 };
const DOC_C = { content: "Old invoices are archived after a year.", id: "doc-c", score: 0.7 };
const view = (d: { content: string; id: string; score: number }) => ({ ...d, content: d.content.replace("billing@example.com", "[EMAIL]"), source: null });

let traceCounter = 0;
const newTraceId = () => (++traceCounter).toString(16).padStart(32, "a");

describe.each(dbTargets())("OTLP retrieved contexts across export requests on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let projectId: string;
  // As the route does: on PGlite, which runs one transaction at a time, without the per-trace lock.
  const ctx = () => ({ db: handle.db, projectId, redaction: parseRedactionSetting("email"), serialized: handle.driver === "pglite" });
  const contextsOf = async (traceId: string, spanId: string) => (await getTrace(handle.db, projectId, `${traceId}-${spanId}`))?.contexts;

  beforeAll(async () => {
    handle = await target.open();
    const [project] = await handle.db.insert(projects).values({ slug: "otlp-ctx", name: "otlp-ctx" }).returning();
    projectId = project!.id;
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  it("gives an LLM span the documents of a retriever span of its trace exported in an earlier request (kept redacted)", async () => {
    const traceId = newTraceId();
    const first = await ingestOtlpRequest(ctx(), request([retriever(traceId, "1000000000000001", 0, [DOC_A, DOC_B])]));
    expect(first).toMatchObject({ accepted: 0, skipped: 1 });
    const kept = await handle.query<{ documents: Array<{ content: string }> }>("select documents from otlp_retrievals where project_id = $1 and otel_trace_id = $2", [projectId, traceId]);
    expect(kept[0]!.documents[0]!.content).toBe("Invoices live under Billing. Ask [EMAIL].");

    const second = await ingestOtlpRequest(ctx(), request([llm(traceId, "2000000000000001", 10), llm(newTraceId(), "2000000000000002", 10)]));
    expect(second.accepted).toBe(2);
    expect(await contextsOf(traceId, "2000000000000001")).toEqual([view(DOC_A), view(DOC_B)]);
  });

  it("writes documents that arrive after the LLM span into the stored trace, in the retrievals' start order, and queues the evaluators that read contexts again", async () => {
    const traceId = newTraceId();
    // Two evaluators, written as stored rows: one reads contexts, one does not.
    const [reader] = await handle.query<{ id: string }>(
      `insert into evaluators (project_id, name, kind, settings) values ($1, 'ctx-reader', 'heuristic', '{"metrics":["context_relevance"]}') returning id`,
      [projectId],
    );
    const [other] = await handle.query<{ id: string }>(
      `insert into evaluators (project_id, name, kind, settings) values ($1, 'ctx-blind', 'heuristic', '{"metrics":["empty"]}') returning id`,
      [projectId],
    );
    await ingestOtlpRequest(ctx(), request([llm(traceId, "3000000000000001", 50)]));
    expect(await contextsOf(traceId, "3000000000000001")).toEqual([]);
    const [trace] = await handle.query<{ id: string }>("select id from traces where project_id = $1 and external_id = $2", [projectId, `${traceId}-3000000000000001`]);
    // Both evaluators ran already (their backlog rows gone, their scores stored), the reader without contexts.
    await handle.query("update trace_keys set eval_pending = false where project_id = $1 and id = $2", [projectId, trace!.id]);
    await handle.query("delete from eval_backlog where project_id = $1 and trace_id = $2", [projectId, trace!.id]);
    await handle.query(
      `insert into scores (project_id, trace_id, name, source, value, evaluator_id) values
         ($1, $2, 'ctx-reader.context_relevance', 'eval', 0, $3), ($1, $2, 'ctx-blind.empty', 'eval', 0, $4)`,
      [projectId, trace!.id, reader!.id, other!.id],
    );

    // The later retrieval (started after the first) arrives first; both after the LLM span.
    await ingestOtlpRequest(ctx(), request([retriever(traceId, "1000000000000003", 20, [DOC_C])]));
    expect(await contextsOf(traceId, "3000000000000001")).toEqual([view(DOC_C)]);
    await ingestOtlpRequest(ctx(), request([retriever(traceId, "1000000000000002", 0, [DOC_A, DOC_B])]));
    expect(await contextsOf(traceId, "3000000000000001")).toEqual([view(DOC_A), view(DOC_B), view(DOC_C)]);
    // A retry of the same span changes nothing.
    await ingestOtlpRequest(ctx(), request([retriever(traceId, "1000000000000002", 0, [DOC_A, DOC_B])]));
    expect(await contextsOf(traceId, "3000000000000001")).toEqual([view(DOC_A), view(DOC_B), view(DOC_C)]);

    const backlog = await handle.query<{ evaluator_id: string; attempts: number }>("select evaluator_id, attempts from eval_backlog where project_id = $1 and trace_id = $2", [projectId, trace!.id]);
    expect(backlog).toEqual([{ evaluator_id: reader!.id, attempts: 0 }]);
    const scores = await handle.query<{ name: string }>("select name from scores where project_id = $1 and trace_id = $2 order by name", [projectId, trace!.id]);
    expect(scores.map((s) => s.name)).toEqual(["ctx-blind.empty"]);
    await handle.query("delete from evaluators where project_id = $1 and id in ($2, $3)", [projectId, reader!.id, other!.id]);
  });

  it("joins the halves of a trace sent by two requests at the same moment", async () => {
    for (let round = 0; round < 6; round++) {
      const traceId = newTraceId();
      const halves = [request([retriever(traceId, "1000000000000004", 0, [DOC_B])]), request([llm(traceId, "3000000000000004", 10)])];
      if (round % 2) halves.reverse();
      await Promise.all(halves.map((h) => ingestOtlpRequest(ctx(), h)));
      expect(await contextsOf(traceId, "3000000000000004")).toEqual([view(DOC_B)]);
    }
  });

  it("joins nothing past the window, and the retention task drops kept documents once it has passed", async () => {
    // Documents kept longer ago than the window are not given to a new LLM span.
    const stale = newTraceId();
    await ingestOtlpRequest(ctx(), request([retriever(stale, "1000000000000005", 0, [DOC_A])]));
    await handle.query("update otlp_retrievals set received_at = now() - interval '11 minutes' where project_id = $1 and otel_trace_id = $2", [projectId, stale]);
    await ingestOtlpRequest(ctx(), request([llm(stale, "3000000000000005", 10)]));
    expect(await contextsOf(stale, "3000000000000005")).toEqual([]);

    // A trace stored longer ago than the window is not changed by documents arriving now.
    const late = newTraceId();
    await ingestOtlpRequest(ctx(), request([llm(late, "3000000000000006", 10)]));
    await handle.query("update traces set received_at = now() - interval '11 minutes' where project_id = $1 and external_id = $2", [projectId, `${late}-3000000000000006`]);
    await ingestOtlpRequest(ctx(), request([retriever(late, "1000000000000006", 0, [DOC_A])]));
    expect(await contextsOf(late, "3000000000000006")).toEqual([]);

    // Within the window both still join (nine minutes).
    const inside = newTraceId();
    await ingestOtlpRequest(ctx(), request([retriever(inside, "1000000000000007", 0, [DOC_B])]));
    await handle.query("update otlp_retrievals set received_at = now() - interval '9 minutes' where project_id = $1 and otel_trace_id = $2", [projectId, inside]);
    await ingestOtlpRequest(ctx(), request([llm(inside, "3000000000000007", 10)]));
    expect(await contextsOf(inside, "3000000000000007")).toEqual([view(DOC_B)]);

    const before = await handle.query<{ otel_trace_id: string }>("select otel_trace_id from otlp_retrievals where project_id = $1", [projectId]);
    expect(before.map((r) => r.otel_trace_id)).toContain(stale);
    expect(await purgeExpiredRetrievals(handle)).toBe(1);
    const after = await handle.query<{ otel_trace_id: string }>("select otel_trace_id from otlp_retrievals where project_id = $1", [projectId]);
    expect(after.map((r) => r.otel_trace_id)).not.toContain(stale);
    expect(after.map((r) => r.otel_trace_id)).toContain(inside);
    expect(after).toHaveLength(before.length - 1);
  });

  it("joins documents in a project whose first exports had none to read (the read skipped until a retriever span is kept)", async () => {
    const [fresh] = await handle.db.insert(projects).values({ slug: "otlp-ctx-fresh", name: "otlp-ctx-fresh" }).returning();
    const freshCtx = { ...ctx(), projectId: fresh!.id };
    const traceId = newTraceId();
    expect(await ingestOtlpRequest(freshCtx, request([llm(newTraceId(), "4000000000000001", 10)]))).toMatchObject({ accepted: 1 });
    await ingestOtlpRequest(freshCtx, request([retriever(traceId, "1000000000000008", 0, [DOC_A])]));
    expect(await ingestOtlpRequest(freshCtx, request([llm(traceId, "4000000000000002", 10)]))).toMatchObject({ accepted: 1 });
    expect((await getTrace(handle.db, fresh!.id, `${traceId}-4000000000000002`))?.contexts).toEqual([view(DOC_A)]);
  });
});
