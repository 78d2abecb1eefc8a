import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { createPricer, type PriceOverride } from "@/lib/ingest/pricing";
import type { PeriodicTask } from "./runner";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

async function rows<T>(tx: Tx, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = await tx.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}

export type RepriceStats = { requests: number; scanned: number; updated: number; finished: number };

type TraceRow = {
  id: string;
  started_at: string | Date;
  provider: string | null;
  model: string | null;
  model_version: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_input_tokens: number | null;
  reasoning_tokens: number | null;
  cost_usd: string | number | null;
  cost_source: string | null;
  price_table_version: string | null;
};

/**
 * One step of a re-pricing request (db/schema/prices.ts): locks the oldest
 * open request (`SKIP LOCKED`, so workers share them), prices the next
 * `batchSize` traces of its model after the cursor with today's overrides and
 * price table, writes the costs that changed, and moves the cursor — all in
 * one transaction, so a crash redoes at most this batch with the same result.
 * Traces whose cost came from the client are never read or written. The
 * update trigger marks their hours, so rollups follow.
 */
export async function runRepriceBatch(db: Database, options: { batchSize?: number } = {}): Promise<RepriceStats> {
  const batchSize = Math.max(1, Math.min(10_000, Math.floor(options.batchSize ?? 1_000)));
  return db.transaction(async (tx) => {
    const [request] = await rows<{ project_id: string; id: string; model: string; cursor_started_at: string | Date | null; cursor_id: string | null }>(
      tx,
      sql`select project_id, id, model, cursor_started_at, cursor_id from price_repricings
          where finished_at is null order by requested_at limit 1 for update skip locked`,
    );
    if (!request) return { requests: 0, scanned: 0, updated: 0, finished: 0 };

    const overrides = await rows<{ provider: string; model: string; input_per_million: number; output_per_million: number; cached_input_per_million: number | null }>(
      tx,
      sql`select provider, model, input_per_million, output_per_million, cached_input_per_million from price_overrides where project_id = ${request.project_id}`,
    );
    const price = createPricer(
      overrides.map(
        (o): PriceOverride => ({
          provider: o.provider === "" ? null : o.provider,
          model: o.model,
          inputPerMillion: Number(o.input_per_million),
          outputPerMillion: Number(o.output_per_million),
          cachedInputPerMillion: o.cached_input_per_million === null ? null : Number(o.cached_input_per_million),
        }),
      ),
    );
    const after = request.cursor_started_at
      ? sql`and (t.started_at, t.id) > (${new Date(request.cursor_started_at).toISOString()}::timestamptz, ${request.cursor_id}::uuid)`
      : sql``;
    const traces = await rows<TraceRow>(
      tx,
      sql`select t.id, t.started_at, t.provider, t.model, t.model_version, t.input_tokens, t.output_tokens, t.cached_input_tokens,
            t.reasoning_tokens, t.cost_usd, t.cost_source, t.price_table_version
          from traces t
          where t.project_id = ${request.project_id} and t.model = ${request.model}
            and t.cost_source is distinct from 'client' ${after}
          order by t.started_at, t.id limit ${batchSize}`,
    );

    const changed: Array<{ id: string; cost: number | null; source: string | null; version: string | null }> = [];
    for (const t of traces) {
      const cost = price({
        provider: t.provider,
        model: t.model,
        modelVersion: t.model_version,
        timestamp: new Date(t.started_at),
        inputTokens: t.input_tokens,
        outputTokens: t.output_tokens,
        cachedInputTokens: t.cached_input_tokens,
        reasoningTokens: t.reasoning_tokens,
      });
      const next = { cost: cost?.costUsd ?? null, source: cost?.source ?? null, version: cost?.tableVersion ?? null };
      const stored = t.cost_usd === null ? null : Number(t.cost_usd);
      if (stored !== next.cost || t.cost_source !== next.source || t.price_table_version !== next.version) changed.push({ id: t.id, ...next });
    }
    if (changed.length > 0) {
      await tx.execute(sql`
        update traces t set cost_usd = u.cost, cost_source = u.source::cost_source, price_table_version = u.version
        from unnest(${sql.param(changed.map((c) => c.id))}::uuid[], ${sql.param(changed.map((c) => c.cost))}::numeric[],
                    ${sql.param(changed.map((c) => c.source))}::text[], ${sql.param(changed.map((c) => c.version))}::text[])
             as u(id, cost, source, version)
        where t.project_id = ${request.project_id} and t.id = u.id and t.cost_source is distinct from 'client'`);
    }
    const last = traces[traces.length - 1];
    const finished = traces.length < batchSize;
    await tx.execute(sql`
      update price_repricings set scanned = scanned + ${traces.length},
        cursor_started_at = coalesce(${last ? new Date(last.started_at).toISOString() : null}::timestamptz, cursor_started_at),
        cursor_id = coalesce(${last?.id ?? null}::uuid, cursor_id),
        finished_at = case when ${finished} then now() else null end
      where project_id = ${request.project_id} and id = ${request.id}`);
    return { requests: 1, scanned: traces.length, updated: changed.length, finished: finished ? 1 : 0 };
  });
}

/** Works through re-pricing requests; runs again at once while there is more to do. */
export function repriceTask(options: { intervalMs?: number; batchSize?: number } = {}): PeriodicTask {
  return {
    name: "reprice",
    intervalMs: options.intervalMs ?? 5_000,
    async run(handle) {
      const stats = await runRepriceBatch(handle.db, { batchSize: options.batchSize });
      return stats.requests > 0;
    },
  };
}
