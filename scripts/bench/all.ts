// `npm run bench [-- <name>…] [--quick]`: runs the benchmarks of benchmarks.ts in sequence, each
// as its own child process (so one's memory and JIT state do not affect the next), collects the
// JSON each writes, merges it into the results file and rewrites BENCHMARKS.md from it.
//
//   <name>…          only these (e.g. `ingest drift`; `embed` selects embed and embed-job); the other
//                    sections are kept from the results file, so a partial run erases nothing
//   --quick          smaller sizes, to check the benchmarks end to end; writes to bench-results/quick/
//                    unless --results/--markdown say otherwise
//   --build          run `next build` first even if a build exists (it runs anyway when one is missing
//                    and a selected benchmark needs it)
//   --render-only    run nothing; re-render the markdown from the results file (after editing the prose)
//   --results <file> default bench-results/latest.json (quick: bench-results/quick/latest.json)
//   --markdown <file> default BENCHMARKS.md (quick: bench-results/quick/BENCHMARKS.md)
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { selectBenchmarks, type Benchmark } from "./benchmarks";
import { formatDuration, mergeResults, renderReport } from "./report";
import type { BenchResults, BenchSection } from "./results";

const root = path.resolve(import.meta.dirname, "../..");
process.chdir(root);

type Options = { names: string[]; quick: boolean; build: boolean; renderOnly: boolean; results: string; markdown: string };

function parseArgs(argv: string[]): Options {
  const names: string[] = [];
  let quick = false;
  let build = false;
  let renderOnly = false;
  let results: string | undefined;
  let markdown: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--quick") quick = true;
    else if (arg === "--build") build = true;
    else if (arg === "--render-only") renderOnly = true;
    else if (arg === "--results") results = argv[++i];
    else if (arg === "--markdown") markdown = argv[++i];
    else if (arg.startsWith("-")) throw new Error(`unknown option ${arg}`);
    else names.push(arg);
  }
  return {
    names,
    quick,
    build,
    renderOnly,
    results: results ?? (quick ? "bench-results/quick/latest.json" : "bench-results/latest.json"),
    markdown: markdown ?? (quick ? "bench-results/quick/BENCHMARKS.md" : "BENCHMARKS.md"),
  };
}

function readResults(file: string): BenchResults | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as BenchResults;
}

function save(options: Options, results: BenchResults): void {
  mkdirSync(path.dirname(path.resolve(options.results)), { recursive: true });
  writeFileSync(options.results, `${JSON.stringify(results, null, 2)}\n`);
  mkdirSync(path.dirname(path.resolve(options.markdown)), { recursive: true });
  writeFileSync(options.markdown, renderReport(results, { resultsPath: options.results }));
}

const clock = (since: number) => formatDuration(Date.now() - since);

/** Runs a command, its output prefixed with the benchmark's name, and a heartbeat while it is quiet. */
function run(label: string, command: string, args: string[], since: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
    let lastOutput = Date.now();
    const print = (line: string) => {
      lastOutput = Date.now();
      process.stdout.write(`  ${label} │ ${line}\n`);
    };
    createInterface({ input: child.stdout! }).on("line", print);
    createInterface({ input: child.stderr! }).on("line", print);
    const heartbeat = setInterval(() => {
      if (Date.now() - lastOutput >= 30_000) print(`… still running, ${clock(since)} elapsed`);
    }, 30_000);
    child.on("close", (code, signal) => {
      clearInterval(heartbeat);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function ensureBuild(options: Options, selected: Benchmark[]): Promise<void> {
  if (!selected.some((b) => b.needsBuild)) return;
  const built = existsSync(path.join(root, ".next", "BUILD_ID"));
  if (built && !options.build) {
    console.log("Using the existing production build (.next); pass --build to rebuild it first.");
    return;
  }
  const started = Date.now();
  console.log(`${built ? "Rebuilding" : "No production build yet: building"} (next build) …`);
  const code = await run("build", process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], started);
  if (code !== 0) throw new Error(`next build failed (exit ${code})`);
  console.log(`Built in ${clock(started)}.`);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  let results = readResults(options.results);
  if (options.renderOnly) {
    if (!results) throw new Error(`no results in ${options.results}`);
    save(options, results);
    console.log(`Rendered ${options.markdown} from ${options.results}.`);
    return;
  }
  const selected = selectBenchmarks(options.names);
  if (!results && options.names.length > 0) {
    console.log(`No results in ${options.results} yet: the sections not run now will read "not measured yet".`);
  }
  const started = Date.now();
  console.log(`Benchmarks${options.quick ? " (quick)" : ""}: ${selected.map((b) => b.name).join(", ")} → ${options.results}, ${options.markdown}`);
  await ensureBuild(options, selected);

  const dir = mkdtempSync(path.join(tmpdir(), "driftline-bench-"));
  const outcomes: Array<{ name: string; ok: boolean; elapsed: string; why?: string }> = [];
  const tsx = path.join(root, "node_modules/.bin/tsx");
  try {
    for (const [i, bench] of selected.entries()) {
      const benchStarted = Date.now();
      const json = path.join(dir, `${bench.name}.json`);
      console.log(`\n[${i + 1}/${selected.length}] ${bench.name} — ${bench.script}${options.quick ? " --quick" : ""} (total ${clock(started)})`);
      const code = await run(bench.name, tsx, [bench.script, "--json", json, ...(options.quick ? ["--quick"] : [])], benchStarted);
      const elapsed = clock(benchStarted);
      let why: string | undefined;
      if (code !== 0) why = `exit ${code}`;
      else if (!existsSync(json)) why = "wrote no results (does it call writeBenchSection?)";
      if (why) {
        console.log(`[${i + 1}/${selected.length}] ${bench.name} FAILED after ${elapsed}: ${why}; its section keeps the previous results`);
        outcomes.push({ name: bench.name, ok: false, elapsed, why });
        continue;
      }
      const section = JSON.parse(readFileSync(json, "utf8")) as BenchSection;
      results = mergeResults(results, [section]);
      save(options, results); // after each benchmark, so an interrupted run keeps what it measured
      console.log(`[${i + 1}/${selected.length}] ${bench.name} done in ${elapsed}: ${section.rows.length} figures`);
      outcomes.push({ name: bench.name, ok: true, elapsed });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${outcomes.map((o) => `  ${o.ok ? "ok    " : "FAILED"} ${o.name.padEnd(12)} ${o.elapsed}${o.why ? ` (${o.why})` : ""}`).join("\n")}`);
  const wrote = outcomes.some((o) => o.ok) ? `; wrote ${options.results} and ${options.markdown}` : "; nothing written";
  console.log(`All done in ${clock(started)}${wrote}.`);
  if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
