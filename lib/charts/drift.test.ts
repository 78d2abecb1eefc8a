import { describe, expect, it } from "vitest";
import {
  defaultWindowId,
  describeEvidence,
  prepareConceptQuality,
  prepareDriftSeries,
  prepareEmergingTopics,
  prepareProjection,
  prepareTopicMix,
  projectionKinds,
  topicLabel,
  versionChangeMarkers,
  type SeriesResult,
} from "./drift";

const result = (day: number, extra: Partial<SeriesResult> = {}): SeriesResult => ({
  id: `r${day}`,
  windowStart: new Date(Date.UTC(2026, 10, day - 1)).toISOString(),
  windowEnd: new Date(Date.UTC(2026, 10, day)).toISOString(),
  verdict: "ok",
  pValue: 0.5,
  score: 0.02,
  threshold: 0.1,
  statistics: { emerging: { share: 0.05 }, mix: { psi: 0.02 } },
  sampleSizes: { reference: 400, current: 200 },
  ...extra,
});

describe("prepareDriftSeries", () => {
  it("sorts windows by end, keeps insufficient windows as gaps and marks drift windows only", () => {
    const s = prepareDriftSeries("topic_drift", [
      result(3, { verdict: "drift", score: 0.3 }),
      result(1),
      result(2, { verdict: "insufficient_data", score: null }),
    ]);
    expect(s.points.map((p) => p.id)).toEqual(["r1", "r2", "r3"]);
    expect(s.points[1]).toMatchObject({ value: null, secondary: null, drift: null });
    expect(s.points[2]).toMatchObject({ value: 0.3, drift: 0.3 });
    expect(s.points[0]).toMatchObject({ value: 0.02, secondary: 0.05, drift: null });
    expect(s.threshold).toBe(0.1);
    expect(s.valueLabel).toMatch(/PSI/);
  });

  it("draws no threshold line where the threshold is not on the plotted statistic", () => {
    expect(prepareDriftSeries("concept_drift", [result(1, { threshold: 0.01 })]).threshold).toBeNull();
    expect(prepareDriftSeries("version_regression", [result(1)]).threshold).toBeNull();
  });

  it("takes MMD² of the larger text as the embedding secondary", () => {
    const s = prepareDriftSeries("embedding_drift", [result(1, { statistics: { prompt: { mmd: { mmd2: 0.01 } }, response: { mmd: { mmd2: 0.04 } } } })]);
    expect(s.points[0]!.secondary).toBe(0.04);
  });
});

describe("defaultWindowId", () => {
  it("opens the latest drift window, else the latest window", () => {
    expect(defaultWindowId([result(1), result(2, { verdict: "drift" }), result(3)])).toBe("r2");
    expect(defaultWindowId([result(1), result(3)])).toBe("r3");
    expect(defaultWindowId([])).toBeNull();
  });
});

describe("versionChangeMarkers", () => {
  it("keeps changes within the series span (including the first window) in time order", () => {
    const points = [{ t: Date.UTC(2026, 10, 2) }, { t: Date.UTC(2026, 10, 5) }];
    const change = (id: string, day: number) => ({ id, firstSeenNewAt: new Date(Date.UTC(2026, 10, day, 12)).toISOString(), fromVersion: "a", toVersion: `v${id}`, model: "gpt-4o", status: "regression" });
    const markers = versionChangeMarkers([change("late", 9), change("b", 3), change("a", 1)], points, 86_400);
    expect(markers.map((m) => m.id)).toEqual(["a", "b"]);
    expect(markers[1]!.label).toBe("gpt-4o → vb");
  });
});

describe("projections and topics", () => {
  const artefacts = {
    promptProjection: {
      explainedVariance: [0.3, 0.1],
      points: [
        { window: "reference", traceId: "t1", x: 1, y: 2 },
        { window: "current", traceId: "t2", x: 3, y: 4 },
        { window: "current", traceId: "t3", x: Number.NaN, y: 4 },
      ],
    },
    topics: [
      { topic: 0, terms: ["refund", "order"], examples: [{ traceId: "a", text: "refund my order" }], referenceShare: 0.5, currentShare: 0.45 },
      { topic: 1, terms: [], examples: [{ traceId: "b", text: "how do I write a SQL join" }], share: 0.5, currentShare: 0.2 },
    ],
    emergingTopics: [
      { topic: 0, terms: ["acme", "vision"], examples: [{ traceId: "c", text: "When does Acme Vision ship?" }], size: 12, share: 0.06 },
      { topic: 1, terms: ["x"], examples: [], size: 30, share: 0.15 },
    ],
  };

  it("splits projection points by window and drops malformed ones", () => {
    const p = prepareProjection(artefacts, "prompt");
    expect(p.reference).toEqual([{ traceId: "t1", x: 1, y: 2 }]);
    expect(p.current).toEqual([{ traceId: "t2", x: 3, y: 4 }]);
    expect(projectionKinds(artefacts)).toEqual(["prompt"]);
    expect(prepareProjection({}, "response").current).toEqual([]);
  });

  it("labels topics by terms (else an example) and orders by the size of the change", () => {
    const mix = prepareTopicMix(artefacts);
    expect(mix.map((t) => t.topic)).toEqual([1, 0]);
    expect(mix[0]).toMatchObject({ label: "how do I write a SQL join", reference: 0.5, current: 0.2 });
    expect(mix[1]!.label).toBe("refund · order");
    expect(topicLabel([], [], 4)).toBe("topic 5");
  });

  it("lists emerging topics largest first with their examples", () => {
    const e = prepareEmergingTopics(artefacts);
    expect(e.map((g) => g.size)).toEqual([30, 12]);
    expect(e[1]!.examples[0]!.text).toContain("Acme Vision");
  });
});

describe("prepareConceptQuality", () => {
  it("puts significant comparisons first and names topics", () => {
    const rows = prepareConceptQuality(
      { topics: [{ topic: 2, terms: ["sql"], examples: [] }] },
      {
        comparisons: [
          { topic: 0, metric: "refusal_rate", test: "fisher", reference: { n: 50, value: 0.1 }, current: { n: 40, value: 0.1 }, effect: 0, pValue: 0.9, adjustedP: 0.9, significant: false },
          { topic: 2, metric: "score:judge", test: "mann_whitney", reference: { n: 50, value: 0.8 }, current: { n: 40, value: 0.5 }, effect: -1.2, pValue: 1e-6, adjustedP: 1e-5, significant: true },
        ],
      },
    );
    expect(rows[0]).toMatchObject({ topicLabel: "sql", metric: "score:judge", significant: true, currentN: 40 });
    expect(rows[1]!.topicLabel).toBe("topic 1");
  });
});

describe("describeEvidence", () => {
  it("states the statistics, thresholds and sample sizes behind a topic-drift verdict", () => {
    const rows = describeEvidence(
      "topic_drift",
      result(5, {
        verdict: "drift",
        statistics: { topics: 6, mix: { chiSquare: { statistic: 40, pValue: 1e-6 }, psi: 0.2, jensenShannon: 0.05, drift: true }, emerging: { share: 0.2, heldOutShare: 0.05, fisherP: 1e-8, drift: true }, split: { fitted: 200, heldOut: 200 } },
      }),
      { alpha: 0.01, psi: 0.1, emergingShare: 0.1 },
    );
    const byLabel = Object.fromEntries(rows.map((r) => [r.label, r]));
    expect(byLabel["Verdict"]!.value).toBe("drift");
    expect(byLabel["Sample sizes"]!.value).toBe("reference 400, current 200");
    expect(byLabel["Mix: PSI"]).toMatchObject({ value: "0.200 (threshold 0.10)", emphasis: true });
    expect(byLabel["Emerging share"]!.value).toContain("20.0%");
    expect(byLabel["Mix: χ²"]!.value).toContain("1.0e-6");
  });

  it("states the pooled within-topic changes and the change each detects with 80% probability", () => {
    const pooled = [
      { metric: "refusal_rate", test: "cmh", strata: 4, difference: 0.152, effect: 0.152, pValue: 2e-7, adjustedP: 6e-7, significant: true, detectable: { alpha: 0.0033, power: 0.8, change: 0.128 } },
      { metric: "score:quality", test: "stratified_mean", strata: 4, difference: -0.05, effect: -0.5, pValue: 0.001, adjustedP: 0.002, significant: true, detectable: { alpha: 0.0033, power: 0.8, change: 0.045, changeSd: 0.45 } },
    ];
    const rows = describeEvidence("concept_drift", result(3, { verdict: "drift", statistics: { pooled, outsideTopics: 3, comparisons: [], significant: 0, correction: "bh" } }), { alpha: 0.01 });
    const byLabel = Object.fromEntries(rows.map((r) => [r.label, r]));
    expect(byLabel["refusal_rate: within topics"]).toMatchObject({ emphasis: true });
    expect(byLabel["refusal_rate: within topics"]!.value).toContain("+15.2 points over 4 topics");
    expect(byLabel["refusal_rate: detectable"]!.value).toBe("a change of +12.8 points is found with 80.0% probability at these sizes");
    expect(byLabel["score:quality: within topics"]!.value).toContain("−0.050 (−0.50 SD)");
    expect(byLabel["score:quality: detectable"]!.value).toContain("0.045 (0.45 SD)");
    expect(byLabel["Outside the reference topics"]!.value).toContain("3 current traces");
  });

  it("gives the reason of an insufficient window", () => {
    const rows = describeEvidence("metric", result(2, { verdict: "insufficient_data", statistics: { reason: "fewer than 30 values" } }), {});
    expect(rows.at(-1)).toEqual({ label: "Reason", value: "fewer than 30 values" });
  });
});
