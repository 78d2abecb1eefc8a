import type { MonitorReference } from "@/db/schema";
import { cronTicksBetween, parseCron } from "./cron";

export type TimeRange = { start: Date; end: Date };
export type MonitorWindows = { current: TimeRange; reference: TimeRange };

/**
 * The windows of the run whose tick is `end`: the current window is
 * [end − window, end) on the traces' own timestamps, the reference either the
 * fixed range or the window just before, [end − 2·window, end − window).
 * Depending only on `end` is what lets history be recomputed exactly.
 */
export function windowsAt(end: Date, windowSeconds: number, reference: MonitorReference): MonitorWindows {
  const start = new Date(end.getTime() - windowSeconds * 1000);
  const current = { start, end };
  if (reference.type === "fixed") return { current, reference: { start: new Date(reference.from), end: new Date(reference.to) } };
  return { current, reference: { start: new Date(start.getTime() - windowSeconds * 1000), end: start } };
}

/**
 * Tick times of a backfill: every schedule tick from the first one whose
 * windows can hold data up to `now`, keeping the latest `max`.
 */
export function backfillTicks(
  schedule: string,
  windowSeconds: number,
  reference: MonitorReference,
  earliestTrace: Date,
  now: Date,
  max: number,
): Date[] {
  // The first tick whose reference (preceding) or current (fixed reference) window ends after the earliest trace.
  const lead = reference.type === "preceding" ? windowSeconds : 0;
  const firstEnd = new Date(earliestTrace.getTime() + lead * 1000);
  if (firstEnd >= now) return [];
  return cronTicksBetween(parseCron(schedule), firstEnd, now, max);
}
