#!/usr/bin/env node
// `npm start`: builds the app when there is no build yet, fills in safe
// defaults for the embedded database (a demo project and a local admin),
// starts the server and prints where to sign in.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
const env = { ...process.env };
const port = env.PORT ?? "3000";
const dataDir = path.resolve(env.DRIFTLINE_DATA_DIR ?? ".data");
const embedded = !env.DATABASE_URL;

if (embedded) {
  // A local trial: seed the demo world and a local admin unless told otherwise.
  env.DRIFTLINE_DEMO ??= "1";
  if (!env.DRIFTLINE_INIT_ADMIN_EMAIL) {
    env.DRIFTLINE_INIT_ADMIN_EMAIL = "admin@driftline.local";
    env.DRIFTLINE_INIT_ADMIN_PASSWORD ??= "driftline-demo";
  }
}
if (!env.NEXTAUTH_SECRET) {
  // Sessions survive restarts: the secret is generated once and kept with the data.
  mkdirSync(dataDir, { recursive: true });
  const secretFile = path.join(dataDir, "nextauth-secret");
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString("base64url"), { mode: 0o600 });
  env.NEXTAUTH_SECRET = readFileSync(secretFile, "utf8").trim();
}
env.NEXTAUTH_URL ??= `http://localhost:${port}`;

const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
  console.log("[driftline] no production build yet: running `next build` (about a minute)…");
  const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(process.execPath, [nextBin, "start", "-p", port], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));

const url = `http://localhost:${port}`;
const started = Date.now();
(async function waitForHealth() {
  while (Date.now() - started < 300_000) {
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) {
        const health = await response.json();
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(`\n[driftline] ready in ${seconds}s on ${health.database} (pgvector ${health.pgvector})`);
        console.log(`[driftline] open ${url}`);
        if (embedded && env.DRIFTLINE_INIT_ADMIN_EMAIL === "admin@driftline.local") {
          console.log(`[driftline] sign in as ${env.DRIFTLINE_INIT_ADMIN_EMAIL} / ${env.DRIFTLINE_INIT_ADMIN_PASSWORD}`);
        } else if (env.DRIFTLINE_INIT_ADMIN_EMAIL) {
          console.log(`[driftline] sign in as ${env.DRIFTLINE_INIT_ADMIN_EMAIL} (password from DRIFTLINE_INIT_ADMIN_PASSWORD)`);
        }
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.error("[driftline] the server did not become healthy within 5 minutes; see the log above");
})();
