import { compareCategorical } from "./compare-categorical";
import { assignNearest, defaultClusterCount, kMeans } from "./kmeans";
import type { Matrix } from "./matrix";
import { fisherExact } from "./paired";
import { quantiles } from "./quantile";
import { createRng } from "./random";
import { distinctiveTerms, tokenize } from "./terms";

export type TextRow = { traceId: string; text: string };
export type TopicLabel = { topic: number; size: number; share: number; terms: string[]; examples: TextRow[] };
export type TopicModel = { k: number; dims: number; centroids: Float64Array };

function rows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const data = new Float64Array(idx.length * m.cols);
  for (let i = 0; i < idx.length; i++) data.set(m.data.subarray(idx[i]! * m.cols, idx[i]! * m.cols + m.cols), i * m.cols);
  return { rows: idx.length, cols: m.cols, data };
}

/** Euclidean distance of each row to its assigned centroid. */
export function distancesToCentroids(x: Matrix, model: TopicModel, assignments: Int32Array): Float64Array {
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    const c = assignments[i]! * x.cols;
    for (let j = 0; j < x.cols; j++) {
      const d = x.data[i * x.cols + j]! - model.centroids[c + j]!;
      s += d * d;
    }
    out[i] = Math.sqrt(s);
  }
  return out;
}

/** k-means restarts; the fit with the lowest inertia is kept (as scikit-learn's n_init). */
export const KMEANS_RESTARTS = 5;

/** Topics of the reference: k-means (k-means++ seeding, KMEANS_RESTARTS seeded restarts, best inertia kept). */
export function fitTopics(x: Matrix, options: { k?: number; seed: number }): TopicModel {
  let best: ReturnType<typeof kMeans> | null = null;
  for (let r = 0; r < KMEANS_RESTARTS; r++) {
    const result = kMeans(x, { k: options.k ?? defaultClusterCount(x.rows), seed: options.seed + r * 7919 });
    if (!best || result.inertia < best.inertia) best = result;
  }
  return { k: best!.k, dims: x.cols, centroids: best!.centroids };
}

export function assignTopics(x: Matrix, model: TopicModel): Int32Array {
  return assignNearest(x, model.centroids, model.k);
}

/**
 * Labels of groups of rows: the `examples` rows nearest their group's centre
 * (the most representative prompts) and the group's distinctive terms
 * (class-based TF-IDF against the other groups and `background` texts).
 */
export function labelGroups(
  x: Matrix,
  texts: readonly TextRow[],
  assignments: Int32Array,
  k: number,
  centroids: Float64Array,
  options: { examples?: number; background?: readonly string[][] } = {},
): TopicLabel[] {
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < assignments.length; i++) members[assignments[i]!]!.push(i);
  const model = { k, dims: x.cols, centroids };
  const dist = distancesToCentroids(x, model, assignments);
  const terms = distinctiveTerms([...members.map((m) => m.map((i) => texts[i]?.text ?? "")), ...(options.background ?? [])]);
  return members.map((m, topic) => {
    // Representative prompts: those carrying the most of the group's top terms, nearest the centre
    // first, one per distinct text — a mixed group's centre can sit nearest a short generic prompt.
    const top = new Set((terms[topic] ?? []).slice(0, 3));
    const hits = (i: number) => tokenize(texts[i]?.text ?? "").filter((w, j, all) => top.has(w) && all.indexOf(w) === j).length;
    const seen = new Set<string>();
    const examples = [...m]
      .map((i) => ({ i, hits: hits(i) }))
      .sort((a, b) => b.hits - a.hits || dist[a.i]! - dist[b.i]!)
      .filter(({ i }) => {
        const key = (texts[i]?.text ?? "").trim().toLowerCase();
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .slice(0, options.examples ?? 3)
      .map(({ i }) => ({ traceId: texts[i]?.traceId ?? "", text: (texts[i]?.text ?? "").slice(0, 300) }));
    return { topic, size: m.length, share: m.length / Math.max(1, assignments.length), terms: terms[topic] ?? [], examples };
  });
}

export type TopicDriftOutcome = {
  verdict: "ok" | "drift";
  pValue: number;
  score: number;
  threshold: number;
  statistics: Record<string, unknown>;
  artefacts: Record<string, unknown>;
};

/**
 * Topic drift of a current window against a reference, both as prompt
 * embeddings with their texts.
 *
 * The reference is split in two by a seeded permutation: topics are fitted
 * (k-means) on one half, and the other, held-out half gives both the
 * reference topic mix and the reference's own 95th-percentile distance to
 * the nearest centre — measured on rows k-means never saw, so under no drift
 * about 5% of current prompts lie beyond it, not more. The mix is compared
 * with χ² (+ PSI and Jensen–Shannon); current prompts beyond the distance are
 * compared with the held-out share by Fisher's exact test and, when
 * material, clustered into emerging topics with examples.
 */
export function evaluateTopicDrift(
  ref: { x: Matrix; texts: readonly TextRow[] },
  cur: { x: Matrix; texts: readonly TextRow[] },
  settings: { topics?: number; alpha: number; psi: number; emergingShare: number; emergingMinSize: number; seed: number },
): TopicDriftOutcome {
  const rng = createRng(settings.seed);
  const order = Array.from({ length: ref.x.rows }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const half = Math.ceil(order.length / 2);
  const fitIdx = order.slice(0, half).sort((a, b) => a - b);
  const holdIdx = order.slice(half).sort((a, b) => a - b);
  const fit = rows(ref.x, fitIdx);
  const hold = rows(ref.x, holdIdx);
  const model = fitTopics(fit, { k: settings.topics, seed: settings.seed });

  const refAssign = assignTopics(ref.x, model);
  const holdAssign = assignTopics(hold, model);
  const holdDist = distancesToCentroids(hold, model, holdAssign);
  const [p95] = quantiles(holdDist, [0.95]) as [number];
  const curAssign = assignTopics(cur.x, model);
  const curDist = distancesToCentroids(cur.x, model, curAssign);

  const mix = compareCategorical(
    Array.from(holdAssign, (a) => String(a)),
    Array.from(curAssign, (a) => String(a)),
    { alpha: settings.alpha, psi: settings.psi, auc: 0.5 },
  );
  const labels = labelGroups(ref.x, ref.texts, refAssign, model.k, model.centroids);
  const curCounts = new Array<number>(model.k).fill(0);
  const holdCounts = new Array<number>(model.k).fill(0);
  for (const a of curAssign) curCounts[a]!++;
  for (const a of holdAssign) holdCounts[a]!++;

  const beyondIdx: number[] = [];
  for (let i = 0; i < curDist.length; i++) if (curDist[i]! > p95) beyondIdx.push(i);
  let holdBeyond = 0;
  for (const d of holdDist) if (d > p95) holdBeyond++;
  const share = beyondIdx.length / Math.max(1, cur.x.rows);
  const fisher = fisherExact([
    [beyondIdx.length, cur.x.rows - beyondIdx.length],
    [holdBeyond, hold.rows - holdBeyond],
  ]);
  const emergingDrift = fisher.pValue < settings.alpha && share >= settings.emergingShare && share > holdBeyond / Math.max(1, hold.rows);

  let emerging: Array<TopicLabel & { meanDistance: number }> = [];
  if (beyondIdx.length >= settings.emergingMinSize) {
    const far = rows(cur.x, beyondIdx);
    const farTexts = beyondIdx.map((i) => cur.texts[i]!);
    const k = Math.max(1, Math.min(3, Math.round(Math.sqrt(beyondIdx.length / 10))));
    const clusters = kMeans(far, { k, seed: settings.seed + 7 });
    const background = labels.map((l) => l.examples.map((e) => e.text));
    const groups = labelGroups(far, farTexts, clusters.assignments, clusters.k, clusters.centroids, { background, examples: 5 });
    emerging = groups
      .filter((g) => g.size >= settings.emergingMinSize)
      .map((g) => {
        let sum = 0;
        let n = 0;
        for (let i = 0; i < clusters.assignments.length; i++)
          if (clusters.assignments[i] === g.topic) {
            sum += curDist[beyondIdx[i]!]!;
            n++;
          }
        return { ...g, share: g.size / Math.max(1, cur.x.rows), meanDistance: n ? sum / n : 0 };
      })
      .sort((a, b) => b.size - a.size);
  }

  const mixDrift = mix.drift;
  return {
    verdict: mixDrift || emergingDrift ? "drift" : "ok",
    pValue: Math.min(mix.chiSquare.pValue, fisher.pValue),
    score: mix.psi,
    threshold: settings.psi,
    statistics: {
      topics: model.k,
      mix: { chiSquare: mix.chiSquare, gTest: mix.gTest, psi: mix.psi, jensenShannon: mix.jensenShannon, drift: mixDrift },
      emerging: {
        distanceP95: p95,
        beyond: beyondIdx.length,
        share,
        heldOutShare: holdBeyond / Math.max(1, hold.rows),
        fisherP: fisher.pValue,
        drift: emergingDrift,
      },
      split: { fitted: fit.rows, heldOut: hold.rows },
    },
    artefacts: {
      topics: labels.map((l) => ({
        ...l,
        referenceShare: holdCounts[l.topic]! / Math.max(1, hold.rows),
        currentShare: curCounts[l.topic]! / Math.max(1, cur.x.rows),
      })),
      emergingTopics: emerging,
    },
  };
}
