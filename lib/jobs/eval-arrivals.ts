import type { DatabaseHandle } from "@/db/client";
import { EVALUATOR_MATCHES_TRACE } from "@/lib/services/evaluators/evaluator-sql";

export type ArrivalStats = { traces: number; queued: number };

/**
 * Queues newly stored traces for the project's evaluators. Ingest only flags
 * a trace's key (`trace_keys.eval_pending`, set when the project had an
 * enabled evaluator; lib/services/traces/record-traces.ts); here up to
 * `limit` flagged keys are taken oldest first, per project (`FOR NO KEY
 * UPDATE SKIP LOCKED`, so workers share them and a score's key-share lock on
 * the same key does not block), their flag cleared, and one `eval_backlog`
 * row inserted for every enabled evaluator whose segment and sample take the
 * trace — all in one statement, so a crash queues a trace either wholly or
 * not at all and it is never queued twice (`on conflict do nothing` keeps a
 * backfill's row, and a trace a backfill already scored is not queued again). An evaluator enabled between a trace's arrival and this
 * step takes it too; one paused meanwhile does not.
 */
export async function queueArrivedTraces(handle: DatabaseHandle, options: { limit: number }): Promise<ArrivalStats> {
  const owners = await handle.query<{ project_id: string }>(
    `select p.id as project_id from projects p where exists (select 1 from trace_keys k where k.project_id = p.id and k.eval_pending)`,
  );
  const total: ArrivalStats = { traces: 0, queued: 0 };
  for (const { project_id: projectId } of owners) {
    const room = options.limit - total.traces;
    if (room <= 0) break;
    const [row] = await handle.query<ArrivalStats>(
      `with due as (
         select k.project_id, k.id from trace_keys k
          where k.project_id = $1 and k.eval_pending
          order by k.started_at limit $2
          for no key update of k skip locked),
       arrived as (
         update trace_keys k set eval_pending = false from due
          where k.project_id = due.project_id and k.id = due.id
          returning k.project_id, k.id, k.started_at),
       queued as (
         insert into eval_backlog (project_id, trace_id, evaluator_id)
         select t.project_id, t.id, e.id
           from arrived a
           join traces t on t.project_id = a.project_id and t.id = a.id and t.started_at = a.started_at
           join evaluators e on e.project_id = t.project_id and e.status = 'enabled'
          where ${EVALUATOR_MATCHES_TRACE("e", "t")}
            and not exists (select 1 from scores s where s.project_id = t.project_id and s.trace_id = t.id and s.evaluator_id = e.id)
          order by t.id, e.id
         on conflict do nothing
         returning 1)
       select (select count(*) from arrived)::int as traces, (select count(*) from queued)::int as queued`,
      [projectId, room],
    );
    total.traces += Number(row?.traces ?? 0);
    total.queued += Number(row?.queued ?? 0);
  }
  return total;
}

/** Whether any stored trace still waits to be queued for its project's evaluators. */
export const ARRIVALS_WAITING = `exists (select 1 from trace_keys k where k.eval_pending)`;
