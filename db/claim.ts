import type { DatabaseHandle } from "./client";

/** A table of background work whose rows are claimed with a lease (`locked_until`) by any number of workers. */
export type LeasedClaim = {
  /** The work table; `b` in every clause. */
  table: string;
  /** Joins after `from <table> b`, e.g. to keep only the rows of enabled evaluators. */
  join?: string;
  /** What makes a row due, over `b` and the joins; its parameters are `dueParams` as $1, $2, … */
  due: string;
  dueParams?: unknown[];
  /** The order rows are taken in (oldest work first). */
  orderBy: string;
  /** The SET list of the claiming update (the lease, an attempt counter); `param(i)` is the placeholder of `setParams[i]`. */
  set: (param: (i: number) => string) => string;
  setParams?: unknown[];
  /** The RETURNING list, over `b`. */
  returning: string;
  limit: number;
};

/**
 * Claims up to `limit` due rows of a work table, one project at a time: a
 * plain read finds the projects that have due rows (one index probe each),
 * then for each project one `UPDATE … FROM (SELECT … WHERE project_id = $p …
 * FOR UPDATE SKIP LOCKED)` sets the lease on its rows. Every project with due
 * work gets an equal share of the batch first (oldest rows first within it),
 * and the room its share left goes to the others: a project's large backlog
 * (the demo world, a backfill) never holds back the first traces of another. Row locks and the lease are what
 * they were in a single all-projects claim, so a row is still held by one
 * worker at a time; scoping each locking statement to one project is what
 * Citus needs (it takes row locks only in a statement routed to one shard,
 * and `project_id` is the distribution column).
 *
 * The update finds the locked rows by their tuple ids (a TID scan), not by a
 * join on the key: a work queue is often empty when ANALYZE samples it, and
 * with its statistics saying "no rows" the planner joined a 3,072-row backlog
 * to the 512 claimed keys by a nested loop (1.5 M comparisons, 300 ms a claim;
 * scripts/bench/evals.ts).
 */
export async function claimPerProject<T>(handle: DatabaseHandle, claim: LeasedClaim): Promise<T[]> {
  const dueParams = claim.dueParams ?? [];
  const d = dueParams.length;
  const from = `${claim.table} b${claim.join ? ` ${claim.join}` : ""}`;
  const owners = await handle.query<{ project_id: string }>(
    `select p.id as project_id from projects p where exists (select 1 from ${from} where b.project_id = p.id and ${claim.due})`,
    dueParams,
  );
  const projects = owners.map((r) => r.project_id);
  if (projects.length === 0) return [];
  const set = claim.set((i) => `$${d + 3 + i}`);
  const claimed: T[] = [];
  const take = async (projectId: string, count: number): Promise<number> => {
    const rows = await handle.query<T>(
      `with due as (
         select b.ctid as row_tid from ${from}
          where b.project_id = $${d + 1} and ${claim.due}
          order by ${claim.orderBy} limit $${d + 2}
          for update of b skip locked)
       update ${claim.table} b set ${set}
        where b.project_id = $${d + 1} and b.ctid = any (array(select row_tid from due))
       returning ${claim.returning}`,
      [...dueParams, projectId, count, ...(claim.setParams ?? [])],
    );
    claimed.push(...rows);
    return rows.length;
  };
  // First an equal share each; then what is left to the projects that filled theirs (they may have more).
  const share = Math.max(1, Math.ceil(claim.limit / projects.length));
  const more: string[] = [];
  for (const projectId of projects) {
    const room = Math.min(share, claim.limit - claimed.length);
    if (room <= 0) break;
    if ((await take(projectId, room)) === room) more.push(projectId);
  }
  for (const projectId of more) {
    const room = claim.limit - claimed.length;
    if (room <= 0) break;
    await take(projectId, room);
  }
  return claimed;
}
