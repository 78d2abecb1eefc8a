import type { DatabaseHandle } from "@/db/client";
import { CONTEXT_JOIN_WINDOW_MS } from "@/lib/ingest/otlp/retrieval";
import { retentionMasks } from "@/lib/queries/active-user-bitmaps";
import { tracePartitions } from "./partitions";
import type { PeriodicTask } from "./runner";

export type RetentionStats = {
  /** Traces removed row by row. */
  deleted: number;
  /** Trace keys removed (with their scores, embeddings and backlog rows). */
  deletedKeys: number;
  /** Month partitions of traces detached and dropped whole. */
  droppedPartitions: string[];
};

type Project = { id: string; retention_days: number | null };

/**
 * Applies each project's `retention_days`.
 *
 * `traces` is partitioned by month of `started_at` (lib/jobs/partitions.ts):
 * a month partition wholly past the horizon of every project that has traces
 * in it (each of which has a retention) is detached and dropped — instant at
 * any size, no dead rows. What remains past a horizon (the month straddling
 * it, the default partition, a project that keeps its traces longer than
 * another in the same month) is deleted by rows, at most `batchSize` per
 * statement so a backlog never holds long locks or bloats one transaction.
 *
 * The traces' keys (`trace_keys`) go by rows too, by their start; their
 * cascades remove the scores, embeddings and backlog rows. A row delete of
 * traces marks its hours for the rollup job (the delete trigger); a dropped
 * partition fires no trigger, so the rollup rows of the hours wholly past the
 * horizon are deleted here. Active-user bits before the horizon are cleared with them.
 */
export async function runRetentionBatch(handle: DatabaseHandle, options: { batchSize?: number; now?: Date } = {}): Promise<RetentionStats> {
  const batchSize = Math.max(1, Math.min(50_000, Math.floor(options.batchSize ?? 5_000)));
  const now = options.now ?? new Date();
  const projects = await handle.query<Project>("select id, retention_days from projects");
  const cutoffOf = cutoffsAt(now);
  const droppedPartitions = await dropExpiredPartitions(handle, projects, cutoffOf);

  let deleted = 0;
  let deletedKeys = 0;
  for (const project of projects) {
    const cutoff = cutoffOf(project)?.toISOString();
    if (!cutoff) continue;
    const rows = await handle.query<{ n: number }>(
      `with gone as (
         delete from traces where project_id = $1 and started_at < $2 and id in (
           select id from traces where project_id = $1 and started_at < $2 order by started_at limit $3)
         returning 1)
       select count(*)::int as n from gone`,
      [project.id, cutoff, batchSize],
    );
    deleted += Number(rows[0]?.n ?? 0);
    const keys = await handle.query<{ n: number }>(
      `with gone as (
         delete from trace_keys where project_id = $1 and id in (
           select id from trace_keys where project_id = $1 and started_at < $2 order by started_at limit $3)
         returning 1)
       select count(*)::int as n from gone`,
      [project.id, cutoff, batchSize],
    );
    deletedKeys += Number(keys[0]?.n ?? 0);
    for (const table of ["hourly_rollups", "hourly_score_rollups", "hourly_tag_rollups"]) {
      await handle.query(`delete from ${table} where project_id = $1 and hour < date_trunc('hour', $2::timestamptz, 'UTC')`, [project.id, cutoff]);
    }
    await trimActiveUsers(handle, project.id, new Date(cutoff));
  }
  return { deleted, deletedKeys, droppedPartitions };
}

/**
 * Clears the active-user bits before a horizon (its hour, as the hourly rollups): rows of earlier days and
 * blocks go whole, the horizon's own day and block lose their earlier bits, and a row left with none goes.
 */
async function trimActiveUsers(handle: DatabaseHandle, projectId: string, cutoff: Date): Promise<void> {
  const keep = retentionMasks(cutoff);
  const bitmaps = [
    { table: "active_user_hours", unit: "day", unitType: "date", bits: "hours", bitType: "int", at: keep.day, mask: keep.keepHours },
    { table: "active_user_days", unit: "block", unitType: "int", bits: "days", bitType: "bigint", at: keep.block, mask: keep.keepDays },
  ];
  for (const { table, unit, unitType, bits, bitType, at, mask } of bitmaps) {
    const params = [projectId, at, mask];
    await handle.query(`delete from ${table} where project_id = $1 and ${unit} < $2::${unitType}`, params.slice(0, 2));
    await handle.query(`delete from ${table} where project_id = $1 and ${unit} = $2::${unitType} and ${bits} & $3::${bitType} = 0`, params);
    await handle.query(
      `update ${table} set ${bits} = ${bits} & $3::${bitType} where project_id = $1 and ${unit} = $2::${unitType} and ${bits} & ~$3::${bitType} <> 0`,
      params,
    );
  }
}

const cutoffsAt = (now: Date) => (p: Project) =>
  p.retention_days && p.retention_days > 0 ? new Date(now.getTime() - p.retention_days * 86_400_000) : null;

/** Only the partition step of retention: detaches and drops the expired month partitions (see below). */
export async function dropExpiredTracePartitions(handle: DatabaseHandle, options: { now?: Date } = {}): Promise<string[]> {
  const projects = await handle.query<Project>("select id, retention_days from projects");
  return dropExpiredPartitions(handle, projects, cutoffsAt(options.now ?? new Date()));
}

/**
 * Detaches and drops every month partition whose end is at or before the
 * horizon of each project with traces in it; a project without a retention
 * keeps its months. A partition detached by a run that died before the drop
 * is dropped by the next.
 */
async function dropExpiredPartitions(handle: DatabaseHandle, projects: Project[], cutoffOf: (p: Project) => Date | null): Promise<string[]> {
  const cutoffs = projects.map(cutoffOf).filter((c): c is Date => c !== null);
  if (cutoffs.length === 0) return [];
  const latest = Math.max(...cutoffs.map((c) => c.getTime()));
  const byId = new Map(projects.map((p) => [p.id, p]));
  const dropped: string[] = [];
  for (const part of await tracePartitions(handle)) {
    if (part.to.getTime() > latest) break;
    // The projects with traces in this month: one index probe each.
    const owners = await handle.query<{ id: string }>(
      `select p.id from projects p where exists (select 1 from ${part.name} t where t.project_id = p.id)`,
    );
    const expired = owners.every(({ id }) => {
      const project = byId.get(id);
      const cutoff = project ? cutoffOf(project) : null;
      return cutoff !== null && part.to.getTime() <= cutoff.getTime();
    });
    if (!expired) continue;
    await handle.query(`alter table traces detach partition ${part.name}`);
    await handle.query(`drop table ${part.name}`);
    dropped.push(part.name);
  }
  // Leftovers of a detach whose drop never ran.
  const orphans = await handle.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'r' and not c.relispartition and c.relname ~ '^traces_[0-9]{4}_[0-9]{2}$'`,
  );
  for (const { name } of orphans) {
    await handle.query(`drop table ${name}`);
    dropped.push(name);
  }
  return dropped;
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
      const full = options.batchSize ?? 5_000;
      return stats.deleted >= full || stats.deletedKeys >= full;
    },
  };
}
