import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { projects } from "@/db/schema";
import { ensureTracePartitions, monthStart, tracePartitions } from "@/lib/jobs/partitions";
import { runRetentionBatch } from "@/lib/jobs/retention";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { minimalTrace } from "../../testing/fixtures/trace";
import { createScratchDatabase } from "../../testing/scratch-database";
import { dbTargets } from "./targets";

// Traces are partitioned by month of started_at (migration 0019, lib/jobs/partitions.ts); the client's id
// stays unique across partitions through trace_keys; retention drops whole expired months.

const DAY = 86_400_000;
const partitionName = (at: Date) => {
  const m = monthStart(at);
  return `traces_${m.getUTCFullYear()}_${String(m.getUTCMonth() + 1).padStart(2, "0")}`;
};

async function partitionOf(handle: DatabaseHandle, projectId: string, externalId: string): Promise<string | undefined> {
  const rows = await handle.query<{ part: string }>("select tableoid::regclass::text as part from traces where project_id = $1 and external_id = $2", [
    projectId,
    externalId,
  ]);
  return rows[0]?.part;
}

async function count(handle: DatabaseHandle, sql: string, params: unknown[]): Promise<number> {
  const rows = await handle.query<{ n: number }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

describe.each(dbTargets())("partitioned traces on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  const now = new Date();
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  it("has this month's and the next two months' partitions from the migration, and the job adds more ahead once", async () => {
    const names = (await tracePartitions(handle)).map((p) => p.name);
    for (let i = 0; i <= 2; i++) expect(names).toContain(partitionName(monthStart(now, i)));
    expect(await ensureTracePartitions(handle, { now, ahead: 2 })).toEqual([]);
    expect(await ensureTracePartitions(handle, { now, ahead: 4 })).toEqual([partitionName(monthStart(now, 3)), partitionName(monthStart(now, 4))]);
    expect(await ensureTracePartitions(handle, { now, ahead: 4 })).toEqual([]);
    const [def] = await handle.query<{ n: number }>("select count(*)::int as n from pg_inherits where inhrelid = 'traces_default'::regclass");
    expect(Number(def!.n)).toBe(1);
  });

  it("routes a trace to its month, one with no month to the default partition, and moves it when its month is made", async () => {
    const [project] = await handle.db.insert(projects).values({ slug: "route", name: "route" }).returning();
    const old = new Date(now.getTime() - 400 * DAY);
    await recordTraces(handle.db, {
      projectId: project!.id,
      traces: [minimalTrace("now", { timestamp: now }), minimalTrace("old", { timestamp: old })],
    });
    expect(await partitionOf(handle, project!.id, "now")).toBe(partitionName(now));
    expect(await partitionOf(handle, project!.id, "old")).toBe("traces_default");
    expect(await ensureTracePartitions(handle, { now: old, ahead: 0 })).toEqual([partitionName(old)]);
    expect(await partitionOf(handle, project!.id, "old")).toBe(partitionName(old));
    expect(await count(handle, "select count(*)::int as n from traces_default where project_id = $1", [project!.id])).toBe(0);
  });

  it("stores a client's id once even when it comes again with a start in another month", async () => {
    const [project] = await handle.db.insert(projects).values({ slug: "idem", name: "idem" }).returning();
    const first = await recordTraces(handle.db, { projectId: project!.id, traces: [minimalTrace("same", { timestamp: now, scores: { q: 1 } })] });
    expect(first[0]!.status).toBe("accepted");
    const laterMonth = new Date(monthStart(now, 1).getTime() + 3 * DAY);
    const earlierMonth = new Date(now.getTime() - 400 * DAY);
    for (const timestamp of [laterMonth, earlierMonth, now]) {
      const again = await recordTraces(handle.db, { projectId: project!.id, traces: [minimalTrace("same", { timestamp, scores: { q: 0 } })] });
      expect(again[0]!.status).toBe("duplicate");
    }
    // Concurrent batches with the same id in different months: exactly one is accepted.
    const racing = await Promise.all(
      [now, laterMonth, earlierMonth].map((timestamp) => recordTraces(handle.db, { projectId: project!.id, traces: [minimalTrace("race", { timestamp })] })),
    );
    expect(racing.flat().filter((o) => o.status === "accepted")).toHaveLength(1);
    expect(await count(handle, "select count(*)::int as n from traces where project_id = $1 and external_id = 'same'", [project!.id])).toBe(1);
    expect(await count(handle, "select count(*)::int as n from traces where project_id = $1 and external_id = 'race'", [project!.id])).toBe(1);
    expect(await count(handle, "select count(*)::int as n from trace_keys where project_id = $1", [project!.id])).toBe(2);
    const [score] = await handle.query<{ value: number }>("select value from scores where project_id = $1", [project!.id]);
    expect(Number(score!.value)).toBe(1);
    // Every trace has its key: same id and start.
    expect(
      await count(
        handle,
        `select count(*)::int as n from traces t join trace_keys k on k.project_id = t.project_id and k.id = t.id and k.started_at = t.started_at
          where t.project_id = $1`,
        [project!.id],
      ),
    ).toBe(2);
  });

  it("drops a month wholly past every owner's horizon, deletes the rest past it by rows, and keeps what is not", async () => {
    const [kept] = await handle.db.insert(projects).values({ slug: "forever", name: "forever" }).returning();
    const [ret] = await handle.db.insert(projects).values({ slug: "ret", name: "ret", retentionDays: 40 }).returning();
    // Other projects on this database keep their traces forever; give them a retention far back.
    await handle.query("update projects set retention_days = 3650 where id not in ($1, $2)", [kept!.id, ret!.id]);
    const at = (days: number) => new Date(now.getTime() - days * DAY);
    const dropped = at(120);
    const shared = at(220);
    for (const when of [dropped, shared]) await ensureTracePartitions(handle, { now: when, ahead: 0 });
    await recordTraces(handle.db, {
      projectId: ret!.id,
      traces: [
        minimalTrace("d1", { timestamp: dropped, scores: { q: 1 } }),
        minimalTrace("d2", { timestamp: new Date(dropped.getTime() + 60_000) }),
        minimalTrace("shared", { timestamp: shared, scores: { q: 1 } }),
        minimalTrace("straddle", { timestamp: at(45) }),
        minimalTrace("ancient", { timestamp: at(5000) }),
        minimalTrace("recent", { timestamp: at(1), scores: { q: 1 } }),
      ],
    });
    await recordTraces(handle.db, { projectId: kept!.id, traces: [minimalTrace("kept", { timestamp: shared })] });
    expect(await partitionOf(handle, ret!.id, "ancient")).toBe("traces_default");

    const first = await runRetentionBatch(handle, { now, batchSize: 50 });
    expect(first.droppedPartitions).toEqual([partitionName(dropped)]);
    const names = (await tracePartitions(handle)).map((p) => p.name);
    expect(names).not.toContain(partitionName(dropped));
    expect(names).toContain(partitionName(shared));
    expect(names).toContain(partitionName(now));
    for (;;) {
      const batch = await runRetentionBatch(handle, { now, batchSize: 1 });
      expect(batch.droppedPartitions).toEqual([]);
      if (batch.deleted === 0 && batch.deletedKeys === 0) break;
    }
    const left = await handle.query<{ external_id: string }>("select external_id from traces where project_id = $1 order by 1", [ret!.id]);
    expect(left.map((r) => r.external_id)).toEqual(["recent"]);
    const keys = await handle.query<{ external_id: string }>("select external_id from trace_keys where project_id = $1 order by 1", [ret!.id]);
    expect(keys.map((r) => r.external_id)).toEqual(["recent"]);
    expect(await count(handle, "select count(*)::int as n from scores where project_id = $1", [ret!.id])).toBe(1);
    expect(await count(handle, "select count(*)::int as n from embedding_backlog where project_id = $1", [ret!.id])).toBe(2);
    expect(await partitionOf(handle, kept!.id, "kept")).toBe(partitionName(shared));
    // Ingest still lands after a drop, in the dropped month too (in the default partition).
    const again = await recordTraces(handle.db, { projectId: kept!.id, traces: [minimalTrace("late", { timestamp: dropped })] });
    expect(again[0]!.status).toBe("accepted");
    expect(await partitionOf(handle, kept!.id, "late")).toBe("traces_default");
  });
});

/** The migration converts a database that already holds traces, scores and embeddings' backlog. */
describe.each(dbTargets().map((t) => t.name))("migration 0019 on a populated %s database", (engine) => {
  let handle: (DatabaseHandle & { dispose(): Promise<void> }) | undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), "driftline-migrations-"));
  const saved = process.env.DRIFTLINE_MIGRATIONS_DIR;
  afterAll(async () => {
    await handle?.dispose();
    if (saved === undefined) delete process.env.DRIFTLINE_MIGRATIONS_DIR;
    else process.env.DRIFTLINE_MIGRATIONS_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every trace, score and key, with partitions for the months that hold traces", async () => {
    const real = path.resolve(process.cwd(), "db/migrations");
    cpSync(real, dir, { recursive: true });
    const journal = JSON.parse(readFileSync(path.join(real, "meta/_journal.json"), "utf8")) as { entries: Array<{ tag: string }> };
    const at = journal.entries.findIndex((e) => e.tag.endsWith("_partition_traces"));
    expect(at).toBeGreaterThan(0);
    writeFileSync(path.join(dir, "meta/_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
    process.env.DRIFTLINE_MIGRATIONS_DIR = dir;

    if (engine === "pglite") {
      const opened = await openDatabase({ dataDir: "memory://" });
      handle = { ...opened, dispose: () => opened.close() };
    } else {
      const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, "driftline_test");
      const opened = await openDatabase({ url: scratch.url, maxConnections: 4 });
      handle = {
        ...opened,
        async dispose() {
          await opened.close();
          await scratch.drop();
        },
      };
    }
    await runMigrations(handle);
    const [project] = await handle.query<{ id: string }>("insert into projects (slug, name) values ('old', 'old') returning id");
    const pid = project!.id;
    // 300 traces over the last ~150 days, each with a score; one from long ago.
    await handle.query(
      `insert into traces (project_id, external_id, started_at, model, prompt_text)
       select $1, 'c-' || g, now() - (g * interval '12 hours'), 'm', 'p' from generate_series(1, 300) g`,
      [pid],
    );
    await handle.query("insert into traces (project_id, external_id, started_at, model) values ($1, 'ancient', now() - interval '3000 days', 'm')", [pid]);
    await handle.query("insert into scores (project_id, trace_id, name, value) select project_id, id, 'q', 1 from traces where project_id = $1", [pid]);
    await handle.query("insert into embedding_backlog (project_id, trace_id, kind) select project_id, id, 'prompt' from traces where project_id = $1 and prompt_text is not null", [pid]);
    const before = await handle.query<{ id: string; external_id: string; started_at: string }>(
      "select id::text, external_id, started_at::text from traces where project_id = $1 order by external_id",
      [pid],
    );

    process.env.DRIFTLINE_MIGRATIONS_DIR = real;
    await runMigrations(handle);
    const after = await handle.query<{ id: string; external_id: string; started_at: string }>(
      "select id::text, external_id, started_at::text from traces where project_id = $1 order by external_id",
      [pid],
    );
    expect(after).toEqual(before);
    expect(await count(handle, "select count(*)::int as n from trace_keys where project_id = $1", [pid])).toBe(301);
    expect(await count(handle, "select count(*)::int as n from scores where project_id = $1", [pid])).toBe(301);
    expect(await count(handle, "select count(*)::int as n from embedding_backlog where project_id = $1", [pid])).toBe(300);
    const [relkind] = await handle.query<{ relkind: string }>("select relkind::text from pg_class where oid = 'traces'::regclass");
    expect(relkind!.relkind).toBe("p");
    // Every month of the last 150 days has its partition; the ancient trace sits in the default one.
    const names = (await tracePartitions(handle)).map((p) => p.name);
    for (let d = 0; d <= 150; d += 10) expect(names).toContain(partitionName(new Date(Date.now() - d * DAY)));
    expect(await partitionOf(handle, pid, "ancient")).toBe("traces_default");
    expect(await count(handle, "select count(*)::int as n from traces_default", [])).toBe(1);
    // Re-sent ids are still duplicates; new ones land.
    await handle.query("delete from rollup_dirty_hours");
    const outcomes = await recordTraces(handle.db, {
      projectId: pid,
      traces: [minimalTrace("c-7", { timestamp: new Date() }), minimalTrace("fresh", { timestamp: new Date() })],
    });
    expect(outcomes.map((o) => o.status)).toEqual(["duplicate", "accepted"]);
    // The rollup triggers came back: a new trace marks its hour.
    expect(await count(handle, "select count(*)::int as n from rollup_dirty_hours where project_id = $1", [pid])).toBeGreaterThan(0);
    // Deleting the project removes everything.
    await handle.query("delete from projects where id = $1", [pid]);
    expect(await count(handle, "select count(*)::int as n from traces", [])).toBe(0);
    expect(await count(handle, "select count(*)::int as n from trace_keys", [])).toBe(0);
  });
});
