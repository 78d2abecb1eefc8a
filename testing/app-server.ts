import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-database";

export const TEST_KEY = "dl_http_suite_key_0123456789abcdef";
export const TEST_PROJECT = "http-suite";

type AppStorage = { dataDir: string; database?: { name: string; url: string; drop(): Promise<void> } };

export type RunningApp = {
  url: string;
  database: "pglite" | "postgres";
  /** The PostgreSQL URL of the app's own database (postgres only; not the proxy's when `connectVia` is used). */
  databaseUrl?: string;
  /** Where the app keeps its data: pass the app as `reuse` to restart on it. */
  storage: AppStorage;
  pid: number;
  /** Ends the process with a signal (SIGKILL by default) and keeps its data, for a restart with `reuse`. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the process (SIGTERM) and removes its data. */
  stop(): Promise<void>;
  output(): string;
};

/** A TCP port free on loopback right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** A fresh database on the TEST_DATABASE_URL server, for an app (or a test) that owns it. */
export async function createTestDatabase(): Promise<ScratchDatabase> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error("TEST_DATABASE_URL is not set");
  return createScratchDatabase(base, "driftline_http");
}

export type StartAppOptions = {
  database: "pglite" | "postgres";
  env?: Record<string, string>;
  /**
   * Start on the storage of an earlier app (its PGlite data dir, or its
   * PostgreSQL database), e.g. after `kill()`: a restart on the same data.
   * The new app takes the storage over, and its `stop()` removes it.
   */
  reuse?: RunningApp;
  /** Connect the app through this URL instead of the database's own (e.g. a proxy in front of it). */
  connectVia?: (databaseUrl: string) => string;
  /** DATABASE_READ_URL from the database's own URL (e.g. the same database on a streaming replica). */
  readVia?: (databaseUrl: string) => string;
};

/**
 * Starts the production build (`next build` must have run) as a real HTTP
 * server on a fresh database: an embedded PGlite directory, or a new database
 * on the TEST_DATABASE_URL server. The headless start variables create the
 * test project and its API key.
 */
export async function startApp(options: StartAppOptions): Promise<RunningApp> {
  const port = await freePort();
  const reused = options.reuse?.storage;
  const dataDir = reused?.dataDir ?? mkdtempSync(path.join(tmpdir(), "driftline-http-"));
  let database = reused?.database;
  const env: Record<string, string | undefined> = {
    ...process.env,
    DRIFTLINE_DATA_DIR: dataDir,
    DRIFTLINE_INIT_ADMIN_EMAIL: "http-admin@example.com",
    DRIFTLINE_INIT_ADMIN_PASSWORD: "http suite password",
    DRIFTLINE_INIT_PROJECT: TEST_PROJECT,
    DRIFTLINE_INIT_API_KEY: TEST_KEY,
    DRIFTLINE_DEMO: "1",
    NEXTAUTH_SECRET: "http-suite-secret",
    NEXTAUTH_URL: `http://localhost:${port}`,
    DRIFTLINE_RATE_LIMIT: "0",
    ...options.env,
  };
  delete env.DATABASE_URL;
  delete env.DATABASE_READ_URL;
  if (options.database === "postgres") {
    database ??= await createTestDatabase();
    env.DATABASE_URL = options.connectVia ? options.connectVia(database.url) : database.url;
    if (options.readVia) env.DATABASE_READ_URL = options.readVia(database.url);
  }
  const storage: AppStorage = { dataDir, database };
  const next = path.resolve("node_modules/next/dist/bin/next");
  const child: ChildProcess = spawn(process.execPath, [next, "start", "-p", String(port)], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the app did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    database: options.database,
    databaseUrl: database?.url,
    storage,
    pid: child.pid!,
    output: () => output,
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
      if (database && process.env.TEST_DATABASE_URL) await database.drop();
    },
  };
}

/**
 * Starts `npm run worker` (scripts/worker.ts) on a PostgreSQL database as its
 * own process — node with the tsx loader, so the pid is the worker's and a
 * signal reaches it, not a wrapper. Resolves once its jobs run.
 */
export async function startWorker(options: { databaseUrl: string; env?: Record<string, string> }): Promise<RunningWorker> {
  const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: options.databaseUrl, ...options.env };
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("scripts/worker.ts")], {
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!output.includes("worker running")) {
    if (child.exitCode !== null) throw new Error(`the worker exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the worker did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid!,
    output: () => output,
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export type RunningWorker = { pid: number; output(): string; kill(signal?: NodeJS.Signals): Promise<void> };

export function appTargets(): Array<"pglite" | "postgres"> {
  return process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}
