import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/drift";
import { compareVersions, type VersionSample } from "./compare-versions";

function sample(n: number, seed: number, latency = 800, tokens = 120): VersionSample {
  const rng = createRng(seed);
  return {
    latencyMs: Array.from({ length: n }, () => latency * Math.exp(rng.nextNormal() * 0.3)),
    outputTokens: Array.from({ length: n }, () => Math.round(tokens + rng.nextNormal() * 20)),
    costUsd: Array.from({ length: n }, () => 0.001 + rng.next() * 0.0002),
    refused: Array.from({ length: n }, () => rng.next() < 0.03),
    error: Array.from({ length: n }, () => rng.next() < 0.01),
    scores: { helpfulness: Array.from({ length: n }, () => 0.8 + rng.nextNormal() * 0.1) },
  };
}
const settings = { alpha: 0.01, minSamples: 50, relativeDelta: 0.1, rateDelta: 0.02, scoreEffect: 0.2, seed: 1 };

describe("version comparison", () => {
  it("calls a slower, longer-answering version a regression, with CIs", () => {
    const out = compareVersions(sample(300, 1), sample(300, 2, 1200, 180), settings);
    expect(out.verdict).toBe("regression");
    const latency = out.metrics.find((m) => m.metric === "latency_ms")!;
    expect(latency.direction).toBe("worse");
    expect(latency.ci95[0]).toBeGreaterThan(0.3);
    expect(latency.quantiles!.p95.ci95[0]).toBeGreaterThan(0);
    expect(out.metrics.find((m) => m.metric === "output_tokens")!.direction).toBe("worse");
  });
  it("calls a faster one an improvement and the same one no change", () => {
    expect(compareVersions(sample(300, 1), sample(300, 3, 500), settings).verdict).toBe("improvement");
    expect(compareVersions(sample(300, 1), sample(300, 4), settings).verdict).toBe("no_significant_change");
  });
  it("waits for enough traces", () => {
    expect(compareVersions(sample(300, 1), sample(20, 4), settings).verdict).toBe("pending");
  });
});
