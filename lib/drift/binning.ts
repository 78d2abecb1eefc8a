import { countAtMost, quantileSorted } from "./quantile";

/** Reference deciles used as PSI / Jensen–Shannon bin edges. */
export const DECILES: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => k / 10);

/**
 * Bin edges for PSI and Jensen–Shannon on a numeric feature: the reference's
 * 0.1…0.9 quantiles (type 7), with duplicate edges removed so heavy ties
 * collapse bins instead of creating empty ones.
 */
export function decileEdges(sortedReference: ArrayLike<number>): number[] {
  const edges: number[] = [];
  for (const p of DECILES) {
    const e = quantileSorted(sortedReference, p);
    if (edges.length === 0 || e !== edges[edges.length - 1]) edges.push(e);
  }
  return edges;
}

/**
 * Proportion of the sample in each bin (−∞, e1), [e1, e2), …, [ek, ∞):
 * a value equal to an edge belongs to the bin that starts at that edge.
 */
export function binProportions(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const b = countAtMost(edges, values[i]!);
    counts[b]! += 1;
  }
  return counts.map((c) => c / values.length);
}
