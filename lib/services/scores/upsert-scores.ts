import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";

export type ScoreRow = {
  /** Driftline's trace id. */
  traceId: string;
  name: string;
  value: number;
  source: string;
  /** The client's score id, or null. */
  externalId: string | null;
  comment: string | null;
};

export type ScoreWrite = "created" | "updated";

type Executor = Pick<Database, "execute">;

/**
 * Writes scores onto stored traces. A trace holds one value per score name and
 * source — the latest: the same score sent again (a retry) or corrected (a
 * thumbs up turned down) replaces it, so the rollups count it once. A score id
 * names one score: sent again under another name or source, it replaces the
 * score it named instead of adding one. The score triggers (migrations 0006,
 * 0010) mark the trace's hour, so the overview's score KPIs follow.
 */
export async function upsertScores(db: Executor, projectId: string, input: ScoreRow[]): Promise<ScoreWrite[]> {
  if (input.length === 0) return [];
  // One row per (trace, name, source), the last one sent: a statement may not update a row twice.
  const last = new Map<string, number>();
  input.forEach((r, i) => last.set(`${r.traceId}\u0000${r.name}\u0000${r.source}`, i));
  const rows = [...last.values()].sort((a, b) => a - b).map((i) => input[i]!);
  const col = <T>(pick: (r: ScoreRow) => T) => sql.param(rows.map(pick));
  const unnested = sql`unnest(${col((r) => r.traceId)}::uuid[], ${col((r) => r.name)}::text[], ${col((r) => r.source)}::text[],
    ${col((r) => r.value)}::float8[], ${col((r) => r.externalId)}::text[], ${col((r) => r.comment)}::text[])
    as u(trace_id, name, source, value, external_id, comment)`;
  await db.execute(sql`delete from scores s using ${unnested}
    where s.project_id = ${projectId}::uuid and s.trace_id = u.trace_id and u.external_id is not null
      and s.external_id = u.external_id and (s.name, s.source) <> (u.name, u.source)`);
  const result = await db.execute(sql`insert into scores (project_id, trace_id, name, source, value, external_id, comment)
    select ${projectId}::uuid, u.trace_id, u.name, u.source, u.value, u.external_id, u.comment from ${unnested}
    on conflict (project_id, trace_id, name, source) do update
      set value = excluded.value, external_id = coalesce(excluded.external_id, scores.external_id),
          comment = coalesce(excluded.comment, scores.comment), created_at = now()
    returning trace_id, name, source, (xmax = 0) as created`);
  const created = new Map<string, boolean>();
  for (const r of (result as unknown as { rows: Array<{ trace_id: string; name: string; source: string; created: boolean }> }).rows) {
    created.set(`${r.trace_id}\u0000${r.name}\u0000${r.source}`, r.created);
  }
  return input.map((r) => (created.get(`${r.traceId}\u0000${r.name}\u0000${r.source}`) ? "created" : "updated"));
}
