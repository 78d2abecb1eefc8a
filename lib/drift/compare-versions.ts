import { fisherExact, mannWhitneyU } from "./paired";
import { bootstrapDifferenceCi, mean, proportionDifferenceCi, quantileOf, sd } from "./bootstrap-ci";
import { holmAdjust } from "./multiple-testing";

/** The traces of one side of a version change. */
export type VersionSample = {
  latencyMs: number[];
  outputTokens: number[];
  costUsd: number[];
  refused: boolean[];
  error: boolean[];
  scores: Record<string, number[]>;
};

export type MetricComparison = {
  metric: string;
  test: "mann_whitney" | "fisher" | "answer_distance";
  before: Record<string, number>;
  after: Record<string, number>;
  /** What the effect measures: "relative" (after/before − 1 of the mean), "difference" (rates), "smd" (scores). */
  effectKind: "relative" | "difference" | "smd";
  effect: number;
  ci95: [number, number];
  /** Extra effects with CIs (latency p50 and p95). */
  quantiles?: { p50: { difference: number; ci95: [number, number] }; p95: { difference: number; ci95: [number, number] } };
  pValue: number;
  adjustedP: number;
  /** "worse", "better" or "none" (not significant or not material). */
  direction: "worse" | "better" | "none";
};

export type VersionVerdict = "pending" | "regression" | "improvement" | "no_significant_change";

const finite = (xs: number[]) => xs.filter((x) => Number.isFinite(x));

/**
 * Before/after comparison of a version change: latency (Mann–Whitney; p50 and
 * p95 differences with bootstrap CIs), output length and cost per call
 * (Mann–Whitney; relative change of the mean with a bootstrap CI), refusal
 * and error rates (Fisher's exact test; Wald CI of the difference), each score
 * (Mann–Whitney; standardised mean difference with a bootstrap CI), and, when
 * given, the response shift on matched prompts. p-values are Holm-adjusted
 * across the family. Higher latency, length, cost, refusal and error rates
 * and lower scores are "worse". The verdict is regression when any metric is
 * significantly and materially worse, improvement when some are better and
 * none worse, pending below `minSamples` traces on either side.
 */
export function compareVersions(
  before: VersionSample,
  after: VersionSample,
  settings: { alpha: number; minSamples: number; relativeDelta: number; rateDelta: number; scoreEffect: number; seed: number },
  answerShift?: { pValue: number | null; drift: boolean; crossMedian: number | null; withinMedian: number | null; crossPairs: number; withinPairs: number },
): { verdict: VersionVerdict; metrics: MetricComparison[]; n: { before: number; after: number } } {
  const n = { before: before.refused.length, after: after.refused.length };
  if (n.before < settings.minSamples || n.after < settings.minSamples) return { verdict: "pending", metrics: [], n };
  const raw: Omit<MetricComparison, "adjustedP" | "direction">[] = [];
  const materialSign = new Map<string, number>();
  let seed = settings.seed;

  const continuous = (metric: string, a: number[], b: number[], withQuantiles: boolean) => {
    const x = finite(a);
    const y = finite(b);
    if (x.length < settings.minSamples || y.length < settings.minSamples) return;
    const test = mannWhitneyU(x, y);
    const base = mean(x);
    const relative = base !== 0 ? mean(y) / base - 1 : 0;
    const ciAbs = bootstrapDifferenceCi(x, y, mean, { seed: seed++ });
    const entry: Omit<MetricComparison, "adjustedP" | "direction"> = {
      metric,
      test: "mann_whitney",
      before: { n: x.length, mean: base, p50: quantileOf(Float64Array.from(x), 0.5), p95: quantileOf(Float64Array.from(x), 0.95) },
      after: { n: y.length, mean: mean(y), p50: quantileOf(Float64Array.from(y), 0.5), p95: quantileOf(Float64Array.from(y), 0.95) },
      effectKind: "relative",
      effect: relative,
      ci95: base !== 0 ? [ciAbs[0] / base, ciAbs[1] / base] : [0, 0],
      pValue: test.pValue,
    };
    if (withQuantiles) {
      const q = (p: number) => (s: Float64Array) => quantileOf(s, p);
      entry.quantiles = {
        p50: { difference: entry.after.p50! - entry.before.p50!, ci95: bootstrapDifferenceCi(x, y, q(0.5), { seed: seed++, resamples: 500 }) },
        p95: { difference: entry.after.p95! - entry.before.p95!, ci95: bootstrapDifferenceCi(x, y, q(0.95), { seed: seed++, resamples: 500 }) },
      };
    }
    raw.push(entry);
    materialSign.set(metric, Math.abs(relative) >= settings.relativeDelta ? Math.sign(relative) : 0);
  };
  continuous("latency_ms", before.latencyMs, after.latencyMs, true);
  continuous("output_tokens", before.outputTokens, after.outputTokens, false);
  continuous("cost_usd", before.costUsd, after.costUsd, false);

  for (const [metric, a, b] of [
    ["refusal_rate", before.refused, after.refused],
    ["error_rate", before.error, after.error],
  ] as const) {
    const x = a.filter(Boolean).length;
    const y = b.filter(Boolean).length;
    const test = fisherExact([
      [x, a.length - x],
      [y, b.length - y],
    ]);
    const diff = y / b.length - x / a.length;
    raw.push({
      metric,
      test: "fisher",
      before: { n: a.length, rate: x / a.length },
      after: { n: b.length, rate: y / b.length },
      effectKind: "difference",
      effect: diff,
      ci95: proportionDifferenceCi(x, a.length, y, b.length),
      pValue: test.pValue,
    });
    materialSign.set(metric, Math.abs(diff) >= settings.rateDelta ? Math.sign(diff) : 0);
  }

  for (const name of Object.keys(before.scores).sort()) {
    const x = finite(before.scores[name] ?? []);
    const y = finite(after.scores[name] ?? []);
    if (x.length < settings.minSamples || y.length < settings.minSamples) continue;
    const spread = sd(x) || sd([...x, ...y]) || 1;
    const smd = (mean(y) - mean(x)) / spread;
    const ci = bootstrapDifferenceCi(x, y, mean, { seed: seed++ });
    const metric = `score:${name}`;
    raw.push({
      metric,
      test: "mann_whitney",
      before: { n: x.length, mean: mean(x) },
      after: { n: y.length, mean: mean(y) },
      effectKind: "smd",
      effect: smd,
      ci95: [ci[0] / spread, ci[1] / spread],
      pValue: mannWhitneyU(x, y).pValue,
    });
    // Lower scores are worse: flip the sign so that +1 means worse for every metric.
    materialSign.set(metric, Math.abs(smd) >= settings.scoreEffect ? -Math.sign(smd) : 0);
  }

  if (answerShift && answerShift.pValue !== null) {
    const shift = (answerShift.crossMedian ?? 0) - (answerShift.withinMedian ?? 0);
    raw.push({
      metric: "response_shift",
      test: "answer_distance",
      before: { pairs: answerShift.withinPairs, medianDistance: answerShift.withinMedian ?? 0 },
      after: { pairs: answerShift.crossPairs, medianDistance: answerShift.crossMedian ?? 0 },
      effectKind: "difference",
      effect: shift,
      ci95: [shift, shift],
      pValue: answerShift.pValue,
    });
    materialSign.set("response_shift", answerShift.drift ? 1 : 0);
  }

  const adjusted = holmAdjust(raw.map((m) => m.pValue));
  const metrics: MetricComparison[] = raw.map((m, i) => {
    const significant = adjusted[i]! < settings.alpha;
    const sign = materialSign.get(m.metric) ?? 0;
    return { ...m, adjustedP: adjusted[i]!, direction: significant && sign > 0 ? "worse" : significant && sign < 0 ? "better" : "none" };
  });
  const worse = metrics.some((m) => m.direction === "worse");
  const better = metrics.some((m) => m.direction === "better");
  return { verdict: worse ? "regression" : better ? "improvement" : "no_significant_change", metrics, n };
}
