#!/usr/bin/env node
// `npm test`: every suite, one summary.
//   1. unit      — vitest, pure logic (no database)
//   2. database  — vitest against PGlite, and against TEST_DATABASE_URL when set
//   3. http      — vitest over real HTTP against the production build (PGlite, and PostgreSQL when set)
//   4. e2e       — Playwright in the system Chromium against the production build
// Prints `N passed, N failed` summed over all suites and exits non-zero on any failure.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
const out = path.join(root, "test-results");
mkdirSync(out, { recursive: true });
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const only = process.argv.slice(2);
const wanted = (suite) => only.length === 0 || only.includes(suite);

const totals = { passed: 0, failed: 0, skipped: 0 };

/** The packages scripts/ci/install-os-deps.sh installs for the browser. */
const CHROMIUM_PACKAGES = ["chromium", "fonts-dejavu-core"];

/**
 * Installs the system Chromium as scripts/ci/install-os-deps.sh does (apt-get, as
 * root or through passwordless sudo). Returns false when this user cannot.
 */
function installChromium() {
  const hasAptGet = spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
  if (!hasAptGet) return false;
  const isRoot = process.getuid?.() === 0;
  const sudo = isRoot ? [] : ["sudo", "-n"];
  if (!isRoot && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status !== 0) return false;
  console.log(`[test] Chromium missing: installing ${CHROMIUM_PACKAGES.join(" ")} with apt-get${isRoot ? "" : " (sudo)"}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = (args) => spawnSync(sudo[0] ?? "apt-get", [...sudo.slice(1), ...(sudo.length ? ["apt-get"] : []), ...args], { stdio: "inherit", env }).status === 0;
  return apt(["update", "-qq"]) && apt(["install", "-y", "-qq", ...CHROMIUM_PACKAGES]);
}
const lines = [];

function run(command, args, extraEnv = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...extraEnv } });
  return { status: result.status ?? 1, seconds: (Date.now() - started) / 1000 };
}

function vitestSuite(name, project, extraEnv) {
  const report = path.join(out, `${name}.json`);
  rmSync(report, { force: true });
  const { status, seconds } = run(
    bin("vitest"),
    ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
    extraEnv,
  );
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, "utf8"));
    passed = json.numPassedTests ?? 0;
    failed = (json.numFailedTests ?? 0) + (json.numFailedTestSuites ?? 0);
    skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  }
  if (status !== 0 && failed === 0) failed = 1; // crashed before reporting
  record(name, passed, failed, skipped, seconds);
}

function record(name, passed, failed, skipped, seconds) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  lines.push(`${name.padEnd(10)} ${String(passed).padStart(4)} passed ${String(failed).padStart(3)} failed ${String(skipped).padStart(3)} skipped  ${seconds.toFixed(1)}s`);
}

if (wanted("unit")) vitestSuite("unit", "unit");

if (wanted("db")) {
  if (!process.env.TEST_DATABASE_URL) {
    console.log("[test] TEST_DATABASE_URL is not set: the database suite runs on PGlite only.");
  }
  vitestSuite("database", "db");
}

let built = null;
function ensureBuild() {
  if (built !== null) return built;
  built = true;
  if (process.env.DRIFTLINE_SKIP_BUILD !== "1") {
    console.log("[test] building the app for the http and end-to-end suites (next build)…");
    built = run(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"]).status === 0;
  }
  return built;
}

if (wanted("http")) {
  if (ensureBuild()) vitestSuite("http", "http");
  else record("http", 0, 1, 0, 0);
}

if (wanted("e2e")) {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(chromium) && !(process.env.CHROMIUM_PATH === undefined && installChromium() && existsSync(chromium))) {
    console.error(
      `[test] FAILED: Chromium not found at ${chromium}, and this user cannot install it (not root, no passwordless sudo, or no apt-get).\n` +
        `[test] Run:  sudo apt-get install -y ${CHROMIUM_PACKAGES.join(" ")}   (or: bash scripts/ci/install-os-deps.sh), or set CHROMIUM_PATH to a Chromium binary.\n` +
        `[test] The e2e suite is counted as failed, never as passed.`,
    );
    record("e2e", 0, 1, 0, 0);
  } else if (!ensureBuild()) {
    record("e2e", 0, 1, 0, 0);
  } else {
    const report = path.join(out, "e2e.json");
    rmSync(report, { force: true });
    const { status, seconds } = run(bin("playwright"), ["test"]);
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    if (existsSync(report)) {
      const stats = JSON.parse(readFileSync(report, "utf8")).stats ?? {};
      passed = (stats.expected ?? 0) + (stats.flaky ?? 0);
      failed = stats.unexpected ?? 0;
      skipped = stats.skipped ?? 0;
    }
    if (status !== 0 && failed === 0) failed = 1;
    record("e2e", passed, failed, skipped, seconds);
  }
}

console.log("\n" + lines.join("\n"));
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
