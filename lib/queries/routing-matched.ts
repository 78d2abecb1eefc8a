import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import type { Period } from "@/lib/period";
import { evenSampleSql, projectEmbeddingModel } from "./near-duplicates";

/** Prompts sampled per period for the matched comparison. */
export const MATCHED_SAMPLE = 80;
/** Nearest prompts looked at per sampled prompt. */
export const MATCHED_NEIGHBOURS = 30;
/** Two prompts are "the same question" at or above this cosine similarity. */
export const MATCHED_SIMILARITY = 0.85;

export type MatchedPair = {
  a: string;
  b: string;
  pairs: number;
  latencyMsA: number | null;
  latencyMsB: number | null;
  costUsdA: number | null;
  costUsdB: number | null;
  scoreA: number | null;
  scoreB: number | null;
  errorRateA: number;
  errorRateB: number;
  example: { promptA: string | null; promptB: string | null; traceA: string; traceB: string; similarity: number } | null;
};

export type MatchedComparison = { rule: string; model: string | null; score: string | null; sampled: number; pairs: MatchedPair[] };

type Row = {
  a_id: string;
  b_id: string;
  a_model: string;
  b_model: string;
  distance: number;
  a_latency: number | null;
  b_latency: number | null;
  a_cost: number | null;
  b_cost: number | null;
  a_status: string;
  b_status: string;
  a_score: number | null;
  b_score: number | null;
  a_prompt: string | null;
  b_prompt: string | null;
};

const mean = (xs: Array<number | null>) => {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length > 0 ? v.reduce((s, x) => s + x, 0) / v.length : null;
};

/**
 * Matched comparison of models: for prompts sampled evenly over the period,
 * the nearest prompt of the same project (pgvector HNSW over the prompt
 * embeddings) that another model answered in the same period, at cosine
 * similarity ≥ MATCHED_SIMILARITY. Each such pair is the same question put to
 * two models, so the differences in score, latency and cost are the models'
 * and not the traffic mix's. Pairs are grouped per pair of models.
 */
export async function getMatchedComparison(
  db: Database,
  projectId: string,
  period: Period,
  options: { score?: string | null } = {},
): Promise<MatchedComparison> {
  const rule =
    `${MATCHED_SAMPLE} prompts sampled evenly over the period; each is paired with the nearest of its ${MATCHED_NEIGHBOURS} ` +
    `nearest prompts in the period that a different model answered, at cosine similarity ≥ ${MATCHED_SIMILARITY}`;
  const model = await projectEmbeddingModel(db, projectId);
  if (!model) return { rule, model: null, score: options.score ?? null, sampled: 0, pairs: [] };
  let score = options.score ?? null;
  if (!score) {
    const result = await db.execute(sql`select name from hourly_score_rollups where project_id = ${projectId}
      and hour >= ${period.from.toISOString()}::timestamptz and hour < ${period.to.toISOString()}::timestamptz
      group by name order by sum(count) desc, name limit 1`);
    score = (result as unknown as { rows: Array<{ name: string }> }).rows[0]?.name ?? null;
  }
  const cast = sql.raw(`vector(${model.dimensions})`);
  const from = period.from.toISOString();
  const to = period.to.toISOString();
  const { rows, sampled } = await db.transaction(async (tx) => {
    await tx.execute(sql.raw("set local hnsw.ef_search = 100"));
    await tx.execute(sql.raw("set local hnsw.iterative_scan = strict_order"));
    const result = await tx.execute(sql`
      with s as (${evenSampleSql(projectId, model, period, MATCHED_SAMPLE)}),
      sa as (select s.*, t.model as a_model from s
               join traces t on t.project_id = ${projectId} and t.id = s.trace_id and t.started_at = s.started_at
              where t.model is not null),
      pairs as (
        select sa.trace_id as a_id, sa.started_at as a_started_at, sa.a_model,
               m.trace_id as b_id, m.started_at as b_started_at, m.model as b_model, m.distance
          from sa cross join lateral (
            select nn.trace_id, nn.started_at, t2.model, nn.distance from (
              select n.trace_id, n.started_at, n.embedding::${cast} <=> sa.embedding::${cast} as distance from embeddings n
               where n.model_id = ${sql.raw(String(model.id))} and n.project_id = ${projectId} and n.kind = 'prompt'
                 and n.trace_id <> sa.trace_id
               order by n.embedding::${cast} <=> sa.embedding::${cast}
               limit ${sql.raw(String(MATCHED_NEIGHBOURS))}) nn
            join traces t2 on t2.project_id = ${projectId} and t2.id = nn.trace_id and t2.started_at = nn.started_at
           where t2.model is not null and t2.model <> sa.a_model and nn.distance <= ${1 - MATCHED_SIMILARITY}
             and nn.started_at >= ${from}::timestamptz and nn.started_at < ${to}::timestamptz
           order by nn.distance limit 1) m)
      select p.a_id, p.b_id, p.a_model, p.b_model, p.distance::float8 as distance,
             ta.latency_ms as a_latency, tb.latency_ms as b_latency, ta.cost_usd::float8 as a_cost, tb.cost_usd::float8 as b_cost,
             ta.status as a_status, tb.status as b_status, left(ta.prompt_text, 300) as a_prompt, left(tb.prompt_text, 300) as b_prompt,
             ${score ? sql`(select avg(value) from scores x where x.project_id = ${projectId} and x.trace_id = p.a_id and x.name = ${score})::float8` : sql`null::float8`} as a_score,
             ${score ? sql`(select avg(value) from scores x where x.project_id = ${projectId} and x.trace_id = p.b_id and x.name = ${score})::float8` : sql`null::float8`} as b_score
        from pairs p
        join traces ta on ta.project_id = ${projectId} and ta.id = p.a_id and ta.started_at = p.a_started_at
        join traces tb on tb.project_id = ${projectId} and tb.id = p.b_id and tb.started_at = p.b_started_at`);
    const all = (result as unknown as { rows: Row[] }).rows;
    const counted = await tx.execute(sql`select count(*)::int as n from (${evenSampleSql(projectId, model, period, MATCHED_SAMPLE)}) s`);
    const n = (counted as unknown as { rows: Array<{ n: number }> }).rows[0]?.n ?? 0;
    return { rows: all, sampled: Number(n) };
  });
  const groups = new Map<string, Array<{ a: Row; flipped: boolean }>>();
  for (const row of rows) {
    const flipped = row.a_model > row.b_model;
    const key = flipped ? `${row.b_model}\u0000${row.a_model}` : `${row.a_model}\u0000${row.b_model}`;
    groups.set(key, [...(groups.get(key) ?? []), { a: row, flipped }]);
  }
  const pairs: MatchedPair[] = [...groups.entries()].map(([key, list]) => {
    const [a, b] = key.split("\u0000") as [string, string];
    const side = (r: Row, flipped: boolean, which: "a" | "b") => {
      const first = (which === "a") !== flipped;
      return first
        ? { latency: r.a_latency, cost: r.a_cost, score: r.a_score, status: r.a_status, prompt: r.a_prompt, id: r.a_id }
        : { latency: r.b_latency, cost: r.b_cost, score: r.b_score, status: r.b_status, prompt: r.b_prompt, id: r.b_id };
    };
    const as = list.map(({ a: r, flipped }) => side(r, flipped, "a"));
    const bs = list.map(({ a: r, flipped }) => side(r, flipped, "b"));
    const best = list.reduce((m, x) => (x.a.distance < m.a.distance ? x : m), list[0]!);
    const ea = side(best.a, best.flipped, "a");
    const eb = side(best.a, best.flipped, "b");
    const num = (v: number | string | null) => (v === null ? null : Number(v));
    return {
      a,
      b,
      pairs: list.length,
      latencyMsA: mean(as.map((x) => num(x.latency))),
      latencyMsB: mean(bs.map((x) => num(x.latency))),
      costUsdA: mean(as.map((x) => num(x.cost))),
      costUsdB: mean(bs.map((x) => num(x.cost))),
      scoreA: mean(as.map((x) => num(x.score))),
      scoreB: mean(bs.map((x) => num(x.score))),
      errorRateA: as.filter((x) => x.status === "error").length / as.length,
      errorRateB: bs.filter((x) => x.status === "error").length / bs.length,
      example: { promptA: ea.prompt, promptB: eb.prompt, traceA: ea.id, traceB: eb.id, similarity: 1 - Number(best.a.distance) },
    };
  });
  pairs.sort((x, y) => y.pairs - x.pairs);
  return { rule, model: model.name, score, sampled, pairs };
}
