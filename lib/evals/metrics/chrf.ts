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
import { clippedMatchesUnsorted, Interner, keysFit, ngramKeysByOrder } from "./ngram-keys";
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
function splitWords(text: string): string[] {
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
    const tokens = splitWords(text);
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
  const stats = fastStatistics(hypothesis, refs, charOrder, wordOrder);
  let best = -1;
  if (stats) {
    for (const s of stats) {
      const f = fScore(s, order, beta, epsSmoothing);
      if (f > best) best = f;
    }
  } else {
    const hyp = allNgrams(hypothesis, charOrder, wordOrder);
    for (const ref of refs) {
      const f = fScore(matchStatistics(hyp, allNgrams(ref, charOrder, wordOrder)), order, beta, epsSmoothing);
      if (f > best) best = f;
    }
  }
  return { score: best / 100 };
}

/**
 * Interns the code points of whitespace-free texts as 1, 2, 3…: a flat table for the Basic
 * Multilingual Plane (reused between calls; a generation stamp marks this call's entries) and a map
 * for the rest. Python indexes code points, so a surrogate pair is one character.
 */
class CharInterner {
  private static ids = new Int32Array(65536);
  private static stamps = new Int32Array(65536);
  private static generation = 0;
  private readonly astral = new Map<number, number>();
  private next = 1;
  constructor() {
    if (++CharInterner.generation === 0x7fffffff) {
      CharInterner.stamps.fill(0);
      CharInterner.generation = 1;
    }
  }
  get base(): number {
    return this.next;
  }
  ids(text: string): Int32Array {
    const out = new Int32Array(text.length);
    const { ids, stamps, generation } = CharInterner;
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          let id = this.astral.get(cp);
          if (id === undefined) this.astral.set(cp, (id = this.next++));
          out[n++] = id;
          i++;
          continue;
        }
      }
      if (stamps[c] !== generation) {
        stamps[c] = generation;
        ids[c] = this.next++;
      }
      out[n++] = ids[c]!;
    }
    return out.subarray(0, n);
  }
}

/**
 * The [hyp, ref, match] statistics against each reference with numeric n-gram keys (ngram-keys.ts),
 * or null when the texts have too many distinct characters or words for exact keys (then the
 * string-keyed path above counts instead).
 */
function fastStatistics(hypothesis: string, refs: readonly string[], charOrder: number, wordOrder: number): number[][] | null {
  const chars = new CharInterner();
  const charIds = (text: string) => chars.ids(pyRemoveWhitespace(text));
  const hypChars = charIds(hypothesis);
  const refChars = refs.map(charIds);
  if (!keysFit(chars.base, charOrder)) return null;
  const words = new Interner<string>();
  const wordIds = (text: string) => Int32Array.from(wordOrder > 0 ? splitWords(text) : [], (w) => words.id(w));
  const hypWords = wordIds(hypothesis);
  const refWords = refs.map(wordIds);
  if (wordOrder > 0 && !keysFit(words.base, wordOrder)) return null;

  const keys = (charIds: Int32Array, wordIds: Int32Array) => [
    ...ngramKeysByOrder(charIds, charOrder, chars.base),
    ...(wordOrder > 0 ? ngramKeysByOrder(wordIds, wordOrder, words.base) : []),
  ];
  const hypKeys = keys(hypChars, hypWords);
  return refs.map((_, r) => {
    const refKeys = keys(refChars[r]!, refWords[r]!);
    const stats: number[] = [];
    for (let o = 0; o < hypKeys.length; o++) {
      const hyp = hypKeys[o]!;
      const ref = refKeys[o]!;
      // Hypothesis n-grams are not counted when the reference has none of that order.
      stats.push(ref.length > 0 ? hyp.length : 0, ref.length, clippedMatchesUnsorted(hyp, ref));
    }
    return stats;
  });
}
