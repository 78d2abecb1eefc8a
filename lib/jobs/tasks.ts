import { ensureEmbeddingIndexes, ensureEmbeddingModel } from "@/db/embedding-index";
import { createEmbedder, type Embedder } from "@/lib/embeddings";
import { runEmbedBatch } from "./embed";
import { EVAL_BATCH_SIZE, EVAL_TASK_BATCH_SIZE, evaluationWorkDue, runEvalBatch } from "./evaluate";
import { analyzeTask } from "./analyze";
import { langfuseCloseTask } from "./langfuse-close";
import { alertDeliveryTask, monitorTask, versionChangeTask } from "./monitors";
import { partitionTask } from "./partitions";
import { repriceTask } from "./reprice";
import { retentionTask } from "./retention";
import { rollupTask } from "./rollup";
import type { PeriodicTask } from "./runner";

/**
 * Embeds the backlog in batches; the model loads on first use (in a worker
 * thread), not at start-up. Once the backlog is drained the model's HNSW
 * indexes are built if missing (see ensureEmbeddingIndexes).
 */
/** One embedding model per process, loaded on first use, shared by the embedding and evaluation tasks. */
function sharedEmbedder(): { get(): Promise<Embedder>; loaded(): Promise<Embedder> | undefined; close(): Promise<void> } {
  let embedder: Promise<Embedder> | undefined;
  return {
    get() {
      embedder ??= createEmbedder().catch((error: unknown) => {
        embedder = undefined;
        throw error;
      });
      return embedder;
    },
    loaded: () => embedder,
    async close() {
      const loaded = embedder;
      embedder = undefined;
      if (loaded) await (await loaded).close();
    },
  };
}

export function embeddingTask(options: { batchSize?: number; intervalMs?: number; leaseMs?: number; embedder?: ReturnType<typeof sharedEmbedder> } = {}): PeriodicTask {
  const shared = options.embedder ?? sharedEmbedder();
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
        const embedder = shared.loaded();
        if (embedder && !indexed) {
          const model = await embedder;
          await ensureEmbeddingIndexes(handle, await ensureEmbeddingModel(handle, model.modelId, model.dimensions, { index: false }));
          indexed = true;
        }
        return false;
      }
      const stats = await runEmbedBatch(handle, await shared.get(), { batchSize: options.batchSize ?? 64, leaseMs: options.leaseMs });
      return stats.claimed > 0 && stats.retried < stats.claimed;
    },
    close: () => shared.close(),
  };
}

/**
 * Runs the project's evaluators on the traces waiting for them
 * (lib/jobs/evaluate.ts), with the process's one embedding model (semantic
 * metrics, golden-set matching), loaded once work is due.
 */
export function evaluationTask(options: { batchSize?: number; intervalMs?: number; leaseMs?: number; embedder?: ReturnType<typeof sharedEmbedder> } = {}): PeriodicTask {
  const shared = options.embedder ?? sharedEmbedder();
  return {
    name: "evaluate",
    intervalMs: options.intervalMs ?? 2_000,
    async run(handle) {
      if (!(await evaluationWorkDue(handle))) return false;
      const stats = await runEvalBatch(handle, await shared.get(), {
        batchSize: options.batchSize ?? (handle.driver === "pglite" ? EVAL_TASK_BATCH_SIZE : EVAL_BATCH_SIZE),
        leaseMs: options.leaseMs,
      });
      return stats.arrived + stats.scored + stats.failed > 0;
    },
    close: () => shared.close(),
  };
}

/**
 * Every background task Driftline runs. `leaseMs` (DRIFTLINE_JOB_LEASE_SECONDS)
 * overrides how long an embedding batch or a monitor run stays claimed by its
 * process: the claim of a process that died is taken over once it expires.
 */
export function defaultTasks(options: { leaseMs?: number } = {}): PeriodicTask[] {
  const { leaseMs } = options;
  const embedder = sharedEmbedder();
  return [analyzeTask(), embeddingTask({ leaseMs, embedder }), evaluationTask({ leaseMs, embedder }), rollupTask(), partitionTask(), retentionTask(), monitorTask({ leaseMs }), versionChangeTask(), alertDeliveryTask(), repriceTask(), langfuseCloseTask()];
}
