import { fisherExact, mannWhitneyU } from "./paired";
import { mean, sd } from "./bootstrap-ci";
import { adjustPValues } from "./multiple-testing";

/** What is known about the outcome of one trace. */
export type Outcome = { refused: boolean; error: boolean; scores: Record<string, number> };

export type QualityComparison = {
  topic: number;
  metric: string;
  test: "fisher" | "mann_whitney";
  reference: { n: number; value: number };
  current: { n: number; value: number };
  /** Rates: current − reference; scores: (mean current − mean reference) / SD reference. */
  effect: number;
  pValue: number;
  adjustedP: number;
  material: boolean;
  significant: boolean;
};

export type Reweighting = {
  metric: string;
  reference: number;
  current: number;
  /** The reference's per-topic values weighted by the current topic mix. */
  expectedFromMix: number;
  /** expected − reference: the part of the change explained by the mix of questions. */
  mixEffect: number;
  /** current − expected: the part left within topics. */
  withinTopicEffect: number;
};

function rateOf(xs: readonly Outcome[], key: "refused" | "error"): number {
  return xs.length ? xs.filter((o) => o[key]).length / xs.length : Number.NaN;
}

function scoreValues(xs: readonly Outcome[], name: string): number[] {
  const out: number[] = [];
  for (const o of xs) {
    const v = o.scores[name];
    if (v !== undefined && Number.isFinite(v)) out.push(v);
  }
  return out;
}

/**
 * Per-topic quality of two windows: refusal and error rates by Fisher's exact
 * test, each score by Mann–Whitney U, every p-value of the family adjusted
 * together (Benjamini–Hochberg or Holm). A comparison counts when its
 * adjusted p is below alpha and its effect is material. The reweighting check
 * then splits each metric's overall change into the part the new topic mix
 * explains and the part left within topics.
 */
export function compareTopicQuality(
  ref: { topics: Int32Array; outcomes: readonly Outcome[] },
  cur: { topics: Int32Array; outcomes: readonly Outcome[] },
  k: number,
  settings: { alpha: number; correction: "bh" | "holm"; minTopicSamples: number; rateDelta: number; scoreEffect: number; scores?: string[] },
): { comparisons: QualityComparison[]; reweighting: Reweighting[]; metrics: string[] } {
  const byTopic = (side: typeof ref) => {
    const groups: Outcome[][] = Array.from({ length: k }, () => []);
    side.outcomes.forEach((o, i) => groups[side.topics[i]!]!.push(o));
    return groups;
  };
  const refGroups = byTopic(ref);
  const curGroups = byTopic(cur);
  const scoreNames =
    settings.scores ?? [...new Set(ref.outcomes.flatMap((o) => Object.keys(o.scores)))].sort();
  const metrics = ["refusal_rate", "error_rate", ...scoreNames.map((s) => `score:${s}`)];

  const raw: Omit<QualityComparison, "adjustedP" | "significant">[] = [];
  for (let t = 0; t < k; t++) {
    const r = refGroups[t]!;
    const c = curGroups[t]!;
    if (r.length < settings.minTopicSamples || c.length < settings.minTopicSamples) continue;
    for (const key of ["refused", "error"] as const) {
      const a = r.filter((o) => o[key]).length;
      const b = c.filter((o) => o[key]).length;
      if (a + b === 0) continue;
      const test = fisherExact([
        [a, r.length - a],
        [b, c.length - b],
      ]);
      const effect = b / c.length - a / r.length;
      raw.push({
        topic: t,
        metric: key === "refused" ? "refusal_rate" : "error_rate",
        test: "fisher",
        reference: { n: r.length, value: a / r.length },
        current: { n: c.length, value: b / c.length },
        effect,
        pValue: test.pValue,
        material: Math.abs(effect) >= settings.rateDelta,
      });
    }
    for (const name of scoreNames) {
      const a = scoreValues(r, name);
      const b = scoreValues(c, name);
      if (a.length < settings.minTopicSamples || b.length < settings.minTopicSamples) continue;
      const test = mannWhitneyU(a, b);
      const spread = sd(a) || sd([...a, ...b]) || 1;
      const effect = (mean(b) - mean(a)) / spread;
      raw.push({
        topic: t,
        metric: `score:${name}`,
        test: "mann_whitney",
        reference: { n: a.length, value: mean(a) },
        current: { n: b.length, value: mean(b) },
        effect,
        pValue: test.pValue,
        material: Math.abs(effect) >= settings.scoreEffect,
      });
    }
  }
  const adjusted = adjustPValues(raw.map((c) => c.pValue), settings.correction);
  const comparisons = raw.map((c, i) => ({ ...c, adjustedP: adjusted[i]!, significant: adjusted[i]! < settings.alpha && c.material }));

  const value = (xs: readonly Outcome[], metric: string): number =>
    metric === "refusal_rate" ? rateOf(xs, "refused") : metric === "error_rate" ? rateOf(xs, "error") : mean(scoreValues(xs, metric.slice(6)));
  const reweighting = metrics.map((metric) => {
    const reference = value(ref.outcomes, metric);
    const current = value(cur.outcomes, metric);
    let expected = 0;
    let weight = 0;
    for (let t = 0; t < k; t++) {
      const w = curGroups[t]!.length;
      if (w === 0) continue;
      const v = value(refGroups[t]!, metric);
      // A topic with no reference value is expected at the reference's overall value.
      expected += w * (Number.isFinite(v) ? v : reference);
      weight += w;
    }
    const expectedFromMix = weight ? expected / weight : Number.NaN;
    return { metric, reference, current, expectedFromMix, mixEffect: expectedFromMix - reference, withinTopicEffect: current - expectedFromMix };
  });
  return { comparisons, reweighting, metrics };
}

/**
 * Answer drift: response distances of near-duplicate prompt pairs across the
 * two windows, against the same distances for near-duplicate pairs within the
 * reference (what answers to the same question vary by anyway). Mann–Whitney
 * U; material when the median moved by at least `minShift` cosine distance.
 */
export function compareAnswerDistances(
  cross: readonly number[],
  within: readonly number[],
  settings: { alpha: number; minPairs?: number; minShift?: number },
): { crossPairs: number; withinPairs: number; crossMedian: number | null; withinMedian: number | null; pValue: number | null; drift: boolean } {
  const minPairs = settings.minPairs ?? 10;
  const med = (x: readonly number[]) => {
    if (x.length === 0) return null;
    const s = [...x].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const crossMedian = med(cross);
  const withinMedian = med(within);
  if (cross.length < minPairs || within.length < minPairs) {
    return { crossPairs: cross.length, withinPairs: within.length, crossMedian, withinMedian, pValue: null, drift: false };
  }
  const test = mannWhitneyU(within, cross);
  const drift = test.pValue < settings.alpha && (crossMedian ?? 0) - (withinMedian ?? 0) >= (settings.minShift ?? 0.05);
  return { crossPairs: cross.length, withinPairs: within.length, crossMedian, withinMedian, pValue: test.pValue, drift };
}
