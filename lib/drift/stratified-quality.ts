import { normalPpf } from "./distributions";
import type { Matrix } from "./matrix";
import { quantiles } from "./quantile";
import { cochranMantelHaenszel, detectableMeanShift, detectableRateIncrease, stratifiedMeanDifference } from "./stratified";
import { mean, sd } from "./bootstrap-ci";
import { holmAdjust } from "./multiple-testing";
import { distancesToCentroids, type TopicModel } from "./topics";

/** What is known about the outcome of one trace (as `Outcome` in outcomes.ts). */
type TraceOutcome = { refused: boolean; error: boolean; scores: Record<string, number> };
type Side = { topics: Int32Array; outcomes: readonly TraceOutcome[] };

export type PooledQuality = {
  metric: string;
  test: "cmh" | "stratified_mean";
  /** Topics that entered the pooled test. */
  strata: number;
  reference: { n: number; value: number };
  current: { n: number; value: number };
  /**
   * The within-topic change. Rates: Mantel–Haenszel risk difference (current −
   * reference); scores: the stratified difference of means in pooled
   * within-topic reference SDs.
   */
  effect: number;
  /** The within-topic change in the metric's own units, and its standard error. */
  difference: number;
  se: number;
  pValue: number;
  /** Holm-adjusted across the pooled metrics of the run. */
  adjustedP: number;
  material: boolean;
  significant: boolean;
  /**
   * The within-topic change (rates: absolute increase; scores: decrease, in
   * units and SDs) that this verdict — significant at the Holm's first step
   * alpha/m and material — catches with 80% probability at these topic sizes.
   */
  detectable: { alpha: number; power: number; change: number; changeSd?: number };
};

const POWER = 0.8;

/**
 * Which current rows belong to a reference topic: those no farther from
 * their topic's centre than 99% of the reference's rows are from theirs. A
 * new kind of question lands beyond that and has no stratum to be compared
 * within (its refusal rate says nothing about a change of the model).
 */
export function withinReferenceTopics(ref: Matrix, cur: Matrix, model: TopicModel, refTopics: Int32Array, curTopics: Int32Array): Uint8Array {
  const [limit] = quantiles(distancesToCentroids(ref, model, refTopics), [0.99]) as [number];
  return Uint8Array.from(distancesToCentroids(cur, model, curTopics), (d) => (d <= limit ? 1 : 0));
}

/**
 * The concept-drift verdict's primary tests: for each metric, one pooled,
 * topic-stratified comparison of the current window with the reference —
 * Cochran–Mantel–Haenszel for refusal and error rates, a stratified
 * difference of means for each score — so a change of the topic mix does not
 * count, while every topic's traces contribute to one test. A current trace
 * outside every reference topic (`include[i] = 0`, e.g. a new kind of
 * question) is left out: it has no stratum to be compared within. p-values
 * are Holm-adjusted across the metrics; a metric counts when adjusted p <
 * alpha and its change is material (`rateDelta`, `scoreEffect`).
 */
export function comparePooledQuality(
  ref: Side,
  cur: Side & { include?: Uint8Array },
  k: number,
  settings: { alpha: number; rateDelta: number; scoreEffect: number; scores?: string[] },
): PooledQuality[] {
  const groups = (side: Side, include?: Uint8Array) => {
    const g: TraceOutcome[][] = Array.from({ length: k }, () => []);
    side.outcomes.forEach((o, i) => {
      if (!include || include[i]) g[side.topics[i]!]!.push(o);
    });
    return g;
  };
  const r = groups(ref);
  const c = groups(cur, cur.include);
  const scoreNames = settings.scores ?? [...new Set(ref.outcomes.flatMap((o) => Object.keys(o.scores)))].sort();
  const metrics = 2 + scoreNames.length;
  const alphaFirst = settings.alpha / metrics;
  const zPower = normalPpf(POWER);
  const raw: Omit<PooledQuality, "adjustedP" | "significant">[] = [];

  for (const key of ["refused", "error"] as const) {
    const strata = r.map((rs, t) => ({
      referenceEvents: rs.filter((o) => o[key]).length,
      reference: rs.length,
      currentEvents: c[t]!.filter((o) => o[key]).length,
      current: c[t]!.length,
    }));
    const used = strata.filter((s) => s.reference > 0 && s.current > 0);
    if (used.length === 0) continue;
    const test = cochranMantelHaenszel(used);
    const nr = used.reduce((s, x) => s + x.reference, 0);
    const nc = used.reduce((s, x) => s + x.current, 0);
    const mde = detectableRateIncrease(used.map((s) => ({ reference: s.reference, current: s.current, rate: s.referenceEvents / s.reference })), { alpha: alphaFirst, power: POWER });
    raw.push({
      metric: key === "refused" ? "refusal_rate" : "error_rate",
      test: "cmh",
      strata: test.strata,
      reference: { n: nr, value: used.reduce((s, x) => s + x.referenceEvents, 0) / nr },
      current: { n: nc, value: used.reduce((s, x) => s + x.currentEvents, 0) / nc },
      effect: test.riskDifference,
      difference: test.riskDifference,
      se: test.riskDifferenceSe,
      pValue: test.pValue,
      material: Math.abs(test.riskDifference) >= settings.rateDelta,
      // Material too: the estimate must clear the floor, which at 80% takes floor + z₀.₈·SE.
      detectable: { alpha: alphaFirst, power: POWER, change: Math.max(mde, settings.rateDelta + zPower * test.riskDifferenceSe) },
    });
  }

  for (const name of scoreNames) {
    const values = (xs: TraceOutcome[]) => xs.map((o) => o.scores[name]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    const strata = r.map((rs, t) => ({ reference: values(rs), current: values(c[t]!) }));
    const test = stratifiedMeanDifference(strata);
    if (test.strata === 0) continue;
    const used = strata.filter((s) => s.reference.length >= 2 && s.current.length >= 2);
    const mde = detectableMeanShift(
      used.map((s) => ({ reference: s.reference.length, current: s.current.length, sd: sd(s.reference) })),
      { alpha: alphaFirst, power: POWER },
    );
    const spread = test.referenceSd || 1;
    const change = Math.max(mde, settings.scoreEffect * spread + zPower * test.se);
    raw.push({
      metric: `score:${name}`,
      test: "stratified_mean",
      strata: test.strata,
      reference: { n: used.reduce((s, x) => s + x.reference.length, 0), value: mean(used.flatMap((s) => s.reference)) },
      current: { n: used.reduce((s, x) => s + x.current.length, 0), value: mean(used.flatMap((s) => s.current)) },
      effect: test.standardized,
      difference: test.difference,
      se: test.se,
      pValue: test.pValue,
      material: Math.abs(test.standardized) >= settings.scoreEffect,
      detectable: { alpha: alphaFirst, power: POWER, change, changeSd: change / spread },
    });
  }
  const adjusted = holmAdjust(raw.map((x) => x.pValue));
  return raw.map((x, i) => ({ ...x, adjustedP: adjusted[i]!, significant: adjusted[i]! < settings.alpha && x.material }));
}
