import { and, desc, eq, sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { alertChannels, alertDeliveries, alerts, monitors, type AlertEvidence, type Monitor, type MonitorVerdict } from "@/db/schema";
import { nextAlertAction, type AlertSettings } from "./alert-state";

type Tx = Parameters<Parameters<DatabaseHandle["db"]["transaction"]>[0]>[0];

/** What the alert needs of a window's evaluation (lib/monitors/evaluate.ts's `Evaluation` has it). */
export type AlertEvaluation = {
  verdict: MonitorVerdict;
  sampleSizes: { reference: number; current: number };
  pValue: number | null;
  score: number | null;
  threshold: number | null;
  /** Version changes behind a version-regression verdict (alert evidence). */
  versionChangeIds?: string[];
};

function summarise(monitor: Monitor, e: AlertEvaluation): string {
  const p = e.pValue !== null ? `, p = ${e.pValue.toPrecision(3)}` : "";
  const s = e.score !== null ? `score ${Number(e.score.toPrecision(4))}` : "";
  return `${monitor.kind.replace("_", " ")}: ${s}${e.threshold !== null ? ` (threshold ${e.threshold})` : ""}${p}; ${e.sampleSizes.reference} reference vs ${e.sampleSizes.current} current rows`;
}

/**
 * The alert transition one stored window causes (lib/alerts/alert-state.ts
 * decides it), written in the caller's transaction with the result: opens,
 * repeats, re-opens, counts clean windows towards or resolves the monitor's
 * alert, and queues a notification per enabled channel of the monitor in the
 * outbox (`alert_deliveries`, sent by lib/alerts/delivery.ts).
 */
export async function applyAlert(
  tx: Tx,
  monitor: Monitor,
  evaluation: AlertEvaluation,
  settings: AlertSettings,
  result: { resultId: string; windowStart: Date; windowEnd: Date },
  now: Date,
): Promise<void> {
  // Serialises alert transitions of one monitor between workers.
  await tx.execute(sql`select 1 from monitors where project_id = ${monitor.projectId} and id = ${monitor.id} for update`);
  const [latest] = await tx
    .select()
    .from(alerts)
    .where(and(eq(alerts.projectId, monitor.projectId), eq(alerts.monitorId, monitor.id)))
    .orderBy(desc(alerts.openedAt))
    .limit(1);
  const action = nextAlertAction(
    { state: monitor.alertState, latest: latest ? { id: latest.id, state: latest.state, cleanStreak: latest.cleanStreak, resolvedAt: latest.resolvedAt } : null },
    evaluation.verdict,
    settings,
    now,
  );
  const evidence: AlertEvidence = {
    monitorId: monitor.id,
    resultId: result.resultId,
    windowStart: result.windowStart.toISOString(),
    windowEnd: result.windowEnd.toISOString(),
    ...(evaluation.versionChangeIds?.length ? { versionChangeIds: evaluation.versionChangeIds } : {}),
    href: `/api/v1/monitors/${monitor.id}/results?from=${encodeURIComponent(result.windowStart.toISOString())}&to=${encodeURIComponent(result.windowEnd.toISOString())}`,
  };
  const where = (id: string) => and(eq(alerts.projectId, monitor.projectId), eq(alerts.id, id));
  let notify: { alertId: string; event: "firing" | "resolved" } | null = null;
  switch (action.type) {
    case "none":
      return;
    case "open": {
      const [row] = await tx
        .insert(alerts)
        .values({
          projectId: monitor.projectId,
          monitorId: monitor.id,
          state: "firing",
          title: `${monitor.name}: drift detected`,
          summary: summarise(monitor, evaluation),
          firstEvidence: evidence,
          lastEvidence: evidence,
          openedAt: now,
          lastFiredAt: now,
        })
        .returning({ id: alerts.id });
      notify = { alertId: row!.id, event: "firing" };
      break;
    }
    case "repeat":
      await tx
        .update(alerts)
        .set({ occurrences: sql`${alerts.occurrences} + 1`, cleanStreak: 0, lastEvidence: evidence, lastFiredAt: now, summary: summarise(monitor, evaluation) })
        .where(where(latest!.id));
      break;
    case "reopen":
      await tx
        .update(alerts)
        .set({ state: "firing", resolvedAt: null, occurrences: sql`${alerts.occurrences} + 1`, cleanStreak: 0, lastEvidence: evidence, lastFiredAt: now })
        .where(where(action.alertId));
      break;
    case "clean":
      await tx.update(alerts).set({ cleanStreak: sql`${alerts.cleanStreak} + 1` }).where(where(action.alertId));
      break;
    case "resolve":
      await tx
        .update(alerts)
        .set({ state: "resolved", resolvedAt: now, cleanStreak: sql`${alerts.cleanStreak} + 1`, lastEvidence: evidence })
        .where(where(action.alertId));
      notify = { alertId: action.alertId, event: "resolved" };
      break;
  }
  // Every action left here ends firing, except a resolve.
  await tx.update(monitors).set({ alertState: action.type === "resolve" ? "resolved" : "firing" }).where(and(eq(monitors.projectId, monitor.projectId), eq(monitors.id, monitor.id)));
  if (notify && monitor.channelIds.length > 0) {
    const channels = await tx
      .select({ id: alertChannels.id })
      .from(alertChannels)
      .where(and(eq(alertChannels.projectId, monitor.projectId), eq(alertChannels.enabled, true)));
    const wanted = channels.filter((c) => monitor.channelIds.includes(c.id));
    if (wanted.length > 0) {
      const payload = {
        event: `alert.${notify.event}`,
        alert: { id: notify.alertId, state: notify.event, title: `${monitor.name}: ${notify.event === "firing" ? "drift detected" : "resolved"}`, summary: summarise(monitor, evaluation) },
        monitor: { id: monitor.id, name: monitor.name, kind: monitor.kind, segment: monitor.segment },
        result: { verdict: evaluation.verdict, pValue: evaluation.pValue, score: evaluation.score, threshold: evaluation.threshold, sampleSizes: evaluation.sampleSizes },
        evidence,
        sentAt: now.toISOString(),
      };
      await tx.insert(alertDeliveries).values(
        wanted.map((c) => ({ projectId: monitor.projectId, alertId: notify.alertId, channelId: c.id, event: notify.event, payload })),
      );
    }
  }
}
