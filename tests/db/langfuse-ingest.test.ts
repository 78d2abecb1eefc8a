import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { projects } from "@/db/schema";
import { parseRedactionSetting } from "@/lib/ingest/redact";
import { createEmbedder, type Embedder } from "@/lib/embeddings";
import { drainEmbeddingBacklog, runEmbedBatch } from "@/lib/jobs/embed";
import { drainRollups } from "@/lib/jobs/rollup";
import { scoreAverages } from "@/lib/queries/overview";
import { getTrace } from "@/lib/queries/traces-read";
import { closeOpenGenerations } from "@/lib/services/langfuse/close-open-generations";
import { ingestLangfuseBatch } from "@/lib/services/langfuse/ingest-langfuse";
import { recordScores } from "@/lib/services/scores/record-scores";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { minimalTrace } from "../../testing/fixtures/trace";
import { dbTargets } from "./targets";

const T0 = Date.parse("2026-11-20T10:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();
let eventSeq = 0;
const event = (type: string, body: Record<string, unknown>, ms = 0, id = `ev-${++eventSeq}`) => ({ id, type, timestamp: at(ms), body });

function traceCreate(id: string, extra: Record<string, unknown> = {}, ms = 0) {
  return event("trace-create", { id, name: "support-answer", userId: "u-7", sessionId: "s-7", tags: ["billing"], release: "r-42", metadata: { plan: "pro" }, ...extra }, ms);
}
function generationCreate(id: string, traceId: string, extra: Record<string, unknown> = {}, ms = 1) {
  return event(
    "generation-create",
    { id, traceId, name: "llm-call", startTime: at(0), model: "gpt-4o-mini", modelParameters: { temperature: 0.2 }, input: [{ role: "user", content: `question of ${id}` }], ...extra },
    ms,
  );
}
function generationEnd(id: string, extra: Record<string, unknown> = {}, ms = 900) {
  return event(
    "generation-update",
    {
      id,
      endTime: at(800),
      completionStartTime: at(150),
      output: { role: "assistant", content: `answer of ${id}` },
      usageDetails: { input: 20, input_cached_tokens: 6, output: 9, output_reasoning_tokens: 3, total: 38 },
      costDetails: { input: 0.0001, output: 0.0002 },
      ...extra,
    },
    ms,
  );
}

describe.each(dbTargets())("Langfuse ingestion on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let projectId: string;
  const ingest = (batch: unknown[]) =>
    ingestLangfuseBatch({ db: handle.db, projectId, redaction: parseRedactionSetting("default"), now: () => T0 + 3_600_000 }, { batch });

  beforeAll(async () => {
    handle = await target.open();
    const [project] = await handle.db.insert(projects).values({ slug: "lf", name: "lf" }).returning();
    projectId = project!.id;
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  const backlog = async (traceId: string) =>
    (await handle.query<{ kind: string }>("select kind::text from embedding_backlog where project_id = $1 and trace_id = $2 order by kind", [projectId, traceId])).map((r) => r.kind);

  it("writes one trace per generation once it ends, with the trace's fields, in either order of arrival", async () => {
    // Update first, then create, then the trace: spread over three requests.
    const first = await ingest([generationEnd("g-1")]);
    expect(first).toEqual({ successes: [{ id: expect.any(String), status: 201 }], errors: [] });
    expect(await getTrace(handle.db, projectId, "g-1")).not.toBeNull(); // it has an end: written at once
    await ingest([generationCreate("g-1", "t-1")]);
    await ingest([traceCreate("t-1")]);
    const trace = await getTrace(handle.db, projectId, "g-1");
    expect(trace).toMatchObject({
      externalId: "g-1",
      timestamp: at(0),
      model: "gpt-4o-mini",
      route: "support-answer",
      prompt: [{ role: "user", content: "question of g-1" }],
      response: [{ role: "assistant", content: "answer of g-1" }],
      latencyMs: 800,
      ttftMs: 150,
      inputTokens: 26,
      outputTokens: 12,
      costUsd: 0.0003,
      status: "ok",
      userId: "u-7",
      sessionId: "s-7",
      tags: ["billing"],
    });
    expect(trace!.metadata).toMatchObject({
      plan: "pro",
      release: "r-42",
      requestParams: { temperature: 0.2 },
      langfuse: { traceId: "t-1", observationId: "g-1", cachedInputTokens: 6, reasoningTokens: 3, traceName: "support-answer" },
    });
    expect(await backlog(trace!.id)).toEqual(["prompt", "response"]);
  });

  it("waits for the end: an open generation is not a trace, a repeated or older event changes nothing", async () => {
    const create = generationCreate("g-2", "t-2");
    await ingest([traceCreate("t-2"), create]);
    expect(await getTrace(handle.db, projectId, "g-2")).toBeNull();
    const end = generationEnd("g-2");
    await ingest([end, end]);
    const written = await getTrace(handle.db, projectId, "g-2");
    expect(written?.latencyMs).toBe(800);
    // The SDK retries a whole batch: the same events again, and an older update arriving late.
    const again = await ingest([create, end, generationEnd("g-2", { output: "stale answer" }, 500)]);
    expect(again.errors).toEqual([]);
    const after = await getTrace(handle.db, projectId, "g-2");
    expect(after).toEqual(written);
    const [count] = await handle.query<{ n: number }>("select count(*)::int as n from traces where project_id = $1 and external_id = 'g-2'", [projectId]);
    expect(Number(count?.n)).toBe(1);
  });

  it("refreshes a written trace when trace-level fields arrive later, and re-embeds only a changed text", async () => {
    await ingest([generationCreate("g-3", "t-3"), generationEnd("g-3")]);
    const before = await getTrace(handle.db, projectId, "g-3");
    expect(before?.userId).toBeNull();
    await handle.query("delete from embedding_backlog where project_id = $1", [projectId]); // as if embedded
    await ingest([traceCreate("t-3", { userId: "late-user", tags: ["late"] }, 2_000)]);
    const after = await getTrace(handle.db, projectId, "g-3");
    expect(after).toMatchObject({ id: before!.id, userId: "late-user", tags: ["late"], route: "support-answer" });
    expect(await backlog(before!.id)).toEqual([]);
    // A later generation-update with a new output: the response is queued for embedding again.
    await ingest([generationEnd("g-3", { output: "a corrected answer" }, 5_000)]);
    expect((await getTrace(handle.db, projectId, "g-3"))?.response).toBe("a corrected answer");
    expect(await backlog(before!.id)).toEqual(["response"]);
  });

  it("embeds the new text when an update changes a written response while the embed job is embedding the old one", async () => {
    const real = await createEmbedder({ worker: false, env: { EMBEDDING_MODEL: "driftline-glove-100d" } });
    try {
      await drainEmbeddingBacklog(handle, real); // earlier tests' texts
      await ingest([generationCreate("g-embed", "t-embed"), generationEnd("g-embed", { output: "the first answer about invoices" })]);
      const traceId = (await getTrace(handle.db, projectId, "g-embed"))!.id;
      let updated = false;
      const racing = Object.create(real) as Embedder;
      racing.embedBatch = async (texts: string[]) => {
        const result = await real.embedBatch(texts);
        if (!updated) {
          updated = true; // the update commits between the job's claim and its store
          await ingest([generationEnd("g-embed", { output: "a corrected answer about refunds" }, 9_000)]);
        }
        return result;
      };
      await runEmbedBatch(handle, racing, { batchSize: 64 });
      expect(updated).toBe(true);
      expect(await backlog(traceId)).toEqual(["response"]); // still queued for the new text
      await drainEmbeddingBacklog(handle, real);
      const [stored] = await handle.query<{ embedding: string }>(
        "select embedding::text from embeddings where project_id = $1 and trace_id = $2 and kind = 'response'",
        [projectId, traceId],
      );
      const [expected] = await real.embed(["a corrected answer about refunds"]);
      const vector = stored!.embedding.slice(1, -1).split(",").map(Number);
      vector.forEach((v, i) => expect(v).toBeCloseTo(expected![i]!, 5));
    } finally {
      await real.close();
    }
  });

  it("answers a bad event with 400 and its path, and keeps the good ones of the batch", async () => {
    const result = await ingest([
      generationCreate("g-4", "t-4", { usageDetails: { input: -1 } }),
      event("generation-create", { traceId: "t-4" }),
      event("trace-create", { id: "t-4", tags: "not-an-array" }),
      event("score-create", { traceId: "t-4", name: "tone", value: "friendly", dataType: "CATEGORICAL" }),
      event("bogus-create", { id: "x" }),
      { id: "no-timestamp", type: "trace-create", body: { id: "t-4" } },
      event("span-create", { id: "span-1", traceId: "t-4" }),
      generationCreate("g-4b", "t-4"),
    ]);
    expect(result.successes.map((s) => s.status)).toEqual([201, 201]);
    const paths = result.errors.map((e) => [e.status, e.error?.[0]?.path]);
    expect(paths).toEqual([
      [400, "batch[0].body.usageDetails.input"],
      [400, "batch[1].body.id"],
      [400, "batch[2].body.tags"],
      [400, "batch[3].body.value"],
      [400, "batch[4].type"],
      [400, "batch[5].timestamp"],
    ]);
    for (const e of result.errors) expect(e.message).toContain(e.error![0]!.path);
    expect(await handle.query("select id from langfuse_generations where project_id = $1 and id in ('g-4', 'g-4b')", [projectId])).toEqual([{ id: "g-4b" }]);
  });

  it("attaches scores by observation, by Langfuse trace (to every generation, also later ones) and by a Driftline id; unknown observation is 404", async () => {
    await ingest([traceCreate("t-5"), generationCreate("g-5a", "t-5"), generationEnd("g-5a"), generationCreate("g-5b", "t-5")]);
    const result = await ingest([
      event("score-create", { id: "sc-1", traceId: "t-5", name: "user_feedback", value: 1 }),
      event("score-create", { id: "sc-2", observationId: "g-5b", traceId: "t-5", name: "judge", value: 0.25, source: "EVAL" }),
      event("score-create", { observationId: "g-unknown", name: "user_feedback", value: 0 }),
    ]);
    expect(result.successes).toHaveLength(2);
    expect(result.errors).toEqual([expect.objectContaining({ status: 404, message: expect.stringContaining("batch[2].body.observationId") })]);
    expect((await getTrace(handle.db, projectId, "g-5a"))?.scores).toEqual({ user_feedback: 1 });
    expect(await getTrace(handle.db, projectId, "g-5b")).toBeNull(); // still open: its scores wait
    await ingest([generationEnd("g-5b")]);
    expect((await getTrace(handle.db, projectId, "g-5b"))?.scores).toEqual({ user_feedback: 1, judge: 0.25 });
    // The same score id with a new value replaces the score on every trace.
    await ingest([event("score-create", { id: "sc-1", traceId: "t-5", name: "user_feedback", value: 0 }, 10_000)]);
    expect((await getTrace(handle.db, projectId, "g-5a"))?.scores).toEqual({ user_feedback: 0 });
    expect((await getTrace(handle.db, projectId, "g-5b"))?.scores).toEqual({ user_feedback: 0, judge: 0.25 });
    // A native trace scored through Langfuse's API by its own id.
    await recordTraces(handle.db, { projectId, traces: [minimalTrace("native-5")] });
    const native = await ingest([event("score-create", { traceId: "native-5", name: "user_feedback", value: 1 })]);
    expect(native.errors).toEqual([]);
    expect((await getTrace(handle.db, projectId, "native-5"))?.scores).toEqual({ user_feedback: 1 });
  });

  it("loses no trace-level score that races the end of its generation, and no event of batches racing each other", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => i);
    await Promise.all(ids.map((i) => ingest([traceCreate(`t-race-${i}`), generationCreate(`g-race-${i}`, `t-race-${i}`)])));
    await Promise.all(
      ids.flatMap((i) => [
        ingest([event("score-create", { traceId: `t-race-${i}`, name: "user_feedback", value: i % 2 })]),
        ingest([generationEnd(`g-race-${i}`)]),
        ingest([traceCreate(`t-race-${i}`, { userId: `racer-${i}` }, 3_000)]),
      ]),
    );
    for (const i of ids) {
      expect(await getTrace(handle.db, projectId, `g-race-${i}`)).toMatchObject({ scores: { user_feedback: i % 2 }, userId: `racer-${i}`, latencyMs: 800 });
    }
  });

  it("keeps a score that arrives before its trace and generation (the SDKs send requests concurrently)", async () => {
    const early = await ingest([
      event("score-create", { traceId: "t-early", name: "user_feedback", value: 1 }),
      event("score-create", { traceId: "t-early", observationId: "g-early-b", name: "judge", value: 0.5 }),
    ]);
    expect(early.errors).toEqual([]);
    await ingest([traceCreate("t-early"), generationCreate("g-early-a", "t-early"), generationEnd("g-early-a"), generationCreate("g-early-b", "t-early"), generationEnd("g-early-b")]);
    expect((await getTrace(handle.db, projectId, "g-early-a"))?.scores).toEqual({ user_feedback: 1 });
    expect((await getTrace(handle.db, projectId, "g-early-b"))?.scores).toEqual({ user_feedback: 1, judge: 0.5 });
  });

  it("never overwrites a trace another door stored under the same id: 409", async () => {
    await recordTraces(handle.db, { projectId, traces: [minimalTrace("taken-1")] });
    const result = await ingest([generationCreate("taken-1", "t-6"), generationEnd("taken-1")]);
    expect(result.errors.map((e) => e.status)).toEqual([409, 409]);
    expect((await getTrace(handle.db, projectId, "taken-1"))?.model).toBe("m");
  });

  it("writes a generation that never ends after the wait, as it stands", async () => {
    await ingest([traceCreate("t-7"), generationCreate("g-7", "t-7")]);
    expect(await closeOpenGenerations(handle, { olderThanMs: 60_000, now: new Date(Date.now() + 30_000) })).toEqual({ written: 0, removed: 0 });
    expect(await getTrace(handle.db, projectId, "g-7")).toBeNull();
    const stats = await closeOpenGenerations(handle, { olderThanMs: 60_000, now: new Date(Date.now() + 120_000) });
    // g-7, and g-4b left open by an earlier test; taken-1's staging row (409) is dropped, not written.
    expect(stats.written).toBe(2);
    expect(await handle.query("select id from langfuse_generations where project_id = $1 and id = 'taken-1'", [projectId])).toEqual([]);
    expect(await getTrace(handle.db, projectId, "g-7")).toMatchObject({ latencyMs: null, response: null, prompt: [{ role: "user", content: "question of g-7" }], userId: "u-7" });
  });

  it("late feedback through the scores API: by either id, batch with per-item 404, idempotent by scoreId, and the overview's score KPI follows", async () => {
    const [p] = await handle.db.insert(projects).values({ slug: "lf-scores", name: "lf-scores" }).returning();
    const pid = p!.id;
    const stored = await recordTraces(handle.db, { projectId: pid, traces: [minimalTrace("fb-1"), minimalTrace("fb-2")] });
    await drainRollups(handle.db);
    const period = { from: new Date("2026-11-01T00:00:00Z"), to: new Date("2026-11-02T00:00:00Z") };
    expect(await scoreAverages(handle.db, pid, period)).toEqual({});

    const one = await recordScores({ db: handle.db, projectId: pid }, { externalId: "fb-1", name: "thumbs", value: 1, scoreId: "s-1", comment: "great" });
    expect(one).toMatchObject({ single: true, status: 201, body: { traceId: stored[0]!.traceId, name: "thumbs", value: 1, scoreId: "s-1", status: "created" } });
    const retry = await recordScores({ db: handle.db, projectId: pid }, { externalId: "fb-1", name: "thumbs", value: 1, scoreId: "s-1" });
    expect(retry).toMatchObject({ status: 200, body: { status: "updated" } });
    const batch = await recordScores(
      { db: handle.db, projectId: pid },
      { scores: [{ traceId: stored[1]!.traceId, name: "thumbs", value: 0 }, { externalId: "nope", name: "thumbs", value: 1 }, { externalId: "fb-2", name: "", value: 1 }] },
    );
    expect(batch).toMatchObject({
      single: false,
      status: 207,
      body: { created: 1, rejected: 2, items: [{ status: "created" }, { status: "not_found", errors: [{ path: "scores[1].externalId" }] }, { status: "rejected", errors: [{ path: "scores[2].name" }] }] },
    });
    await expect(recordScores({ db: handle.db, projectId: pid }, { externalId: "nope", name: "thumbs", value: 1 })).rejects.toMatchObject({ code: "not_found" });
    await expect(recordScores({ db: handle.db, projectId: pid }, { externalId: "fb-1", name: "thumbs", value: "1" })).rejects.toMatchObject({
      code: "invalid_input",
      details: [{ path: "value", message: "must be a finite number" }],
    });
    // The same scoreId renamed replaces its score rather than adding one.
    await recordScores({ db: handle.db, projectId: pid }, { externalId: "fb-1", name: "thumbs_up", value: 1, scoreId: "s-1" });
    expect((await getTrace(handle.db, pid, "fb-1"))?.scores).toEqual({ thumbs_up: 1 });

    await drainRollups(handle.db);
    expect(await scoreAverages(handle.db, pid, period)).toEqual({ thumbs: { average: 0, count: 1 }, thumbs_up: { average: 1, count: 1 } });
  });
});
