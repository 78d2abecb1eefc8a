// The fleet (issue 17): PgBouncer in transaction pooling mode in front of
// the machine's PostgreSQL, 2 web processes behind HAProxy, 2 worker
// processes — each started with the committed config (deploy/pgbouncer.ini,
// deploy/haproxy.cfg) and the committed commands (Procfile). Sustained ingest
// goes through the balancer while embedding, evaluators and monitors run; one
// worker and one web process are killed with SIGKILL mid-run and restarted.
// Then every acknowledged trace is stored once, every text embedded once,
// every trace evaluated once by each evaluator, every monitor window computed
// once and every alert notification delivered once.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createScratchDatabase, type ScratchDatabase } from "../../testing/scratch-database";
import { freePort, TEST_KEY, TEST_PROJECT } from "../../testing/app-server";
import { apiHeaders, nativeTrace, waitFor } from "../../testing/traffic";

const base = process.env.TEST_DATABASE_URL;
if (!base) console.log("[fleet] TEST_DATABASE_URL is not set: the fleet test (PgBouncer, HAProxy, 2 web, 2 workers) is skipped.");

const PGBOUNCER = "/usr/sbin/pgbouncer";
const HAPROXY = "/usr/sbin/haproxy";
const SPREAD_MS = 4 * 3_600_000;
const BATCH = 20;
const CLIENTS = 3;

/** A committed template with its {{NAME}} placeholders filled; fails on any left unfilled. */
function fillTemplate(file: string, values: Record<string, string>): string {
  const text = readFileSync(path.resolve(file), "utf8").replace(/\{\{([A-Z0-9_]+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`${file}: no value for {{${name}}}`);
    return values[name]!;
  });
  return text;
}

/** The Procfile's command for a process type. */
function procfileCommand(type: "web" | "worker"): string {
  const line = readFileSync(path.resolve("Procfile"), "utf8").split("\n").find((l) => l.startsWith(`${type}:`));
  if (!line) throw new Error(`Procfile has no ${type} process`);
  return line.slice(type.length + 1).trim();
}

type Proc = { name: string; child: ChildProcess; output(): string; exited: Promise<void>; kill(signal?: NodeJS.Signals): Promise<void> };

function startProcess(name: string, command: string, args: string[], env: Record<string, string | undefined>): Proc {
  const child = spawn(command, args, { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    name,
    child,
    output: () => output,
    exited,
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** `sh -c "exec <Procfile command>"`: the pid is the node process itself, so SIGKILL reaches it. */
function startFromProcfile(name: string, type: "web" | "worker", env: Record<string, string | undefined>): Proc {
  return startProcess(name, "sh", ["-c", `exec ${procfileCommand(type)}`], env);
}

async function waitReady(url: string, proc: Proc, timeoutMs = 120_000): Promise<void> {
  try {
    await waitFor(`${proc.name} at ${url}/api/ready`, async () => {
      if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited:\n${proc.output()}`);
      const response = await fetch(`${url}/api/ready`, { signal: AbortSignal.timeout(5_000) });
      return response.status === 200;
    }, timeoutMs, 300);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${proc.name}'s output:\n${proc.output().slice(-4_000)}`);
  }
}

type Outcome = { status: number; at: number };

describe.skipIf(!base)("the fleet on postgres: PgBouncer (transaction mode), HAProxy, 2 web, 2 workers", () => {
  const procs: Proc[] = [];
  let database: ScratchDatabase | undefined;
  let dir = "";
  let receiver: Server | undefined;
  let direct: pg.Pool | undefined;

  afterAll(async () => {
    for (const p of procs.reverse()) await p.kill("SIGTERM").catch(() => undefined);
    await direct?.end();
    receiver?.close();
    if (database) await database.drop().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("stores, embeds, computes and delivers everything exactly once through SIGKILLs of a web and a worker process", { timeout: 300_000 }, async () => {
    for (const binary of [PGBOUNCER, HAPROXY]) {
      if (!existsSync(binary)) throw new Error(`${binary} is missing: run scripts/ci/install-os-deps.sh`);
    }
    const started = performance.now();
    database = await createScratchDatabase(base!, "driftline_fleet");
    const pgUrl = new URL(database.url);
    dir = mkdtempSync(path.join(tmpdir(), "driftline-fleet-"));
    direct = new pg.Pool({ connectionString: database.url, max: 2 });

    // ---- PgBouncer: the committed ini, transaction pooling ----
    const bouncerPort = await freePort();
    const user = decodeURIComponent(pgUrl.username || "postgres");
    writeFileSync(path.join(dir, "userlist.txt"), `"${user}" "${decodeURIComponent(pgUrl.password)}"\n`, { mode: 0o600 });
    writeFileSync(
      path.join(dir, "pgbouncer.ini"),
      fillTemplate("deploy/pgbouncer.ini", {
        PG_HOST: pgUrl.hostname,
        PG_PORT: pgUrl.port || "5432",
        PG_DATABASE: database.name,
        LISTEN_ADDR: "127.0.0.1",
        LISTEN_PORT: String(bouncerPort),
        AUTH_TYPE: "trust",
        AUTH_FILE: path.join(dir, "userlist.txt"),
        LOG_FILE: path.join(dir, "pgbouncer.log"),
        PID_FILE: path.join(dir, "pgbouncer.pid"),
      }),
    );
    // PgBouncer refuses to run as root: as root it is told to switch to the postgres user (-u), which must own its files.
    const bouncerArgs = [path.join(dir, "pgbouncer.ini")];
    if (process.getuid?.() === 0) {
      for (const f of ["", "userlist.txt", "pgbouncer.ini"]) chownSync(path.join(dir, f), Number(runId("postgres", "-u")), Number(runId("postgres", "-g")));
      bouncerArgs.unshift("-u", "postgres");
    }
    procs.push(startProcess("pgbouncer", PGBOUNCER, bouncerArgs, { ...process.env }));
    const pooledUrl = `postgres://${encodeURIComponent(user)}${pgUrl.password ? `:${pgUrl.password}` : ""}@127.0.0.1:${bouncerPort}/driftline`;
    await waitFor("PgBouncer to accept connections", async () => {
      const client = new pg.Client({ connectionString: pooledUrl });
      await client.connect();
      await client.query("select 1");
      await client.end();
      return true;
    }, 20_000, 200);

    // ---- the webhook receiver ----
    const deliveries: string[] = [];
    receiver = createHttpServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const id = req.headers["x-driftline-delivery"];
        if (typeof id === "string") deliveries.push(id);
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(0, "127.0.0.1", () => resolve()));
    const receiverPort = (receiver.address() as { port: number }).port;

    // ---- web and worker processes: the Procfile's commands, through PgBouncer ----
    const common = {
      ...process.env,
      DATABASE_URL: pooledUrl,
      DATABASE_MIGRATION_URL: database.url,
      DRIFTLINE_DATA_DIR: dir,
      DRIFTLINE_DEMO: "0",
      DRIFTLINE_RATE_LIMIT: "0",
      DRIFTLINE_ALLOW_PRIVATE_WEBHOOKS: "1",
      DRIFTLINE_JOB_LEASE_SECONDS: "3",
      EMBEDDING_MODEL: "driftline-glove-100d",
      NEXTAUTH_SECRET: "fleet-suite-secret",
    };
    const webPorts = [await freePort(), await freePort()];
    const webEnv = (port: number) => ({
      ...common,
      PORT: String(port),
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      DRIFTLINE_JOBS: "off",
      DRIFTLINE_INIT_ADMIN_EMAIL: "fleet-admin@example.com",
      DRIFTLINE_INIT_ADMIN_PASSWORD: "fleet suite password",
      DRIFTLINE_INIT_PROJECT: TEST_PROJECT,
      DRIFTLINE_INIT_API_KEY: TEST_KEY,
    });
    const webs: Proc[] = [];
    const workers: Proc[] = [];
    const startWeb = (i: number) => {
      const p = startFromProcfile(`web${i + 1}`, "web", webEnv(webPorts[i]!));
      procs.push(p);
      webs[i] = p;
      return waitReady(`http://127.0.0.1:${webPorts[i]}`, p);
    };
    const startWorkerProc = async (i: number) => {
      const p = startFromProcfile(`worker${i + 1}`, "worker", common);
      procs.push(p);
      workers[i] = p;
      await waitFor(`worker${i + 1} to run its jobs`, async () => {
        if (p.child.exitCode !== null) throw new Error(`worker${i + 1} exited:\n${p.output()}`);
        return p.output().includes("worker running");
      }, 90_000, 200);
    };
    // The first web process migrates and creates the project; the rest start at once.
    await startWeb(0);
    const lbPort = await freePort();
    writeFileSync(
      path.join(dir, "haproxy.cfg"),
      fillTemplate("deploy/haproxy.cfg", {
        LISTEN_ADDR: "127.0.0.1",
        LISTEN_PORT: String(lbPort),
        WEB1_ADDR: `127.0.0.1:${webPorts[0]}`,
        WEB2_ADDR: `127.0.0.1:${webPorts[1]}`,
      }),
    );
    const haproxy = startProcess("haproxy", HAPROXY, ["-db", "-f", path.join(dir, "haproxy.cfg")], { ...process.env });
    procs.push(haproxy);
    await Promise.all([startWeb(1), startWorkerProc(0), startWorkerProc(1)]);
    const lb = `http://127.0.0.1:${lbPort}`;
    await waitFor("HAProxy to route", async () => (await fetch(`${lb}/api/ready`)).status === 200, 20_000, 200);
    const startupSeconds = (performance.now() - started) / 1000;

    // ---- evaluators before the traffic: a heuristic one and an n-gram one against a small golden set ----
    const api = async <T>(route: string, body?: unknown, raw?: { text: string; type: string }): Promise<{ status: number; body: T }> => {
      const response = await fetch(`${lb}${route}`, {
        method: body || raw ? "POST" : "GET",
        headers: raw ? { ...apiHeaders, "Content-Type": raw.type } : apiHeaders,
        body: raw ? raw.text : body ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, body: (await response.json()) as T };
    };
    const dataset = await api<{ id: string }>("/api/v1/datasets", { name: "fleet golden set" });
    expect(dataset.status).toBe(201);
    // Items for a quarter of the prompts the clients send (nativeTrace: topic i % 4, "case" i % 50): exact matches.
    const golden = Array.from({ length: 50 }, (_, c) => {
      const trace = nativeTrace("golden", new Date(), c * 4 + (c % 2));
      return JSON.stringify({ input: trace.prompt[0]!.content, expectedOutput: `${trace.response} Then check the result.` });
    });
    const upload = await api("/api/v1/datasets/" + dataset.body.id + "/items", undefined, { text: golden.join("\n"), type: "application/x-ndjson" });
    expect(upload.status).toBe(201);
    const heuristic = await api<{ id: string }>("/api/v1/evaluators", { name: "checks", kind: "heuristic", settings: { metrics: ["empty", "length_words"] } });
    expect(heuristic.status).toBe(201);
    const ngram = await api<{ id: string }>("/api/v1/evaluators", { name: "golden", kind: "ngram", datasetId: dataset.body.id, settings: { metrics: ["bleu", "rougeL"] } });
    expect(ngram.status).toBe(201);

    // ---- sustained ingest through the balancer; a batch is retried (same ids) until acknowledged ----
    const acknowledged = new Set<string>();
    const outcomes: Outcome[] = [];
    let running = true;
    const clients = Array.from({ length: CLIENTS }, async (_, client) => {
      for (let seq = 0; running; seq++) {
        const now = Date.now();
        const traces = Array.from({ length: BATCH }, (_, j) => {
          const n = seq * BATCH + j;
          return nativeTrace(`fleet-c${client}-${n}`, new Date(now - 60_000 - ((n * 7_919_000 + client * 1_047_290) % SPREAD_MS)), n);
        });
        for (let attempt = 0; ; attempt++) {
          let status = -1;
          let items: Array<{ id: string; status: string }> = [];
          try {
            const response = await fetch(`${lb}/api/v1/traces`, { method: "POST", headers: apiHeaders, body: JSON.stringify({ traces }), signal: AbortSignal.timeout(20_000) });
            status = response.status;
            const body = (await response.json().catch(() => ({}))) as { items?: typeof items };
            items = body.items ?? [];
          } catch {
            status = -1; // refused, reset, or cut off mid-answer
          }
          outcomes.push({ status, at: Date.now() });
          if (status === 200 || status === 207) {
            for (const item of items) if (item.status === "accepted" || item.status === "duplicate") acknowledged.add(item.id);
            expect(items.every((item) => item.status === "accepted" || item.status === "duplicate")).toBe(true);
            break;
          }
          if (attempt > 50) throw new Error(`batch not acknowledged after ${attempt} attempts (last status ${status})`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    });

    await waitFor("traffic before the monitors", async () => acknowledged.size >= 300, 60_000);
    const channel = await api<{ id: string }>("/api/v1/alerts/channels", { name: "fleet receiver", kind: "webhook", url: `http://127.0.0.1:${receiverPort}/hook` });
    expect(channel.status).toBe(201);
    // Latency is 300–1200 ms: a mean above 100 ms is drift in every window, so this one alerts.
    const alerting = await api<{ id: string }>("/api/v1/monitors", {
      name: "latency ceiling", kind: "metric", window: "1h", schedule: "0 * * * *", channelIds: [channel.body.id],
      thresholds: { metric: "latency_ms", detector: "threshold", max: 100, minSamples: 5 },
    });
    expect(alerting.status).toBe(201);
    const quiet = await api<{ id: string }>("/api/v1/monitors", {
      name: "output tokens", kind: "metric", window: "1h", schedule: "0 * * * *", channelIds: [channel.body.id],
      thresholds: { metric: "output_tokens", minSamples: 5 },
    });
    expect(quiet.status).toBe(201);
    const monitorIds = [alerting.body.id, quiet.body.id];

    // ---- SIGKILL a worker and a web process mid-run, then restart them ----
    await new Promise((r) => setTimeout(r, 1_500));
    const killedAt = Date.now();
    await Promise.all([workers[0]!.kill("SIGKILL"), webs[0]!.kill("SIGKILL")]);
    const acknowledgedAtKill = acknowledged.size;
    await new Promise((r) => setTimeout(r, 1_000));
    await Promise.all([startWeb(0), startWorkerProc(0)]);
    await waitFor("HAProxy to see web1 again", async () => {
      const stats = await Promise.all([0, 1, 2, 3].map(() => fetch(`${lb}/api/ready`).then((r) => r.status)));
      return stats.every((s) => s === 200);
    }, 20_000, 500);
    const restartedAt = Date.now();
    await waitFor("traffic after the restart", async () => acknowledged.size >= acknowledgedAtKill + 300, 60_000);
    running = false;
    await Promise.all(clients);
    const ingestEnd = Date.now();

    // ---- everything settles: backlog drained, monitors backfilled, deliveries done ----
    const q = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await direct!.query<T>(text, values)).rows;
    await waitFor("the embedding backlog to drain", async () => (await q<{ n: number }>("select count(*)::int as n from embedding_backlog"))[0]!.n === 0, 90_000, 500);
    await waitFor("the evaluation backlog to drain", async () => (await q<{ n: number }>("select ((select count(*) from eval_backlog where failed_at is null) + (select count(*) from trace_keys where eval_pending))::int as n"))[0]!.n === 0, 90_000, 500);
    await waitFor("both monitors to be backfilled", async () => (await q<{ n: number }>("select count(*)::int as n from monitors where backfilled_at is not null and id = any($1)", [monitorIds]))[0]!.n === 2, 60_000, 500);
    await waitFor("every alert delivery to be done", async () => {
      const [row] = await q<{ pending: number; total: number }>("select count(*) filter (where delivered_at is null)::int as pending, count(*)::int as total from alert_deliveries");
      return row!.total > 0 && row!.pending === 0;
    }, 60_000, 500);
    const totalSeconds = (performance.now() - started) / 1000;

    // Every acknowledged trace stored exactly once.
    const stored = await q<{ external_id: string; n: number }>("select external_id, count(*)::int as n from traces group by external_id");
    expect(stored.filter((r) => r.n !== 1)).toEqual([]);
    const storedIds = new Set(stored.map((r) => r.external_id));
    expect([...acknowledged].filter((id) => !storedIds.has(id))).toEqual([]);

    // Every text embedded once: one row per trace and kind, none missing.
    expect(await q("select trace_id, kind, count(*)::int as n from embeddings group by trace_id, kind having count(*) > 1")).toEqual([]);
    const [missing] = await q<{ prompts: number; responses: number }>(
      `select count(*) filter (where not exists (select 1 from embeddings e where e.trace_id = t.id and e.kind = 'prompt'))::int as prompts,
              count(*) filter (where not exists (select 1 from embeddings e where e.trace_id = t.id and e.kind = 'response'))::int as responses
         from traces t`,
    );
    expect(missing).toEqual({ prompts: 0, responses: 0 });

    // Every acknowledged trace evaluated once by each evaluator: nothing left or given up in the backlog; the
    // heuristic evaluator's two scores on every trace; the n-gram evaluator's two on every trace whose prompt is
    // a golden input (exact match), and on any other trace either both (a near match) or none — never a part.
    expect(await q("select trace_id, evaluator_id, attempts, last_error from eval_backlog")).toEqual([]);
    const evaluated = await q<{ trace_id: string; exact: boolean; heuristic: number; ngram: number; other: number }>(
      `select t.id as trace_id,
              exists (select 1 from dataset_items i where i.project_id = t.project_id and i.dataset_id = $3 and i.input = t.prompt_text) as exact,
              count(s.*) filter (where s.evaluator_id = $1)::int as heuristic,
              count(s.*) filter (where s.evaluator_id = $2)::int as ngram,
              count(s.*) filter (where s.source = 'eval' and s.evaluator_id is distinct from $1 and s.evaluator_id is distinct from $2)::int as other
         from traces t left join scores s on s.project_id = t.project_id and s.trace_id = t.id and s.source = 'eval'
        group by t.id, t.project_id, t.prompt_text`,
      [heuristic.body.id, ngram.body.id, dataset.body.id],
    );
    expect(evaluated).toHaveLength(stored.length);
    expect(evaluated.filter((r) => r.heuristic !== 2 || r.other !== 0)).toEqual([]);
    expect(evaluated.filter((r) => (r.exact ? r.ngram !== 2 : r.ngram !== 0 && r.ngram !== 2))).toEqual([]);
    const exactMatches = evaluated.filter((r) => r.exact).length;
    expect(exactMatches).toBeGreaterThan(evaluated.length / 10);
    const heuristicNames = await q<{ name: string; n: number }>("select name, count(*)::int as n from scores where evaluator_id = $1 group by name order by name", [heuristic.body.id]);
    expect(heuristicNames).toEqual([{ name: "checks.empty", n: stored.length }, { name: "checks.length_words", n: stored.length }]);

    // Every monitor window computed once: one row per window, hourly, no gap, up to the last full hour.
    const lastFullHour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    for (const id of monitorIds) {
      const windows = await q<{ window_start: Date; window_end: Date }>("select window_start, window_end from monitor_results where monitor_id = $1 order by window_start", [id]);
      expect(windows.length).toBeGreaterThan(0);
      expect(new Set(windows.map((w) => w.window_start.getTime())).size).toBe(windows.length);
      const first = windows[0]!.window_start.getTime();
      expect(windows.map((w) => w.window_start.getTime())).toEqual(windows.map((_, i) => first + i * 3_600_000));
      expect(windows.every((w) => w.window_end.getTime() - w.window_start.getTime() === 3_600_000)).toBe(true);
      expect(windows.at(-1)!.window_end.getTime()).toBe(lastFullHour);
    }

    // Every alert notification delivered once: the alerting monitor fired, each delivery id reached the receiver once.
    const rows = await q<{ id: string; event: string; alert_monitor: string }>(
      "select d.id, d.event, a.monitor_id as alert_monitor from alert_deliveries d join alerts a on a.id = d.alert_id",
    );
    expect(rows.filter((r) => r.alert_monitor === alerting.body.id && r.event === "firing")).toHaveLength(1);
    expect([...deliveries].sort()).toEqual(rows.map((r) => r.id).sort());

    // No error but the retryable ones, and only around the kill: a 503 (no healthy server, or the
    // app's retryable database answer), HAProxy's 502 for a request cut off by the dead process,
    // or a reset connection.
    const errors = outcomes.filter((o) => o.status !== 200 && o.status !== 207);
    expect(errors.filter((o) => ![503, 502, -1].includes(o.status))).toEqual([]);
    expect(errors.filter((o) => o.at < killedAt || o.at > restartedAt + 5_000)).toEqual([]);

    console.log(
      `[fleet] startup ${startupSeconds.toFixed(1)} s, ingest ${((ingestEnd - (killedAt - 1_500)) / 1000).toFixed(1)} s after the monitors, ` +
        `${acknowledged.size} traces acknowledged, ${errors.length} retried answers (${[...new Set(errors.map((e) => e.status))].join(", ") || "none"}), ` +
        `${exactMatches} golden matches, ${deliveries.length} deliveries, total ${totalSeconds.toFixed(1)} s`,
    );
  });
});

/** The numeric uid or gid of a system user (`id -u postgres`). */
function runId(userName: string, flag: "-u" | "-g"): string {
  return execFileSync("id", [flag, userName], { encoding: "utf8" }).trim();
}
