import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { previousPeriod, type Period } from "@/lib/period";
import { selectRows } from "./overview-rollups";

/** Cosine similarity at or above which two prompts count as the same question. */
export const NEAR_DUPLICATE_SIMILARITY = 0.95;
/** Prompts sampled per period. */
export const NEAR_DUPLICATE_SAMPLE = 100;
/** Nearest neighbours looked at per sampled prompt. */
export const NEAR_DUPLICATE_NEIGHBOURS = 20;

export type NearDuplicates = {
  rule: string;
  model: string | null;
  sampled: number;
  duplicates: number;
  /** duplicates / sampled, or null when no prompt of the period is embedded yet. */
  share: number | null;
  /** Cost of the period the sampled share would have saved, answered from a semantic cache. */
  estimatedSavingUsd: number | null;
  periodCostUsd: number;
  /** The same measure over the equally long period before (for the trend). */
  previous: { sampled: number; share: number | null };
};

/** The newest embedding model that has prompt vectors in this project. */
export async function projectEmbeddingModel(db: Database, projectId: string): Promise<{ id: number; name: string; dimensions: number } | null> {
  const [row] = await selectRows<{ id: number; name: string; dimensions: number }>(
    db,
    sql`select m.id, m.name, m.dimensions from embedding_models m
         where exists (select 1 from embeddings e where e.project_id = ${projectId} and e.model_id = m.id and e.kind = 'prompt')
         order by m.id desc limit 1`,
  );
  return row ? { id: Number(row.id), name: row.name, dimensions: Number(row.dimensions) } : null;
}

/**
 * Up to `n` embedded prompts spread evenly over the period: for each of n
 * equally spaced instants between the period's first embedded prompt and its
 * end, the first prompt at or after it (an index lookup each on embeddings
 * (project_id, model_id, kind, started_at)), so the sample costs n lookups
 * whatever the volume, and follows the traffic's time spread. Bursty traffic
 * yields fewer than n distinct prompts; the answer says how many were sampled.
 */
export function evenSampleSql(projectId: string, model: { id: number }, period: Period, n: number) {
  const from = period.from.toISOString();
  const to = period.to.toISOString();
  const scope = sql`e.project_id = ${projectId} and e.model_id = ${model.id} and e.kind = 'prompt'`;
  return sql`select distinct on (s.trace_id) s.trace_id, s.started_at, s.embedding
    from (select e.started_at as first from embeddings e
           where ${scope} and e.started_at >= ${from}::timestamptz and e.started_at < ${to}::timestamptz
           order by e.started_at limit 1) f
    cross join generate_series(0, ${n - 1}) as g(i)
    cross join lateral (
      select e.trace_id, e.started_at, e.embedding from embeddings e
       where ${scope}
         and e.started_at >= f.first + (${to}::timestamptz - f.first) * (g.i::float8 / ${n})
         and e.started_at < ${to}::timestamptz
       order by e.started_at limit 1) s`;
}

/**
 * Share of the period's prompts that a semantic cache would have answered:
 * a sampled prompt counts when an *earlier* prompt of the same period (a
 * cache could only hold those) is among its nearest neighbours (pgvector HNSW,
 * same project and embedding model) at cosine similarity ≥ the threshold.
 * The estimated saving is that share of the sample's cost applied to the
 * period's total cost (from the rollups).
 */
export async function getNearDuplicates(db: Database, projectId: string, period: Period): Promise<NearDuplicates> {
  const rule =
    `${NEAR_DUPLICATE_SAMPLE} prompts sampled evenly over the period; a prompt is a near-duplicate when one of its ` +
    `${NEAR_DUPLICATE_NEIGHBOURS} nearest prompts is earlier in the same period at cosine similarity ≥ ${NEAR_DUPLICATE_SIMILARITY}`;
  const [costRow] = await selectRows<{ cost: number }>(
    db,
    sql`select coalesce(sum(cost_usd), 0)::float8 as cost from hourly_rollups where project_id = ${projectId}
         and hour >= ${period.from.toISOString()}::timestamptz and hour < ${period.to.toISOString()}::timestamptz`,
  );
  const periodCostUsd = Number(costRow?.cost ?? 0);
  const model = await projectEmbeddingModel(db, projectId);
  if (!model) {
    return { rule, model: null, sampled: 0, duplicates: 0, share: null, estimatedSavingUsd: null, periodCostUsd, previous: { sampled: 0, share: null } };
  }
  const [rows, before] = await Promise.all([samplePeriod(db, projectId, model, period), samplePeriod(db, projectId, model, previousPeriod(period))]);
  const sampled = rows.length;
  const duplicates = rows.filter((r) => r.duplicate).length;
  const sampleCost = rows.reduce((s, r) => s + Number(r.cost), 0);
  const dupCost = rows.filter((r) => r.duplicate).reduce((s, r) => s + Number(r.cost), 0);
  return {
    rule,
    model: model.name,
    sampled,
    duplicates,
    share: sampled > 0 ? duplicates / sampled : null,
    estimatedSavingUsd: sampled > 0 ? (sampleCost > 0 ? (dupCost / sampleCost) * periodCostUsd : 0) : null,
    periodCostUsd,
    previous: { sampled: before.length, share: before.length > 0 ? before.filter((r) => r.duplicate).length / before.length : null },
  };
}

async function samplePeriod(
  db: Database,
  projectId: string,
  model: { id: number; dimensions: number },
  period: Period,
): Promise<Array<{ trace_id: string; cost: number; duplicate: boolean }>> {
  const cast = sql.raw(`vector(${model.dimensions})`);
  const maxDistance = 1 - NEAR_DUPLICATE_SIMILARITY;
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw("set local hnsw.ef_search = 100"));
    await tx.execute(sql.raw("set local hnsw.iterative_scan = strict_order"));
    const result = await tx.execute(sql`
      with s as (${evenSampleSql(projectId, model, period, NEAR_DUPLICATE_SAMPLE)})
      select s.trace_id, coalesce(t.cost_usd, 0)::float8 as cost,
             exists (
               select 1 from (
                 select n.trace_id, n.started_at, n.embedding::${cast} <=> s.embedding::${cast} as distance
                   from embeddings n
                  where n.model_id = ${sql.raw(String(model.id))} and n.project_id = ${projectId} and n.kind = 'prompt'
                    and n.trace_id <> s.trace_id
                  order by n.embedding::${cast} <=> s.embedding::${cast}
                  limit ${sql.raw(String(NEAR_DUPLICATE_NEIGHBOURS))}) nn
                where nn.distance <= ${maxDistance} and nn.started_at < s.started_at
                  and nn.started_at >= ${period.from.toISOString()}::timestamptz) as duplicate
        from s join traces t on t.project_id = ${projectId} and t.id = s.trace_id and t.started_at = s.started_at`);
    return (result as unknown as { rows: Array<{ trace_id: string; cost: number; duplicate: boolean }> }).rows;
  });
}
