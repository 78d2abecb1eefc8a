import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/drift";
import { compareTopicQuality, type Outcome } from "./outcomes";

function window(n: number, mix: number[], seed: number, badTopic = -1) {
  const rng = createRng(seed);
  const topics = new Int32Array(n);
  const outcomes: Outcome[] = [];
  for (let i = 0; i < n; i++) {
    const t = rng.next() < mix[0]! ? 0 : rng.next() < 0.5 ? 1 : 2;
    topics[i] = t;
    const base = [0.9, 0.6, 0.75][t]!;
    const score = (t === badTopic ? base - 0.25 : base) + rng.nextNormal() * 0.1;
    outcomes.push({ refused: rng.next() < (t === 1 ? 0.1 : 0.02), error: false, scores: { quality: score } });
  }
  return { topics, outcomes };
}
const settings = { alpha: 0.01, correction: "bh" as const, minTopicSamples: 20, rateDelta: 0.05, scoreEffect: 0.2 };

describe("concept drift (per-topic quality)", () => {
  it("finds a quality drop within one topic and attributes it to within-topic change", () => {
    const out = compareTopicQuality(window(600, [0.4], 1), window(600, [0.4], 2, 2), 3, settings);
    const flagged = out.comparisons.filter((c) => c.significant);
    expect(flagged.map((c) => `${c.topic}/${c.metric}`)).toEqual(["2/score:quality"]);
    const rw = out.reweighting.find((r) => r.metric === "score:quality")!;
    expect(rw.withinTopicEffect).toBeLessThan(-0.05);
    expect(Math.abs(rw.mixEffect)).toBeLessThan(0.02);
  });
  it("does not flag a pure change of the mix, and the reweighting explains it", () => {
    const out = compareTopicQuality(window(600, [0.2], 3), window(600, [0.8], 4), 3, settings);
    expect(out.comparisons.filter((c) => c.significant)).toEqual([]);
    const rw = out.reweighting.find((r) => r.metric === "score:quality")!;
    expect(rw.mixEffect).toBeGreaterThan(0.05);
    expect(Math.abs(rw.withinTopicEffect)).toBeLessThan(0.02);
  });
});
