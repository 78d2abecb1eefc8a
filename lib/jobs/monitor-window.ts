import { and, eq } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { monitorResults, type Monitor } from "@/db/schema";
import { applyAlert } from "@/lib/alerts/apply-alert";
import { resolveThresholds } from "@/db/monitor-config";
import { evaluateMonitor, type Evaluation } from "@/lib/monitors/evaluate";
import { windowsAt } from "@/lib/monitors/windows";

export type WindowRun = { windowStart: Date; windowEnd: Date; written: boolean; verdict: Evaluation["verdict"] | "existing" };

/**
 * Evaluates the window whose tick is `end` and stores the result. A window
 * that already has a result is skipped (results are never replaced). The
 * result and the alert transition it causes (with its notification outbox
 * rows) are written in one transaction: a worker killed mid-run leaves
 * nothing, and the window is simply run again. Two workers racing on one
 * window both evaluate, but only the first insert lands (the window is the
 * key) and only that one touches the alert.
 */
export async function runMonitorWindow(
  handle: DatabaseHandle,
  monitor: Monitor,
  end: Date,
  options: { alerts?: boolean; now?: Date } = {},
): Promise<WindowRun> {
  const windows = windowsAt(end, monitor.windowSeconds, monitor.reference);
  const key = { windowStart: windows.current.start, windowEnd: windows.current.end };
  const [existing] = await handle.db
    .select({ verdict: monitorResults.verdict })
    .from(monitorResults)
    .where(
      and(
        eq(monitorResults.projectId, monitor.projectId),
        eq(monitorResults.monitorId, monitor.id),
        eq(monitorResults.windowStart, key.windowStart),
        eq(monitorResults.windowEnd, key.windowEnd),
      ),
    );
  if (existing) return { ...key, written: false, verdict: "existing" };

  const started = performance.now();
  const evaluation = await evaluateMonitor(handle, monitor, windows);
  const durationMs = Math.round(performance.now() - started);
  const written = await handle.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(monitorResults)
      .values({
        projectId: monitor.projectId,
        monitorId: monitor.id,
        ...key,
        referenceStart: windows.reference.start,
        referenceEnd: windows.reference.end,
        sampleSizes: evaluation.sampleSizes,
        statistics: evaluation.statistics,
        pValue: finiteOrNull(evaluation.pValue),
        score: finiteOrNull(evaluation.score),
        threshold: finiteOrNull(evaluation.threshold),
        verdict: evaluation.verdict,
        artefacts: evaluation.artefacts,
        durationMs,
      })
      .onConflictDoNothing()
      .returning({ id: monitorResults.id });
    if (!row) return false;
    if (options.alerts !== false) {
      await applyAlert(tx, monitor, evaluation, resolveThresholds(monitor.kind, monitor.thresholds), { resultId: row.id, ...key }, options.now ?? new Date());
    }
    return true;
  });
  return { ...key, written, verdict: evaluation.verdict };
}

function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}
