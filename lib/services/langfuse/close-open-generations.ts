import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { parseRedactionSetting } from "@/lib/ingest/redact";
import { lockLangfuseTraces, rows, writeGenerations, type GenerationRow } from "./write-generations";

/** A generation with no end is written as it stands once no event has touched it for this long. */
export const OPEN_GENERATION_WAIT_MS = 10 * 60_000;
/** Staging rows are kept this long after their last event, for late updates and scores. */
export const LANGFUSE_STAGING_DAYS = 7;

export type CloseStats = { written: number; removed: number };

/**
 * Generations that never got an end (an SDK that never called `end()`, a
 * process that died mid-call) are still calls: after the wait they are written
 * with what arrived (no latency), so no valid event is lost. Rows are claimed
 * with SKIP LOCKED, so several workers share the work. Staging rows older than
 * `LANGFUSE_STAGING_DAYS` are removed.
 */
export async function closeOpenGenerations(
  handle: DatabaseHandle,
  options: { olderThanMs?: number; now?: Date; limit?: number } = {},
): Promise<CloseStats> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - (options.olderThanMs ?? OPEN_GENERATION_WAIT_MS)).toISOString();
  const limit = Math.max(1, Math.min(10_000, options.limit ?? 500));
  const projects = await handle.query<{ project_id: string; redaction: string }>(
    `select p.id as project_id, p.redaction from projects p
      where exists (select 1 from langfuse_generations g where g.project_id = p.id and g.written_trace_id is null and g.updated_at < $1)`,
    [cutoff],
  );
  let written = 0;
  for (const project of projects) {
    written += await handle.db.transaction(async (tx) => {
      // Traces first, then generations: the order every ingest request locks them in.
      const candidates = await rows<{ trace_id: string }>(
        tx,
        sql`select distinct trace_id from (select trace_id from langfuse_generations
             where project_id = ${project.project_id}::uuid and written_trace_id is null and updated_at < ${cutoff}::timestamptz
             order by id limit ${limit}) g`,
      );
      await lockLangfuseTraces(tx, project.project_id, candidates.map((c) => c.trace_id), []);
      const open = await rows<GenerationRow>(
        tx,
        sql`select id, trace_id, fields, scores, written_trace_id from langfuse_generations
             where project_id = ${project.project_id}::uuid and written_trace_id is null and updated_at < ${cutoff}::timestamptz
             order by id limit ${limit} for update skip locked`,
      );
      const outcomes = await writeGenerations(tx, { projectId: project.project_id, redaction: parseRedactionSetting(project.redaction) }, open);
      const conflicts = outcomes.flatMap((o) => ("conflict" in o ? [o.id] : []));
      if (conflicts.length > 0) {
        // Its id belongs to a trace sent another way (the request that staged it was answered 409).
        console.warn(`[driftline] langfuse: ${conflicts.length} open generation(s) not written, their ids are taken by other traces`);
        await tx.execute(sql`delete from langfuse_generations where project_id = ${project.project_id}::uuid and id = any(${sql.param(conflicts)}::text[])`);
      }
      return outcomes.length - conflicts.length;
    });
  }
  const expired = new Date(now.getTime() - LANGFUSE_STAGING_DAYS * 86_400_000).toISOString();
  const gone = await handle.query<{ n: number; scores: number }>(
    `with g as (delete from langfuse_generations where written_trace_id is not null and updated_at < $1 returning 1),
          t as (delete from langfuse_traces l where updated_at < $1
                  and not exists (select 1 from langfuse_generations g where g.project_id = l.project_id and g.trace_id = l.id)
                returning jsonb_array_length(scores) as scores)
     select (select count(*) from g)::int + (select count(*) from t)::int as n, coalesce((select sum(scores) from t), 0)::int as scores`,
    [expired],
  );
  const expiredScores = Number(gone[0]?.scores ?? 0);
  if (expiredScores > 0) {
    console.warn(`[driftline] langfuse: ${expiredScores} score(s) expired after ${LANGFUSE_STAGING_DAYS} days: no generation of their trace ever arrived`);
  }
  return { written, removed: Number(gone[0]?.n ?? 0) };
}
