/**
 * Sentence chrF / chrF++ exactly as sacreBLEU 2.x's `CHRF.sentence_score` computes it: character
 * n-grams of orders 1–6 over the text with all whitespace removed, plus word n-grams of orders
 * 1–`wordOrder` (chrF++: 2) over whitespace tokens with one leading or trailing ASCII punctuation
 * mark split off; β = 2. With several references the one with the best F score counts.
 *
 * Smoothing: `epsSmoothing: true` (the default here, as the chrF++.py reference implementation,
 * Moses and NLTK do) averages each order's F_β, an order without n-grams counting ε = 1e-16;
 * `false` is sacreBLEU's own default, which averages precision and recall over the orders that
 * have n-grams on both sides before taking F_β. sacreBLEU reports 0–100; this returns score / 100.
 */
import { hasAstral, pyRemoveWhitespace, pySplit } from "./python-text";

export type ChrfOptions = {
  /** Character n-gram order (default 6). */
  charOrder?: number;
  /** Word n-gram order: 0 for chrF (default), 2 for chrF++. */
  wordOrder?: number;
  /** Recall weight (default 2). */
  beta?: number;
  /** Epsilon smoothing (default true); false is sacreBLEU's effective-order averaging. */
  epsSmoothing?: boolean;
};

export type ChrfResult = { score: number };

const EPS = 1e-16;
const PUNCTS = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/** Counts character n-grams of orders 1..maxOrder, one map per order (Python indexes code points). */
function charNgrams(text: string, maxOrder: number): Map<string, number>[] {
  const out: Map<string, number>[] = [];
  if (!hasAstral(text)) {
    for (let n = 1; n <= maxOrder; n++) {
      const m = new Map<string, number>();
      for (let i = 0; i + n <= text.length; i++) {
        const g = text.slice(i, i + n);
        m.set(g, (m.get(g) ?? 0) + 1);
      }
      out.push(m);
    }
    return out;
  }
  const chars = Array.from(text);
  for (let n = 1; n <= maxOrder; n++) {
    const m = new Map<string, number>();
    for (let i = 0; i + n <= chars.length; i++) {
      const g = chars.slice(i, i + n).join("");
      m.set(g, (m.get(g) ?? 0) + 1);
    }
    out.push(m);
  }
  return out;
}

/** sacreBLEU `CHRF._remove_punctuation`: splits one punctuation mark off the end, else off the start. */
function words(text: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(text)) {
    const cps = hasAstral(w) ? Array.from(w) : null;
    const len = cps ? cps.length : w.length;
    if (len === 1) {
      out.push(w);
      continue;
    }
    const first = cps ? cps[0]! : w[0]!;
    const last = cps ? cps[len - 1]! : w[w.length - 1]!;
    if (PUNCTS.has(last)) out.push(w.slice(0, w.length - last.length), last);
    else if (PUNCTS.has(first)) out.push(first, w.slice(first.length));
    else out.push(w);
  }
  return out;
}

function wordNgrams(tokens: readonly string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const g = tokens.slice(i, i + n).join(" ");
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

function allNgrams(text: string, charOrder: number, wordOrder: number): Map<string, number>[] {
  const grams = charNgrams(pyRemoveWhitespace(text), charOrder);
  if (wordOrder > 0) {
    const tokens = words(text);
    for (let n = 1; n <= wordOrder; n++) grams.push(wordNgrams(tokens, n));
  }
  return grams;
}

/** [hyp, ref, match] counts per order, as sacreBLEU's `_get_match_statistics`. */
function matchStatistics(hyp: Map<string, number>[], ref: Map<string, number>[]): number[] {
  const stats: number[] = [];
  for (let o = 0; o < hyp.length; o++) {
    const h = hyp[o]!;
    const r = ref[o]!;
    let hypCount = 0;
    let match = 0;
    for (const [g, c] of h) {
      hypCount += c;
      const rc = r.get(g);
      if (rc !== undefined) match += Math.min(c, rc);
    }
    let refCount = 0;
    for (const c of r.values()) refCount += c;
    // Hypothesis n-grams are not counted when the reference has none of that order.
    stats.push(r.size > 0 ? hypCount : 0, refCount, match);
  }
  return stats;
}

/** sacreBLEU `CHRF._compute_f_score`, on the 0–100 scale. */
function fScore(stats: readonly number[], order: number, beta: number, epsSmoothing: boolean): number {
  const factor = beta ** 2;
  let score = 0;
  let effectiveOrder = 0;
  let avgPrec = 0;
  let avgRec = 0;
  for (let i = 0; i < order; i++) {
    const nHyp = stats[3 * i]!;
    const nRef = stats[3 * i + 1]!;
    const nMatch = stats[3 * i + 2]!;
    const prec = nHyp > 0 ? nMatch / nHyp : EPS;
    const rec = nRef > 0 ? nMatch / nRef : EPS;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : EPS;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effectiveOrder++;
    }
  }
  if (epsSmoothing) return (100 * score) / order;
  if (effectiveOrder === 0) {
    avgPrec = 0;
    avgRec = 0;
  } else {
    avgPrec /= effectiveOrder;
    avgRec /= effectiveOrder;
  }
  if (avgPrec + avgRec === 0) return 0;
  return (100 * ((1 + factor) * avgPrec * avgRec)) / (factor * avgPrec + avgRec);
}

/** sacreBLEU `CHRF(...).sentence_score(hypothesis, references).score / 100`. */
export function sentenceChrf(hypothesis: string, references: readonly string[], options: ChrfOptions = {}): ChrfResult {
  const { charOrder = 6, wordOrder = 0, beta = 2, epsSmoothing = true } = options;
  const refs = references.filter((r) => r !== "");
  if (refs.length === 0) throw new Error("chrF needs at least one non-empty reference");
  const order = charOrder + wordOrder;
  const hyp = allNgrams(hypothesis, charOrder, wordOrder);
  let best = -1;
  for (const ref of refs) {
    const f = fScore(matchStatistics(hyp, allNgrams(ref, charOrder, wordOrder)), order, beta, epsSmoothing);
    if (f > best) best = f;
  }
  return { score: best / 100 };
}
