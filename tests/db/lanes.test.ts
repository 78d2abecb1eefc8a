import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backgroundHandle, Lanes, openDatabase, type DatabaseHandle } from "@/db/client";

// The embedded database runs one statement at a time on the server's thread: a
// request's statement must not wait behind a backfill's queue of them.

describe("PGlite lanes: requests before background jobs", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openDatabase({ dataDir: "memory://" });
  });
  afterAll(() => handle.close());

  async function race(jobs: DatabaseHandle): Promise<string[]> {
    const order: string[] = [];
    const queued = Array.from({ length: 8 }, (_, i) => jobs.query("select pg_sleep(0.02)").then(() => order.push(`job ${i}`)));
    await new Promise((resolve) => setTimeout(resolve, 0));
    const request = handle.query<{ one: number }>("select 1 as one").then((rows) => order.push(`request ${rows[0]!.one}`));
    await Promise.all([...queued, request]);
    return order;
  }

  it("a request's statement overtakes the queued background statements", async () => {
    const jobs = backgroundHandle(handle);
    expect(jobs).not.toBe(handle);
    const order = await race(jobs);
    expect(order.indexOf("request 1")).toBeLessThanOrEqual(1);
    expect(order.filter((o) => o.startsWith("job"))).toEqual(Array.from({ length: 8 }, (_, i) => `job ${i}`));
  });

  it("without the lanes it waits behind all of them (the behaviour the lanes replace)", async () => {
    expect((await race(handle)).at(-1)).toBe("request 1");
  });

  it("background transactions and drizzle queries go through the lane and see the same data", async () => {
    const jobs = backgroundHandle(handle);
    await jobs.db.transaction(async (tx) => {
      await tx.execute("create table lane_check (n int)");
      await tx.execute("insert into lane_check values (1), (2)");
    });
    expect(await handle.query("select sum(n)::int as total from lane_check")).toEqual([{ total: 3 }]);
  });

  it("on PostgreSQL the jobs use the handle itself", () => {
    const postgres = { driver: "postgres" } as DatabaseHandle;
    expect(backgroundHandle(postgres)).toBe(postgres);
  });
});

describe("Lanes", () => {
  it("a background statement that waited maxWaitMs goes even while requests keep the database busy", async () => {
    const lanes = new Lanes(30);
    const order: string[] = [];
    let release!: () => void;
    const request = lanes.foreground(() => new Promise<void>((resolve) => (release = resolve))).then(() => order.push("request"));
    await lanes.background(async () => order.push("job"));
    release();
    await request;
    expect(order).toEqual(["job", "request"]);
  });

  it("a failing background statement rejects its caller and the next one still runs", async () => {
    const lanes = new Lanes();
    const failed = lanes.background(() => Promise.reject(new Error("boom")));
    const next = lanes.background(async () => "ran");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ran");
  });
});
