/** Recharts colours from the theme's CSS variables, so charts follow the light/dark toggle. */
export const axis = { stroke: "var(--muted)", fontSize: 12 } as const;
export const grid = { stroke: "var(--border)", vertical: false } as const;
export const tooltipStyle = {
  contentStyle: { background: "var(--panel-2)", border: "1px solid var(--border)", color: "var(--text)" },
  labelStyle: { color: "var(--text)" },
} as const;

export function msTick(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
}
