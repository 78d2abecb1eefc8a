import type { AlertState, MonitorVerdict } from "@/db/schema";

export type AlertSnapshot = {
  /** The monitor's state. */
  state: AlertState;
  /** The latest alert of the monitor, if any. */
  latest: { id: string; state: AlertState; cleanStreak: number; resolvedAt: Date | null } | null;
};

/** The monitor settings an alert transition reads (every kind has them, db/monitor-config.ts). */
export type AlertSettings = { resolveAfter: number; cooldownSeconds: number };

export type AlertAction =
  | { type: "none" }
  | { type: "open"; notify: true }
  | { type: "repeat" }
  | { type: "reopen"; alertId: string; notify: false }
  | { type: "clean"; alertId: string }
  | { type: "resolve"; alertId: string; notify: true };

/**
 * What a verdict does to the alert state (ok → firing → resolved):
 * - drift while ok/resolved opens a new alert and notifies, unless the last
 *   alert resolved less than `cooldownSeconds` ago: then that alert re-opens
 *   silently (a flapping monitor notifies once);
 * - drift while firing only counts an occurrence (de-duplication);
 * - a clean window while firing counts towards `resolveAfter`; reaching it
 *   resolves and notifies;
 * - insufficient data changes nothing.
 */
export function nextAlertAction(
  snapshot: AlertSnapshot,
  verdict: MonitorVerdict,
  settings: AlertSettings,
  at: Date,
): AlertAction {
  if (verdict === "insufficient_data") return { type: "none" };
  const latest = snapshot.latest;
  const firing = latest?.state === "firing";
  if (verdict === "drift") {
    if (firing) return { type: "repeat" };
    if (latest?.resolvedAt && at.getTime() - latest.resolvedAt.getTime() < settings.cooldownSeconds * 1000) {
      return { type: "reopen", alertId: latest.id, notify: false };
    }
    return { type: "open", notify: true };
  }
  if (!firing) return { type: "none" };
  if (latest.cleanStreak + 1 >= settings.resolveAfter) return { type: "resolve", alertId: latest.id, notify: true };
  return { type: "clean", alertId: latest.id };
}
