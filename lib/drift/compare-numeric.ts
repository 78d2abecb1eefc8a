import { binProportions, decileEdges } from "./binning";
import { jensenShannonDistance } from "./jensen-shannon";
import { ksTwoSampleSorted, type KsMethod } from "./ks";
import { populationStabilityIndex } from "./psi";
import { sortedCopy } from "./quantile";
import { DEFAULT_THRESHOLDS, type Thresholds } from "./thresholds";
import { wasserstein1, wasserstein1Normed } from "./wasserstein";

export interface NumericComparison {
  kind: "numeric";
  n: { reference: number; current: number };
  ks: { statistic: number; pValue: number; method: KsMethod };
  psi: number;
  jensenShannon: number;
  wasserstein: number;
  /** W1 / reference SD (ddof = 0); null when the reference is constant. */
  wassersteinNormed: number | null;
  /** KS p < alpha and PSI ≥ psi threshold. */
  drift: boolean;
}

/**
 * Compares two numeric samples: KS (shape), PSI and Jensen–Shannon on the
 * reference's decile bins (how much mass moved between bins), and
 * Wasserstein-1 (how far it moved, in data units and in reference SDs).
 */
export function compareNumeric(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): NumericComparison {
  if (reference.length === 0 || current.length === 0) throw new RangeError("compareNumeric: empty sample");
  const ref = sortedCopy(reference);
  const cur = sortedCopy(current);
  const ks = ksTwoSampleSorted(ref, cur);
  const edges = decileEdges(ref);
  const pr = binProportions(ref, edges);
  const pc = binProportions(cur, edges);
  const psi = populationStabilityIndex(pr, pc);
  return {
    kind: "numeric",
    n: { reference: ref.length, current: cur.length },
    ks,
    psi,
    jensenShannon: jensenShannonDistance(pr, pc),
    wasserstein: wasserstein1(ref, cur),
    wassersteinNormed: wasserstein1Normed(ref, cur),
    drift: ks.pValue < thresholds.alpha && psi >= thresholds.psi,
  };
}
