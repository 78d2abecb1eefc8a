import { describe, expect, it } from "vitest";
import { breakdownCsv, prepareKpis, prepareOverviewSeries, type KpiSource } from "./prepare-overview";

const base: KpiSource = {
  requests: 100,
  activeUsers: 10,
  costUsd: 2,
  costPerRequestUsd: 0.02,
  latencyP50Ms: 500,
  latencyP95Ms: 1500,
  errorRate: 0.02,
  refusalRate: 0.01,
  scores: { helpfulness: { average: 0.8, count: 90 } },
};

describe("prepareKpis", () => {
  it("marks each trend good or bad by the metric's direction", () => {
    const cards = prepareKpis({ ...base, requests: 150, latencyP95Ms: 3000 }, base);
    const by = Object.fromEntries(cards.map((c) => [c.id, c]));
    expect(by.requests).toMatchObject({ change: 0.5, good: true });
    expect(by["latency-p95"]).toMatchObject({ change: 1, good: false });
    expect(by["error-rate"]).toMatchObject({ change: 0, good: null });
    expect(by["score-helpfulness"]).toMatchObject({ label: "Avg score: helpfulness", value: "0.800" });
  });

  it("has no trend when the previous period is empty", () => {
    const empty: KpiSource = { ...base, requests: 0, costPerRequestUsd: null, scores: {} };
    expect(prepareKpis(base, empty).find((c) => c.id === "requests")?.change).toBeNull();
    expect(prepareKpis(base, empty).find((c) => c.id === "score-helpfulness")?.change).toBeNull();
  });
});

describe("prepareOverviewSeries", () => {
  it("fills quiet hours with zero traffic and labels in UTC", () => {
    const rows = prepareOverviewSeries(
      [{ t: "2026-11-28T01:00:00.000Z", requests: 5, errors: 1, refusals: 0, costUsd: 0.1, latencyP50Ms: 400.4, latencyP95Ms: 900 }],
      { from: "2026-11-28T00:00:00.000Z", to: "2026-11-28T03:00:00.000Z", unit: "hour" },
    );
    expect(rows.map((r) => r.label)).toEqual(["11-28 00:00", "11-28 01:00", "11-28 02:00"]);
    expect(rows[0]).toMatchObject({ ok: 0, errors: 0, p50: null });
    expect(rows[1]).toMatchObject({ ok: 4, errors: 1, p50: 400, p95: 900 });
  });
});

describe("breakdownCsv", () => {
  it("writes one row per key with quoted cells and score columns", () => {
    const csv = breakdownCsv(
      "model",
      [
        { key: "gpt,4", requests: 3, share: 0.75, previousRequests: 1, costUsd: 0.3, costPerRequestUsd: 0.1, latencyP50Ms: 10, latencyP95Ms: 20, errorRate: 0, refusalRate: 0, scores: { q: 0.5 } },
        { key: "=cmd()", requests: 1, share: 0.25, previousRequests: 0, costUsd: 0, costPerRequestUsd: 0, latencyP50Ms: null, latencyP95Ms: null, errorRate: 1, refusalRate: 0, scores: {} },
      ],
      { from: "2026-11-01T00:00:00.000Z", to: "2026-11-02T00:00:00.000Z" },
    );
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("model,requests,share,previous_period_requests,cost_usd,cost_per_request_usd,latency_p50_ms,latency_p95_ms,error_rate,refusal_rate,score_q,period_from_utc,period_to_utc");
    expect(lines[1]).toBe('"gpt,4",3,0.75,1,0.3,0.1,10,20,0,0,0.5,2026-11-01T00:00:00.000Z,2026-11-02T00:00:00.000Z');
    expect(lines[2]!.startsWith(`"'=cmd()",1,`)).toBe(true);
    expect(lines[2]).toContain(",,,1,0,,");
  });
});
