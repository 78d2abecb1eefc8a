import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

export const TEST_KEY = "dl_http_suite_key_0123456789abcdef";
export const TEST_PROJECT = "http-suite";

export type RunningApp = {
  url: string;
  database: "pglite" | "postgres";
  /** The PostgreSQL URL of the app's own database (postgres only). */
  databaseUrl?: string;
  stop(): Promise<void>;
  output(): string;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Starts the production build (`next build` must have run) as a real HTTP
 * server on a fresh database: an embedded PGlite directory, or a new database
 * on the TEST_DATABASE_URL server. The headless start variables create the
 * test project and its API key.
 */
export async function startApp(options: { database: "pglite" | "postgres"; env?: Record<string, string> }): Promise<RunningApp> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "driftline-http-"));
  let dbName: string | undefined;
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
  if (options.database === "postgres") {
    const base = process.env.TEST_DATABASE_URL;
    if (!base) throw new Error("TEST_DATABASE_URL is not set");
    dbName = `driftline_http_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${dbName}`;
    env.DATABASE_URL = url.toString();
  }
  const next = path.resolve("node_modules/next/dist/bin/next");
  const child: ChildProcess = spawn(process.execPath, [next, "start", "-p", String(port)], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));

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
    if (Date.now() > deadline) throw new Error(`the app did not become healthy:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    database: options.database,
    databaseUrl: env.DATABASE_URL,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      rmSync(dataDir, { recursive: true, force: true });
      if (dbName && process.env.TEST_DATABASE_URL) {
        const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
        await admin.connect();
        await admin.query(`drop database if exists ${dbName} with (force)`);
        await admin.end();
      }
    },
  };
}

export function appTargets(): Array<"pglite" | "postgres"> {
  return process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}
