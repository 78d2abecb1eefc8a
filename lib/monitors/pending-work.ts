import type { DatabaseHandle } from "@/db/client";

/**
 * Whether texts of traces that started before `horizon` still wait in the
 * project's embedding backlog (failed texts don't count: they never will be
 * embedded). A window computed before its texts are embedded would be stored
 * from part of its data, and a window's result is never recomputed — so such
 * windows wait. New traffic, which starts after the window, doesn't hold it up.
 */
export async function embeddingsPendingBefore(handle: DatabaseHandle, projectId: string, horizon: Date): Promise<boolean> {
  const [row] = await handle.query<{ pending: boolean }>(
    `select exists (select 1 from embedding_backlog b
                     join traces t on t.project_id = b.project_id and t.id = b.trace_id
                    where b.project_id = $1 and b.failed_at is null and t.started_at < $2)
         or exists (select 1 from trace_keys k where k.project_id = $1 and k.eval_pending and k.started_at < $2) as pending`,
    [projectId, horizon.toISOString()],
  );
  return Boolean(row?.pending);
}

/**
 * Whether traces that started before `horizon` still wait for an enabled
 * evaluator (given-up ones don't count), or to be queued for them at all
 * (`trace_keys.eval_pending`). Like embeddings, the scores an
 * evaluator writes belong in the window: a window computed before them would
 * be stored without them, and is never recomputed.
 */
export async function evaluationsPendingBefore(handle: DatabaseHandle, projectId: string, horizon: Date): Promise<boolean> {
  const [row] = await handle.query<{ pending: boolean }>(
    `select exists (select 1 from eval_backlog b
                     join evaluators e on e.project_id = b.project_id and e.id = b.evaluator_id and e.status = 'enabled'
                     join traces t on t.project_id = b.project_id and t.id = b.trace_id
                    where b.project_id = $1 and b.failed_at is null and t.started_at < $2)
         or exists (select 1 from trace_keys k where k.project_id = $1 and k.eval_pending and k.started_at < $2) as pending`,
    [projectId, horizon.toISOString()],
  );
  return Boolean(row?.pending);
}
