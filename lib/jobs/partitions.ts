import type { DatabaseHandle } from "@/db/client";
import type { PeriodicTask } from "./runner";

/**
 * `traces` is partitioned by calendar month (UTC) of `started_at`, with a
 * default partition for anything no month holds (migration 0019). The month
 * partitions are made ahead of time here, so ingest lands in its own month and
 * the default partition stays (nearly) empty; a month whose traces already sit
 * in the default partition is created by moving them into it
 * (`driftline_ensure_trace_partition`).
 */

const PARTITION_NAME = /^traces_(\d{4})_(\d{2})$/;

export type TracePartition = { name: string; from: Date; to: Date };

/** The first instant of the UTC month holding `at`, moved by `months`. */
export function monthStart(at: Date, months = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + months, 1));
}

/** The month partitions of `traces`, oldest first (the default partition is not listed). */
export async function tracePartitions(handle: DatabaseHandle): Promise<TracePartition[]> {
  const rows = await handle.query<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'traces'::regclass order by c.relname`,
  );
  const parts: TracePartition[] = [];
  for (const { name } of rows) {
    const match = PARTITION_NAME.exec(name);
    if (!match) continue;
    const from = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
    parts.push({ name, from, to: monthStart(from, 1) });
  }
  return parts;
}

/** Makes sure the partitions of the current month and of the next `ahead` months exist; returns those it created. */
export async function ensureTracePartitions(handle: DatabaseHandle, options: { now?: Date; ahead?: number } = {}): Promise<string[]> {
  const now = options.now ?? new Date();
  const ahead = Math.max(0, Math.floor(options.ahead ?? 2));
  const created: string[] = [];
  for (let i = 0; i <= ahead; i += 1) {
    const month = monthStart(now, i);
    const [row] = await handle.query<{ created: boolean }>("select driftline_ensure_trace_partition($1::timestamptz) as created", [
      month.toISOString(),
    ]);
    if (row?.created) created.push(`traces_${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, "0")}`);
  }
  return created;
}

/** Creates the coming months' partitions at start and every hour after. */
export function partitionTask(options: { intervalMs?: number; ahead?: number } = {}): PeriodicTask {
  return {
    name: "partitions",
    intervalMs: options.intervalMs ?? 60 * 60_000,
    async run(handle) {
      await ensureTracePartitions(handle, { ahead: options.ahead });
      return false;
    },
  };
}
