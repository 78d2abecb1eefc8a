import type { DatabaseHandle } from "@/db/client";
import type { Monitor, MonitorSegment, MonitorVerdict } from "@/db/schema";
import { compareAnswerDistances, comparePooledQuality, compareTopicQuality, evaluateMetricStream, type Matrix, type Outcome, withinReferenceTopics } from "@/lib/drift";
import { compute } from "./compute";
import { resolveThresholds, type ThresholdsOf } from "@/db/monitor-config";
import {
  chooseEmbeddingModel,
  loadEmbeddings,
  loadMetricStream,
  loadOutcomes,
  nearDuplicateResponseDistances,
  type EmbeddingModelRef,
  type EmbeddingWindow,
} from "./loaders";
import { monitorSeed } from "./sampling";
import { compareVersionChange, detectVersionChanges } from "./version-changes";
import type { MonitorWindows, TimeRange } from "./windows";

/** What one evaluation of one window produced, before it is stored. */
export type Evaluation = {
  verdict: MonitorVerdict;
  sampleSizes: { reference: number; current: number; referenceAvailable?: number; currentAvailable?: number };
  statistics: Record<string, unknown>;
  pValue: number | null;
  score: number | null;
  threshold: number | null;
  artefacts: Record<string, unknown>;
  /** Version changes behind a version-regression verdict (alert evidence). */
  versionChangeIds?: string[];
};

type MonitorLike = Pick<Monitor, "id" | "projectId" | "kind" | "segment" | "thresholds">;

function insufficient(reason: string, sizes: Evaluation["sampleSizes"], extra: Record<string, unknown> = {}): Evaluation {
  return { verdict: "insufficient_data", sampleSizes: sizes, statistics: { reason, ...extra }, pValue: null, score: null, threshold: null, artefacts: {} };
}

function head(m: Matrix, n: number): Matrix {
  const rows = Math.min(n, m.rows);
  return { rows, cols: m.cols, data: m.data.subarray(0, rows * m.cols) };
}

async function loadPair(
  handle: DatabaseHandle,
  monitor: MonitorLike,
  windows: MonitorWindows,
  kind: "prompt" | "response",
  maxRows: number,
  withText: boolean,
): Promise<{ model: EmbeddingModelRef; ref: EmbeddingWindow; cur: EmbeddingWindow } | null> {
  const segment = monitor.segment as MonitorSegment;
  const model = await chooseEmbeddingModel(handle, monitor.projectId, kind, segment, windows.reference);
  if (!model) return null;
  const seed = monitorSeed(monitor);
  const common = { projectId: monitor.projectId, model, kind, segment, maxRows, seed, withText };
  const ref = await loadEmbeddings(handle, { ...common, range: windows.reference });
  const cur = await loadEmbeddings(handle, { ...common, range: windows.current });
  return { model, ref, cur };
}

async function embeddingDrift(handle: DatabaseHandle, monitor: MonitorLike, windows: MonitorWindows): Promise<Evaluation> {
  const t = resolveThresholds("embedding_drift", monitor.thresholds);
  const kinds = t.text === "both" ? (["prompt", "response"] as const) : [t.text];
  const alpha = t.alpha / kinds.length;
  const seed = monitorSeed(monitor);
  const parts: Record<string, unknown> = {};
  const artefacts: Record<string, unknown> = {};
  let drift = false;
  let minP = 1;
  let maxAuc = 0;
  let sizes = { reference: 0, current: 0, referenceAvailable: 0, currentAvailable: 0 };
  for (const kind of kinds) {
    const pair = await loadPair(handle, monitor, windows, kind, t.maxRows, false);
    if (!pair) return insufficient(`no ${kind} embeddings in the reference window`, sizes);
    const { model, ref, cur } = pair;
    sizes = { reference: ref.x.rows, current: cur.x.rows, referenceAvailable: ref.available, currentAvailable: cur.available };
    if (ref.x.rows < t.minSamples || cur.x.rows < t.minSamples) {
      return insufficient(`fewer than ${t.minSamples} ${kind} embeddings of ${model.name} on a side`, sizes);
    }
    const comparison = await compute("compareEmbeddings", ref.x, cur.x, { seed, permutations: t.permutations, thresholds: { alpha, psi: 0.1, auc: t.auc } });
    drift ||= comparison.drift;
    minP = Math.min(minP, comparison.mmdMultiscale.pValue * kinds.length);
    maxAuc = Math.max(maxAuc, comparison.kernel.auc);
    parts[kind] = { embeddingModel: model.name, ...comparison };
    if (t.projectionSample > 0) {
      // Rows are in sample order (a seeded random order), so the first N are a random subsample.
      const r = head(ref.x, t.projectionSample);
      const c = head(cur.x, t.projectionSample);
      const projection = await compute("projectTo2d", r, c);
      artefacts[`${kind}Projection`] = {
        explainedVariance: projection.explainedVariance,
        points: [
          ...projection.reference.map(([x, y], i) => ({ window: "reference", traceId: ref.traceIds[i]!, x, y })),
          ...projection.current.map(([x, y], i) => ({ window: "current", traceId: cur.traceIds[i]!, x, y })),
        ],
      };
    }
  }
  return {
    verdict: drift ? "drift" : "ok",
    sampleSizes: sizes,
    statistics: { text: t.text, alphaPerText: alpha, ...parts },
    pValue: Math.min(1, minP),
    score: maxAuc,
    threshold: t.auc,
    artefacts,
  };
}

async function topicDrift(handle: DatabaseHandle, monitor: MonitorLike, windows: MonitorWindows): Promise<Evaluation> {
  const t = resolveThresholds("topic_drift", monitor.thresholds);
  const pair = await loadPair(handle, monitor, windows, "prompt", t.maxRows, true);
  if (!pair) return insufficient("no prompt embeddings in the reference window", { reference: 0, current: 0 });
  const { model, ref, cur } = pair;
  const sizes = { reference: ref.x.rows, current: cur.x.rows, referenceAvailable: ref.available, currentAvailable: cur.available };
  if (ref.x.rows < 2 * t.minSamples || cur.x.rows < t.minSamples) {
    return insufficient(`needs ${2 * t.minSamples} reference and ${t.minSamples} current prompt embeddings`, sizes);
  }
  const toRows = (w: EmbeddingWindow) => w.traceIds.map((traceId, i) => ({ traceId, text: w.texts[i] ?? "" }));
  const outcome = await compute(
    "evaluateTopicDrift",
    { x: ref.x, texts: toRows(ref) },
    { x: cur.x, texts: toRows(cur) },
    { topics: t.topics, alpha: t.alpha, psi: t.psi, emergingShare: t.emergingShare, emergingMinSize: t.emergingMinSize, seed: monitorSeed(monitor) },
  );
  return { ...outcome, sampleSizes: sizes, statistics: { embeddingModel: model.name, ...outcome.statistics } };
}

async function answerDrift(
  handle: DatabaseHandle,
  projectId: string,
  model: EmbeddingModelRef,
  from: EmbeddingWindow,
  fromControl: EmbeddingWindow,
  target: TimeRange,
  t: { answerPairs: number; similarity: number; alpha: number },
) {
  const queries = (w: EmbeddingWindow) =>
    w.traceIds.slice(0, t.answerPairs).map((traceId, i) => ({ traceId, vector: w.x.data.slice(i * w.x.cols, (i + 1) * w.x.cols) }));
  const cross = await nearDuplicateResponseDistances(handle, { projectId, model, queries: queries(from), within: target, similarity: t.similarity });
  const within = await nearDuplicateResponseDistances(handle, { projectId, model, queries: queries(fromControl), within: target, similarity: t.similarity });
  return compareAnswerDistances(cross, within, { alpha: t.alpha });
}

async function conceptDrift(handle: DatabaseHandle, monitor: MonitorLike, windows: MonitorWindows): Promise<Evaluation> {
  const t = resolveThresholds("concept_drift", monitor.thresholds);
  const pair = await loadPair(handle, monitor, windows, "prompt", t.maxRows, true);
  if (!pair) return insufficient("no prompt embeddings in the reference window", { reference: 0, current: 0 });
  const { model, ref, cur } = pair;
  const sizes = { reference: ref.x.rows, current: cur.x.rows, referenceAvailable: ref.available, currentAvailable: cur.available };
  if (ref.x.rows < t.minSamples || cur.x.rows < t.minSamples) return insufficient(`fewer than ${t.minSamples} prompts on a side`, sizes);
  const seed = monitorSeed(monitor);
  const topics = await compute("fitTopics", ref.x, { k: t.topics, seed });
  const refTopics = await compute("assignTopics", ref.x, topics);
  const curTopics = await compute("assignTopics", cur.x, topics);
  const outcomes = await loadOutcomes(handle, monitor.projectId, [...ref.traceIds, ...cur.traceIds]);
  const none: Outcome = { refused: false, error: false, scores: {} };
  const refSide = { topics: refTopics, outcomes: ref.traceIds.map((id) => outcomes.get(id) ?? none) };
  const curSide = { topics: curTopics, outcomes: cur.traceIds.map((id) => outcomes.get(id) ?? none) };
  // Within-topic comparisons leave out current prompts that belong to no reference topic (a new kind of
  // question says nothing about a change of the model); the reweighting check keeps every trace.
  const include = withinReferenceTopics(ref.x, cur.x, topics, refTopics, curTopics);
  const kept = Array.from(include.keys()).filter((i) => include[i]);
  const curWithin = { topics: Int32Array.from(kept, (i) => curTopics[i]!), outcomes: kept.map((i) => curSide.outcomes[i]!) };
  const quality = { ...compareTopicQuality(refSide, curWithin, topics.k, t), reweighting: compareTopicQuality(refSide, curSide, topics.k, t).reweighting };
  const pooled = comparePooledQuality(refSide, { ...curSide, include }, topics.k, t);
  const answers =
    t.answerPairs > 0 ? await answerDrift(handle, monitor.projectId, model, cur, ref, windows.reference, t) : null;
  const labels = await compute("labelGroups", ref.x, ref.traceIds.map((traceId, i) => ({ traceId, text: ref.texts[i] ?? "" })), refTopics, topics.k, topics.centroids);
  const significant = quality.comparisons.filter((c) => c.significant);
  const pooledSignificant = pooled.filter((c) => c.significant);
  const minAdjusted = Math.min(1, ...pooled.map((c) => c.adjustedP), ...quality.comparisons.map((c) => c.adjustedP), answers?.pValue ?? 1);
  return {
    verdict: pooledSignificant.length > 0 || significant.length > 0 || answers?.drift ? "drift" : "ok",
    sampleSizes: sizes,
    statistics: {
      embeddingModel: model.name,
      topics: topics.k,
      correction: t.correction,
      pooled,
      pooledSignificant: pooledSignificant.length,
      outsideTopics: include.length - include.reduce((a, v) => a + v, 0),
      comparisons: quality.comparisons,
      significant: significant.length,
      reweighting: quality.reweighting,
      answerDrift: answers,
    },
    pValue: minAdjusted,
    score: pooledSignificant.length + significant.length,
    threshold: t.alpha,
    artefacts: {
      topics: labels.map((l) => ({
        ...l,
        currentShare: Array.from(curTopics).filter((a) => a === l.topic).length / Math.max(1, cur.x.rows),
        quality: quality.comparisons.filter((c) => c.topic === l.topic),
      })),
    },
  };
}

async function versionRegression(handle: DatabaseHandle, monitor: MonitorLike, windows: MonitorWindows): Promise<Evaluation> {
  const t = resolveThresholds("version_regression", monitor.thresholds);
  const segment = monitor.segment as MonitorSegment;
  await detectVersionChanges(handle, monitor.projectId);
  const span = windows.current.end.getTime() - windows.current.start.getTime();
  // A change is evaluated in the window it happened in and the next one, so one at a window's end still gets data.
  const changes = await handle.query<{ id: string; provider: string; model: string; from_version: string; to_version: string; first_seen_new_at: Date | string }>(
    `select id, provider, model, from_version, to_version, first_seen_new_at from version_changes
      where project_id = $1 and first_seen_new_at >= $2 and first_seen_new_at < $3
        and ($4::text is null or provider = $4) and ($5::text is null or model = $5)
      order by first_seen_new_at`,
    [monitor.projectId, new Date(windows.current.start.getTime() - span).toISOString(), windows.current.end.toISOString(), segment.provider ?? null, segment.model ?? null],
  );
  const results = [];
  for (const c of changes) {
    const switchAt = new Date(c.first_seen_new_at);
    const result = await compareVersionChange(
      handle,
      { projectId: monitor.projectId, provider: c.provider, model: c.model, fromVersion: c.from_version, toVersion: c.to_version, firstSeenNewAt: switchAt },
      {
        before: { start: new Date(switchAt.getTime() - span), end: switchAt },
        after: { start: switchAt, end: new Date(Math.min(switchAt.getTime() + span, windows.current.end.getTime())) },
        segment,
        settings: t,
        seed: monitorSeed(monitor),
      },
    );
    results.push({ versionChangeId: c.id, provider: c.provider, model: c.model, fromVersion: c.from_version, toVersion: c.to_version, firstSeenNewAt: switchAt.toISOString(), ...result });
  }
  const regressions = results.filter((r) => r.verdict === "regression");
  const decided = results.filter((r) => r.verdict !== "pending");
  const n = results.reduce((s, r) => ({ reference: s.reference + r.n.before, current: s.current + r.n.after }), { reference: 0, current: 0 });
  if (results.length > 0 && decided.length === 0) return insufficient("version changes are pending: too few traces on a side", n, { changes: results });
  const pValues = regressions.flatMap((r) => r.metrics.filter((m) => m.direction === "worse").map((m) => m.adjustedP));
  return {
    verdict: regressions.length > 0 ? "drift" : "ok",
    sampleSizes: n,
    statistics: { changes: results.length, regressions: regressions.length },
    pValue: pValues.length ? Math.min(...pValues) : null,
    score: regressions.length,
    threshold: t.alpha,
    artefacts: { changes: results },
    versionChangeIds: regressions.map((r) => r.versionChangeId),
  };
}

async function metric(handle: DatabaseHandle, monitor: MonitorLike, windows: MonitorWindows): Promise<Evaluation> {
  const t = resolveThresholds("metric", monitor.thresholds);
  const common = { projectId: monitor.projectId, segment: monitor.segment as MonitorSegment, metric: t.metric, score: t.score, maxRows: t.maxRows, seed: monitorSeed(monitor) };
  const ref = await loadMetricStream(handle, { ...common, range: windows.reference });
  const cur = await loadMetricStream(handle, { ...common, range: windows.current });
  const sizes = { reference: ref.values.length, current: cur.values.length, referenceAvailable: ref.available, currentAvailable: cur.available };
  const needsReference = t.detector !== "threshold";
  if (cur.values.length < t.minSamples || (needsReference && ref.values.length < t.minSamples)) {
    return insufficient(`fewer than ${t.minSamples} values of ${t.metric} on a side`, sizes);
  }
  const outcome = evaluateMetricStream(ref.values, cur.values, t);
  return {
    verdict: outcome.verdict,
    sampleSizes: sizes,
    statistics: { metric: t.metric, score: t.score ?? null, ...outcome.statistics },
    pValue: null,
    score: outcome.score,
    threshold: outcome.threshold,
    artefacts: {},
  };
}

/** Evaluates one monitor on one pair of windows (reads only; nothing is written). */
export async function evaluateMonitor(handle: DatabaseHandle, monitor: MonitorLike, windows: MonitorWindows): Promise<Evaluation> {
  switch (monitor.kind) {
    case "embedding_drift":
      return embeddingDrift(handle, monitor, windows);
    case "topic_drift":
      return topicDrift(handle, monitor, windows);
    case "concept_drift":
      return conceptDrift(handle, monitor, windows);
    case "version_regression":
      return versionRegression(handle, monitor, windows);
    case "metric":
      return metric(handle, monitor, windows);
  }
}

export type { ThresholdsOf };
