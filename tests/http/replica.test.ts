// A read replica (issue 17): a real streaming hot standby of the machine's
// PostgreSQL — `pg_basebackup -R` into a temp dir, then a second postmaster
// of the same server version on another port — and a real Driftline web
// server on the primary with DATABASE_READ_URL on the standby. Reads of the
// dashboard and the read API are shown to come from the standby by pausing
// its replay: a trace written meanwhile is on the primary but not in those
// answers until replay resumes. API-key and session checks, and a user's
// reads just after their own write, stay on the primary.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, startApp, TEST_PROJECT, type RunningApp } from "../../testing/app-server";
import { signIn } from "../../testing/session";
import { apiHeaders, nativeTrace, waitFor } from "../../testing/traffic";

const base = process.env.TEST_DATABASE_URL;
if (!base) console.log("[replica] TEST_DATABASE_URL is not set: the read-replica test is skipped.");

/** As root, the server's binaries must run as the postgres user (initdb and postgres refuse root). */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

describe.skipIf(!base)("a streaming read replica (DATABASE_READ_URL)", () => {
  let dir = "";
  let standby: ChildProcess | undefined;
  let standbyExited: Promise<void> | undefined;
  let app: RunningApp | undefined;
  const pools: pg.Pool[] = [];

  afterAll(async () => {
    // The pools first: stopping the app drops its database, with force, under any connection still open.
    for (const pool of pools) await pool.end().catch(() => undefined);
    await app?.stop().catch(() => undefined);
    if (standby && standby.exitCode === null && standby.signalCode === null) {
      standby.kill("SIGINT"); // fast shutdown
      await standbyExited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("serves dashboard and read-API reads from the replica, keeps auth and read-after-write on the primary", { timeout: 240_000 }, async (ctx) => {
    const admin = new pg.Pool({ connectionString: base, max: 2 });
    pools.push(admin);
    const settings = Object.fromEntries(
      (await admin.query<{ name: string; setting: string }>(
        `select name, setting from pg_settings where name in ('server_version_num', 'wal_level', 'max_connections', 'max_worker_processes',
           'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction', 'shared_preload_libraries')`,
      )).rows.map((r) => [r.name, r.setting]),
    );
    const bin = `/usr/lib/postgresql/${Math.floor(Number(settings.server_version_num) / 10_000)}/bin`;
    if (!existsSync(path.join(bin, "postgres")) || !existsSync(path.join(bin, "pg_basebackup"))) {
      // The server is elsewhere (another machine, a container): no binaries of its version here to run a standby with.
      console.log(`[replica] skipped: no PostgreSQL server binaries at ${bin} to run a standby of the TEST_DATABASE_URL server`);
      ctx.skip();
    }
    expect(settings.wal_level, "wal_level must be replica or logical for streaming replication").not.toBe("minimal");

    // ---- the standby: a base backup with its recovery settings (-R), started as a hot standby ----
    const user = runAs();
    dir = mkdtempSync(path.join(tmpdir(), "driftline-replica-"));
    if (user) chownSync(dir, user.uid, user.gid);
    const dataDir = path.join(dir, "data");
    const primaryUrl = new URL(base!);
    try {
      execFileSync(
        path.join(bin, "pg_basebackup"),
        ["-h", primaryUrl.hostname, "-p", primaryUrl.port || "5432", "-U", decodeURIComponent(primaryUrl.username || "postgres"), "-D", dataDir, "-R", "-X", "stream", "-c", "fast"],
        { ...user, stdio: "pipe", env: { ...process.env, PGPASSWORD: decodeURIComponent(primaryUrl.password) } },
      );
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? error);
      throw new Error(`pg_basebackup failed — does pg_hba.conf allow replication from 127.0.0.1? Run scripts/ci/install-os-deps.sh.\n${stderr}`);
    }
    const port = await freePort();
    // A hot standby needs these at least as high as the primary's; the rest keeps it small and local.
    writeFileSync(
      path.join(dataDir, "postgresql.conf"),
      [
        `port = ${port}`,
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = '${dir}'`,
        "hot_standby = on",
        "fsync = off",
        ...["max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions", "max_locks_per_transaction"].map((k) => `${k} = ${settings[k]}`),
        `shared_preload_libraries = '${settings.shared_preload_libraries ?? ""}'`,
      ].join("\n") + "\n",
    );
    writeFileSync(path.join(dataDir, "pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n");
    if (user) for (const f of ["postgresql.conf", "pg_hba.conf"]) chownSync(path.join(dataDir, f), user.uid, user.gid);
    let standbyLog = "";
    standby = spawn(path.join(bin, "postgres"), ["-D", dataDir], { ...user, stdio: ["ignore", "pipe", "pipe"] });
    standby.stdout?.on("data", (d: Buffer) => (standbyLog += d.toString()));
    standby.stderr?.on("data", (d: Buffer) => (standbyLog += d.toString()));
    standbyExited = new Promise((resolve) => standby!.once("exit", () => resolve()));
    const standbyUrl = (databaseUrl: string) => {
      const url = new URL(databaseUrl);
      url.port = String(port);
      return url.toString();
    };
    const standbyAdmin = new pg.Pool({ connectionString: standbyUrl(base!), max: 2 });
    pools.push(standbyAdmin);
    await waitFor("the standby to accept read-only connections", async () => {
      if (standby!.exitCode !== null) throw new Error(`the standby exited:\n${standbyLog}`);
      try {
        return (await standbyAdmin.query<{ r: boolean }>("select pg_is_in_recovery() as r")).rows[0]!.r;
      } catch {
        return false;
      }
    }, 60_000, 250);

    /** Waits until the standby has replayed everything the primary has written so far. */
    const replayed = async () => {
      const { lsn } = (await admin.query<{ lsn: string }>("select pg_current_wal_lsn()::text as lsn")).rows[0]!;
      await waitFor("the standby to replay the primary's WAL", async () =>
        (await standbyAdmin.query<{ ok: boolean }>("select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok", [lsn])).rows[0]!.ok, 30_000, 100);
    };

    // ---- the app: writes to the primary, reads from the standby ----
    app = await startApp({ database: "postgres", readVia: standbyUrl, env: { DRIFTLINE_DEMO: "0" } });
    const dbName = new URL(app.databaseUrl!).pathname.slice(1);
    const primaryDb = new pg.Pool({ connectionString: app.databaseUrl, max: 2 });
    pools.push(primaryDb);

    const now = Date.now();
    const first = Array.from({ length: 30 }, (_, i) => nativeTrace(`replica-${i}`, new Date(now - 60_000 - i * 1_000), i));
    const ingest = await fetch(`${app.url}/api/v1/traces`, { method: "POST", headers: apiHeaders, body: JSON.stringify({ traces: first }) });
    expect(ingest.status).toBe(200);
    await replayed();

    const session = await signIn(app, "http-admin@example.com", "http suite password");
    const dashboard = (route: string, cookie = session.cookie) => fetch(`${app!.url}${route}`, { headers: { cookie } });
    const readApi = (route: string, headers: Record<string, string> = apiHeaders) => fetch(`${app!.url}${route}`, { headers });
    const dashboardTraces = async () => {
      const response = await dashboard(`/api/projects/${TEST_PROJECT}/traces`);
      expect(response.status).toBe(200);
      return ((await response.json()) as { data: unknown[] }).data.length;
    };
    const apiTraces = async () => {
      const response = await readApi("/api/v1/traces?limit=100");
      expect(response.status).toBe(200);
      return ((await response.json()) as { data: Array<{ externalId: string | null }> }).data.length;
    };
    expect(await dashboardTraces()).toBe(30);
    expect(await apiTraces()).toBe(30);
    const page = await dashboard(`/p/${TEST_PROJECT}/traces`);
    expect(page.status).toBe(200);

    // The app's read pool is connected to the standby, named in its pg_stat_activity; none on the primary.
    const readersOn = async (pool: pg.Pool) =>
      (await pool.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = 'driftline-read'", [dbName])).rows[0]!.n;
    expect(await readersOn(standbyAdmin)).toBeGreaterThan(0);
    expect(await readersOn(admin)).toBe(0);

    // ---- replay paused: what the standby has not replayed is not in the answers of reads ----
    await standbyAdmin.query("select pg_wal_replay_pause()");
    const late = await fetch(`${app.url}/api/v1/traces`, { method: "POST", headers: apiHeaders, body: JSON.stringify({ traces: [nativeTrace("replica-late", new Date(now - 30_000), 99)] }) });
    expect(late.status).toBe(200);
    expect((await primaryDb.query("select 1 from traces where external_id = 'replica-late'")).rowCount).toBe(1);
    expect((await readApi("/api/v1/traces/replica-late")).status).toBe(404);
    expect(await apiTraces()).toBe(30);
    expect(await dashboardTraces()).toBe(30);

    // A key created a moment ago works at once: keys are checked on the primary, then the GET reads the standby.
    const created = await fetch(`${app.url}/api/projects/${TEST_PROJECT}/api-keys`, {
      method: "POST",
      headers: { cookie: session.cookie, "content-type": "application/json" },
      body: JSON.stringify({ name: "made during replica lag" }),
    });
    expect(created.status).toBe(201);
    const newKey = ((await created.json()) as { key: string }).key;
    const withNewKey = await readApi("/api/v1/traces?limit=100", { Authorization: `Bearer ${newKey}` });
    expect(withNewKey.status).toBe(200);
    expect(((await withNewKey.json()) as { data: unknown[] }).data).toHaveLength(30);

    // Read-after-write for the signed-in user: the write's answer sets the fresh-write cookie, and while it
    // lives that user's reads go to the primary; without it the same read comes from the lagging standby.
    const monitor = await fetch(`${app.url}/api/projects/${TEST_PROJECT}/monitors`, {
      method: "POST",
      headers: { cookie: session.cookie, "content-type": "application/json" },
      body: JSON.stringify({ name: "replica latency", kind: "metric", window: "1h", schedule: "0 * * * *", thresholds: { metric: "latency_ms", minSamples: 5 } }),
    });
    expect(monitor.status).toBe(201);
    const monitorId = ((await monitor.json()) as { id: string }).id;
    const fresh = monitor.headers.getSetCookie().find((c) => c.startsWith("driftline-wrote="));
    expect(fresh).toMatch(/Max-Age=\d+/);
    const freshCookie = `${session.cookie}; ${fresh!.split(";")[0]}`;
    expect((await dashboard(`/api/projects/${TEST_PROJECT}/monitors/${monitorId}`, freshCookie)).status).toBe(200);
    expect((await dashboard(`/api/projects/${TEST_PROJECT}/monitors/${monitorId}`)).status).toBe(404);

    // ---- replay resumed: the reads catch up ----
    await standbyAdmin.query("select pg_wal_replay_resume()");
    await replayed();
    expect((await readApi("/api/v1/traces/replica-late")).status).toBe(200);
    expect(await apiTraces()).toBe(31);
    expect(await dashboardTraces()).toBe(31);
    expect((await dashboard(`/api/projects/${TEST_PROJECT}/monitors/${monitorId}`)).status).toBe(200);
    const lag = (await standbyAdmin.query<{ ms: number | null }>("select (extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::float8 as ms")).rows[0]!.ms;
    console.log(`[replica] standby on :${port}, ${await readersOn(standbyAdmin)} read connections on it, last replayed transaction ${lag?.toFixed(0)} ms old`);
  });
});
