/**
 * Sentence BLEU exactly as sacreBLEU 2.x computes it with its `sentence_bleu` defaults:
 * 13a tokenizer, mixed case, maximum n-gram order 4, exponential smoothing (mteval's "method 3")
 * and effective order (orders the hypothesis is too short to have are left out of the geometric
 * mean). Several references: n-gram counts are clipped by the maximum count over references and
 * the brevity penalty uses the closest reference length (the shorter one on a tie).
 *
 * sacreBLEU reports 0–100; this returns its score / 100, on [0, 1].
 */
import { pyRstrip } from "./python-text";
import { tokenize13a } from "./tokenize-13a";

const MAX_ORDER = 4;

export type BleuResult = {
  /** sacreBLEU's score / 100. */
  score: number;
  brevityPenalty: number;
  /** Smoothed n-gram precisions on [0, 1], orders 1–4 (0 for orders not counted). */
  precisions: number[];
  hypothesisLength: number;
  referenceLength: number;
};

/** Counts n-grams of orders 1..4, keyed by the tokens joined with U+0001 (never inside a token). */
function countNgrams(tokens: readonly string[], into: Map<string, number>): void {
  const n = tokens.length;
  for (let i = 0; i < n; i++) {
    let key = tokens[i]!;
    into.set(key, (into.get(key) ?? 0) + 1);
    for (let k = 1; k < MAX_ORDER && i + k < n; k++) {
      key += "\u0001" + tokens[i + k]!;
      into.set(key, (into.get(key) ?? 0) + 1);
    }
  }
}

const orderOf = (key: string): number => {
  let order = 1;
  for (let i = key.indexOf("\u0001"); i !== -1; i = key.indexOf("\u0001", i + 1)) order++;
  return order;
};

/**
 * sacreBLEU `sentence_bleu(hypothesis, references)`. Empty references are dropped as sacreBLEU does;
 * throws when none is left (sacreBLEU raises "Empty or `None` reference sentence found").
 */
export function sentenceBleu(hypothesis: string, references: readonly string[]): BleuResult {
  const refs = references.filter((r) => r !== "");
  if (refs.length === 0) throw new Error("BLEU needs at least one non-empty reference");

  const hyp = tokenize13a(pyRstrip(hypothesis));
  const hypLen = hyp.length;

  let refNgrams: Map<string, number> | null = null;
  let closestDiff = -1;
  let closestLen = -1;
  for (const ref of refs) {
    const tokens = tokenize13a(pyRstrip(ref));
    const len = tokens.length;
    const diff = Math.abs(hypLen - len);
    if (closestDiff === -1 || diff < closestDiff) {
      closestDiff = diff;
      closestLen = len;
    } else if (diff === closestDiff && len < closestLen) {
      closestLen = len;
    }
    if (refNgrams === null) {
      refNgrams = new Map();
      countNgrams(tokens, refNgrams);
    } else {
      const these = new Map<string, number>();
      countNgrams(tokens, these);
      for (const [k, c] of these) if (c > (refNgrams.get(k) ?? 0)) refNgrams.set(k, c);
    }
  }

  const hypNgrams = new Map<string, number>();
  countNgrams(hyp, hypNgrams);
  const correct = [0, 0, 0, 0];
  const total = [0, 0, 0, 0];
  for (const [k, c] of hypNgrams) {
    const o = orderOf(k) - 1;
    total[o]! += c;
    const r = refNgrams!.get(k);
    if (r !== undefined) correct[o]! += Math.min(c, r);
  }
  return computeBleu(correct, total, hypLen, closestLen);
}

/** sacreBLEU `BLEU.compute_bleu` with smooth_method "exp" and effective_order true. */
function computeBleu(correct: number[], total: number[], sysLen: number, refLen: number): BleuResult {
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = [0, 0, 0, 0];
  const result = (score: number): BleuResult => ({
    score,
    brevityPenalty: bp,
    precisions: precisions.map((p) => p / 100),
    hypothesisLength: sysLen,
    referenceLength: refLen,
  });
  // No match at any order: 0 (sacreBLEU #141).
  if (correct.every((c) => c === 0)) return result(0);

  let smoothMteval = 1;
  let effOrder = MAX_ORDER;
  for (let n = 1; n <= MAX_ORDER; n++) {
    if (total[n - 1] === 0) break;
    effOrder = n;
    if (correct[n - 1] === 0) {
      smoothMteval *= 2;
      precisions[n - 1] = 100 / (smoothMteval * total[n - 1]!);
    } else {
      precisions[n - 1] = (100 * correct[n - 1]!) / total[n - 1]!;
    }
  }
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += precisions[i] === 0 ? -9999999999 : Math.log(precisions[i]!);
  // exp(log(100)) is 100.00000000000004 in binary floating point: sacreBLEU reports that for a perfect
  // match; the [0, 1] scale is kept by capping at 1 (a 4e-16 difference).
  return result(Math.min(1, (bp * Math.exp(logSum / effOrder)) / 100));
}
