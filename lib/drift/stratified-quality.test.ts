import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "@/lib/drift";
import { resolveThresholds } from "@/db/monitor-config";
import { compareTopicQuality, type Outcome } from "./outcomes";
import { comparePooledQuality, withinReferenceTopics } from "./stratified-quality";
import { sampleTopics, topicCentres } from "./__fixtures__/topic-samples";
import { assignTopics, fitTopics } from "./topics";

/**
 * The concept-drift verdict with the pooled, topic-stratified tests as its
 * primary test (and the per-topic comparisons beside them), on the issue's
 * case: a model whose new version refuses four times as often and scores
 * lower inside the same topics, a day of under a hundred traces over four
 * topics against a week of reference. docs/statistics.md quotes the numbers
 * printed here.
 */
const t = resolveThresholds("concept_drift", {});
const BASE_REFUSAL = [0.05, 0.04, 0.06, 0.05, 0.5];
const BASE_QUALITY = [0.8, 0.75, 0.7, 0.85, 0.4];

type Change = { refusalFactor: number; qualityShift: number };
const NONE: Change = { refusalFactor: 1, qualityShift: 0 };

function outcomesOf(topics: Int32Array, rng: Rng, change: Change): Outcome[] {
  return Array.from(topics, (k) => ({
    refused: rng.next() < Math.min(1, BASE_REFUSAL[k]! * change.refusalFactor),
    error: rng.next() < 0.02,
    scores: { quality: BASE_QUALITY[k]! + change.qualityShift + 0.1 * rng.nextNormal() },
  }));
}

const centres = topicCentres(5, 16, 7);

/** One run of the verdict: reference of `nRef` over topics 0–3, current of `nCur` with `mix` (a 5th entry = a new topic). */
function run(seed: number, nRef: number, nCur: number, change: Change, mix = [3, 2, 2, 1, 0]) {
  const rng = createRng(seed);
  const ref = sampleTopics(centres, [3, 2, 2, 1, 0], nRef, rng);
  const cur = sampleTopics(centres, mix, nCur, rng);
  const model = fitTopics(ref.x, { k: 4, seed });
  const refTopics = assignTopics(ref.x, model);
  const curTopics = assignTopics(cur.x, model);
  const refOutcomes = outcomesOf(ref.topics, rng, NONE);
  const curOutcomes = outcomesOf(cur.topics, rng, change);
  const include = withinReferenceTopics(ref.x, cur.x, model, refTopics, curTopics);
  const pooled = comparePooledQuality({ topics: refTopics, outcomes: refOutcomes }, { topics: curTopics, outcomes: curOutcomes, include }, model.k, t);
  const kept = Array.from(include.keys()).filter((i) => include[i]);
  const perTopic = compareTopicQuality(
    { topics: refTopics, outcomes: refOutcomes },
    { topics: Int32Array.from(kept, (i) => curTopics[i]!), outcomes: kept.map((i) => curOutcomes[i]!) },
    model.k,
    t,
  );
  return {
    pooled,
    pooledDrift: pooled.some((c) => c.significant),
    perTopicDrift: perTopic.comparisons.some((c) => c.significant),
    excluded: include.length - include.reduce((a, v) => a + v, 0),
  };
}

function rate(trials: number, f: (seed: number) => boolean): number {
  let n = 0;
  for (let s = 0; s < trials; s++) if (f(100 + s)) n++;
  return n;
}

describe("concept drift: pooled, topic-stratified verdict", { timeout: 60_000 }, () => {
  const trials = 200;

  it.each([
    ["refusals ×4, quality −0.5 SD", { refusalFactor: 4, qualityShift: -0.05 }, 0.95],
    ["refusals ×4 alone", { refusalFactor: 4, qualityShift: 0 }, 0.8],
  ] as const)("finds %s in a day of ~85 traces better than per-topic tests", (name, change, least) => {
    let pooled = 0;
    let perTopic = 0;
    for (let s = 0; s < trials; s++) {
      const r = run(100 + s, 600, 85, change);
      if (r.pooledDrift) pooled++;
      if (r.perTopicDrift) perTopic++;
    }
    console.log(`${name}, 600 vs 85: pooled ${pooled}/${trials}, per-topic (corrected) ${perTopic}/${trials}`);
    expect(pooled / trials).toBeGreaterThanOrEqual(least);
    expect(pooled - perTopic).toBeGreaterThan(0.2 * trials);
  });

  it("keeps false alarms ≤ 5% on quiet windows (600 vs 85 and 500 vs 500)", () => {
    const small = rate(trials, (s) => {
      const r = run(s, 600, 85, NONE);
      return r.pooledDrift || r.perTopicDrift;
    });
    const large = rate(trials, (s) => {
      const r = run(s + 5000, 500, 500, NONE);
      return r.pooledDrift || r.perTopicDrift;
    });
    console.log(`quiet windows: 600 vs 85 ${small}/${trials}, 500 vs 500 ${large}/${trials}`);
    expect(small / trials).toBeLessThanOrEqual(0.05);
    expect(large / trials).toBeLessThanOrEqual(0.05);
  });

  it("keeps false alarms ≤ 5% when a new topic (refusing 50%, scoring 0.4) appears and the model is unchanged", () => {
    let alarms = 0;
    let excluded = 0;
    for (let s = 0; s < trials; s++) {
      const r = run(9000 + s, 600, 200, NONE, [3, 2, 2, 1, 2]);
      if (r.pooledDrift || r.perTopicDrift) alarms++;
      excluded += r.excluded;
    }
    console.log(`new topic (≈20% of current), unchanged model: ${alarms}/${trials} alarms (pooled or per topic); ${(excluded / trials).toFixed(1)} of 200 current traces outside the reference topics on average`);
    expect(alarms / trials).toBeLessThanOrEqual(0.05);
    expect(excluded / trials).toBeGreaterThan(30);
  });

  it("states the change it detects with 80% probability, and that statement holds", () => {
    const first = run(1, 600, 85, NONE).pooled;
    const refusal = first.find((c) => c.metric === "refusal_rate")!;
    const quality = first.find((c) => c.metric === "score:quality")!;
    expect(refusal.detectable.power).toBe(0.8);
    console.log(`detectable at 600 vs 85: refusal +${(100 * refusal.detectable.change).toFixed(1)} points, quality ${quality.detectable.changeSd!.toFixed(2)} SD`);
    // Apply exactly the stated refusal increase (on the 5% average rate) in simulation.
    const factor = 1 + refusal.detectable.change / 0.05;
    const found = rate(trials, (s) => run(s + 20_000, 600, 85, { refusalFactor: factor, qualityShift: 0 }).pooled.find((c) => c.metric === "refusal_rate")!.significant);
    const shifted = rate(trials, (s) => run(s + 30_000, 600, 85, { refusalFactor: 1, qualityShift: -quality.detectable.change }).pooled.find((c) => c.metric === "score:quality")!.significant);
    console.log(`at the stated change: refusal found ${found}/${trials}, quality found ${shifted}/${trials}`);
    // 80% within about 3 binomial standard errors (2.8% each at 200 trials) and the approximation's slack.
    for (const n of [found, shifted]) {
      expect(n / trials).toBeGreaterThan(0.68);
      expect(n / trials).toBeLessThan(0.93);
    }
  });
});
