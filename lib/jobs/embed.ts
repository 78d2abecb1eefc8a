import { sql } from "drizzle-orm";
import { claimPerProject } from "@/db/claim";
import type { DatabaseHandle } from "@/db/client";
import { ensureEmbeddingModel } from "@/db/embedding-index";
import type { Embedder } from "@/lib/embeddings";

/** After this many failed attempts a text is marked as failed for good. */
export const MAX_EMBED_ATTEMPTS = 5;

export type EmbedBatchStats = { claimed: number; embedded: number; failed: number; retried: number };

type Claimed = { project_id: string; trace_id: string; kind: "prompt" | "response"; attempts: number };
type TraceText = { project_id: string; id: string; prompt_text: string | null; response_text: string | null; started_at: Date | string };

/** Retry delay after the n-th failed attempt: 10 s, 20 s, 40 s, … capped at one hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(3_600_000, 10_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Claims up to `batchSize` due backlog rows, embeds their texts with the
 * given model and stores the vectors, all-or-nothing per batch.
 *
 * Claiming is an UPDATE … FOR UPDATE SKIP LOCKED per project (claimPerProject),
 * so any number of workers share the backlog without taking the same row; the
 * lease (`leaseMs`) hands a row back if its worker dies. Storing a vector and deleting its backlog row
 * happen in one transaction, and the vector insert ignores an existing row,
 * so a retried batch never stores a text twice.
 */
export async function runEmbedBatch(
  handle: DatabaseHandle,
  embedder: Embedder,
  options: { batchSize?: number; leaseMs?: number } = {},
): Promise<EmbedBatchStats> {
  const batchSize = options.batchSize ?? 64;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const claimed = await claimPerProject<Claimed>(handle, {
    table: "embedding_backlog",
    due: "b.failed_at is null and b.next_attempt_at <= now() and (b.locked_until is null or b.locked_until < now())",
    orderBy: "b.next_attempt_at",
    set: (p) => `locked_until = now() + make_interval(secs => ${p(0)}::double precision / 1000), attempts = b.attempts + 1`,
    setParams: [leaseMs],
    returning: "b.project_id, b.trace_id, b.kind, b.attempts",
    limit: batchSize,
  });
  const stats: EmbedBatchStats = { claimed: claimed.length, embedded: 0, failed: 0, retried: 0 };
  if (claimed.length === 0) return stats;

  const texts = await handle.query<TraceText>(
    `select project_id, id, prompt_text, response_text, started_at from traces
      where (project_id, id) in (select * from unnest($1::uuid[], $2::uuid[]))`,
    [claimed.map((c) => c.project_id), claimed.map((c) => c.trace_id)],
  );
  const byTrace = new Map(texts.map((t) => [`${t.project_id}/${t.id}`, t]));
  const items = claimed.map((c) => {
    const trace = byTrace.get(`${c.project_id}/${c.trace_id}`);
    const text = (c.kind === "prompt" ? trace?.prompt_text : trace?.response_text) ?? "";
    return { ...c, text, startedAt: trace ? new Date(trace.started_at) : new Date() };
  });

  let result;
  let model;
  try {
    model = await ensureEmbeddingModel(handle, embedder.modelId, embedder.dimensions, { index: false });
    result = await embedder.embedBatch(items.map((i) => i.text));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await handle.db.transaction(async (tx) => {
      for (const item of items) {
        const final = item.attempts >= MAX_EMBED_ATTEMPTS;
        await tx.execute(sql`update embedding_backlog
          set locked_until = null, last_error = ${`attempt ${item.attempts}: ${message}`.slice(0, 2000)},
              next_attempt_at = now() + make_interval(secs => ${retryDelayMs(item.attempts) / 1000}::double precision),
              failed_at = ${final ? sql`now()` : sql`null`}
          where project_id = ${item.project_id} and trace_id = ${item.trace_id} and kind = ${item.kind}`);
        if (final) stats.failed++;
        else stats.retried++;
      }
    });
    return stats;
  }

  const rows = items.map((item, i) => ({
    item,
    vector: result.vectors[i]!,
    truncated: result.truncated[i] ?? false,
    empty: result.empty[i] ?? false,
  }));
  await handle.db.transaction(async (tx) => {
    const stored = rows.filter((r) => !r.empty);
    if (stored.length > 0) {
      await tx.execute(sql`insert into embeddings (project_id, trace_id, kind, model_id, embedding, truncated, started_at)
        values ${sql.join(
          stored.map(
            (r) =>
              sql`(${r.item.project_id}, ${r.item.trace_id}, ${r.item.kind}, ${model.id}, ${`[${Array.from(r.vector).join(",")}]`}::vector, ${r.truncated}, ${r.item.startedAt.toISOString()})`,
          ),
          sql`, `,
        )}
        on conflict (project_id, trace_id, kind, model_id) do update set embedding = excluded.embedding, truncated = excluded.truncated`);
      // A row queued again while this batch embedded it (its text changed: a Langfuse generation updated
      // after it was written) has no lease any more: it stays, and its new text replaces this vector.
      await tx.execute(sql`delete from embedding_backlog
        where locked_until is not null and (project_id, trace_id, kind) in (${sql.join(
          stored.map((r) => sql`(${r.item.project_id}::uuid, ${r.item.trace_id}::uuid, ${r.item.kind}::embedded_text)`),
          sql`, `,
        )})`);
    }
    for (const r of rows.filter((row) => row.empty)) {
      // Not retried: the same text and model give the same empty result.
      await tx.execute(sql`update embedding_backlog
        set failed_at = now(), locked_until = null,
            last_error = ${r.item.text.trim() === "" ? "the text is empty" : `no token of the text is in the vocabulary of ${embedder.modelId}`}
        where project_id = ${r.item.project_id} and trace_id = ${r.item.trace_id} and kind = ${r.item.kind}`);
    }
    stats.embedded = stored.length;
    stats.failed += rows.length - stored.length;
  });
  return stats;
}

/** Runs batches until nothing is due (or `maxBatches` ran), reporting progress after each. */
export async function drainEmbeddingBacklog(
  handle: DatabaseHandle,
  embedder: Embedder,
  options: { batchSize?: number; maxBatches?: number; onBatch?: (stats: EmbedBatchStats) => void } = {},
): Promise<EmbedBatchStats> {
  const total: EmbedBatchStats = { claimed: 0, embedded: 0, failed: 0, retried: 0 };
  for (let i = 0; i < (options.maxBatches ?? Infinity); i++) {
    const stats = await runEmbedBatch(handle, embedder, { batchSize: options.batchSize });
    if (stats.claimed === 0) break;
    total.claimed += stats.claimed;
    total.embedded += stats.embedded;
    total.failed += stats.failed;
    total.retried += stats.retried;
    options.onBatch?.(stats);
    if (stats.retried === stats.claimed) break; // everything failed: wait for the backoff
  }
  return total;
}
