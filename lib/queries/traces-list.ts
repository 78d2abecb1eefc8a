import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { traces } from "@/db/schema";
import { selectRows } from "./overview-rollups";

export type TraceRow = {
  id: string;
  externalId: string;
  startedAt: string;
  model: string | null;
  route: string | null;
  status: "ok" | "error";
  refused: boolean;
  latencyMs: number | null;
  costUsd: number | null;
  promptText: string | null;
};

/** The one trace-list filter (parsed by lib/http/query-params.ts `parseTraceListParams`). */
export type TraceListFilter = {
  model?: string;
  route?: string;
  status?: "ok" | "error" | "refused";
  from?: Date;
  to?: Date;
  q?: string;
  limit: number;
  cursor?: { startedAt: Date; id: string };
};

/** `%` and `_` in the search text are literal. */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Strictly before a (started_at, id) key in the list's order. The plain bound on started_at beside the row
 * comparison lets the planner prune the month partitions after it (a row comparison alone prunes none).
 */
function before(key: { startedAt: Date; id: string }): SQL {
  const at = key.startedAt.toISOString();
  return sql`${traces.startedAt} <= ${at}::timestamptz and (${traces.startedAt}, ${traces.id}) < (${at}::timestamptz, ${key.id}::uuid)`;
}

/** Rows read by the text search's first chunk; each next chunk is SEARCH_CHUNK_GROWTH times larger. */
const SEARCH_FIRST_CHUNK = 4_096;
const SEARCH_CHUNK_GROWTH = 4;

/**
 * The text search: a substring match cannot use a b-tree index, so the traces are read newest first, in
 * keyset order on the (project_id, started_at) index of each month partition, in chunks of rows growing ×4,
 * and the match is tested on each chunk's rows as they stream — a query stops as soon as the page is full.
 *
 * A chunk is bounded by a row count and not by a time span: a LIMIT makes the planner walk the index, and
 * it costs what its rows cost at any traffic rate. (Time windows did not: the planner, expecting almost no
 * match, read a window wider than a small fraction of a month's partition by a scan of the whole partition
 * and a sort — about 10× slower at 1 M traces over 90 days.) Each chunk also returns its last row, matched
 * or not, as the key the next chunk starts after.
 */
async function searchNewestFirst(
  db: Database,
  where: SQL[],
  pattern: string,
  need: number,
  cursor: { startedAt: Date; id: string } | undefined,
) {
  const found: Array<Omit<TraceRow, "startedAt"> & { startedAt: Date }> = [];
  let after = cursor;
  for (let chunk = SEARCH_FIRST_CHUNK; found.length < need; chunk *= SEARCH_CHUNK_GROWTH) {
    const bounds = after ? [...where, before(after)] : where;
    const rows = await selectRows<{
      id: string;
      external_id: string;
      started_at: Date | string;
      model: string | null;
      route: string | null;
      status: "ok" | "error";
      refused: boolean;
      latency_ms: number | null;
      cost_usd: string | null;
      prompt_text: string | null;
      hit: boolean;
      rn: number | string;
    }>(
      db,
      sql`select id, external_id, started_at, model, route, status, refused, latency_ms, cost_usd,
                 left(prompt_text, 240) as prompt_text, hit, rn
            from (select id, external_id, started_at, model, route, status, refused, latency_ms, cost_usd, prompt_text,
                         prompt_text ilike ${pattern} as hit,
                         row_number() over (order by started_at desc, id desc) as rn
                    from ${traces} where ${and(...bounds)}
                   order by started_at desc, id desc limit ${chunk}) c
           where hit or rn = ${chunk}
           order by started_at desc, id desc
           limit ${need - found.length}`,
    );
    let last: { startedAt: Date; id: string } | undefined;
    for (const r of rows) {
      const startedAt = new Date(r.started_at);
      if (Number(r.rn) === chunk) last = { startedAt, id: r.id };
      if (!r.hit) continue;
      found.push({
        id: r.id,
        externalId: r.external_id,
        startedAt,
        model: r.model,
        route: r.route,
        status: r.status,
        refused: r.refused,
        latencyMs: r.latency_ms,
        costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
        promptText: r.prompt_text,
      });
    }
    // No last row: the page filled up inside the chunk, or the chunk reached the oldest trace.
    if (!last) break;
    after = last;
  }
  return found;
}

/**
 * The one trace-list read model (the read API and the dashboard's table):
 * newest first, keyset-paginated on (started_at, id) — the index
 * (project_id, started_at) serves the order, so page N costs what page 1
 * costs. Filters narrow inside that order; the text search is a
 * case-insensitive substring match on prompt_text, tested on the rows as the
 * index yields them, newest first (it stops as soon as a page is full).
 */
export async function listTraces(
  db: Database,
  projectId: string,
  search: TraceListFilter,
): Promise<{ rows: TraceRow[]; nextCursor: { startedAt: Date; id: string } | null }> {
  const where: SQL[] = [eq(traces.projectId, projectId)];
  if (search.from) where.push(gte(traces.startedAt, search.from));
  if (search.to) where.push(lt(traces.startedAt, search.to));
  if (search.model) where.push(eq(traces.model, search.model));
  if (search.route) where.push(eq(traces.route, search.route));
  if (search.status === "ok" || search.status === "error") where.push(eq(traces.status, search.status));
  if (search.status === "refused") where.push(eq(traces.refused, true));
  if (search.cursor) where.push(before(search.cursor));
  const select = (limit: number) =>
    db
      .select({
        id: traces.id,
        externalId: traces.externalId,
        startedAt: traces.startedAt,
        model: traces.model,
        route: traces.route,
        status: traces.status,
        refused: traces.refused,
        latencyMs: traces.latencyMs,
        costUsd: traces.costUsd,
        promptText: sql<string | null>`left(${traces.promptText}, 240)`,
      })
      .from(traces)
      .where(and(...where))
      .orderBy(desc(traces.startedAt), desc(traces.id))
      .limit(limit);
  const rows = search.q
    ? await searchNewestFirst(db, where, likePattern(search.q), search.limit + 1, search.cursor)
    : await select(search.limit + 1);
  const page = rows.slice(0, search.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map((r) => ({ ...r, startedAt: r.startedAt.toISOString(), costUsd: r.costUsd === null ? null : Number(r.costUsd) })),
    nextCursor: rows.length > search.limit && last ? { startedAt: last.startedAt, id: last.id } : null,
  };
}

/** Models and routes seen in the project (from the rollups, not the traces), for the filter menus. */
export async function traceFacets(db: Database, projectId: string): Promise<{ models: string[]; routes: string[] }> {
  const rows = await selectRows<{ kind: string; value: string }>(
    db,
    sql`select distinct 'model' as kind, model as value from hourly_rollups where project_id = ${projectId} and model <> ''
        union select distinct 'route', route from hourly_rollups where project_id = ${projectId} and route <> ''
        order by 1, 2`,
  );
  return {
    models: rows.filter((r) => r.kind === "model").map((r) => r.value),
    routes: rows.filter((r) => r.kind === "route").map((r) => r.value),
  };
}
