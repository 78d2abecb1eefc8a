/**
 * Multiple-comparison corrections: adjusted p-values in the input order.
 * Holm (1979) controls the family-wise error rate; Benjamini–Hochberg (1995)
 * the false-discovery rate. Both match R's p.adjust.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}

export function benjaminiHochbergAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]);
  const out = new Array<number>(m);
  let running = 1;
  order.forEach(([p, i], k) => {
    const rank = m - k;
    running = Math.min(running, (m / rank) * p);
    out[i] = Math.min(1, running);
  });
  return out;
}

export function adjustPValues(pValues: readonly number[], method: "holm" | "bh"): number[] {
  return method === "holm" ? holmAdjust(pValues) : benjaminiHochbergAdjust(pValues);
}
