import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minimalTrace } from "../../testing/fixtures/trace";
import type { DatabaseHandle } from "@/db/client";
import { projects } from "@/db/schema";
import { runRetentionBatch } from "@/lib/jobs/retention";
import { drainRollups } from "@/lib/jobs/rollup";
import { getOverview } from "@/lib/queries/overview";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { dbTargets } from "./targets";

// The active-user count reads bitmaps (db/schema/rollups.ts): whole days from 64-day blocks, the edges of a
// period from per-day hour masks. 2026-12-13 is the first day of a block (day 20,800 = 325 × 64).
const H = 3_600_000;
const DAY = 24 * H;
const BLOCK_START = Date.parse("2026-12-13T00:00:00Z");

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(dbTargets())("exact active users from bitmaps on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let projectId: string;
  let n = 0;
  const at = (ms: number, userId: string) => minimalTrace(`a-${n++}`, { timestamp: new Date(ms), userId });
  const record = async (traces: ReturnType<typeof at>[]) => {
    await recordTraces(handle.db, { projectId, traces });
    await drainRollups(handle.db);
  };
  const count = async (from: number, to: number) =>
    (await getOverview(handle.db, projectId, { from: new Date(from), to: new Date(to) })).current.activeUsers;
  const rawCount = async (from: number, to: number) => {
    const [row] = await handle.query<{ n: number }>(
      "select count(distinct user_id)::int as n from traces where project_id = $1 and started_at >= $2 and started_at < $3",
      [projectId, new Date(from).toISOString(), new Date(to).toISOString()],
    );
    return row!.n;
  };

  beforeAll(async () => {
    handle = await target.open();
    const [project] = await handle.db.insert(projects).values({ slug: "users", name: "users" }).returning();
    projectId = project!.id;
    // 400 traces of 30 users over the 16 days around the block boundary, at any minute of any hour.
    const next = random(17);
    const start = BLOCK_START - 8 * DAY;
    await record(Array.from({ length: 400 }, () => at(start + Math.floor(next() * 16 * DAY), `u-${Math.floor(next() * 30)}`)));
  });
  afterAll(async () => handle?.dispose());

  it("equals the distinct users of the traces for periods of any length, edge and block", async () => {
    const next = random(5);
    const periods: [number, number][] = [
      // Mid-day to mid-day across the block boundary: edges of 9 and 9 hours, whole days in both blocks.
      [BLOCK_START - 2 * DAY - 9 * H, BLOCK_START + 3 * DAY + 9 * H],
      [BLOCK_START - DAY, BLOCK_START + DAY],
      [BLOCK_START - H, BLOCK_START + H],
      [BLOCK_START + 5 * H, BLOCK_START + 6 * H],
      [BLOCK_START - 8 * DAY, BLOCK_START + 8 * DAY],
    ];
    for (let i = 0; i < 25; i++) {
      const from = BLOCK_START - 9 * DAY + Math.floor(next() * 17 * 24) * H;
      periods.push([from, from + (1 + Math.floor(next() * 10 * 24)) * H]);
    }
    for (const [from, to] of periods) {
      expect({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), n: await count(from, to) }).toEqual({
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        n: await rawCount(from, to),
      });
    }
  });

  it("counts users at the edges by the hour and once across both blocks", async () => {
    const from = BLOCK_START - 2 * DAY + 15 * H; // Dec 11 15:00
    const to = BLOCK_START + 3 * DAY + 9 * H; // Dec 16 09:00
    const before = await count(from, to);
    await record([
      at(from - 30 * 60_000, "x-before"), // 14:30, an hour before the period
      at(from + 30 * 60_000, "x-edge-start"),
      at(BLOCK_START - DAY + 3 * H, "x-both"), // Dec 12, block 324
      at(BLOCK_START + DAY + 22 * H, "x-both"), // Dec 14, block 325
      at(to - 60_000, "x-edge-end"), // 08:59
      at(to, "x-after"),
    ]);
    expect(await count(from, to)).toBe(before + 3);
    expect(await count(from, to)).toBe(await rawCount(from, to));
  });

  it("follows a re-rolled hour at the edges and keeps a user counted for a whole day once seen", async () => {
    const from = BLOCK_START + 10 * DAY + 6 * H;
    const to = BLOCK_START + 12 * DAY + 6 * H;
    await record([at(from + H, "y-edge"), at(from + 20 * H, "y-day"), at(from + 2 * H, "y-late")]);
    expect(await count(from, to)).toBe(3);
    // A trace deleted at an edge hour: the hour is re-rolled and the user leaves it.
    await handle.query("delete from traces where project_id = $1 and user_id = 'y-edge'", [projectId]);
    await drainRollups(handle.db);
    expect(await count(from, to)).toBe(2);
    expect(await count(from, from + 3 * H)).toBe(1);
    // A late trace in an hour rolled up before: its user joins the hour (and the day).
    await record([at(from + 2 * H + 60_000, "y-later")]);
    expect(await count(from, from + 3 * H)).toBe(2);
    // A whole day stays counted once seen (insert-only, as daily rows were): Dec 24 of "y-day" is a whole day here.
    await handle.query("delete from traces where project_id = $1 and user_id = 'y-day'", [projectId]);
    await drainRollups(handle.db);
    expect(await count(BLOCK_START + 11 * DAY, BLOCK_START + 12 * DAY)).toBe(1);
    expect(await count(BLOCK_START + 11 * DAY + H, BLOCK_START + 12 * DAY)).toBe(0);
  });

  it("clears the bits before the retention horizon and keeps those after it", async () => {
    // The horizon: Dec 14 05:00, in block 325 (Dec 13 is its first day), after one whole day of it.
    const cutoff = BLOCK_START + DAY + 5 * H;
    const now = cutoff + 30 * DAY;
    await handle.query("update projects set retention_days = 30 where id = $1", [projectId]);
    for (;;) {
      const batch = await runRetentionBatch(handle, { batchSize: 500, now: new Date(now) });
      if (batch.deleted === 0 && batch.deletedKeys === 0) break;
    }
    const hours = await handle.query<{ day: string; hours: number }>(
      "select day::text as day, hours from active_user_hours where project_id = $1 order by day",
      [projectId],
    );
    expect(hours.length).toBeGreaterThan(0);
    for (const row of hours) {
      expect(row.day >= "2026-12-14").toBe(true);
      if (row.day === "2026-12-14") expect(row.hours & 0b11111).toBe(0);
    }
    const days = await handle.query<{ block: number; days: string }>(
      "select block, days::text as days from active_user_days where project_id = $1",
      [projectId],
    );
    expect(days.length).toBeGreaterThan(0);
    // Only block 325 is left, without its first day (Dec 13).
    for (const row of days) {
      expect(row.block).toBe(325);
      expect(BigInt(row.days) & 1n).toBe(0n);
    }
    // The count agrees with the traces that are left, for a period that starts before the horizon too.
    await drainRollups(handle.db);
    expect(await count(BLOCK_START - 9 * DAY, BLOCK_START + 9 * DAY)).toBe(await rawCount(BLOCK_START - 9 * DAY, BLOCK_START + 9 * DAY));
    expect(await count(cutoff - 3 * H, cutoff + 3 * H)).toBe(await rawCount(cutoff - 3 * H, cutoff + 3 * H));
  });
});
