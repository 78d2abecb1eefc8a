import type { Matrix } from "./matrix";
import { createRng, permutation } from "./random";
import { rocAuc } from "./roc-auc";

export interface LogisticModel {
  weights: Float64Array;
  intercept: number;
  iterations: number;
}

export interface ClassifierResult {
  /** ROC AUC of "is this row from the current window?" on the held-out half; 0.5 = indistinguishable. */
  auc: number;
  trainSize: number;
  testSize: number;
}

function logOnePlusExpNeg(u: number): number {
  // log(1 + e^(−u)) without overflow.
  return u > 0 ? Math.log1p(Math.exp(-u)) : -u + Math.log1p(Math.exp(u));
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * L2-regularised logistic regression, sklearn's LogisticRegression(C=1)
 * objective: minimise Σ_i log(1 + exp(−y_i(w·x_i + b))) + ‖w‖²/(2C), with the
 * intercept unpenalised, by L-BFGS (10 corrections, Armijo backtracking).
 * Stopping rule as sklearn's lbfgs defaults: gradient max-norm below
 * tol = 1e-4, relative objective decrease below 64·ε, or 100 iterations. The
 * objective is strictly convex, so solvers that converge agree on the model.
 */
export function fitLogistic(
  x: Matrix,
  labels: Uint8Array,
  options: { c?: number; maxIterations?: number; tol?: number } = {},
): LogisticModel {
  const C = options.c ?? 1;
  const maxIter = options.maxIterations ?? 100;
  const tol = options.tol ?? 1e-4;
  const ftol = 64 * Number.EPSILON;
  const n = x.rows;
  const d = x.cols;
  const X = x.data;
  const P = d + 1; // last entry is the intercept

  // One pass over X per evaluation: each block of four rows is scored (X·w)
  // and, while it is still in cache, added into the gradient (Xᵀ·r). Every
  // sum keeps the order of the plain two-loop version — a row's dot product in
  // four interleaved accumulators, f and the gradient entries accumulated row
  // by row — so the model is the same to the last bit, with a quarter of the
  // gradient's loads and stores.
  const rowScore = (theta: Float64Array, b: number, o: number): number => {
    let s0 = b;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let k = 0;
    for (; k + 3 < d; k += 4) {
      s0 += X[o + k]! * theta[k]!;
      s1 += X[o + k + 1]! * theta[k + 1]!;
      s2 += X[o + k + 2]! * theta[k + 2]!;
      s3 += X[o + k + 3]! * theta[k + 3]!;
    }
    for (; k < d; k++) s0 += X[o + k]! * theta[k]!;
    return s0 + s1 + (s2 + s3);
  };
  // Two rows' scores in one pass over θ (each with rowScore's own four accumulators).
  const z2 = new Float64Array(2);
  const rowScores2 = (theta: Float64Array, b: number, o: number, p: number): void => {
    let s0 = b;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let t0 = b;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    let k = 0;
    for (; k + 3 < d; k += 4) {
      const w0 = theta[k]!;
      const w1 = theta[k + 1]!;
      const w2 = theta[k + 2]!;
      const w3 = theta[k + 3]!;
      s0 += X[o + k]! * w0;
      s1 += X[o + k + 1]! * w1;
      s2 += X[o + k + 2]! * w2;
      s3 += X[o + k + 3]! * w3;
      t0 += X[p + k]! * w0;
      t1 += X[p + k + 1]! * w1;
      t2 += X[p + k + 2]! * w2;
      t3 += X[p + k + 3]! * w3;
    }
    for (; k < d; k++) {
      s0 += X[o + k]! * theta[k]!;
      t0 += X[p + k]! * theta[k]!;
    }
    z2[0] = s0 + s1 + (s2 + s3);
    z2[1] = t0 + t1 + (t2 + t3);
  };
  const evaluate = (theta: Float64Array, grad: Float64Array): number => {
    const b = theta[d]!;
    let f = 0;
    let gb = 0;
    grad.fill(0);
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const o0 = i * d;
      const o1 = o0 + d;
      const o2 = o1 + d;
      const o3 = o2 + d;
      rowScores2(theta, b, o0, o1);
      const z0 = z2[0]!;
      const z1 = z2[1]!;
      rowScores2(theta, b, o2, o3);
      const zz2 = z2[0]!;
      const z3 = z2[1]!;
      const l0 = labels[i] === 1;
      const l1 = labels[i + 1] === 1;
      const l2 = labels[i + 2] === 1;
      const l3 = labels[i + 3] === 1;
      f += logOnePlusExpNeg(l0 ? z0 : -z0);
      f += logOnePlusExpNeg(l1 ? z1 : -z1);
      f += logOnePlusExpNeg(l2 ? zz2 : -zz2);
      f += logOnePlusExpNeg(l3 ? z3 : -z3);
      const r0 = sigmoid(z0) - (l0 ? 1 : 0);
      const r1 = sigmoid(z1) - (l1 ? 1 : 0);
      const r2 = sigmoid(zz2) - (l2 ? 1 : 0);
      const r3 = sigmoid(z3) - (l3 ? 1 : 0);
      gb += r0;
      gb += r1;
      gb += r2;
      gb += r3;
      for (let k = 0; k < d; k++) {
        let g = grad[k]!;
        g += r0 * X[o0 + k]!;
        g += r1 * X[o1 + k]!;
        g += r2 * X[o2 + k]!;
        g += r3 * X[o3 + k]!;
        grad[k] = g;
      }
    }
    for (; i < n; i++) {
      const o = i * d;
      const z = rowScore(theta, b, o);
      const l = labels[i] === 1;
      f += logOnePlusExpNeg(l ? z : -z);
      const r = sigmoid(z) - (l ? 1 : 0);
      gb += r;
      for (let k = 0; k < d; k++) grad[k]! += r * X[o + k]!;
    }
    let ww = 0;
    for (let k = 0; k < d; k++) {
      ww += theta[k]! * theta[k]!;
      grad[k]! += theta[k]! / C;
    }
    grad[d] = gb;
    return f + ww / (2 * C);
  };

  const M = 10;
  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const rhoHist: number[] = [];
  const theta = new Float64Array(P);
  const grad = new Float64Array(P);
  let f = evaluate(theta, grad);
  const dir = new Float64Array(P);
  const alpha = new Float64Array(M);
  const newTheta = new Float64Array(P);
  const newGrad = new Float64Array(P);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    let gmax = 0;
    for (let k = 0; k < P; k++) gmax = Math.max(gmax, Math.abs(grad[k]!));
    if (gmax <= tol) break;
    // Two-loop recursion: dir = −H·grad.
    dir.set(grad);
    for (let h = sHist.length - 1; h >= 0; h--) {
      let a = 0;
      for (let k = 0; k < P; k++) a += sHist[h]![k]! * dir[k]!;
      a *= rhoHist[h]!;
      alpha[h] = a;
      for (let k = 0; k < P; k++) dir[k]! -= a * yHist[h]![k]!;
    }
    if (sHist.length > 0) {
      const last = sHist.length - 1;
      let sy = 0;
      let yy = 0;
      for (let k = 0; k < P; k++) {
        sy += sHist[last]![k]! * yHist[last]![k]!;
        yy += yHist[last]![k]! * yHist[last]![k]!;
      }
      const gamma = sy / yy;
      for (let k = 0; k < P; k++) dir[k]! *= gamma;
    } else {
      let gn = 0;
      for (let k = 0; k < P; k++) gn += grad[k]! * grad[k]!;
      const scale = 1 / Math.max(1, Math.sqrt(gn));
      for (let k = 0; k < P; k++) dir[k]! *= scale;
    }
    for (let h = 0; h < sHist.length; h++) {
      let b = 0;
      for (let k = 0; k < P; k++) b += yHist[h]![k]! * dir[k]!;
      b *= rhoHist[h]!;
      for (let k = 0; k < P; k++) dir[k]! += sHist[h]![k]! * (alpha[h]! - b);
    }
    for (let k = 0; k < P; k++) dir[k] = -dir[k]!;
    let slope = 0;
    for (let k = 0; k < P; k++) slope += dir[k]! * grad[k]!;
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      sHist.length = 0;
      yHist.length = 0;
      rhoHist.length = 0;
      for (let k = 0; k < P; k++) dir[k] = -grad[k]!;
      slope = 0;
      for (let k = 0; k < P; k++) slope += dir[k]! * grad[k]!;
    }
    let step = 1;
    let fNew = 0;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let k = 0; k < P; k++) newTheta[k] = theta[k]! + step * dir[k]!;
      fNew = evaluate(newTheta, newGrad);
      if (fNew <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(P);
    const yv = new Float64Array(P);
    let sy = 0;
    for (let k = 0; k < P; k++) {
      s[k] = newTheta[k]! - theta[k]!;
      yv[k] = newGrad[k]! - grad[k]!;
      sy += s[k]! * yv[k]!;
    }
    if (sy > 1e-12) {
      sHist.push(s);
      yHist.push(yv);
      rhoHist.push(1 / sy);
      if (sHist.length > M) {
        sHist.shift();
        yHist.shift();
        rhoHist.shift();
      }
    }
    const fOld = f;
    theta.set(newTheta);
    grad.set(newGrad);
    f = fNew;
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) break;
  }
  return { weights: theta.subarray(0, d), intercept: theta[d]!, iterations: iter };
}

export function decisionFunction(model: LogisticModel, x: Matrix): Float64Array {
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = model.intercept;
    const o = i * x.cols;
    for (let k = 0; k < x.cols; k++) s += x.data[o + k]! * model.weights[k]!;
    out[i] = s;
  }
  return out;
}

/**
 * The seeded train/test split used by the domain classifier: each sample is
 * shuffled (reference first, then current, from one mulberry32 stream) and
 * its first ⌊n/2⌋ shuffled rows go to training, the rest to testing.
 */
export function classifierSplit(m: number, n: number, seed: number) {
  const rng = createRng(seed);
  const pr = permutation(m, rng);
  const pc = permutation(n, rng);
  const hr = Math.floor(m / 2);
  const hc = Math.floor(n / 2);
  return {
    referenceTrain: pr.subarray(0, hr),
    referenceTest: pr.subarray(hr),
    currentTrain: pc.subarray(0, hc),
    currentTest: pc.subarray(hc),
  };
}

function stack(a: Matrix, ai: Int32Array, b: Matrix, bi: Int32Array): { x: Matrix; labels: Uint8Array } {
  const d = a.cols;
  const rows = ai.length + bi.length;
  const data = new Float64Array(rows * d);
  const labels = new Uint8Array(rows);
  let r = 0;
  for (const i of ai) data.set(a.data.subarray(i * d, i * d + d), d * r++);
  for (const i of bi) {
    data.set(b.data.subarray(i * d, i * d + d), d * r);
    labels[r++] = 1;
  }
  return { x: { rows, cols: d, data }, labels };
}

/**
 * Domain-classifier two-sample test: train a logistic regression (C = 1) to
 * tell current rows (label 1) from reference rows (label 0) on a seeded half
 * of each sample, then report the ROC AUC on the other half (ties count ½).
 * 0.5 means the windows are indistinguishable; the further above 0.5, the
 * more linearly separable the drift.
 */
export function classifierTest(reference: Matrix, current: Matrix, options: { seed?: number } = {}): ClassifierResult {
  if (reference.rows < 2 || current.rows < 2) throw new RangeError("classifier test needs at least two rows per sample");
  const split = classifierSplit(reference.rows, current.rows, options.seed ?? 0);
  const train = stack(reference, split.referenceTrain, current, split.currentTrain);
  const test = stack(reference, split.referenceTest, current, split.currentTest);
  const model = fitLogistic(train.x, train.labels);
  const auc = rocAuc(decisionFunction(model, test.x), test.labels);
  return { auc, trainSize: train.x.rows, testSize: test.x.rows };
}
