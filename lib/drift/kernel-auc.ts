import { createRng, permutation } from "./random";
import { rocAuc } from "./roc-auc";

export interface KernelAucResult {
  /**
   * Held-out ROC AUC of the MMD witness function as a classifier of "row is
   * from the current window", averaged over the two folds; 0.5 =
   * indistinguishable, 1 = every current row scores above every reference row.
   */
  auc: number;
  /** The AUC of each fold (train on one half, score the other). */
  folds: [number, number];
}

/**
 * Kernel two-sample classifier on a pooled kernel matrix K (N×N, rows 0…m−1
 * the reference, m…N−1 the current window) — the effect size that belongs to
 * MMD. Each sample is split in two halves by a seeded permutation (reference
 * first, then current). The witness function fitted on one half,
 *
 *   f(z) = mean_{y ∈ current half} k(z, y) − mean_{x ∈ reference half} k(z, x),
 *
 * is the direction in which MMD measures the difference (MMD = the mean of f
 * over current minus reference rows); it scores the rows of the other half,
 * whose ROC AUC is the held-out accuracy of that classifier. The two folds are
 * swapped and their AUCs averaged (cross-fitting: every row is scored once,
 * by a witness that never saw it). Unlike a linear classifier it grows with
 * any change the Gaussian kernel sees — a wider or narrower spread, a second
 * mode, a change in a few dimensions — and it is 0.5 in expectation when the
 * windows come from one distribution.
 */
export function kernelWitnessAuc(K: Float64Array, N: number, m: number, options: { seed?: number } = {}): KernelAucResult {
  const n = N - m;
  if (m < 2 || n < 2) throw new RangeError("kernel AUC needs at least two rows per sample");
  const rng = createRng(options.seed ?? 0);
  const pr = permutation(m, rng);
  const pc = permutation(n, rng);
  const halves = (p: Int32Array, offset: number): [Int32Array, Int32Array] => {
    const h = p.length >> 1;
    return [Int32Array.from(p.subarray(0, h), (i) => i + offset), Int32Array.from(p.subarray(h), (i) => i + offset)];
  };
  const [r0, r1] = halves(pr, 0);
  const [c0, c1] = halves(pc, m);
  const fold = (refTrain: Int32Array, curTrain: Int32Array, refTest: Int32Array, curTest: Int32Array): number => {
    const test = new Int32Array(refTest.length + curTest.length);
    test.set(refTest, 0);
    test.set(curTest, refTest.length);
    const scores = new Float64Array(test.length);
    const labels = new Uint8Array(test.length);
    for (let t = 0; t < test.length; t++) {
      const o = test[t]! * N;
      let sc = 0;
      for (const j of curTrain) sc += K[o + j]!;
      let sr = 0;
      for (const j of refTrain) sr += K[o + j]!;
      scores[t] = sc / curTrain.length - sr / refTrain.length;
      labels[t] = t >= refTest.length ? 1 : 0;
    }
    return rocAuc(scores, labels);
  };
  const a = fold(r0, c0, r1, c1);
  const b = fold(r1, c1, r0, c0);
  return { auc: (a + b) / 2, folds: [a, b] };
}
