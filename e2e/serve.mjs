// Starts the built app for the end-to-end suite on a fresh embedded database
// with a known admin, project and API key (the headless start variables).
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { E2E } from "./fixtures/constants.mjs";

const port = process.argv[2] ?? "3100";
const dataDir = mkdtempSync(path.join(tmpdir(), "driftline-e2e-"));
const env = {
  ...process.env,
  DRIFTLINE_DATA_DIR: dataDir,
  DRIFTLINE_INIT_ADMIN_EMAIL: E2E.adminEmail,
  DRIFTLINE_INIT_ADMIN_PASSWORD: E2E.adminPassword,
  DRIFTLINE_INIT_PROJECT: E2E.project,
  DRIFTLINE_INIT_API_KEY: E2E.apiKey,
  DRIFTLINE_DEMO: "1",
  DRIFTLINE_DEMO_DAYS: String(E2E.demoDays),
  DRIFTLINE_DEMO_PER_DAY: String(E2E.demoPerDay),
  // The bundled offline model: no download, fast enough to embed the demo within seconds.
  EMBEDDING_MODEL: "driftline-glove-100d",
  NEXTAUTH_SECRET: "e2e-secret-not-for-production",
  // LLM connections: keys are sealed with this; the suite's fake provider listens on loopback.
  DRIFTLINE_SECRET_KEY: process.env.DRIFTLINE_SECRET_KEY ?? "e2e-secret-box-key-not-for-production-0123",
  DRIFTLINE_ALLOW_PRIVATE_LLM: "1",
  NEXTAUTH_URL: `http://localhost:${port}`,
};
delete env.DATABASE_URL;
const next = path.resolve("node_modules/next/dist/bin/next");
const child = spawn(process.execPath, [next, "start", "-p", port], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
