/**
 * ROUGE-N and ROUGE-L exactly as Google's `rouge-score` (rouge_score/rouge_scorer.py and
 * tokenize.py, version 0.1.2) computes them for one target (the reference) and one prediction.
 *
 * Tokenizer: lowercase, every run of characters outside [a-z0-9] becomes a space, split on
 * whitespace; with the stemmer, tokens longer than 3 characters are Porter-stemmed (NLTK's
 * PorterStemmer); empty tokens are dropped. ROUGE-N counts clipped n-gram overlaps (precision over
 * the prediction's n-grams, recall over the target's); ROUGE-L uses the longest common subsequence
 * of the two token lists. F-measure = 2PR / (P + R), 0 when P + R = 0.
 */
import { clippedMatchesUnsorted, Interner, keysFit, ngramKeysByOrder } from "./ngram-keys";
import { porterStem } from "./porter-stemmer";

export type RougeOptions = { stemmer?: boolean };
export type RougeScore = { precision: number; recall: number; fmeasure: number };

const NON_ALPHANUMERIC = /[^a-z0-9]+/g;

/** rouge-score's `tokenize.tokenize(text, stemmer)`. */
export function rougeTokenize(text: string, options: RougeOptions = {}): string[] {
  const parts = text.toLowerCase().replace(NON_ALPHANUMERIC, " ").split(" ");
  const out: string[] = [];
  for (const p of parts) {
    if (p === "") continue;
    out.push(options.stemmer && p.length > 3 ? porterStem(p) : p);
  }
  return out;
}

const fmeasure = (precision: number, recall: number) =>
  precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;

/**
 * The last few tokenizations, so ROUGE-1, ROUGE-2 and ROUGE-L of one trace tokenize each text once.
 * Keyed by the text and the stemmer flag; results are never mutated.
 */
const recent: Array<{ text: string; stemmer: boolean; tokens: string[] }> = [];
function tokensOf(text: string, options: RougeOptions): string[] {
  const stemmer = options.stemmer === true;
  for (const r of recent) if (r.text === text && r.stemmer === stemmer) return r.tokens;
  const tokens = rougeTokenize(text, options);
  recent.unshift({ text, stemmer, tokens });
  if (recent.length > 4) recent.pop();
  return tokens;
}

/** `RougeScorer(["rouge<n>"]).score(target, prediction)["rouge<n>"]`. */
export function rougeN(target: string, prediction: string, n: number, options: RougeOptions = {}): RougeScore {
  if (!Number.isInteger(n) || n < 1 || n > 9) throw new RangeError(`ROUGE-N needs 1 ≤ n ≤ 9, got ${n}`);
  return rougeNTokens(tokensOf(target, options), tokensOf(prediction, options), n);
}

export function rougeNTokens(target: readonly string[], prediction: readonly string[], n: number): RougeScore {
  const targetCount = Math.max(0, target.length - n + 1);
  const predictionCount = Math.max(0, prediction.length - n + 1);
  let overlap = 0;
  if (targetCount > 0 && predictionCount > 0) {
    const interner = new Interner<string>();
    const t = Int32Array.from(target, (x) => interner.id(x));
    const p = Int32Array.from(prediction, (x) => interner.id(x));
    if (keysFit(interner.base, n)) {
      overlap = clippedMatchesUnsorted(ngramKeysByOrder(t, n, interner.base)[n - 1]!, ngramKeysByOrder(p, n, interner.base)[n - 1]!);
    } else {
      const counts = new Map<string, number>();
      for (let i = 0; i < targetCount; i++) {
        const g = t.subarray(i, i + n).join(",");
        counts.set(g, (counts.get(g) ?? 0) + 1);
      }
      for (let i = 0; i < predictionCount; i++) {
        const g = p.subarray(i, i + n).join(",");
        const c = counts.get(g);
        if (c) {
          overlap++;
          counts.set(g, c - 1);
        }
      }
    }
  }
  const precision = overlap / Math.max(predictionCount, 1);
  const recall = overlap / Math.max(targetCount, 1);
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** `RougeScorer(["rougeL"]).score(target, prediction)["rougeL"]`. */
export function rougeL(target: string, prediction: string, options: RougeOptions = {}): RougeScore {
  return rougeLTokens(tokensOf(target, options), tokensOf(prediction, options));
}

export function rougeLTokens(target: readonly string[], prediction: readonly string[]): RougeScore {
  if (target.length === 0 || prediction.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const lcs = lcsLength(target, prediction);
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/**
 * Length of the longest common subsequence, bit-parallel (Hyyrö 2004; Crochemore et al. 2001): one
 * bit per token of `b`, so a row of the dynamic programme costs |b| / 32 word operations. With
 * U = V & match(a_i): V ← (V + U) | (V & ~U); the LCS length is the number of zero bits in V.
 */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const words = (b.length + 31) >>> 5;
  const masks = new Map<string, Uint32Array>();
  for (let j = 0; j < b.length; j++) {
    let m = masks.get(b[j]!);
    if (!m) masks.set(b[j]!, (m = new Uint32Array(words)));
    m[j >>> 5]! |= 1 << (j & 31);
  }
  const v = new Uint32Array(words).fill(0xffffffff);
  for (const token of a) {
    const m = masks.get(token);
    if (!m) continue; // U = 0: V is unchanged
    let carry = 0;
    for (let w = 0; w < words; w++) {
      const vw = v[w]!;
      const u = vw & m[w]!;
      const sum = vw + (u >>> 0) + carry;
      carry = sum > 0xffffffff ? 1 : 0;
      v[w] = (sum >>> 0) | (vw & ~u);
    }
  }
  let zeros = 0;
  for (let j = 0; j < b.length; j++) if ((v[j >>> 5]! & (1 << (j & 31))) === 0) zeros++;
  return zeros;
}
