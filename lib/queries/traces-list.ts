import { and, desc, eq, gte, ilike, lt, sql, type SQL } from "drizzle-orm";
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
 * The one trace-list read model (the read API and the dashboard's table):
 * newest first, keyset-paginated on (started_at, id) — the index
 * (project_id, started_at) serves the order, so page N costs what page 1
 * costs. Filters narrow inside that order; the text search is a
 * case-insensitive substring match on prompt_text, evaluated while walking the
 * index within the time range (it stops as soon as a page is full).
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
  if (search.q) where.push(ilike(traces.promptText, likePattern(search.q)));
  if (search.cursor) {
    where.push(sql`(${traces.startedAt}, ${traces.id}) < (${search.cursor.startedAt.toISOString()}::timestamptz, ${search.cursor.id}::uuid)`);
  }
  const select = (extra: SQL[], limit: number) =>
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
      .where(and(...where, ...extra))
      .orderBy(desc(traces.startedAt), desc(traces.id))
      .limit(limit);
  let rows: Awaited<ReturnType<typeof select>>;
  if (!search.q) {
    rows = await select([], search.limit + 1);
  } else {
    // A substring match cannot use an index, and over a wide range the planner scans every trace and sorts.
    // Searching newest-first in growing time windows keeps each query an index range on
    // (project_id, started_at) and stops once the page is full.
    rows = [];
    const anchor = (search.cursor?.startedAt ?? search.to ?? new Date()).getTime();
    // 1 h, 4 h, 16 h, … ≈ 1.9 years, then everything older: at most 4× the rows the page needed are read.
    const edges = Array.from({ length: 8 }, (_, i) => new Date(anchor - 4 ** i * 3_600_000));
    for (let i = 0; i <= edges.length && rows.length <= search.limit; i++) {
      const upper = i === 0 ? undefined : edges[i - 1];
      const lower = edges[i];
      if (upper && search.from && upper <= search.from) break;
      const window: SQL[] = [];
      if (lower) window.push(gte(traces.startedAt, lower));
      if (upper) window.push(lt(traces.startedAt, upper));
      rows.push(...(await select(window, search.limit + 1 - rows.length)));
    }
  }
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
