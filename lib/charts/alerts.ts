/**
 * Presentation of alerts on the dashboard: where each alert's evidence opens
 * and how the open-alerts figure reads. Pure; unit-tested in alerts.test.ts.
 */

export type AlertLike = {
  id: string;
  state: "ok" | "firing" | "resolved";
  monitor: { id: string; name: string };
  lastFiredAt: string;
  firstEvidence: { resultId: string; windowEnd: string; versionChangeIds?: string[] };
  lastEvidence: { resultId: string; windowEnd: string; versionChangeIds?: string[] };
};

/** The monitor page opened on the window of the alert's latest evidence. */
export function alertEvidenceHref(project: string, alert: Pick<AlertLike, "monitor" | "lastEvidence">): string {
  return `/p/${encodeURIComponent(project)}/drift/${alert.monitor.id}?window=${alert.lastEvidence.resultId}`;
}

/** Links to the version changes behind a regression alert (latest evidence first, no duplicates). */
export function alertVersionChangeHrefs(project: string, alert: Pick<AlertLike, "firstEvidence" | "lastEvidence">): string[] {
  const ids = [...(alert.lastEvidence.versionChangeIds ?? []), ...(alert.firstEvidence.versionChangeIds ?? [])];
  return [...new Set(ids)].map((id) => `/p/${encodeURIComponent(project)}/regressions/${id}`);
}

/** Firing alerts, the most recently fired first. */
export function firingAlerts<T extends AlertLike>(alerts: readonly T[]): T[] {
  return alerts.filter((a) => a.state === "firing").sort((a, b) => Date.parse(b.lastFiredAt) - Date.parse(a.lastFiredAt));
}

/** "2 firing — Topic drift, Latency" (names cut after three). */
export function describeOpenAlerts(open: { firing: number; monitors: string[] }): string {
  if (open.firing === 0) return "No monitor is firing";
  const names = open.monitors.slice(0, 3).join(", ") + (open.monitors.length > 3 ? `, +${open.monitors.length - 3} more` : "");
  return names;
}
