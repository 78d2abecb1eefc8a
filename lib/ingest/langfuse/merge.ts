/**
 * Merges one event's fields into what is staged for a trace or a generation.
 * Events of one observation arrive in any order and may repeat, so each field
 * remembers the timestamp of the event that set it: a field is replaced only
 * by an event at least as recent, and a metadata object is merged key by key
 * (the more recent event's keys win). Applying the same event twice, or two
 * events in either order, gives the same result.
 */
export type Staged = { fields: Record<string, unknown>; times: Record<string, string> };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** ISO timestamps with offsets and any precision, compared as instants (ties by text, so the order is total). */
function compareTimes(a: string, b: string): number {
  const d = Date.parse(a) - Date.parse(b);
  if (d !== 0 && Number.isFinite(d)) return d;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The earliest possible time: a default set from the envelope yields to any field sent explicitly. */
export const DEFAULT_FIELD_TIME = "1970-01-01T00:00:00.000Z";

export function mergeFields(staged: Staged, incoming: Record<string, unknown>, timestamp: string): Staged & { changed: boolean } {
  const fields = { ...staged.fields };
  const times = { ...staged.times };
  let changed = false;
  for (const [key, value] of Object.entries(incoming)) {
    if (value === undefined || value === null) continue;
    const before = times[key];
    const newer = before === undefined || compareTimes(timestamp, before) >= 0;
    let next: unknown;
    if (key === "metadata" && isObject(value) && isObject(fields[key])) {
      next = newer ? { ...(fields[key] as object), ...value } : { ...value, ...(fields[key] as object) };
    } else if (newer) {
      next = value;
    } else continue;
    if (JSON.stringify(next) !== JSON.stringify(fields[key])) changed = true;
    fields[key] = next;
    if (newer) times[key] = timestamp;
  }
  return { fields, times, changed };
}
