/**
 * The bit arithmetic of the active-user bitmaps (db/schema/rollups.ts), shared
 * by the overview's count, the rollup job and retention. Pure: times in, masks out.
 *
 * - active_user_hours: per user and UTC day, bit h (0–23) = the hour starting at h:00.
 * - active_user_days: per user and block of 64 UTC days (block = days since
 *   1970-01-01 div 64, floored), bit d (0–63) = the block's d-th day. Masks are
 *   signed bigints, as PostgreSQL stores them (bit 63 is the sign bit).
 */

const HOUR = 3_600_000;
const DAY = 86_400_000;
export const DAYS_PER_BLOCK = 64;
const ALL_HOURS = (1 << 24) - 1;

/** Days since 1970-01-01 (UTC) of a time. */
export const dayNumber = (ms: number): number => Math.floor(ms / DAY);
export const blockOf = (day: number): number => Math.floor(day / DAYS_PER_BLOCK);
/** A day number as a `date` literal. */
export const isoDay = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

const dayBit = (day: number): bigint => 1n << BigInt(day - blockOf(day) * DAYS_PER_BLOCK);
/** A 64-bit mask as PostgreSQL's signed bigint, in text (it does not fit a JS number). */
export const signed64 = (mask: bigint): string => BigInt.asIntN(64, mask).toString();

export type HourMask = { day: string; mask: number };
export type DayMask = { block: number; mask: string };

/**
 * The hours whose start lies in [from, to), as one 24-bit mask per UTC day —
 * the same hours as `hour >= from and hour < to` over hourly rows.
 */
export function hourMasks(from: number, to: number): HourMask[] {
  const masks = new Map<number, number>();
  for (let t = Math.ceil(from / HOUR) * HOUR; t < to; t += HOUR) {
    const day = dayNumber(t);
    masks.set(day, (masks.get(day) ?? 0) | (1 << ((t - day * DAY) / HOUR)));
  }
  return [...masks].map(([day, mask]) => ({ day: isoDay(day), mask }));
}

/** The days in [fromDay, toDay) (day numbers), as one mask per block of 64 days. */
export function dayMasks(fromDay: number, toDay: number): DayMask[] {
  const masks = new Map<number, bigint>();
  for (let day = fromDay; day < toDay; day++) masks.set(blockOf(day), (masks.get(blockOf(day)) ?? 0n) | dayBit(day));
  return [...masks].map(([block, mask]) => ({ block, mask: signed64(mask) }));
}

/**
 * What an exact distinct-user count of an hour-aligned period reads: its whole
 * UTC days from the day blocks, the partial days at its edges from the hours.
 */
export function activeUserRanges(period: { from: Date; to: Date }): { days: DayMask[]; hours: HourMask[] } {
  const from = period.from.getTime();
  const to = period.to.getTime();
  const fullFrom = Math.ceil(from / DAY);
  const fullTo = Math.floor(to / DAY);
  if (fullFrom >= fullTo) return { days: [], hours: hourMasks(from, to) };
  return { days: dayMasks(fullFrom, fullTo), hours: [...hourMasks(from, fullFrom * DAY), ...hourMasks(fullTo * DAY, to)] };
}

/**
 * What retention keeps of the bitmaps for a horizon: everything from the hour
 * of `cutoff` on (as `hour >= date_trunc('hour', cutoff)`) and from its UTC day
 * on. Rows of earlier days or blocks go whole; the rows of the horizon's own
 * day and block keep only the bits of `keepHours` / `keepDays`.
 */
export function retentionMasks(cutoff: Date): { day: string; keepHours: number; block: number; keepDays: string } {
  const ms = cutoff.getTime();
  const day = dayNumber(ms);
  const hour = Math.floor((ms - day * DAY) / HOUR);
  const block = blockOf(day);
  const dropDays = (1n << BigInt(day - block * DAYS_PER_BLOCK)) - 1n;
  return {
    day: isoDay(day),
    keepHours: ALL_HOURS & ~((1 << hour) - 1),
    block,
    keepDays: signed64(((1n << 64n) - 1n) & ~dropDays),
  };
}
