import { describe, expect, it } from "vitest";
import { groupVersionChanges, metricLabel, prepareRegressionMetrics, STATUS_LABELS, statusTone, summarizeChange, worseMetrics } from "./regression";

const change = (id: string, model: string, day: number, status = "no_significant_change") => ({
  id,
  provider: "openai",
  model,
  fromVersion: "a",
  toVersion: "b",
  firstSeenNewAt: new Date(Date.UTC(2026, 10, day)).toISOString(),
  status,
  sampleSizes: { before: 100, after: 100 },
});

const comparison = {
  metrics: [
    { metric: "error_rate", test: "fisher", before: { n: 500, rate: 0.01 }, after: { n: 400, rate: 0.012 }, effectKind: "difference", effect: 0.002, ci95: [-0.01, 0.014], pValue: 0.7, adjustedP: 1, direction: "none" },
    {
      metric: "latency_ms",
      test: "mann_whitney",
      before: { n: 500, mean: 800, p50: 700, p95: 1500 },
      after: { n: 400, mean: 1300, p50: 1150, p95: 2400 },
      effectKind: "relative",
      effect: 0.625,
      ci95: [0.55, 0.7],
      quantiles: { p50: { difference: 450, ci95: [400, 500] }, p95: { difference: 900, ci95: [700, 1100] } },
      pValue: 1e-30,
      adjustedP: 1e-29,
      direction: "worse",
    },
    { metric: "output_tokens", test: "mann_whitney", before: { n: 500, mean: 100 }, after: { n: 400, mean: 150 }, effectKind: "relative", effect: 0.5, ci95: [0.4, 0.6], pValue: 1e-20, adjustedP: 1e-19, direction: "worse" },
    { metric: "score:judge", test: "mann_whitney", before: { n: 500, mean: 0.8 }, after: { n: 400, mean: 0.82 }, effectKind: "smd", effect: 0.1, ci95: [-0.05, 0.25], pValue: 0.2, adjustedP: 0.8, direction: "none" },
  ],
};

describe("groupVersionChanges", () => {
  it("groups per (provider, model), oldest first, models with a regression first", () => {
    const groups = groupVersionChanges([change("1", "a-model", 5), change("2", "gpt-4o", 9, "regression"), change("3", "a-model", 2)]);
    expect(groups.map((g) => g.key)).toEqual(["openai/gpt-4o", "openai/a-model"]);
    expect(groups[1]!.changes.map((c) => c.id)).toEqual(["3", "1"]);
  });
});

describe("prepareRegressionMetrics", () => {
  it("puts worse metrics first with effects, CIs and latency quantiles", () => {
    const rows = prepareRegressionMetrics(comparison);
    expect(rows.map((r) => r.metric)).toEqual(["latency_ms", "output_tokens", "score:judge", "error_rate"]);
    expect(rows[0]).toMatchObject({ label: "Latency", effect: "+62.5%", ci: "+55.0% to +70.0%", test: "Mann–Whitney U", direction: "worse" });
    expect(rows[0]!.extra[0]).toBe("p50 +450 ms (95% CI +400 to +500 ms)");
    expect(rows[3]).toMatchObject({ effect: "+0.20 pp", test: "Fisher's exact", before: "1.00% (n 500)" });
    expect(rows[2]!.effect).toBe("+0.10 SD");
    expect(prepareRegressionMetrics(null)).toEqual([]);
  });

  it("summarises and lists the regressed metrics", () => {
    expect(worseMetrics(comparison)).toEqual(["latency_ms", "output_tokens"]);
    expect(summarizeChange(comparison)).toBe("latency +62.5%, output length (tokens) +50.0%");
    expect(summarizeChange({ metrics: [] })).toBe("");
  });

  it("labels and tones", () => {
    expect(metricLabel("score:user_feedback")).toBe("Score user_feedback");
    expect(statusTone("regression")).toBe("error");
    expect(statusTone("improvement")).toBe("ok");
    expect(statusTone("pending")).toBe("warn");
    expect(STATUS_LABELS.pending).toBe("new version seen");
  });
});
