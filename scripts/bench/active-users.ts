/**
 * The overview's read model at the 10 M-trace shape, without the traces (issue 17): fills only the rollup
 * tables of a PostgreSQL database — 90 days of hours, 6 models × 3 routes, 5,000 users all active every day,
 * 3,000 of them in each hour — and times `getOverview` over the last 30 days in-process.
 *
 *   npx tsx scripts/bench/active-users.ts fill <database-url>   # creates and fills; the database must not exist
 *   npx tsx scripts/bench/active-users.ts time <database-url>   # 3 warm-ups + 20 runs, p50/p95
 *   npx tsx scripts/bench/active-users.ts reroll <database-url> # the rollup job re-rolling the last hour
 *   npx tsx scripts/bench/active-users.ts drop <database-url>
 *
 * `fill` also writes the tables the bitmaps replaced (hourly_active_users, daily_active_users, as migrations
 * 0005/0008 made them), then fills the bitmaps from them with migration 0023's own backfill statements, so
 * `time` run from a checkout of the code before 0023 (its `@/` imports resolve to that checkout) reads the
 * same activity the old way, against the same database.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { openDatabase } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { drainRollups, runRollupBatch } from "@/lib/jobs/rollup";
import { getOverview } from "@/lib/queries/overview";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { minimalTrace } from "../../testing/fixtures/trace";

const DAYS = 90;
const USERS = 5_000;
const PER_HOUR = 3_000;
const HOUR = 3_600_000;
// The data ends mid-day, like a dashboard opened at 14:xx: both 30-day periods have partial days at their edges.
const END = Date.parse("2026-12-01T15:00:00Z");
const START = END - DAYS * 24 * HOUR;

async function admin(url: string, statement: string) {
  const base = new URL(url);
  base.pathname = "/postgres";
  const client = new pg.Client({ connectionString: base.toString() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function fill(url: string) {
  const name = new URL(url).pathname.slice(1);
  await admin(url, `create database ${name}`);
  const handle = await openDatabase({ url, maxConnections: 2 });
  await runMigrations(handle);
  const q = (text: string, params: unknown[] = []) => handle.query(text, params);
  const t0 = Date.now();
  const [project] = await handle.query<{ id: string }>("insert into projects (slug, name) values ('bench', 'bench') returning id");
  const p = project!.id;
  const hours = `generate_series($2::timestamptz, $3::timestamptz - interval '1 hour', interval '1 hour')`;
  const span = [p, new Date(START).toISOString(), new Date(END).toISOString()];
  await q(
    `insert into hourly_rollups (project_id, hour, provider, model, route, requests, errors, refusals, input_tokens, output_tokens,
                                 cost_usd, latency_ms_sum, latency_count, latency_histogram)
     select $1, h, 'openai', 'model-' || m, 'route-' || r, 260, 5, 3, 52000, 78000, 0.9, 260 * 800, 260,
            (select array_agg(case when b between 30 and 45 then 16 else 0 end) from generate_series(0, 79) b)
       from ${hours} h, generate_series(1, 6) m, generate_series(1, 3) r`,
    span,
  );
  await q(
    `insert into hourly_score_rollups (project_id, hour, provider, model, route, name, count, sum)
     select $1, h, 'openai', 'model-' || m, 'route-' || r, 'helpfulness', 130, 97.5
       from ${hours} h, generate_series(1, 6) m, generate_series(1, 3) r`,
    span,
  );
  // The tables of migrations 0005/0008, which 0023 backfills from and drops.
  await q(`create table hourly_active_users (project_id uuid not null, hour timestamptz not null, user_id text not null,
                                             primary key (project_id, hour, user_id))`);
  await q(`create table daily_active_users (project_id uuid not null, day date not null, user_id text not null,
                                            primary key (project_id, day, user_id))`);
  // Hour k sees the 3,000 users from (1,000 × k) on, modulo 5,000: every user on every day.
  await q(
    `insert into hourly_active_users (project_id, hour, user_id)
     select $1, h, 'user-' || ((u + 1000 * (extract(epoch from h)::bigint / 3600)) % ${USERS})
       from ${hours} h, generate_series(0, ${PER_HOUR - 1}) u`,
    span,
  );
  await q(
    `insert into daily_active_users (project_id, day, user_id)
     select distinct project_id, (hour at time zone 'UTC')::date, user_id from hourly_active_users`,
  );
  // Migration 0023's backfill, statement for statement.
  const migration = readFileSync(path.resolve("db/migrations/0023_active_user_bitmaps.sql"), "utf8");
  for (const statement of migration.split("--> statement-breakpoint")) {
    const body = statement
      .split("\n")
      .filter((line) => !line.startsWith("--"))
      .join("\n")
      .trim();
    if (body.startsWith("INSERT INTO")) await q(body);
  }
  await q("vacuum analyze");
  const counts = await handle.query<Record<string, number>>(
    `select (select count(*) from hourly_rollups)::int as hourly_rollups, (select count(*) from hourly_active_users)::int as hourly_active_users,
            (select count(*) from daily_active_users)::int as daily_active_users, (select count(*) from active_user_hours)::int as active_user_hours,
            (select count(*) from active_user_days)::int as active_user_days`,
  );
  console.log(`filled in ${((Date.now() - t0) / 1000).toFixed(0)} s:`, counts[0]);
  await handle.close();
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

async function time(url: string) {
  const handle = await openDatabase({ url, maxConnections: 8 });
  const [project] = await handle.query<{ id: string }>("select id from projects where slug = 'bench'");
  const period = { from: new Date(END - 30 * 24 * HOUR), to: new Date(END) };
  // The bitmaps' module exists only in a checkout with migration 0023.
  const reads = (await import("@/lib/queries/active-user-bitmaps").then(() => true).catch(() => false)) ? "bitmaps" : "union";
  const times: number[] = [];
  let last;
  for (let i = 0; i < 23; i++) {
    const t0 = performance.now();
    last = await getOverview(handle.db, project!.id, period);
    if (i >= 3) times.push(performance.now() - t0);
  }
  console.log(
    `${reads}: overview p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms ` +
      `(active users ${last!.current.activeUsers} / previous ${last!.previous.activeUsers}, requests ${last!.current.requests})`,
  );
  await handle.close();
}

/**
 * The write side: the last hour gets 4,600 traces of its 3,000 users (10 M / 2,160 hours) once, then is marked
 * dirty and re-rolled 5 times (the rollup job re-rolls the current hour every few seconds while traces arrive).
 */
async function reroll(url: string) {
  const handle = await openDatabase({ url, maxConnections: 2 });
  const [project] = await handle.query<{ id: string }>("select id from projects where slug = 'bench'");
  const projectId = project!.id;
  const hour = new Date(END - HOUR);
  const [row] = await handle.query<{ n: number }>("select count(*)::int as n from traces where project_id = $1", [projectId]);
  if (row!.n === 0) {
    const k = (END - HOUR) / HOUR;
    const traces = Array.from({ length: 4_600 }, (_, i) =>
      minimalTrace(`bench-${i}`, {
        timestamp: new Date(hour.getTime() + Math.floor((i / 4_600) * HOUR)),
        userId: `user-${((i % PER_HOUR) + 1000 * k) % USERS}`,
      }),
    );
    for (let i = 0; i < traces.length; i += 500) await recordTraces(handle.db, { projectId, traces: traces.slice(i, i + 500) });
  }
  await drainRollups(handle.db);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    await handle.query("insert into rollup_dirty_hours (project_id, hour) values ($1, $2)", [projectId, hour.toISOString()]);
    const t0 = performance.now();
    await runRollupBatch(handle.db);
    times.push(performance.now() - t0);
  }
  const reads = (await import("@/lib/queries/active-user-bitmaps").then(() => true).catch(() => false)) ? "bitmaps" : "union";
  console.log(`${reads}: re-rolling an hour of 4,600 traces and 3,000 users, median of 5: ${quantile(times, 0.5).toFixed(0)} ms`);
  await handle.close();
}

const [mode, url] = process.argv.slice(2);
if (!url) throw new Error("usage: active-users.ts fill|time|drop <database-url>");
if (mode === "fill") await fill(url);
else if (mode === "time") await time(url);
else if (mode === "reroll") await reroll(url);
else if (mode === "drop") await admin(url, `drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
else throw new Error(`unknown mode ${mode}`);
