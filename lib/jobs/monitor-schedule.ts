import { and, eq } from "drizzle-orm";
import { claimPerProject } from "@/db/claim";
import type { DatabaseHandle } from "@/db/client";
import { monitors, type Monitor, type MonitorSegment } from "@/db/schema";
import { cronTicksBetween, nextCronTick, parseCron } from "@/lib/monitors/cron";
import { Params, segmentSql } from "@/lib/monitors/sql-params";
import { runMonitorWindow, type WindowRun } from "./monitor-window";
import { embeddingsPendingBefore, evaluationsPendingBefore } from "@/lib/monitors/pending-work";
import { backfillTicks } from "@/lib/monitors/windows";

/** Most windows a backfill computes (the latest ones) and a restart catches up. */
export const MAX_BACKFILL_WINDOWS = 200;
export const MAX_CATCH_UP_WINDOWS = 500;
/** A window that failed this many times in a row is skipped (the error stays in `last_error`). */
export const MAX_RUN_ATTEMPTS = 5;
/** How long a claimed monitor stays with its worker; a killed worker's claim is taken over once it expires. */
export const DEFAULT_MONITOR_LEASE_MS = 15 * 60_000;

/** Retry delay after the n-th failure of a window: 30 s, 60 s, … capped at 30 minutes. */
export function runBackoffMs(attempts: number): number {
  return Math.min(30 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

export type BackfillProgress = { done: number; total: number; written: number };

/**
 * Computes a monitor's series over the data already stored: one result per
 * schedule tick from the earliest trace of its segment up to `now` (the
 * latest MAX_BACKFILL_WINDOWS). Windows that have a result are skipped, so an
 * interrupted backfill resumes. History does not raise alerts — it is
 * evidence, not news — but the latest window, the one that ends at the
 * present schedule tick, is the monitor's current state: it opens (or not)
 * an alert exactly as a scheduled run of that tick would, so a monitor
 * created on data that is drifting now says so at once.
 */
export async function backfillMonitor(
  handle: DatabaseHandle,
  monitor: Monitor,
  options: { now?: Date; maxWindows?: number; onProgress?: (p: BackfillProgress) => void | Promise<void> } = {},
): Promise<BackfillProgress & { runs: WindowRun[] }> {
  const now = options.now ?? new Date();
  const p = new Params();
  const [row] = await handle.query<{ earliest: Date | string | null }>(
    `select min(t.started_at) as earliest from traces t where t.project_id = ${p.add(monitor.projectId)}${segmentSql(monitor.segment as MonitorSegment, p)}`,
    p.values,
  );
  const runs: WindowRun[] = [];
  const progress: BackfillProgress = { done: 0, total: 0, written: 0 };
  if (row?.earliest) {
    const ticks = backfillTicks(monitor.schedule, monitor.windowSeconds, monitor.reference, new Date(row.earliest), now, options.maxWindows ?? MAX_BACKFILL_WINDOWS);
    progress.total = ticks.length;
    await options.onProgress?.({ ...progress });
    const present = ticks.at(-1);
    for (const tick of ticks) {
      const run = await runMonitorWindow(handle, monitor, tick, { alerts: tick === present, now });
      runs.push(run);
      progress.done++;
      if (run.written) progress.written++;
      await options.onProgress?.({ ...progress });
      // Let the web server answer between windows: on the embedded database
      // queries and statistics share the server's one thread.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await handle.db
    .update(monitors)
    .set({ backfilledAt: now, nextRunAt: nextCronTick(parseCron(monitor.schedule), now), attempts: 0, lastError: null })
    .where(and(eq(monitors.projectId, monitor.projectId), eq(monitors.id, monitor.id)));
  return { ...progress, runs };
}

/** Kinds whose statistics read embeddings (a metric monitor reads only trace columns). */
const NEEDS_EMBEDDINGS = new Set(["embedding_drift", "topic_drift", "concept_drift", "version_regression"]);
/** How long a monitor waits before looking again when its texts are still being embedded. */
const EMBEDDING_WAIT_MS = 20_000;

/** Kinds that read scores: evaluator scores still to come would be missing from their windows. */
function readsScores(monitor: Monitor): boolean {
  if (monitor.kind === "concept_drift" || monitor.kind === "version_regression") return true;
  return monitor.kind === "metric" && (monitor.thresholds as { metric?: string } | null)?.metric === "score";
}

async function claimDue(handle: DatabaseHandle, now: Date, limit: number, leaseMs: number, monitorId?: string): Promise<Monitor[]> {
  // Per project (claimPerProject): each locking statement on one project, so the claim runs on Citus too.
  const rows = await claimPerProject<{ project_id: string; id: string }>(handle, {
    table: "monitors",
    due: `b.paused = false and (b.next_run_at <= $1::timestamptz or b.backfilled_at is null)
      and (b.locked_until is null or b.locked_until < $1::timestamptz) and ($2::uuid is null or b.id = $2::uuid)`,
    dueParams: [now.toISOString(), monitorId ?? null],
    orderBy: "b.next_run_at",
    set: (p) => `locked_until = ${p(0)}::timestamptz + make_interval(secs => ${p(1)}::double precision)`,
    setParams: [now.toISOString(), leaseMs / 1000],
    returning: "b.project_id, b.id",
    limit,
  });
  const out: Monitor[] = [];
  for (const r of rows) {
    const [m] = await handle.db.select().from(monitors).where(and(eq(monitors.projectId, r.project_id), eq(monitors.id, r.id)));
    if (m) out.push(m);
  }
  return out;
}

/**
 * One scheduling step for the due monitors (claimed with FOR UPDATE SKIP
 * LOCKED and a lease, so any number of workers share them): a new monitor is
 * backfilled; otherwise the window of its `next_run_at` tick runs and
 * `next_run_at` moves one tick on — so ticks missed while no worker ran are
 * caught up one window at a time (the latest MAX_CATCH_UP_WINDOWS). A failed
 * window is retried with backoff, and skipped after MAX_RUN_ATTEMPTS.
 * Returns how many monitors were due (the caller runs again at once if any).
 */
export async function runDueMonitors(
  handle: DatabaseHandle,
  options: { now?: Date; limit?: number; monitorId?: string; leaseMs?: number; log?: (message: string) => void } = {},
): Promise<{ claimed: number; runs: WindowRun[] }> {
  const now = options.now ?? new Date();
  const leaseMs = options.leaseMs ?? DEFAULT_MONITOR_LEASE_MS;
  const claimed = await claimDue(handle, now, options.limit ?? 2, leaseMs, options.monitorId);
  const runs: WindowRun[] = [];
  for (const monitor of claimed) {
    const where = and(eq(monitors.projectId, monitor.projectId), eq(monitors.id, monitor.id));
    try {
      const horizon = monitor.backfilledAt ? monitor.nextRunAt : now;
      if (
        (NEEDS_EMBEDDINGS.has(monitor.kind) && (await embeddingsPendingBefore(handle, monitor.projectId, horizon))) ||
        (readsScores(monitor) && (await evaluationsPendingBefore(handle, monitor.projectId, horizon)))
      ) {
        // Not a failure: look again shortly, without spending an attempt.
        await handle.db.update(monitors).set({ lockedUntil: new Date(now.getTime() + EMBEDDING_WAIT_MS) }).where(where);
        continue;
      }
      if (!monitor.backfilledAt) {
        const result = await backfillMonitor(handle, monitor, {
          now,
          // A long backfill keeps its lease, so no other worker takes the monitor meanwhile.
          onProgress: async () => {
            await handle.db.update(monitors).set({ lockedUntil: new Date(Date.now() + leaseMs) }).where(where);
          },
        });
        runs.push(...result.runs);
        await handle.db.update(monitors).set({ lockedUntil: null, lastRunAt: now }).where(where);
        options.log?.(`[driftline] monitor "${monitor.name}" backfilled: ${result.written} windows in ${((Date.now() - now.getTime()) / 1000).toFixed(1)} s`);
        continue;
      }
      const schedule = parseCron(monitor.schedule);
      let tick = monitor.nextRunAt;
      const latest = cronTicksBetween(schedule, new Date(tick.getTime() - 1), now, MAX_CATCH_UP_WINDOWS);
      if (latest[0] && latest[0] > tick) tick = latest[0];
      runs.push(await runMonitorWindow(handle, monitor, tick, { now }));
      await handle.db
        .update(monitors)
        .set({ nextRunAt: nextCronTick(schedule, tick), lastRunAt: now, lockedUntil: null, attempts: 0, lastError: null })
        .where(where);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const attempts = monitor.attempts + 1;
      options.log?.(`[driftline] monitor ${monitor.id}: ${message}`);
      if (attempts >= MAX_RUN_ATTEMPTS) {
        // Give up on this window; later windows still run.
        const next = monitor.backfilledAt ? nextCronTick(parseCron(monitor.schedule), monitor.nextRunAt) : monitor.nextRunAt;
        await handle.db
          .update(monitors)
          .set({ attempts: 0, lastError: `gave up after ${attempts} attempts: ${message}`.slice(0, 2000), lockedUntil: null, nextRunAt: next, backfilledAt: monitor.backfilledAt ?? now })
          .where(where);
      } else {
        await handle.db
          .update(monitors)
          .set({ attempts, lastError: `attempt ${attempts}: ${message}`.slice(0, 2000), lockedUntil: new Date(now.getTime() + runBackoffMs(attempts)) })
          .where(where);
      }
    }
  }
  return { claimed: claimed.length, runs };
}
