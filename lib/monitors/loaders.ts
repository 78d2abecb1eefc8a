import type { DatabaseHandle } from "@/db/client";
import { nearestTraces } from "@/db/nearest-traces";
import type { MonitorSegment } from "@/db/schema";
import type { Matrix, Outcome, VersionSample } from "@/lib/drift";
import { sampleOrder } from "./sampling";
import { Params, segmentSql } from "./sql-params";
import type { TimeRange } from "./windows";

export type EmbeddingModelRef = { id: number; dimensions: number; name: string };

/**
 * The embedding model a comparison uses: the one with most vectors of this
 * text kind in the reference window. Vectors of two models are never mixed.
 */
export async function chooseEmbeddingModel(
  handle: DatabaseHandle,
  projectId: string,
  kind: "prompt" | "response",
  segment: MonitorSegment,
  range: TimeRange,
): Promise<EmbeddingModelRef | null> {
  const p = new Params();
  const [row] = await handle.query<{ id: number; dimensions: number; name: string }>(
    `select m.id, m.dimensions, m.name from embeddings e
       join traces t on t.project_id = e.project_id and t.id = e.trace_id
       join embedding_models m on m.id = e.model_id
      where e.project_id = ${p.add(projectId)} and e.kind = ${p.add(kind)}
        and e.started_at >= ${p.add(range.start.toISOString())} and e.started_at < ${p.add(range.end.toISOString())}
        ${segmentSql(segment, p)}
      group by m.id, m.dimensions, m.name order by count(*) desc, m.id limit 1`,
    p.values,
  );
  return row ? { id: Number(row.id), dimensions: Number(row.dimensions), name: row.name } : null;
}

export type EmbeddingWindow = {
  x: Matrix;
  traceIds: string[];
  /** Prompt texts (when asked for), aligned with the rows. */
  texts: string[];
  startedAt: Date[];
  /** Rows in the window before subsampling. */
  available: number;
};

function parseVector(text: string, out: Float64Array, offset: number): void {
  let start = 1;
  let j = 0;
  for (let i = 1; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 44 /* , */ || ch === 93 /* ] */) {
      out[offset + j++] = Number(text.slice(start, i));
      start = i + 1;
    }
  }
}

/** The window's vectors of one model and text kind, subsampled by the stated rule, in sample order. */
export async function loadEmbeddings(
  handle: DatabaseHandle,
  params: {
    projectId: string;
    model: EmbeddingModelRef;
    kind: "prompt" | "response";
    segment: MonitorSegment;
    range: TimeRange;
    maxRows: number;
    seed: number;
    withText?: boolean;
  },
): Promise<EmbeddingWindow> {
  const p = new Params();
  const rows = await handle.query<{ trace_id: string; v: string; text: string | null; started_at: Date | string; available: string | number }>(
    `select e.trace_id, e.embedding::text as v, ${params.withText ? "left(t.prompt_text, 2000)" : "null"} as text, e.started_at,
            count(*) over () as available
       from embeddings e join traces t on t.project_id = e.project_id and t.id = e.trace_id
      where e.project_id = ${p.add(params.projectId)} and e.model_id = ${p.add(params.model.id)} and e.kind = ${p.add(params.kind)}
        and e.started_at >= ${p.add(params.range.start.toISOString())} and e.started_at < ${p.add(params.range.end.toISOString())}
        ${segmentSql(params.segment, p)}
      order by ${sampleOrder("t.external_id", params.seed, p)}
      limit ${p.add(params.maxRows)}`,
    p.values,
  );
  const d = params.model.dimensions;
  const data = new Float64Array(rows.length * d);
  rows.forEach((r, i) => parseVector(r.v, data, i * d));
  return {
    x: { rows: rows.length, cols: d, data },
    traceIds: rows.map((r) => r.trace_id),
    texts: rows.map((r) => r.text ?? ""),
    startedAt: rows.map((r) => new Date(r.started_at)),
    available: rows.length ? Number(rows[0]!.available) : 0,
  };
}

/** Refusal, error and scores (mean over sources) of the given traces. */
export async function loadOutcomes(handle: DatabaseHandle, projectId: string, traceIds: readonly string[]): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  if (traceIds.length === 0) return out;
  const rows = await handle.query<{ id: string; refused: boolean; status: string }>(
    "select id, refused, status from traces where project_id = $1 and id = any($2::uuid[])",
    [projectId, traceIds],
  );
  for (const r of rows) out.set(r.id, { refused: r.refused, error: r.status === "error", scores: {} });
  const scores = await handle.query<{ trace_id: string; name: string; value: number | string }>(
    "select trace_id, name, avg(value) as value from scores where project_id = $1 and trace_id = any($2::uuid[]) group by trace_id, name",
    [projectId, traceIds],
  );
  for (const s of scores) {
    const o = out.get(s.trace_id);
    if (o) o.scores[s.name] = Number(s.value);
  }
  return out;
}

export type MetricName = "latency_ms" | "cost_usd" | "output_tokens" | "error_rate" | "refusal_rate" | "score";

/** One metric's values in a window, subsampled by the stated rule, then in time order. */
export async function loadMetricStream(
  handle: DatabaseHandle,
  params: { projectId: string; segment: MonitorSegment; range: TimeRange; metric: MetricName; score?: string; maxRows: number; seed: number },
): Promise<{ values: number[]; available: number }> {
  const p = new Params();
  const expr =
    params.metric === "latency_ms"
      ? "t.latency_ms"
      : params.metric === "cost_usd"
        ? "t.cost_usd::float8"
        : params.metric === "output_tokens"
          ? "t.output_tokens::float8"
          : params.metric === "error_rate"
            ? "(t.status = 'error')::int::float8"
            : params.metric === "refusal_rate"
              ? "t.refused::int::float8"
              : `(select avg(s.value) from scores s where s.project_id = t.project_id and s.trace_id = t.id and s.name = ${p.add(params.score ?? "")})`;
  const rows = await handle.query<{ v: number | string; available: number | string }>(
    `select v, available from (
       select t.started_at, t.id, ${expr} as v, count(*) over () as available
         from traces t
        where t.project_id = ${p.add(params.projectId)}
          and t.started_at >= ${p.add(params.range.start.toISOString())} and t.started_at < ${p.add(params.range.end.toISOString())}
          and ${expr} is not null ${segmentSql(params.segment, p)}
        order by ${sampleOrder("t.external_id", params.seed, p)}
        limit ${p.add(params.maxRows)}) s
      order by started_at, id`,
    p.values,
  );
  return { values: rows.map((r) => Number(r.v)), available: rows.length ? Number(rows[0]!.available) : 0 };
}

/** The traces one model version answered in a range (the version-change comparison's sides). */
export async function loadVersionSample(
  handle: DatabaseHandle,
  params: { projectId: string; provider: string; model: string; version: string; segment: MonitorSegment; range: TimeRange; maxRows: number; seed: number },
): Promise<{ sample: VersionSample; traceIds: string[] }> {
  const p = new Params();
  const rows = await handle.query<{
    id: string;
    latency_ms: number | null;
    output_tokens: number | null;
    cost_usd: string | number | null;
    refused: boolean;
    status: string;
  }>(
    `select t.id, t.latency_ms, t.output_tokens, t.cost_usd, t.refused, t.status from traces t
      where t.project_id = ${p.add(params.projectId)} and coalesce(t.provider, '') = ${p.add(params.provider)}
        and coalesce(t.model, '') = ${p.add(params.model)} and t.model_version = ${p.add(params.version)}
        and t.started_at >= ${p.add(params.range.start.toISOString())} and t.started_at < ${p.add(params.range.end.toISOString())}
        ${segmentSql({ route: params.segment.route, tags: params.segment.tags }, p)}
      order by ${sampleOrder("t.external_id", params.seed, p)} limit ${p.add(params.maxRows)}`,
    p.values,
  );
  const ids = rows.map((r) => r.id);
  const outcomes = await loadOutcomes(handle, params.projectId, ids);
  const scores: Record<string, number[]> = {};
  for (const o of outcomes.values()) for (const [name, v] of Object.entries(o.scores)) (scores[name] ??= []).push(v);
  return {
    traceIds: ids,
    sample: {
      latencyMs: rows.filter((r) => r.latency_ms !== null).map((r) => Number(r.latency_ms)),
      outputTokens: rows.filter((r) => r.output_tokens !== null).map((r) => Number(r.output_tokens)),
      costUsd: rows.filter((r) => r.cost_usd !== null).map((r) => Number(r.cost_usd)),
      refused: rows.map((r) => r.refused),
      error: rows.map((r) => r.status === "error"),
      scores,
    },
  };
}

/** Pairs per response-distance query of nearDuplicateResponseDistances. */
const PAIR_CHUNK = 100;

/**
 * Response distances of near-duplicate prompts: for each of `queries` (trace
 * ids whose prompt vector is known), its nearest prompts by pgvector
 * (db/nearest-traces.ts) with cosine similarity ≥ `similarity`
 * whose trace started in `within`, and the cosine distance between the two
 * responses of the nearest such pair.
 */
export async function nearDuplicateResponseDistances(
  handle: DatabaseHandle,
  params: {
    projectId: string;
    model: EmbeddingModelRef;
    queries: Array<{ traceId: string; vector: Float64Array }>;
    within: TimeRange;
    similarity: number;
    neighbours?: number;
  },
): Promise<number[]> {
  const pairsA: string[] = [];
  const pairsB: string[] = [];
  const order: number[] = [];
  for (const [qi, q] of params.queries.entries()) {
    // The embedded database answers in microtasks, so a run of queries never lets the event loop serve
    // anything else: yield between them, or the web server stalls for the whole loop (seconds).
    await new Promise((resolve) => setImmediate(resolve));
    const near = await nearestTraces(handle, {
      projectId: params.projectId,
      model: params.model,
      kind: "prompt",
      vector: q.vector,
      k: params.neighbours ?? 20,
      excludeTraceId: q.traceId,
    });
    for (const n of near) {
      if (1 - n.distance < params.similarity) break;
      pairsA.push(q.traceId);
      pairsB.push(n.traceId);
      order.push(qi);
    }
  }
  if (pairsA.length === 0) return [];
  const cast = `vector(${params.model.dimensions})`;
  // In chunks, yielding between them, for the same reason as above (one query over hundreds of pairs took
  // a quarter of a second on the embedded database).
  const rows: Array<{ i: number; d: number | string }> = [];
  for (let c = 0; c < pairsA.length; c += PAIR_CHUNK) {
    await new Promise((resolve) => setImmediate(resolve));
    const chunk = await handle.query<{ i: number; d: number | string }>(
      `select p.i, (ea.embedding::${cast} <=> eb.embedding::${cast}) as d
         from unnest($1::uuid[], $2::uuid[]) with ordinality as p(a, b, i)
         join embeddings ea on ea.project_id = $3 and ea.trace_id = p.a and ea.kind = 'response' and ea.model_id = $4
         join embeddings eb on eb.project_id = $3 and eb.trace_id = p.b and eb.kind = 'response' and eb.model_id = $4
        where eb.started_at >= $5 and eb.started_at < $6
        order by p.i`,
      [pairsA.slice(c, c + PAIR_CHUNK), pairsB.slice(c, c + PAIR_CHUNK), params.projectId, params.model.id, params.within.start.toISOString(), params.within.end.toISOString()],
    );
    for (const r of chunk) rows.push({ i: c + Number(r.i), d: r.d });
  }
  // The nearest qualifying neighbour of each query (rows come in neighbour order).
  const seen = new Set<number>();
  const out: number[] = [];
  for (const r of rows) {
    const q = order[Number(r.i) - 1]!;
    if (seen.has(q)) continue;
    seen.add(q);
    out.push(Number(r.d));
  }
  return out;
}

/** Vectors of the given traces for one model and text kind (traces without one are left out). */
export async function loadVectorsFor(
  handle: DatabaseHandle,
  params: { projectId: string; model: EmbeddingModelRef; kind: "prompt" | "response"; traceIds: readonly string[] },
): Promise<Array<{ traceId: string; vector: Float64Array }>> {
  if (params.traceIds.length === 0) return [];
  const rows = await handle.query<{ trace_id: string; v: string }>(
    `select trace_id, embedding::text as v from embeddings
      where project_id = $1 and model_id = $2 and kind = $3 and trace_id = any($4::uuid[])`,
    [params.projectId, params.model.id, params.kind, params.traceIds],
  );
  return rows.map((r) => {
    const vector = new Float64Array(params.model.dimensions);
    parseVector(r.v, vector, 0);
    return { traceId: r.trace_id, vector };
  });
}
