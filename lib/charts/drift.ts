/**
 * Chart preparation for the Drift pages: pure functions from the monitor read
 * models (`MonitorResultView`, artefacts as stored) to what the charts draw.
 * No React, no I/O; unit-tested in drift.test.ts.
 */
import type { MonitorKind, MonitorVerdict } from "@/db/schema";

export const MONITOR_KIND_LABELS: Record<MonitorKind, string> = {
  embedding_drift: "Embedding drift",
  topic_drift: "Topic drift",
  concept_drift: "Concept drift",
  version_regression: "Version regression",
  metric: "Metric",
};

/** The part of a stored result the series needs (artefacts not required). */
export type SeriesResult = {
  id: string;
  windowStart: string;
  windowEnd: string;
  verdict: MonitorVerdict;
  pValue: number | null;
  score: number | null;
  threshold: number | null;
  statistics: Record<string, unknown>;
  sampleSizes: { reference: number; current: number };
};

export type SeriesPoint = {
  id: string;
  /** Window end, ms since epoch (the x axis is time). */
  t: number;
  label: string;
  value: number | null;
  secondary: number | null;
  pValue: number | null;
  verdict: MonitorVerdict;
  /** Set only on drift windows, so verdict markers draw on those alone. */
  drift: number | null;
};

export type DriftSeries = {
  points: SeriesPoint[];
  /** What `value` is, e.g. "PSI of the topic mix". */
  valueLabel: string;
  secondaryLabel: string | null;
  /** The threshold line (on `value`), or null when the verdict has no fixed threshold on it. */
  threshold: number | null;
};

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** "2026-11-12 00:00" — all times on the dashboard are UTC. */
export function formatWindowLabel(iso: string): string {
  return iso.slice(0, 16).replace("T", " ");
}

/** "11-12 → 11-13" style short label of a window, by its end day when it is a whole day. */
export function formatWindowRange(start: string, end: string): string {
  return `${formatWindowLabel(start)} → ${formatWindowLabel(end)} UTC`;
}

/** Which statistic a kind's series shows, and a second one worth drawing beside it. */
export function seriesLabels(kind: MonitorKind, statistics: Record<string, unknown> | undefined): { value: string; secondary: string | null } {
  switch (kind) {
    case "embedding_drift":
      return { value: "Kernel two-sample AUC", secondary: "MMD²" };
    case "topic_drift":
      return { value: "PSI of the topic mix", secondary: "Emerging share (beyond the reference's p95 distance)" };
    case "concept_drift":
      return { value: "Significant changes (pooled and per topic)", secondary: "Smallest adjusted p" };
    case "version_regression":
      return { value: "Regressing version changes", secondary: null };
    case "metric": {
      const detector = typeof statistics?.detector === "string" ? statistics.detector : null;
      return { value: detector === "threshold" ? "Aggregate of the window" : "Detector statistic", secondary: null };
    }
  }
}

/** The secondary statistic of one result (see seriesLabels), or null. */
export function secondaryValue(kind: MonitorKind, r: SeriesResult): number | null {
  const s = r.statistics;
  if (kind === "embedding_drift") {
    const parts = ["prompt", "response"].map((k) => num(obj(obj(s[k]).mmd).mmd2)).filter((v): v is number => v !== null);
    return parts.length ? Math.max(...parts) : null;
  }
  if (kind === "topic_drift") return num(obj(s.emerging).share);
  if (kind === "concept_drift") return r.pValue;
  return null;
}

/**
 * A monitor's series: one point per window (in time order), the main
 * statistic (`score` of the result), a secondary one, the threshold line and
 * verdict markers. Windows without a value (insufficient data) stay as gaps.
 */
export function prepareDriftSeries(kind: MonitorKind, results: readonly SeriesResult[]): DriftSeries {
  const sorted = [...results].sort((a, b) => Date.parse(a.windowEnd) - Date.parse(b.windowEnd));
  const points = sorted.map((r) => {
    const value = r.verdict === "insufficient_data" ? null : num(r.score);
    return {
      id: r.id,
      t: Date.parse(r.windowEnd),
      label: formatWindowLabel(r.windowEnd),
      value,
      secondary: r.verdict === "insufficient_data" ? null : secondaryValue(kind, r),
      pValue: r.pValue,
      verdict: r.verdict,
      drift: r.verdict === "drift" ? (value ?? 0) : null,
    };
  });
  const labels = seriesLabels(kind, sorted.at(-1)?.statistics);
  // The threshold line is drawn on the main statistic only where it is the verdict's effect floor.
  const thresholdOnValue = kind === "embedding_drift" || kind === "topic_drift" || (kind === "metric" && sorted.at(-1)?.statistics.detector !== "threshold");
  const latestThreshold = [...sorted].reverse().find((r) => r.threshold !== null)?.threshold ?? null;
  return { points, valueLabel: labels.value, secondaryLabel: labels.secondary, threshold: thresholdOnValue ? latestThreshold : null };
}

/** The window the monitor page opens on: the latest drift window, else the latest window. */
export function defaultWindowId(results: ReadonlyArray<{ id: string; windowEnd: string; verdict: MonitorVerdict }>): string | null {
  const sorted = [...results].sort((a, b) => Date.parse(b.windowEnd) - Date.parse(a.windowEnd));
  return (sorted.find((r) => r.verdict === "drift") ?? sorted[0])?.id ?? null;
}

/** Version changes as vertical annotations, kept to those inside the series' time span. */
export function versionChangeMarkers(
  changes: ReadonlyArray<{ id: string; firstSeenNewAt: string; fromVersion: string; toVersion: string; model: string | null; status: string }>,
  points: ReadonlyArray<{ t: number }>,
  windowSeconds: number,
): Array<{ id: string; t: number; label: string; status: string }> {
  if (points.length === 0) return [];
  const first = points[0]!.t - windowSeconds * 1000;
  const last = points.at(-1)!.t;
  return changes
    .map((c) => ({ id: c.id, t: Date.parse(c.firstSeenNewAt), label: `${c.model ?? "model"} → ${c.toVersion}`, status: c.status }))
    .filter((m) => m.t >= first && m.t <= last)
    .sort((a, b) => a.t - b.t);
}

export type ProjectionPoint = { traceId: string; x: number; y: number };

/** The stored 2-D projection of one text kind, split by window (empty when the result has none). */
export function prepareProjection(
  artefacts: Record<string, unknown> | undefined,
  text: "prompt" | "response",
): { reference: ProjectionPoint[]; current: ProjectionPoint[]; explainedVariance: number[] } {
  const a = obj(obj(artefacts)[`${text}Projection`]);
  const points = Array.isArray(a.points) ? (a.points as unknown[]) : [];
  const out = { reference: [] as ProjectionPoint[], current: [] as ProjectionPoint[], explainedVariance: Array.isArray(a.explainedVariance) ? (a.explainedVariance as unknown[]).map((v) => num(v) ?? 0) : [] };
  for (const raw of points) {
    const p = obj(raw);
    const x = num(p.x);
    const y = num(p.y);
    if (x === null || y === null || typeof p.traceId !== "string") continue;
    (p.window === "current" ? out.current : out.reference).push({ traceId: p.traceId, x, y });
  }
  return out;
}

/** Which projections a result holds ("prompt", "response"). */
export function projectionKinds(artefacts: Record<string, unknown> | undefined): Array<"prompt" | "response"> {
  return (["prompt", "response"] as const).filter((k) => Array.isArray(obj(obj(artefacts)[`${k}Projection`]).points));
}

export type TopicExample = { traceId: string; text: string };
export type TopicBar = { topic: number; label: string; terms: string[]; examples: TopicExample[]; reference: number; current: number; delta: number };

function examplesOf(v: unknown): TopicExample[] {
  return (Array.isArray(v) ? v : [])
    .map((e) => obj(e))
    .filter((e) => typeof e.traceId === "string" && typeof e.text === "string")
    .map((e) => ({ traceId: e.traceId as string, text: e.text as string }));
}

function termsOf(v: unknown): string[] {
  return (Array.isArray(v) ? v : []).filter((t): t is string => typeof t === "string");
}

/** A short label of a topic: its three most distinctive terms, else its first example. */
export function topicLabel(terms: readonly string[], examples: readonly TopicExample[], topic: number): string {
  if (terms.length) return terms.slice(0, 3).join(" · ");
  const text = examples[0]?.text;
  if (text) return text.length > 40 ? `${text.slice(0, 39)}…` : text;
  return `topic ${topic + 1}`;
}

/** Topic-mix bars: reference (held-out) vs current share per topic, largest change first. */
export function prepareTopicMix(artefacts: Record<string, unknown> | undefined): TopicBar[] {
  const topics = Array.isArray(obj(artefacts).topics) ? (obj(artefacts).topics as unknown[]) : [];
  return topics
    .map((raw) => {
      const t = obj(raw);
      const topic = num(t.topic) ?? 0;
      const terms = termsOf(t.terms);
      const examples = examplesOf(t.examples);
      const reference = num(t.referenceShare) ?? num(t.share) ?? 0;
      const current = num(t.currentShare) ?? 0;
      return { topic, label: topicLabel(terms, examples, topic), terms, examples, reference, current, delta: current - reference };
    })
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.topic - b.topic);
}

export type EmergingTopic = { label: string; terms: string[]; examples: TopicExample[]; size: number; share: number; meanDistance: number | null };

/** Emerging topics (current prompts far from every reference topic), largest first. */
export function prepareEmergingTopics(artefacts: Record<string, unknown> | undefined): EmergingTopic[] {
  const raw = Array.isArray(obj(artefacts).emergingTopics) ? (obj(artefacts).emergingTopics as unknown[]) : [];
  return raw
    .map((r, i) => {
      const e = obj(r);
      const terms = termsOf(e.terms);
      const examples = examplesOf(e.examples);
      return { label: topicLabel(terms, examples, i), terms, examples, size: num(e.size) ?? 0, share: num(e.share) ?? 0, meanDistance: num(e.meanDistance) };
    })
    .sort((a, b) => b.size - a.size);
}

export type QualityRow = {
  topic: number;
  topicLabel: string;
  metric: string;
  test: string;
  reference: number;
  current: number;
  referenceN: number;
  currentN: number;
  effect: number;
  pValue: number;
  adjustedP: number;
  significant: boolean;
};

/** Concept drift: per-topic quality comparisons, significant ones first, then by adjusted p. */
export function prepareConceptQuality(artefacts: Record<string, unknown> | undefined, statistics: Record<string, unknown> | undefined): QualityRow[] {
  const labels = new Map<number, string>();
  for (const raw of Array.isArray(obj(artefacts).topics) ? (obj(artefacts).topics as unknown[]) : []) {
    const t = obj(raw);
    const topic = num(t.topic) ?? 0;
    labels.set(topic, topicLabel(termsOf(t.terms), examplesOf(t.examples), topic));
  }
  const comparisons = Array.isArray(obj(statistics).comparisons) ? (obj(statistics).comparisons as unknown[]) : [];
  return comparisons
    .map((raw) => {
      const c = obj(raw);
      const topic = num(c.topic) ?? 0;
      return {
        topic,
        topicLabel: labels.get(topic) ?? `topic ${topic + 1}`,
        metric: String(c.metric ?? ""),
        test: String(c.test ?? ""),
        reference: num(obj(c.reference).value) ?? 0,
        current: num(obj(c.current).value) ?? 0,
        referenceN: num(obj(c.reference).n) ?? 0,
        currentN: num(obj(c.current).n) ?? 0,
        effect: num(c.effect) ?? 0,
        pValue: num(c.pValue) ?? 1,
        adjustedP: num(c.adjustedP) ?? 1,
        significant: c.significant === true,
      };
    })
    .sort((a, b) => Number(b.significant) - Number(a.significant) || a.adjustedP - b.adjustedP);
}

export type EvidenceRow = { label: string; value: string; emphasis?: boolean };

export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "—";
  if (p < 1e-4) return p.toExponential(1);
  return p.toFixed(4);
}

const fmt = (v: unknown, digits = 3): string => {
  const n = num(v);
  return n === null ? "—" : Math.abs(n) >= 1000 ? n.toFixed(0) : n.toFixed(digits);
};
const signed = (v: number, digits: number): string => `${v > 0 ? "+" : v < 0 ? "−" : ""}${Math.abs(v).toFixed(digits)}`;
const pct = (v: unknown): string => {
  const n = num(v);
  return n === null ? "—" : `${(n * 100).toFixed(1)}%`;
};

/**
 * The evidence behind one window's verdict, as label/value rows: the
 * statistics the verdict rests on, their p-values and thresholds, and the
 * sample sizes — what an engineer checks before acting on an alert.
 */
export function describeEvidence(kind: MonitorKind, r: SeriesResult, thresholds: Record<string, unknown>): EvidenceRow[] {
  const s = r.statistics;
  const rows: EvidenceRow[] = [
    { label: "Verdict", value: r.verdict.replace("_", " "), emphasis: r.verdict === "drift" },
    { label: "Window", value: formatWindowRange(r.windowStart, r.windowEnd) },
    { label: "Sample sizes", value: `reference ${r.sampleSizes.reference}, current ${r.sampleSizes.current}` },
  ];
  if (r.verdict === "insufficient_data") {
    rows.push({ label: "Reason", value: String(s.reason ?? "too little data") });
    return rows;
  }
  const alpha = `α = ${fmt(thresholds.alpha, 3)}`;
  if (kind === "embedding_drift") {
    for (const text of ["prompt", "response"] as const) {
      const part = obj(s[text]);
      if (!Object.keys(part).length) continue;
      rows.push(
        { label: `${text}: MMD²`, value: `${fmt(obj(part.mmd).mmd2, 5)} (permutation p ${formatP(num(obj(part.mmd).pValue))}, ${alpha}${s.text === "both" ? "/2" : ""})`, emphasis: (num(obj(part.mmd).pValue) ?? 1) < (num(s.alphaPerText) ?? 0.01) },
        ...(part.kernel
          ? [
              { label: `${text}: multi-scale MMD`, value: `permutation p ${formatP(num(obj(part.mmdMultiscale).pValue))} (${alpha}${s.text === "both" ? "/2" : ""})`, emphasis: (num(obj(part.mmdMultiscale).pValue) ?? 1) < (num(s.alphaPerText) ?? 0.01) },
              { label: `${text}: kernel AUC`, value: `${fmt(obj(part.kernel).auc)} (threshold ${fmt(thresholds.auc, 2)})`, emphasis: (num(obj(part.kernel).auc) ?? 0) >= (num(thresholds.auc) ?? 1) },
              { label: `${text}: linear classifier AUC`, value: fmt(obj(part.classifier).auc) },
            ]
          : // Results stored before the kernel AUC existed were judged on the linear classifier.
            [{ label: `${text}: classifier AUC`, value: `${fmt(obj(part.classifier).auc)} (threshold ${fmt(thresholds.auc, 2)})`, emphasis: (num(obj(part.classifier).auc) ?? 0) >= (num(thresholds.auc) ?? 1) }]),
        { label: `${text}: centroid distance`, value: fmt(obj(part.centroid).cosine ?? obj(part.centroid).euclidean, 4) },
        { label: `${text}: components drifted`, value: pct(obj(part.components).driftedShare) },
      );
    }
  } else if (kind === "topic_drift") {
    const mix = obj(s.mix);
    const emerging = obj(s.emerging);
    rows.push(
      { label: "Topics", value: fmt(s.topics, 0) },
      { label: "Mix: χ²", value: `${fmt(obj(mix.chiSquare).statistic, 2)} (p ${formatP(num(obj(mix.chiSquare).pValue))}, ${alpha})`, emphasis: mix.drift === true },
      { label: "Mix: PSI", value: `${fmt(mix.psi)} (threshold ${fmt(thresholds.psi, 2)})`, emphasis: (num(mix.psi) ?? 0) >= (num(thresholds.psi) ?? Infinity) },
      { label: "Mix: Jensen–Shannon", value: fmt(mix.jensenShannon) },
      { label: "Emerging share", value: `${pct(emerging.share)} vs held-out reference ${pct(emerging.heldOutShare)} (threshold ${pct(thresholds.emergingShare)})`, emphasis: emerging.drift === true },
      { label: "Emerging: Fisher p", value: `${formatP(num(emerging.fisherP))} (${alpha})` },
      { label: "Reference split", value: `fitted on ${fmt(obj(s.split).fitted, 0)}, held out ${fmt(obj(s.split).heldOut, 0)}` },
    );
  } else if (kind === "concept_drift") {
    const answers = obj(s.answerDrift);
    for (const x of (Array.isArray(s.pooled) ? (s.pooled as unknown[]) : []).map(obj)) {
      const metric = String(x.metric);
      const rate = x.test === "cmh";
      const detectable = obj(x.detectable);
      const change = rate
        ? `${signed(100 * (num(x.difference) ?? 0), 1)} points`
        : `${signed(num(x.difference) ?? 0, 3)} (${signed(num(x.effect) ?? 0, 2)} SD)`;
      const power = rate
        ? `+${fmt(100 * (num(detectable.change) ?? Number.NaN), 1)} points`
        : `${fmt(detectable.change, 3)} (${fmt(detectable.changeSd, 2)} SD)`;
      rows.push(
        {
          label: `${metric}: within topics`,
          value: `${change} over ${fmt(x.strata, 0)} topics (${rate ? "Cochran–Mantel–Haenszel" : "stratified t"} p ${formatP(num(x.pValue))}, Holm-adjusted ${formatP(num(x.adjustedP))}, ${alpha})`,
          emphasis: x.significant === true,
        },
        { label: `${metric}: detectable`, value: `a change of ${power} is found with ${pct(detectable.power)} probability at these sizes` },
      );
    }
    if (num(s.outsideTopics)) rows.push({ label: "Outside the reference topics", value: `${fmt(s.outsideTopics, 0)} current traces (left out of within-topic comparisons)` });
    rows.push(
      { label: "Significant per-topic comparisons", value: `${fmt(s.significant, 0)} of ${Array.isArray(s.comparisons) ? s.comparisons.length : 0} (${String(s.correction ?? "bh").toUpperCase()}-adjusted, ${alpha})`, emphasis: (num(s.significant) ?? 0) > 0 },
      { label: "Smallest adjusted p", value: formatP(r.pValue) },
    );
    if (Object.keys(answers).length) {
      rows.push({
        label: "Answer drift",
        value: `${fmt(answers.crossPairs, 0)} matched pairs, median response distance ${fmt(answers.crossMedian, 3)} vs ${fmt(answers.withinMedian, 3)} within the reference (p ${formatP(num(answers.pValue))})`,
        emphasis: answers.drift === true,
      });
    }
    for (const w of Array.isArray(s.reweighting) ? (s.reweighting as unknown[]) : []) {
      const x = obj(w);
      rows.push({ label: `${String(x.metric)}: mix vs within-topic`, value: `mix ${fmt(x.mixEffect, 3)}, within topics ${fmt(x.withinTopicEffect, 3)}` });
    }
  } else if (kind === "version_regression") {
    rows.push({ label: "Version changes evaluated", value: `${fmt(s.changes, 0)}, regressions ${fmt(s.regressions, 0)}`, emphasis: (num(s.regressions) ?? 0) > 0 });
    rows.push({ label: "Smallest adjusted p (worse metrics)", value: formatP(r.pValue) });
  } else {
    rows.push({ label: "Metric", value: `${String(s.metric ?? "")}${s.score ? ` (${String(s.score)})` : ""}` });
    for (const [k, v] of Object.entries(s)) {
      if (k === "metric" || k === "score" || typeof v === "object") continue;
      rows.push({ label: k, value: typeof v === "number" ? fmt(v, 3) : String(v) });
    }
    rows.push({ label: "Statistic / threshold", value: `${fmt(r.score)} / ${fmt(r.threshold)}`, emphasis: r.verdict === "drift" });
  }
  if (r.pValue !== null && kind !== "concept_drift" && kind !== "version_regression") rows.push({ label: "p-value of the verdict", value: formatP(r.pValue) });
  return rows;
}

/** react-query keys of the Drift and Regressions pages (shared by server prefetch and client widgets). */
export const driftQueryKeys = {
  monitors: (project: string) => ["monitors", project] as const,
  alerts: (project: string, state: string) => ["alerts", project, state] as const,
  openAlerts: (project: string) => ["open-alerts", project] as const,
  series: (project: string, monitorId: string) => ["monitor-series", project, monitorId] as const,
  result: (project: string, monitorId: string, resultId: string) => ["monitor-result", project, monitorId, resultId] as const,
  versionChanges: (project: string) => ["version-changes", project] as const,
  versionChange: (project: string, id: string) => ["version-change", project, id] as const,
  examples: (project: string, id: string) => ["version-change-examples", project, id] as const,
};
