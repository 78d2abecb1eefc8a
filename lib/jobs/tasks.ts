import { ensureEmbeddingIndexes, ensureEmbeddingModel } from "@/db/embedding-index";
import { createEmbedder, type Embedder } from "@/lib/embeddings";
import { runEmbedBatch } from "./embed";
import { analyzeTask } from "./analyze";
import { langfuseCloseTask } from "./langfuse-close";
import { alertDeliveryTask, monitorTask, versionChangeTask } from "./monitors";
import { repriceTask } from "./reprice";
import { retentionTask } from "./retention";
import { rollupTask } from "./rollup";
import type { PeriodicTask } from "./runner";

/**
 * Embeds the backlog in batches; the model loads on first use (in a worker
 * thread), not at start-up. Once the backlog is drained the model's HNSW
 * indexes are built if missing (see ensureEmbeddingIndexes).
 */
export function embeddingTask(options: { batchSize?: number; intervalMs?: number; leaseMs?: number } = {}): PeriodicTask {
  let embedder: Promise<Embedder> | undefined;
  let indexed = false;
  return {
    name: "embed",
    intervalMs: options.intervalMs ?? 2_000,
    async run(handle) {
      const [due] = await handle.query<{ due: boolean }>(
        `select exists (select 1 from embedding_backlog where failed_at is null and next_attempt_at <= now()
                        and (locked_until is null or locked_until < now())) as due`,
      );
      if (!due?.due) {
        if (embedder && !indexed) {
          const model = await embedder;
          await ensureEmbeddingIndexes(handle, await ensureEmbeddingModel(handle, model.modelId, model.dimensions, { index: false }));
          indexed = true;
        }
        return false;
      }
      embedder ??= createEmbedder().catch((error: unknown) => {
        embedder = undefined;
        throw error;
      });
      const stats = await runEmbedBatch(handle, await embedder, { batchSize: options.batchSize ?? 64, leaseMs: options.leaseMs });
      return stats.claimed > 0 && stats.retried < stats.claimed;
    },
    async close() {
      if (embedder) await (await embedder).close();
    },
  };
}

/**
 * Every background task Driftline runs. `leaseMs` (DRIFTLINE_JOB_LEASE_SECONDS)
 * overrides how long an embedding batch or a monitor run stays claimed by its
 * process: the claim of a process that died is taken over once it expires.
 */
export function defaultTasks(options: { leaseMs?: number } = {}): PeriodicTask[] {
  const { leaseMs } = options;
  return [analyzeTask(), embeddingTask({ leaseMs }), rollupTask(), retentionTask(), monitorTask({ leaseMs }), versionChangeTask(), alertDeliveryTask(), repriceTask(), langfuseCloseTask()];
}
