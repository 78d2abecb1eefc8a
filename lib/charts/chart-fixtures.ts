/** Results and artefacts shaped as the monitor read models return them, shared by the chart tests. */
import type { SeriesResult } from "./monitor-labels";

export const result = (day: number, extra: Partial<SeriesResult> = {}): SeriesResult => ({
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

export const topicArtefacts = {
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
