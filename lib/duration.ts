const UNITS: Record<string, number> = { m: 60, h: 3600, d: 86_400, w: 604_800 };

/** "30m", "24h", "7d", "2w" → seconds; null when malformed. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)\s*([mhdw])$/.exec(text.trim());
  if (!m) return null;
  const seconds = Number(m[1]) * UNITS[m[2]!]!;
  return seconds > 0 ? seconds : null;
}

/** Seconds → the shortest exact form ("1d", "36h", "90m"). */
export function formatDuration(seconds: number): string {
  for (const unit of ["w", "d", "h", "m"] as const) {
    const size = UNITS[unit]!;
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
