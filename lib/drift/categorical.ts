import { chi2Sf } from "./distributions";

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  dof: number;
}

export interface GTestResult {
  statistic: number;
  pValue: number;
}

export interface CategoryCounts {
  /** Categories in a fixed order (sorted by code unit). */
  categories: string[];
  reference: number[];
  current: number[];
}

/** Counts of each category in both samples over the union of categories, sorted. */
export function countCategories(reference: readonly string[], current: readonly string[]): CategoryCounts {
  const ref = new Map<string, number>();
  const cur = new Map<string, number>();
  for (const v of reference) ref.set(v, (ref.get(v) ?? 0) + 1);
  for (const v of current) cur.set(v, (cur.get(v) ?? 0) + 1);
  const categories = [...new Set([...ref.keys(), ...cur.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    categories,
    reference: categories.map((c) => ref.get(c) ?? 0),
    current: categories.map((c) => cur.get(c) ?? 0),
  };
}

function expectedCounts(rows: readonly (readonly number[])[]): { expected: number[][]; total: number } {
  const rowTotals = rows.map((r) => r.reduce((s, v) => s + v, 0));
  const k = rows[0]?.length ?? 0;
  const colTotals = Array.from({ length: k }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0));
  const total = rowTotals.reduce((s, v) => s + v, 0);
  return { expected: rows.map((_, i) => colTotals.map((c) => (rowTotals[i]! * c) / total)), total };
}

/**
 * Pearson's χ² test of homogeneity on the 2×K table (reference row, current
 * row; K categories seen in either): χ² = Σ (O − E)²/E with E from the
 * margins, dof = K − 1. Yates' continuity correction (|O − E| reduced by up to
 * ½) is applied only when dof = 1, as scipy.stats.chi2_contingency does.
 */
export function chiSquareTest(reference: readonly number[], current: readonly number[]): ChiSquareResult {
  const rows = [reference, current];
  const dof = reference.length - 1;
  if (dof <= 0) return { statistic: 0, pValue: 1, dof: 0 };
  const { expected } = expectedCounts(rows);
  let stat = 0;
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < reference.length; j++) {
      const e = expected[i]![j]!;
      let o = rows[i]![j]!;
      if (dof === 1) {
        const diff = e - o;
        o += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
      }
      stat += ((o - e) * (o - e)) / e;
    }
  }
  return { statistic: stat, pValue: chi2Sf(stat, dof), dof };
}

/**
 * G-test (likelihood-ratio χ²) on the same 2×K table:
 * G = 2 Σ O·ln(O/E) with 0·ln 0 = 0, compared to χ²(K − 1). No continuity
 * correction is applied.
 */
export function gTest(reference: readonly number[], current: readonly number[]): GTestResult {
  const rows = [reference, current];
  const dof = reference.length - 1;
  if (dof <= 0) return { statistic: 0, pValue: 1 };
  const { expected } = expectedCounts(rows);
  let stat = 0;
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < reference.length; j++) {
      const o = rows[i]![j]!;
      if (o > 0) stat += o * Math.log(o / expected[i]![j]!);
    }
  }
  stat *= 2;
  return { statistic: stat, pValue: chi2Sf(stat, dof) };
}

export function proportions(counts: readonly number[]): number[] {
  const total = counts.reduce((s, v) => s + v, 0);
  return counts.map((c) => c / total);
}
