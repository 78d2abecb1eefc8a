import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minimalTrace } from "../../testing/fixtures/trace";
import type { DatabaseHandle } from "@/db/client";
import { embeddingIndexName, ensureEmbeddingIndexes } from "@/db/embedding-index";
import { projects } from "@/db/schema";
import { createEmbedder, type Embedder } from "@/lib/embeddings";
import type { NormalizedTrace } from "@/lib/ingest/types";
import { drainEmbeddingBacklog, MAX_EMBED_ATTEMPTS, runEmbedBatch } from "@/lib/jobs/embed";
import { getEmbeddingBacklog } from "@/lib/queries/embedding-backlog";
import { nearestTraces } from "@/db/nearest-traces";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { dbTargets } from "./targets";

function trace(externalId: string, prompt: string, response: string | null): NormalizedTrace {
  return minimalTrace(externalId, {
    timestamp: new Date("2026-11-20T10:00:00Z"),
    provider: "openai",
    model: "gpt-4o-mini",
    prompt: [{ role: "user", content: prompt }],
    response: response === null ? null : [{ role: "assistant", content: response }],
    latencyMs: 500,
    inputTokens: 10,
    outputTokens: 10,
    costUsd: 0.0001,
    finishReason: "stop",
  });
}

/** The real embedder, failing on demand: what a model crash or an out-of-memory looks like to the job. */
function flaky(embedder: Embedder): Embedder & { failing: boolean } {
  const wrapper = Object.create(embedder) as Embedder & { failing: boolean };
  wrapper.failing = false;
  wrapper.embedBatch = async (texts: string[]) => {
    if (wrapper.failing) throw new Error("model crashed");
    return embedder.embedBatch(texts);
  };
  return wrapper;
}

describe.each(dbTargets())("embedding job on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let embedder: Embedder;
  let projectId: string;

  beforeAll(async () => {
    handle = await target.open();
    embedder = await createEmbedder({ worker: false, env: { EMBEDDING_MODEL: "driftline-glove-100d" } });
    const [project] = await handle.db.insert(projects).values({ slug: "embed", name: "embed" }).returning();
    projectId = project!.id;
  });
  afterAll(async () => {
    await embedder?.close();
    await handle?.dispose();
  });

  it("queues every stored prompt and response and embeds them once", async () => {
    const outcomes = await recordTraces(handle.db, {
      projectId,
      traces: [
        trace("pw-1", "How do I reset my password?", "Use the forgot password link."),
        trace("pw-2", "I forgot my password, how can I change it?", "Click forgot password on the sign in page."),
        trace("sql-1", "Write a SQL query joining orders and customers", "SELECT * FROM orders JOIN customers USING (id);"),
        trace("no-answer", "Why was my card charged twice this month?", null),
      ],
    });
    expect((await getEmbeddingBacklog(handle, projectId)).pending).toBe(7);

    const total = await drainEmbeddingBacklog(handle, embedder, { batchSize: 3 });
    expect(total).toEqual({ claimed: 7, embedded: 7, failed: 0, retried: 0 });
    expect(await getEmbeddingBacklog(handle, projectId)).toEqual({ pending: 0, failed: 0, oldestPendingSeconds: null });

    const rows = await handle.query<{ n: number; dims: number }>(
      "select count(*)::int as n, max(vector_dims(embedding))::int as dims from embeddings where project_id = $1",
      [projectId],
    );
    expect(rows[0]).toEqual({ n: 7, dims: embedder.dimensions });

    // Nothing is embedded twice when a batch runs again.
    expect((await runEmbedBatch(handle, embedder)).claimed).toBe(0);

    // The paraphrase is the nearest prompt.
    const [model] = await handle.query<{ id: number; dimensions: number }>(
      "select id, dimensions from embedding_models where name = $1",
      [embedder.modelId],
    );
    // The job stores vectors without growing an index; the indexes are built once, after the bulk.
    expect(await ensureEmbeddingIndexes(handle, model!)).toEqual([
      embeddingIndexName(model!.id, "prompt"),
      embeddingIndexName(model!.id, "response"),
    ]);
    expect(await ensureEmbeddingIndexes(handle, model!)).toEqual([]);
    const [query] = await embedder.embed(["how can I reset my password"]);
    const nearest = await nearestTraces(handle, { projectId, model: model!, kind: "prompt", vector: query!, k: 2 });
    const ids = new Map(outcomes.map((o) => [o.traceId, o.externalId]));
    expect(nearest.map((n) => ids.get(n.traceId)).sort()).toEqual(["pw-1", "pw-2"]);
  });

  it("hands a crashed worker's claim back after its lease, and stores it once", async () => {
    await recordTraces(handle.db, { projectId, traces: [trace("lease-1", "Explain a LEFT JOIN", "It keeps every left row.")] });
    // A worker claims the texts and dies before storing anything.
    await handle.query(
      "update embedding_backlog set locked_until = now() + interval '10 minutes', attempts = 1 where project_id = $1",
      [projectId],
    );
    expect((await runEmbedBatch(handle, embedder)).claimed).toBe(0);
    expect((await getEmbeddingBacklog(handle, projectId)).pending).toBe(2);
    // The lease runs out.
    await handle.query("update embedding_backlog set locked_until = now() - interval '1 second' where project_id = $1", [
      projectId,
    ]);
    const stats = await runEmbedBatch(handle, embedder);
    expect(stats).toMatchObject({ claimed: 2, embedded: 2 });
    const [count] = await handle.query<{ n: number }>(
      "select count(*)::int as n from embeddings e join traces t on t.project_id = e.project_id and t.id = e.trace_id where t.external_id = 'lease-1'",
    );
    expect(count?.n).toBe(2);
  });

  it("retries failures with backoff and gives up after the last attempt", async () => {
    const broken = flaky(embedder);
    broken.failing = true;
    await recordTraces(handle.db, { projectId, traces: [trace("retry-1", "Refund my last order please", null)] });
    const first = await runEmbedBatch(handle, broken);
    expect(first).toMatchObject({ claimed: 1, retried: 1, failed: 0 });
    const [row] = await handle.query<{ attempts: number; wait: number; last_error: string }>(
      "select attempts, extract(epoch from next_attempt_at - now())::float8 as wait, last_error from embedding_backlog where project_id = $1",
      [projectId],
    );
    expect(row?.attempts).toBe(1);
    expect(row?.wait).toBeGreaterThan(5);
    expect(row?.last_error).toContain("model crashed");
    // Not due yet: nothing is claimed.
    expect((await runEmbedBatch(handle, broken)).claimed).toBe(0);

    for (let attempt = 2; attempt <= MAX_EMBED_ATTEMPTS; attempt++) {
      await handle.query("update embedding_backlog set next_attempt_at = now() where project_id = $1", [projectId]);
      await runEmbedBatch(handle, broken);
    }
    const status = await getEmbeddingBacklog(handle, projectId);
    expect(status).toMatchObject({ pending: 0, failed: 1 });
  });

  it("marks a text no token of which the model knows, instead of retrying it", async () => {
    await handle.query("delete from embedding_backlog where project_id = $1", [projectId]);
    await recordTraces(handle.db, { projectId, traces: [trace("oov-1", "zzqxv qqwzzk", null)] });
    const stats = await runEmbedBatch(handle, embedder);
    expect(stats).toMatchObject({ claimed: 1, embedded: 0, failed: 1 });
    const [row] = await handle.query<{ last_error: string }>(
      "select last_error from embedding_backlog where project_id = $1 and failed_at is not null",
      [projectId],
    );
    expect(row?.last_error).toContain("vocabulary");
  });

  it("gives a second project's first traces a share of the next batch while another project's backlog is large", async () => {
    const [busy] = await handle.db.insert(projects).values({ slug: "embed-busy", name: "embed busy" }).returning();
    const [fresh] = await handle.db.insert(projects).values({ slug: "embed-fresh", name: "embed fresh" }).returning();
    await recordTraces(handle.db, {
      projectId: busy!.id,
      traces: Array.from({ length: 60 }, (_, i) => trace(`busy-${i}`, `Question number ${i} about refunds`, `Answer number ${i}`)),
    });
    // The fresh project's rows are the newest: an oldest-first claim of 16 would take only the busy project's.
    await handle.query("update embedding_backlog set next_attempt_at = now() - interval '1 hour' where project_id = $1", [busy!.id]);
    await recordTraces(handle.db, { projectId: fresh!.id, traces: [trace("fresh-1", "How do I reset my password", "Use the reset link.")] });
    const stats = await runEmbedBatch(handle, embedder, { batchSize: 16 });
    expect(stats.claimed).toBe(16);
    const [left] = await handle.query<{ n: number }>("select count(*)::int as n from embedding_backlog where project_id = $1", [fresh!.id]);
    expect(left?.n).toBe(0);
    const [busyLeft] = await handle.query<{ n: number }>("select count(*)::int as n from embedding_backlog where project_id = $1", [busy!.id]);
    expect(busyLeft?.n).toBe(120 - 14);
  });
});
