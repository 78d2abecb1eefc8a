/** Series colours, distinguishable in both themes; a key keeps its colour on every chart of a page. */
export const SERIES_COLORS = ["#4cc2ff", "#a78bfa", "#f59e0b", "#3fb950", "#f472b6", "#22d3ee", "#fb7185", "#a3e635", "#eab308", "#94a3b8"];

export function colorFor(keys: readonly string[], key: string): string {
  const i = keys.indexOf(key);
  return SERIES_COLORS[(i < 0 ? 0 : i) % SERIES_COLORS.length]!;
}
