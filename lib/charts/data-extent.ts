import type { PeriodSelection } from "@/lib/period";

const DAY = 86_400_000;

export type PeriodSuggestion = { message: string; selection: Extract<PeriodSelection, { range: "custom" }>; label: string };

/**
 * When the chosen period holds no traces but the project has some elsewhere:
 * where they are, and the period to show instead — the last 7 UTC days that
 * end with the latest trace (not before the first one). Null when the period
 * has traces, or the project has none at all (the overview then shows how to
 * send the first one).
 */
export function suggestPeriod(extent: { first: string | null; last: string | null; inPeriod: boolean }): PeriodSuggestion | null {
  if (extent.inPeriod || !extent.first || !extent.last) return null;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const first = Date.parse(extent.first);
  const last = Date.parse(extent.last);
  const to = day(last);
  const from = day(Math.max(Date.parse(`${day(first)}T00:00:00Z`), Date.parse(`${to}T00:00:00Z`) - 6 * DAY));
  const span = day(first) === to ? `on ${to}` : `from ${day(first)} to ${to}`;
  return {
    message: `No traces in this period. This project's traces are ${span} (UTC).`,
    selection: { range: "custom", from, to },
    label: from === to ? `Show ${to}` : `Show ${from} – ${to}`,
  };
}
