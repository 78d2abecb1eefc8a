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

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    // Tokens are [a-z0-9]+, so a space separates them unambiguously.
    const g = n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(" ");
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** `RougeScorer(["rouge<n>"]).score(target, prediction)["rouge<n>"]`. */
export function rougeN(target: string, prediction: string, n: number, options: RougeOptions = {}): RougeScore {
  if (!Number.isInteger(n) || n < 1 || n > 9) throw new RangeError(`ROUGE-N needs 1 ≤ n ≤ 9, got ${n}`);
  return rougeNTokens(rougeTokenize(target, options), rougeTokenize(prediction, options), n);
}

export function rougeNTokens(target: readonly string[], prediction: readonly string[], n: number): RougeScore {
  const t = ngramCounts(target, n);
  const p = ngramCounts(prediction, n);
  let overlap = 0;
  for (const [g, c] of t) {
    const pc = p.get(g);
    if (pc !== undefined) overlap += Math.min(c, pc);
  }
  const targetCount = Math.max(0, target.length - n + 1);
  const predictionCount = Math.max(0, prediction.length - n + 1);
  const precision = overlap / Math.max(predictionCount, 1);
  const recall = overlap / Math.max(targetCount, 1);
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** `RougeScorer(["rougeL"]).score(target, prediction)["rougeL"]`. */
export function rougeL(target: string, prediction: string, options: RougeOptions = {}): RougeScore {
  return rougeLTokens(rougeTokenize(target, options), rougeTokenize(prediction, options));
}

export function rougeLTokens(target: readonly string[], prediction: readonly string[]): RougeScore {
  if (target.length === 0 || prediction.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const lcs = lcsLength(target, prediction);
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** Length of the longest common subsequence, with one row of the dynamic programme kept. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  // Intern tokens as integers so the inner loop compares numbers.
  const ids = new Map<string, number>();
  const intern = (s: string) => {
    let id = ids.get(s);
    if (id === undefined) ids.set(s, (id = ids.size));
    return id;
  };
  const ai = Int32Array.from(a, intern);
  const bi = Int32Array.from(b, intern);
  const row = new Int32Array(bi.length + 1);
  for (let i = 0; i < ai.length; i++) {
    let diag = 0; // row[j] of the previous row, before it is overwritten
    const x = ai[i]!;
    for (let j = 1; j <= bi.length; j++) {
      const up = row[j]!;
      row[j] = x === bi[j - 1] ? diag + 1 : Math.max(up, row[j - 1]!);
      diag = up;
    }
  }
  return row[bi.length]!;
}
