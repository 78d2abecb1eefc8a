/**
 * The Evaluations page's charts and diff, prepared from the series API
 * (GET …/evaluators/{id}/series): pure, so they are tested without a browser.
 */
export type SeriesPoint = { day: string; score: string; group: string; mean: number; count: number };
export type HistogramBin = { score: string; bin: number; count: number };

/** One row per day, one key per group, for one score: the mean per day (null where a group had no trace). */
export function prepareDailyMeans(daily: readonly SeriesPoint[], score: string): { rows: Array<Record<string, string | number | null>>; keys: string[] } {
  const points = daily.filter((p) => p.score === score);
  const keys = [...new Set(points.map((p) => p.group))].sort();
  const days = [...new Set(points.map((p) => p.day))].sort();
  const rows = days.map((day) => {
    const row: Record<string, string | number | null> = { label: day };
    for (const key of keys) row[key] = null;
    for (const p of points) if (p.day === day) row[p.group] = p.mean;
    return row;
  });
  return { rows, keys };
}

/** Ten bins of [0, 1] for one score, empty bins included, labelled "0.0–0.1" … "0.9–1.0". */
export function prepareHistogram(bins: readonly HistogramBin[], score: string): Array<{ label: string; count: number }> {
  const counts = new Array<number>(10).fill(0);
  for (const b of bins) if (b.score === score && b.bin >= 0 && b.bin < 10) counts[b.bin]! += b.count;
  return counts.map((count, i) => ({ label: `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`, count }));
}

/** The score names present, in a stable order (the evaluator's own order first). */
export function scoreOptions(names: readonly string[], present: readonly SeriesPoint[]): string[] {
  const seen = new Set(present.map((p) => p.score));
  return [...names.filter((n) => seen.has(n)), ...[...seen].filter((n) => !names.includes(n)).sort()];
}

export type DiffPart = { text: string; kind: "same" | "added" | "removed" };

/**
 * A word-level diff of a response against the expected output (longest
 * common subsequence of words; white space kept with the word before it):
 * "removed" is expected but missing, "added" is in the response only.
 * Texts are cut to `maxWords` words each to keep it quadratic but small.
 */
export function wordDiff(expected: string, response: string, maxWords = 400): DiffPart[] {
  const split = (s: string) => s.match(/\S+\s*/g)?.slice(0, maxWords) ?? [];
  const a = split(expected);
  const b = split(response);
  const key = (w: string) => w.trim();
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = key(a[i]!) === key(b[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: DiffPart[] = [];
  const push = (text: string, kind: DiffPart["kind"]) => {
    const last = out.at(-1);
    if (last && last.kind === kind) last.text += text;
    else out.push({ text, kind });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (key(a[i]!) === key(b[j]!)) {
      push(b[j]!, "same");
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) push(a[i++]!, "removed");
    else push(b[j++]!, "added");
  }
  while (i < a.length) push(a[i++]!, "removed");
  while (j < b.length) push(b[j++]!, "added");
  return out;
}
