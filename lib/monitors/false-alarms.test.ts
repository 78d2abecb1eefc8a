import { describe, expect, it } from "vitest";
import { compareEmbeddings, compareTopicQuality, compareVersions, createRng, evaluateMetricStream, evaluateTopicDrift, type Outcome } from "@/lib/drift";
import { resolveThresholds } from "@/db/monitor-config";
import { sampleTopics, TOPIC_WORDS, topicCentres } from "@/lib/drift/__fixtures__/topic-samples";

/**
 * The false-alarm rate of every evaluator at its default thresholds: many
 * pairs of windows drawn from one distribution, counting drift verdicts.
 * docs/monitors.md quotes these figures (printed by this test).
 */
const rates: Record<string, string> = {};
function measure(name: string, trials: number, run: (seed: number) => boolean): number {
  let alarms = 0;
  for (let s = 0; s < trials; s++) if (run(1000 + s)) alarms++;
  rates[name] = `${alarms}/${trials} = ${((100 * alarms) / trials).toFixed(1)}%`;
  console.log(`false alarms, ${name}: ${rates[name]}`);
  return alarms / trials;
}

describe("false-alarm rate over no-drift windows at default thresholds", { timeout: 60_000 }, () => {
  const centres = topicCentres(5, 16, 7);

  it("embedding drift", () => {
    const t = resolveThresholds("embedding_drift", {});
    const rate = measure("embedding_drift", 100, (seed) => {
      const rng = createRng(seed);
      const ref = sampleTopics(centres, [1, 1, 1, 1, 1], 150, rng);
      const cur = sampleTopics(centres, [1, 1, 1, 1, 1], 150, rng);
      return compareEmbeddings(ref.x, cur.x, { seed, permutations: t.permutations, thresholds: { alpha: t.alpha, psi: 0.1, auc: t.auc } }).drift;
    });
    expect(rate).toBeLessThanOrEqual(0.05);
  });

  it("topic drift (mix and emerging topics)", () => {
    const t = resolveThresholds("topic_drift", {});
    const rate = measure("topic_drift", 200, (seed) => {
      const rng = createRng(seed);
      const ref = sampleTopics(centres, [3, 2, 2, 1, 1], 400, rng);
      const cur = sampleTopics(centres, [3, 2, 2, 1, 1], 300, rng);
      const texts = (n: number) => Array.from({ length: n }, (_, i) => ({ traceId: String(i), text: TOPIC_WORDS[i % 5]! }));
      return evaluateTopicDrift({ x: ref.x, texts: texts(400) }, { x: cur.x, texts: texts(300) }, { ...t, seed }).verdict === "drift";
    });
    expect(rate).toBeLessThanOrEqual(0.05);
  });

  it("concept drift (per-topic quality, corrected)", () => {
    const t = resolveThresholds("concept_drift", {});
    const side = (rng: ReturnType<typeof createRng>, n: number) => {
      const topics = new Int32Array(n);
      const outcomes: Outcome[] = [];
      for (let i = 0; i < n; i++) {
        const k = rng.nextInt(4);
        topics[i] = k;
        outcomes.push({ refused: rng.next() < 0.05, error: rng.next() < 0.02, scores: { quality: 0.7 + 0.05 * k + rng.nextNormal() * 0.1 } });
      }
      return { topics, outcomes };
    };
    const rate = measure("concept_drift", 200, (seed) => {
      const rng = createRng(seed);
      return compareTopicQuality(side(rng, 500), side(rng, 500), 4, t).comparisons.some((c) => c.significant);
    });
    expect(rate).toBeLessThanOrEqual(0.05);
  });

  it("metric monitors (Page–Hinkley with λ = 3√n, ADWIN)", () => {
    const t = resolveThresholds("metric", {});
    const stream = (rng: ReturnType<typeof createRng>, n: number) => Array.from({ length: n }, () => 800 * Math.exp(rng.nextNormal() * 0.4));
    const ph = measure("metric page_hinkley", 200, (seed) => {
      const rng = createRng(seed);
      return evaluateMetricStream(stream(rng, 500), stream(rng, 500), t).verdict === "drift";
    });
    const adwin = measure("metric adwin", 200, (seed) => {
      const rng = createRng(seed);
      return evaluateMetricStream(stream(rng, 500), stream(rng, 500), { ...t, detector: "adwin" }).verdict === "drift";
    });
    expect(ph).toBeLessThanOrEqual(0.05);
    expect(adwin).toBeLessThanOrEqual(0.05);
    // …and both see a 1-SD shift.
    const rng = createRng(5);
    const shifted = stream(rng, 500).map((v) => v * 1.5);
    expect(evaluateMetricStream(stream(rng, 500), shifted, t).verdict).toBe("drift");
  });

  it("version regressions", () => {
    const t = resolveThresholds("version_regression", {});
    const sample = (rng: ReturnType<typeof createRng>, n: number) => ({
      latencyMs: Array.from({ length: n }, () => 800 * Math.exp(rng.nextNormal() * 0.3)),
      outputTokens: Array.from({ length: n }, () => Math.round(120 + rng.nextNormal() * 30)),
      costUsd: Array.from({ length: n }, () => 0.001 * (1 + rng.next())),
      refused: Array.from({ length: n }, () => rng.next() < 0.04),
      error: Array.from({ length: n }, () => rng.next() < 0.01),
      scores: { quality: Array.from({ length: n }, () => 0.8 + rng.nextNormal() * 0.1) },
    });
    const rate = measure("version_regression", 60, (seed) => {
      const rng = createRng(seed);
      return compareVersions(sample(rng, 200), sample(rng, 200), { ...t, seed }).verdict !== "no_significant_change";
    });
    expect(rate).toBeLessThanOrEqual(0.05);
  });
});
