/**
 * Dashboard periods. Every period is whole UTC hours, because the charts read
 * hourly rollups: "last 24 h" is the 24 hours ending with the current hour
 * (which is still filling). A custom period names UTC days, `to` inclusive.
 * Shared by pages (server prefetch), route handlers and client widgets, so all
 * of them build one cache key from the same search parameters.
 */
export const PERIOD_PRESETS = [
  { id: "24h", label: "24 h", hours: 24 },
  { id: "7d", label: "7 d", hours: 24 * 7 },
  { id: "30d", label: "30 d", hours: 24 * 30 },
] as const;

export type PeriodPreset = (typeof PERIOD_PRESETS)[number]["id"];
export type PeriodSelection = { range: PeriodPreset } | { range: "custom"; from: string; to: string };
export type Period = { from: Date; to: Date };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Longest custom period: a year keeps the hourly reads bounded. */
export const MAX_PERIOD_DAYS = 366;

export type PeriodError = { path: string; message: string };

/** `?range=24h|7d|30d|custom&from=YYYY-MM-DD&to=YYYY-MM-DD` → a selection, or field errors. */
export function parsePeriodSelection(params: {
  range?: string | null;
  from?: string | null;
  to?: string | null;
}): { ok: true; value: PeriodSelection } | { ok: false; errors: PeriodError[] } {
  const range = params.range ?? "7d";
  if (range !== "custom") {
    const preset = PERIOD_PRESETS.find((p) => p.id === range);
    if (!preset) return { ok: false, errors: [{ path: "query.range", message: "must be 24h, 7d, 30d or custom" }] };
    return { ok: true, value: { range: preset.id } };
  }
  const errors: PeriodError[] = [];
  const from = params.from ?? "";
  const to = params.to ?? "";
  const valid = (s: string) => ISO_DAY.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
  if (!valid(from)) errors.push({ path: "query.from", message: "must be a date YYYY-MM-DD" });
  if (!valid(to)) errors.push({ path: "query.to", message: "must be a date YYYY-MM-DD" });
  if (errors.length === 0) {
    const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY + 1;
    if (days < 1) errors.push({ path: "query.to", message: "must not be before `from`" });
    else if (days > MAX_PERIOD_DAYS) errors.push({ path: "query.to", message: `the period may span at most ${MAX_PERIOD_DAYS} days` });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { range: "custom", from, to } };
}

/** A lenient version for pages: a bad selection falls back to the last 7 days. */
export function periodSelectionOrDefault(params: { range?: string | null; from?: string | null; to?: string | null }): PeriodSelection {
  const parsed = parsePeriodSelection(params);
  return parsed.ok ? parsed.value : { range: "7d" };
}

export function resolvePeriod(selection: PeriodSelection, now = new Date()): Period {
  if (selection.range === "custom") {
    return { from: new Date(`${selection.from}T00:00:00Z`), to: new Date(Date.parse(`${selection.to}T00:00:00Z`) + DAY) };
  }
  const hours = PERIOD_PRESETS.find((p) => p.id === selection.range)!.hours;
  const to = new Date(Math.floor(now.getTime() / HOUR) * HOUR + HOUR);
  return { from: new Date(to.getTime() - hours * HOUR), to };
}

/** The equally long period just before. */
export function previousPeriod(period: Period): Period {
  const span = period.to.getTime() - period.from.getTime();
  return { from: new Date(period.from.getTime() - span), to: period.from };
}

/** Charts use hourly points for periods up to two days, daily points beyond. */
export function seriesUnit(period: Period): "hour" | "day" {
  return period.to.getTime() - period.from.getTime() <= 2 * DAY ? "hour" : "day";
}

export function selectionToSearch(selection: PeriodSelection): string {
  return selection.range === "custom"
    ? `range=custom&from=${selection.from}&to=${selection.to}`
    : `range=${selection.range}`;
}

export function selectionKey(selection: PeriodSelection): string {
  return selection.range === "custom" ? `custom:${selection.from}:${selection.to}` : selection.range;
}

export function describeSelection(selection: PeriodSelection): string {
  if (selection.range === "custom") return `${selection.from} – ${selection.to} (UTC days)`;
  return `last ${PERIOD_PRESETS.find((p) => p.id === selection.range)!.label} (UTC hours)`;
}
