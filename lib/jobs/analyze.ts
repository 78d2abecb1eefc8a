import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import type { PeriodicTask } from "./runner";

/** Tables written by ingest and the jobs; the ones whose plans matter most. */
const WATCHED = ["traces", "trace_keys", "scores", "embedding_backlog", "eval_backlog", "embeddings", "hourly_rollups"];
/** Above this many rows (by the last ANALYZE) PostgreSQL's autovacuum is left to it. */
const SMALL_TABLE = 100_000;

/**
 * The statistics target `traces` is analyzed with on the embedded database. At the default (100)
 * ANALYZE samples 30,000 rows and builds statistics of every prompt and response in them: 0.55 s for
 * `traces` at 20,000 rows and 2 s at 35,000 (measured on a shared 2-core machine), a statement during
 * which PGlite answers no request (an export waited up to 1 s for it in the load benchmark). At 10 it
 * samples 3,000 rows: 0.08 s at 20,000, with histograms of 10 buckets and the 10 most common values
 * per column — enough for the plans an embedded database makes. The PostgreSQL server analyzes on
 * other connections and keeps the default.
 */
export const PGLITE_TRACES_STATISTICS_TARGET = 10;

/**
 * Keeps planner statistics of young tables current. Without them PostgreSQL
 * keeps the plans it made for an empty table — notably the foreign-key checks
 * of every insert into scores and embeddings, which then scan `trace_keys` in
 * full and make ingest slower with every row. `traces` is partitioned (relkind
 * 'p'): ANALYZE on it covers its partitions too, and autovacuum never analyzes
 * the parent itself. The server's autovacuum fixes that
 * after a while; the embedded PGlite has no autovacuum at all. So: a table
 * that has grown to more than twice its analyzed size (and by 200 rows) is
 * analyzed now.
 */
export async function analyzeGrowingTables(handle: DatabaseHandle): Promise<string[]> {
  const stats = await handle.query<{ relname: string; reltuples: number }>(
    `select relname, reltuples::float8 as reltuples from pg_class
      where relkind in ('r', 'p') and relnamespace = 'public'::regnamespace and relname = any($1::text[])`,
    [WATCHED],
  );
  const analyzed: string[] = [];
  for (const { relname, reltuples } of stats) {
    const known = Math.max(0, Number(reltuples));
    if (known >= SMALL_TABLE) continue;
    const cap = Math.ceil(2 * known) + 201;
    const [row] = await handle.query<{ n: number }>(`select count(*)::int as n from (select 1 from "${relname}" limit ${cap}) t`);
    if (Number(row?.n ?? 0) >= cap) {
      if (relname === "traces" && handle.driver === "pglite") {
        await handle.db.transaction(async (tx) => {
          await tx.execute(sql.raw(`set local default_statistics_target = ${PGLITE_TRACES_STATISTICS_TARGET}`));
          await tx.execute(sql.raw(`analyze "${relname}"`));
        });
      } else await handle.query(`analyze "${relname}"`);
      analyzed.push(relname);
    }
  }
  return analyzed;
}

export function analyzeTask(intervalMs = 15_000): PeriodicTask {
  return {
    name: "analyze",
    intervalMs,
    async run(handle) {
      await analyzeGrowingTables(handle);
      return false;
    },
  };
}
