import { chiSquareTest, countCategories, gTest, proportions } from "./categorical";
import { jensenShannonDistance } from "./jensen-shannon";
import { populationStabilityIndex } from "./psi";
import { DEFAULT_THRESHOLDS, type Thresholds } from "./thresholds";

export interface CategoricalComparison {
  kind: "categorical";
  n: { reference: number; current: number };
  chiSquare: { statistic: number; pValue: number; dof: number };
  gTest: { statistic: number; pValue: number };
  psi: number;
  jensenShannon: number;
  /** χ² p < alpha and PSI ≥ psi threshold. */
  drift: boolean;
  /** Per-category counts behind the numbers (sorted by category). */
  categories: { value: string; reference: number; current: number }[];
}

/**
 * Compares two categorical samples on the union of their categories: χ² and
 * G tests of homogeneity on the 2×K table, plus PSI (floored proportions) and
 * Jensen–Shannon distance (raw proportions) over the categories.
 */
export function compareCategorical(
  reference: readonly string[],
  current: readonly string[],
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): CategoricalComparison {
  if (reference.length === 0 || current.length === 0) throw new RangeError("compareCategorical: empty sample");
  const counts = countCategories(reference, current);
  const chiSquare = chiSquareTest(counts.reference, counts.current);
  const pr = proportions(counts.reference);
  const pc = proportions(counts.current);
  const psi = populationStabilityIndex(pr, pc);
  return {
    kind: "categorical",
    n: { reference: reference.length, current: current.length },
    chiSquare,
    gTest: gTest(counts.reference, counts.current),
    psi,
    jensenShannon: jensenShannonDistance(pr, pc),
    drift: chiSquare.pValue < thresholds.alpha && psi >= thresholds.psi,
    categories: counts.categories.map((value, i) => ({ value, reference: counts.reference[i]!, current: counts.current[i]! })),
  };
}
