import type { DatabaseHandle } from "@/db/client";
import { CONTEXT_JOIN_WINDOW_MS } from "@/lib/ingest/otlp/retrieval";
import type { PeriodicTask } from "./runner";

export type RetentionStats = { deleted: number };

/**
 * Deletes traces older than each project's `retention_days`, at most `batchSize`
 * rows per statement so a large backlog never holds long locks or bloats one
 * transaction (cascades remove their scores, embeddings and backlog rows;
 * the delete trigger marks their hours, so the rollups of those hours are
 * recomputed — to nothing). Old `daily_active_users` rows go with them.
 */
export async function runRetentionBatch(handle: DatabaseHandle, options: { batchSize?: number; now?: Date } = {}): Promise<RetentionStats> {
  const batchSize = Math.max(1, Math.min(50_000, Math.floor(options.batchSize ?? 5_000)));
  const now = (options.now ?? new Date()).toISOString();
  const projects = await handle.query<{ id: string; retention_days: number }>(
    "select id, retention_days from projects where retention_days is not null and retention_days > 0",
  );
  let deleted = 0;
  for (const project of projects) {
    const cutoff = new Date(new Date(now).getTime() - project.retention_days * 86_400_000).toISOString();
    const rows = await handle.query<{ n: number }>(
      `with gone as (
         delete from traces where project_id = $1 and id in (
           select id from traces where project_id = $1 and started_at < $2 order by started_at limit $3)
         returning 1)
       select count(*)::int as n from gone`,
      [project.id, cutoff, batchSize],
    );
    deleted += Number(rows[0]?.n ?? 0);
    await handle.query("delete from hourly_active_users where project_id = $1 and hour < date_trunc('hour', $2::timestamptz, 'UTC')", [
      project.id,
      cutoff,
    ]);
    await handle.query("delete from daily_active_users where project_id = $1 and day < ($2::timestamptz at time zone 'UTC')::date", [
      project.id,
      cutoff,
    ]);
  }
  return { deleted };
}

/**
 * Deletes the OTLP retriever documents kept past the join window
 * (lib/services/traces/otlp-contexts.ts); they are no longer read by then, so
 * this only keeps the staging table small (it holds minutes of documents, so
 * one statement). Returns the rows deleted.
 */
export async function purgeExpiredRetrievals(handle: DatabaseHandle, options: { now?: Date } = {}): Promise<number> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - CONTEXT_JOIN_WINDOW_MS).toISOString();
  const rows = await handle.query<{ n: number }>(
    "with gone as (delete from otlp_retrievals where received_at < $1 returning 1) select count(*)::int as n from gone",
    [cutoff],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Applies retention (and drops expired OTLP retriever documents) every ten minutes; runs again at once while a batch was full. */
export function retentionTask(options: { intervalMs?: number; batchSize?: number } = {}): PeriodicTask {
  return {
    name: "retention",
    intervalMs: options.intervalMs ?? 10 * 60_000,
    async run(handle) {
      const stats = await runRetentionBatch(handle, { batchSize: options.batchSize });
      await purgeExpiredRetrievals(handle);
      return stats.deleted >= (options.batchSize ?? 5_000);
    },
  };
}
