import { sql } from "drizzle-orm";
import type { Database, DatabaseHandle } from "@/db/client";
import { LATENCY_BUCKET_COUNT, latencyBucketSql } from "@/lib/queries/latency-buckets";
import type { PeriodicTask } from "./runner";

export type RollupStats = { claimed: number; hours: number };

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

async function rows<T>(tx: Tx, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = await tx.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}

const BUCKET = latencyBucketSql("t.latency_ms");
const LAST_BUCKET = LATENCY_BUCKET_COUNT - 1;

/**
 * One pass of the rollup job: claims up to `limit` dirty-hour marks (written
 * by triggers on traces and scores, see db/schema/rollups.ts), and recomputes
 * those hours from the traces in the same transaction — replacing their
 * rollup rows, never adding to them, so a repeated or overlapping run cannot
 * double count.
 *
 * Several workers share the queue: marks are claimed with `FOR UPDATE SKIP
 * LOCKED`, and each hour is recomputed under a transaction-level advisory
 * lock, so two workers that claimed marks of the same hour take turns, the
 * second recomputing from a snapshot that includes the first one's commit.
 */
export async function runRollupBatch(db: Database, options: { limit?: number } = {}): Promise<RollupStats> {
  const limit = Math.max(1, Math.min(10_000, Math.floor(options.limit ?? 500)));
  return db.transaction(async (tx) => {
    const claimed = await rows<{ project_id: string; hour: string | Date }>(
      tx,
      // The hours of the oldest `limit` marks, with every committed mark of those hours (a backfill or a
      // busy hour leaves many), so each hour is recomputed once per pass.
      sql`delete from rollup_dirty_hours where id in (
            select id from rollup_dirty_hours
             where (project_id, hour) in (select project_id, hour from rollup_dirty_hours order by id limit ${limit})
             for update skip locked)
          returning project_id, hour`,
    );
    if (claimed.length === 0) return { claimed: 0, hours: 0 };
    // The planner cannot size the claimed-hours list, overestimates, and would JIT-compile the statements
    // for ~0.5 s each — many times what one hour's recomputation costs.
    await tx.execute(sql.raw("set local jit = off"));
    const unique = new Map<string, { project_id: string; hour: string }>();
    for (const row of claimed) {
      const hour = new Date(row.hour).toISOString();
      unique.set(`${row.project_id}|${hour}`, { project_id: row.project_id, hour });
    }
    // Sorted, so two workers lock overlapping hours in the same order and never deadlock.
    const hours = [...unique.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
    const json = JSON.stringify(hours);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('driftline-rollup|' || h.project_id || '|' || h.hour, 0))
      from jsonb_to_recordset(${json}::jsonb) as h(project_id text, hour text) order by h.project_id, h.hour`);

    const claimedHours = sql`(select * from jsonb_to_recordset(${json}::jsonb) as h(project_id uuid, hour timestamptz))`;
    for (const table of ["hourly_rollups", "hourly_score_rollups", "hourly_tag_rollups"]) {
      await tx.execute(sql`delete from ${sql.identifier(table)} r using ${claimedHours} h
        where r.project_id = h.project_id and r.hour = h.hour`);
    }
    const scoped = sql`with h as ${claimedHours},
      t as (
        -- LATERAL + OFFSET 0 (which stops the planner flattening it): one index range scan on
        -- (project_id, started_at) per claimed hour. As a plain join the planner hash-joins on project_id
        -- and tests every trace of the project against every claimed hour.
        select t.project_id, t.id, h.hour, coalesce(t.provider, '') as provider, coalesce(t.model, '') as model,
               coalesce(t.route, '') as route, t.status, t.refused, t.input_tokens, t.output_tokens, t.cost_usd,
               t.latency_ms, t.tags, t.user_id, ${sql.raw(BUCKET)} as bucket
          from h cross join lateral (
            select * from traces t where t.project_id = h.project_id and t.started_at >= h.hour
               and t.started_at < h.hour + interval '1 hour' offset 0) t)`;

    await tx.execute(sql`${scoped},
      k as (
        select project_id, hour, provider, model, route, count(*)::int as requests,
               count(*) filter (where status = 'error')::int as errors, count(*) filter (where refused)::int as refusals,
               coalesce(sum(input_tokens), 0)::bigint as input_tokens, coalesce(sum(output_tokens), 0)::bigint as output_tokens,
               coalesce(sum(cost_usd), 0)::float8 as cost_usd, coalesce(sum(latency_ms), 0)::float8 as latency_ms_sum,
               count(latency_ms)::int as latency_count
          from t group by 1, 2, 3, 4, 5),
      b as (select project_id, hour, provider, model, route, bucket, count(*)::int as n from t
             where bucket is not null group by 1, 2, 3, 4, 5, 6),
      d as (
        select k.project_id, k.hour, k.provider, k.model, k.route, array_agg(coalesce(b.n, 0) order by gs.i) as hist
          from k cross join generate_series(0, ${sql.raw(String(LAST_BUCKET))}) as gs(i)
          left join b on b.project_id = k.project_id and b.hour = k.hour and b.provider = k.provider
                     and b.model = k.model and b.route = k.route and b.bucket = gs.i
         group by 1, 2, 3, 4, 5)
      insert into hourly_rollups (project_id, hour, provider, model, route, requests, errors, refusals, input_tokens,
                                  output_tokens, cost_usd, latency_ms_sum, latency_count, latency_histogram, updated_at)
      select k.project_id, k.hour, k.provider, k.model, k.route, k.requests, k.errors, k.refusals, k.input_tokens,
             k.output_tokens, k.cost_usd, k.latency_ms_sum, k.latency_count, d.hist, now()
        from k join d using (project_id, hour, provider, model, route)`);

    await tx.execute(sql`${scoped},
      tt as (select t.*, tag from t cross join lateral unnest(t.tags) as tag),
      k as (
        select project_id, hour, tag, count(*)::int as requests, count(*) filter (where status = 'error')::int as errors,
               count(*) filter (where refused)::int as refusals, coalesce(sum(cost_usd), 0)::float8 as cost_usd,
               coalesce(sum(latency_ms), 0)::float8 as latency_ms_sum, count(latency_ms)::int as latency_count
          from tt group by 1, 2, 3),
      b as (select project_id, hour, tag, bucket, count(*)::int as n from tt where bucket is not null group by 1, 2, 3, 4),
      d as (
        select k.project_id, k.hour, k.tag, array_agg(coalesce(b.n, 0) order by gs.i) as hist
          from k cross join generate_series(0, ${sql.raw(String(LAST_BUCKET))}) as gs(i)
          left join b on b.project_id = k.project_id and b.hour = k.hour and b.tag = k.tag and b.bucket = gs.i
         group by 1, 2, 3)
      insert into hourly_tag_rollups (project_id, hour, tag, requests, errors, refusals, cost_usd, latency_ms_sum,
                                      latency_count, latency_histogram)
      select k.project_id, k.hour, k.tag, k.requests, k.errors, k.refusals, k.cost_usd, k.latency_ms_sum, k.latency_count, d.hist
        from k join d using (project_id, hour, tag)`);

    await tx.execute(sql`${scoped}
      insert into hourly_score_rollups (project_id, hour, provider, model, route, name, count, sum)
      select t.project_id, t.hour, t.provider, t.model, t.route, s.name, count(*)::int, sum(s.value)::float8
        from t join scores s on s.project_id = t.project_id and s.trace_id = t.id
       group by 1, 2, 3, 4, 5, 6`);

    // Active users (db/schema/rollups.ts). A claimed hour's bit is replaced for every user of its day: set where
    // the user has a trace in it, cleared where no longer. A day's bit in its 64-day block is only ever set: a
    // user stays counted for a day once seen (retention clears the days past the horizon). Only rows whose bits
    // change are written, so re-rolling the current hour every few seconds writes only its new users.
    const days = claimedDays(hours);
    // Two workers re-rolling different hours of one day would write the same user rows in different
    // statements: one lock per day (sorted, after the hour locks) makes them take turns instead of deadlocking.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('driftline-active-users|' || d.project_id || '|' || d.day, 0))
      from jsonb_to_recordset(${days}::jsonb) as d(project_id text, day text) order by d.project_id, d.day`);
    await tx.execute(sql`${scoped},
      c as (select * from jsonb_to_recordset(${days}::jsonb) as c(project_id uuid, day date, mask int)),
      s as (
        select project_id, (hour at time zone 'UTC')::date as day, user_id,
               bit_or(1 << extract(hour from hour at time zone 'UTC')::int) as seen
          from t where user_id is not null group by 1, 2, 3),
      had as (
        select u.project_id, u.day, u.user_id, u.hours & c.mask as had
          from c join active_user_hours u on u.project_id = c.project_id and u.day = c.day
         where u.hours & c.mask <> 0),
      x as (
        select coalesce(s.project_id, had.project_id) as project_id, coalesce(s.day, had.day) as day,
               coalesce(s.user_id, had.user_id) as user_id, coalesce(s.seen, 0) as seen
          from s full join had on had.project_id = s.project_id and had.day = s.day and had.user_id = s.user_id
         where coalesce(s.seen, 0) <> coalesce(had.had, 0)),
      n as (
        select project_id, floor((day - date '1970-01-01') / 64.0)::int as block, user_id,
               bit_or(1::bigint << (((day - date '1970-01-01') % 64 + 64) % 64)) as days
          from s group by 1, 2, 3),
      blocks as (
        insert into active_user_days (project_id, block, user_id, days)
        select n.project_id, n.block, n.user_id, n.days from n
         where not exists (select 1 from active_user_days a where a.project_id = n.project_id and a.block = n.block
                                                              and a.user_id = n.user_id and a.days & n.days = n.days)
         order by 1, 2, 3
        on conflict (project_id, block, user_id) do update set days = active_user_days.days | excluded.days)
      insert into active_user_hours (project_id, day, user_id, hours)
      select project_id, day, user_id, seen from x order by 1, 2, 3
      on conflict (project_id, day, user_id) do update
        set hours = (active_user_hours.hours & ~(select c.mask from c where c.project_id = excluded.project_id and c.day = excluded.day))
                    | excluded.hours`);

    return { claimed: claimed.length, hours: hours.length };
  });
}

/** The claimed hours as one mask of hours per project and UTC day, sorted (the order the day locks are taken in). */
function claimedDays(hours: { project_id: string; hour: string }[]): string {
  const days = new Map<string, { project_id: string; day: string; mask: number }>();
  for (const { project_id, hour } of hours) {
    const day = hour.slice(0, 10);
    const entry = days.get(`${project_id}|${day}`) ?? { project_id, day, mask: 0 };
    entry.mask |= 1 << new Date(hour).getUTCHours();
    days.set(`${project_id}|${day}`, entry);
  }
  return JSON.stringify([...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v));
}

/** Runs batches until no dirty hour is left (tests, the benchmark, a backfill). */
export async function drainRollups(db: Database, options: { limit?: number } = {}): Promise<RollupStats> {
  const total = { claimed: 0, hours: 0 };
  for (;;) {
    const stats = await runRollupBatch(db, options);
    if (stats.claimed === 0) return total;
    total.claimed += stats.claimed;
    total.hours += stats.hours;
  }
}

/**
 * Marks a pass of the server's task claims on the embedded database: its transaction holds the one
 * connection, which requests wait for, so a pass stays short (500 marks took up to 2.3 s while a fresh demo's
 * evaluation scores marked every hour of its month). Passes follow each other at once while marks remain.
 */
const PGLITE_ROLLUP_LIMIT = 48;

/** Keeps the hourly rollups current: a pass every few seconds, at once again while marks remain. */
export function rollupTask(options: { intervalMs?: number; limit?: number } = {}): PeriodicTask {
  return {
    name: "rollup",
    intervalMs: options.intervalMs ?? 5_000,
    async run(handle: DatabaseHandle) {
      const stats = await runRollupBatch(handle.db, { limit: options.limit ?? (handle.driver === "pglite" ? PGLITE_ROLLUP_LIMIT : undefined) });
      return stats.claimed > 0;
    },
  };
}
