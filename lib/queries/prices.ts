import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { priceOverrides, priceRepricings } from "@/db/schema";

export type PriceOverrideView = {
  id: string;
  /** null: any provider. */
  provider: string | null;
  model: string;
  inputPerMillion: number;
  outputPerMillion: number;
  cachedInputPerMillion: number | null;
  updatedAt: string;
};

export async function listPriceOverrides(db: Database, projectId: string): Promise<PriceOverrideView[]> {
  const rows = await db.select().from(priceOverrides).where(eq(priceOverrides.projectId, projectId)).orderBy(asc(priceOverrides.model), asc(priceOverrides.provider));
  return rows.map((r) => ({
    id: r.id,
    provider: r.provider === "" ? null : r.provider,
    model: r.model,
    inputPerMillion: r.inputPerMillion,
    outputPerMillion: r.outputPerMillion,
    cachedInputPerMillion: r.cachedInputPerMillion,
    updatedAt: r.updatedAt.toISOString(),
  }));
}

export type UnknownModel = {
  provider: string | null;
  model: string;
  traces: number;
  lastSeen: string;
  /** A re-pricing of this model's history is queued or running. */
  repricing: boolean;
};

export const UNKNOWN_MODEL_DAYS = 30;

/**
 * Models of the last 30 days whose calls have tokens but no cost — the price
 * table did not know them and no override matched — most used first. Reads
 * only unpriced rows (a partial index), never the whole traffic.
 */
export async function listUnknownModels(db: Database, projectId: string, now = new Date()): Promise<UnknownModel[]> {
  const since = new Date(now.getTime() - UNKNOWN_MODEL_DAYS * 86_400_000);
  const result = await db.execute(sql`
    select t.provider, t.model, count(*)::int as traces, max(t.started_at) as last_seen,
      exists (select 1 from price_repricings r where r.project_id = t.project_id and r.model = t.model and r.finished_at is null) as repricing
    from traces t
    where t.project_id = ${projectId} and t.started_at >= ${since.toISOString()}::timestamptz
      and t.cost_usd is null and t.input_tokens is not null and t.output_tokens is not null and t.model is not null
    group by t.project_id, t.provider, t.model
    order by count(*) desc, t.model
    limit 200`);
  const rows = (result as unknown as { rows: Array<{ provider: string | null; model: string; traces: number; last_seen: string | Date; repricing: boolean }> }).rows;
  return rows.map((r) => ({
    provider: r.provider,
    model: r.model,
    traces: Number(r.traces),
    lastSeen: new Date(r.last_seen).toISOString(),
    repricing: Boolean(r.repricing),
  }));
}

export async function getOpenRepricing(db: Database, projectId: string, model: string) {
  const [row] = await db
    .select()
    .from(priceRepricings)
    .where(and(eq(priceRepricings.projectId, projectId), eq(priceRepricings.model, model), sql`${priceRepricings.finishedAt} is null`));
  return row ?? null;
}
