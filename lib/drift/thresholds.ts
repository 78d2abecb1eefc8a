/**
 * Default verdict thresholds. A comparison is flagged as drift only when the
 * change is both statistically significant (p below `alpha`) and material
 * (an effect size above its floor): with tens of thousands of rows a
 * p-value alone flags shifts nobody cares about, and with a few dozen rows
 * an effect size alone flags noise.
 */
export const DEFAULT_THRESHOLDS = {
  /** Significance level for KS, χ² and the (multi-scale) MMD permutation test. */
  alpha: 0.01,
  /** PSI at or above this is a material shift (0.1 "moderate", 0.25 "major" by convention). */
  psi: 0.1,
  /**
   * Held-out AUC of the kernel two-sample classifier (the MMD witness) at or
   * above this means the windows differ enough to matter (0.5 = not at all).
   */
  auc: 0.55,
} as const;

export type Thresholds = { alpha: number; psi: number; auc: number };
