import type { Params } from "./sql-params";

/**
 * The subsampling rule, the same everywhere: when a window holds more rows
 * than the cap, keep the rows with the smallest md5(external id ‖ seed) —
 * the client's trace id, so the sample does not depend on Driftline's
 * generated ids either. It is a
 * uniform sample without replacement, fixed by the seed (a monitor's seed is
 * derived from its id), independent of insertion order, so recomputing a
 * window gives the same sample, and it is drawn inside the database, so a
 * window of a million traces never leaves it.
 */
export function sampleOrder(column: string, seed: number, p: Params): string {
  return `md5(${column}::text || ${p.add(String(seed))})`;
}

/** A monitor's seed: its `seed` setting, else a stable 31-bit hash of its id. */
export function monitorSeed(monitor: { id: string; thresholds: unknown }): number {
  const set = (monitor.thresholds as { seed?: unknown } | null)?.seed;
  return typeof set === "number" && Number.isInteger(set) ? set : seedFromId(monitor.id);
}

/** A stable 31-bit seed from a monitor id. */
export function seedFromId(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 1) % 2_000_000_000;
}
