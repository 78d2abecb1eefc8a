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
import { clippedAgainst, clippedMatchesUnsorted, Interner, keysFit, maxCounts, ngramKeysByOrder } from "./ngram-keys";
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

/**
 * sacreBLEU `sentence_bleu(hypothesis, references)`. Empty references are dropped as sacreBLEU does;
 * throws when none is left (sacreBLEU raises "Empty or `None` reference sentence found").
 */
export function sentenceBleu(hypothesis: string, references: readonly string[]): BleuResult {
  const refs = references.filter((r) => r !== "");
  if (refs.length === 0) throw new Error("BLEU needs at least one non-empty reference");

  const interner = new Interner<string>();
  const toIds = (tokens: string[]) => Int32Array.from(tokens, (t) => interner.id(t));
  const hyp = toIds(tokenize13a(pyRstrip(hypothesis)));
  const refIds = refs.map((r) => toIds(tokenize13a(pyRstrip(r))));
  const hypLen = hyp.length;

  let closestDiff = -1;
  let closestLen = -1;
  for (const ids of refIds) {
    const len = ids.length;
    const diff = Math.abs(hypLen - len);
    if (closestDiff === -1 || diff < closestDiff) {
      closestDiff = diff;
      closestLen = len;
    } else if (diff === closestDiff && len < closestLen) {
      closestLen = len;
    }
  }

  const correct = [0, 0, 0, 0];
  const total = [0, 0, 0, 0];
  const base = interner.base;
  if (keysFit(base, MAX_ORDER)) {
    const hypKeys = ngramKeysByOrder(hyp, MAX_ORDER, base);
    const refKeys = refIds.map((ids) => ngramKeysByOrder(ids, MAX_ORDER, base));
    for (let o = 0; o < MAX_ORDER; o++) {
      const h = hypKeys[o]!;
      total[o] = h.length;
      correct[o] =
        refKeys.length === 1
          ? clippedMatchesUnsorted(h, refKeys[0]![o]!)
          : clippedAgainst(h.slice().sort(), maxCounts(refKeys.map((k) => k[o]!.slice().sort())));
    }
  } else {
    // More distinct tokens than numeric keys can hold (≈ 9,700): count with string keys.
    for (let n = 1; n <= MAX_ORDER; n++) {
      const h = stringNgrams(hyp, n);
      const limits = new Map<string, number>();
      for (const ids of refIds) for (const [g, c] of stringNgrams(ids, n)) if (c > (limits.get(g) ?? 0)) limits.set(g, c);
      for (const [g, c] of h) {
        total[n - 1]! += c;
        correct[n - 1]! += Math.min(c, limits.get(g) ?? 0);
      }
    }
  }
  return computeBleu(correct, total, hypLen, closestLen);
}

function stringNgrams(ids: Int32Array, n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= ids.length; i++) {
    const g = ids.subarray(i, i + n).join(",");
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
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
