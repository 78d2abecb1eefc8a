// Structured results of one benchmark script, as `npm run bench` collects them.
//
// Every bench script keeps printing its tables for a reader; when it is given
// `--json <file>` (or BENCH_JSON=<file>) it also writes one BenchSection there.
// The runner (all.ts) merges the sections into bench-results/latest.json and
// report.ts renders BENCHMARKS.md from that file.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { collectMachine, type Machine } from "./machine";

export type { Machine } from "./machine";

/** One measured figure beside its baseline from the same run. `ratio` is value / baselineValue. */
export type BenchRow = {
  figure: string;
  value: number;
  unit: string;
  baseline: string | null;
  baselineValue: number | null;
  ratio: number | null;
  /** The claim this figure is held to, in words ("ratio ≥ 0.5"). */
  target?: string;
  met?: boolean;
};

/** A supplementary table of detail (latency percentiles, memory, verdicts) printed after the rows. */
export type BenchTable = {
  caption?: string;
  columns: string[];
  /** "r" right-aligns a column (numbers); default left. */
  align?: Array<"l" | "r">;
  rows: string[][];
};

export type BenchSection = {
  /** The runner's name for the benchmark (`npm run bench -- <name>`). */
  name: string;
  title: string;
  /** The command that reproduces this section, with any BENCH_* overrides that were in effect. */
  command: string;
  /** The script, for a stand-alone run that prints the tables. */
  script: string;
  quick: boolean;
  /** ISO time the measurement finished. */
  date: string;
  durationMs: number;
  machine: Machine;
  rows: BenchRow[];
  tables: BenchTable[];
  /** Measured facts in words (load times, peak memory, versions), each a paragraph. */
  notes: string[];
};

export type BenchResults = {
  version: 1;
  sections: Record<string, BenchSection>;
};

export type TargetSpec = {
  /** Which number the target constrains. */
  on: "value" | "ratio";
  op: "<" | "<=" | ">" | ">=";
  limit: number;
  /** Words for the table; by default built from the spec ("ratio ≥ 0.5", "< 300 ms"). */
  text?: string;
};

const OP_TEXT: Record<TargetSpec["op"], string> = { "<": "<", "<=": "≤", ">": ">", ">=": "≥" };

export function meetsTarget(spec: TargetSpec, value: number, ratio: number | null): boolean {
  const x = spec.on === "value" ? value : ratio;
  if (x === null || !Number.isFinite(x)) return false;
  switch (spec.op) {
    case "<":
      return x < spec.limit;
    case "<=":
      return x <= spec.limit;
    case ">":
      return x > spec.limit;
    case ">=":
      return x >= spec.limit;
  }
}

/** A row with its ratio (value / baseline) and, when a target is given, whether it is met. */
export function benchRow(input: {
  figure: string;
  value: number;
  unit: string;
  baseline?: string;
  baselineValue?: number;
  /** One target, or several that must all hold. */
  target?: TargetSpec | TargetSpec[];
}): BenchRow {
  const baselineValue = input.baselineValue ?? null;
  const ratio = baselineValue !== null && baselineValue !== 0 ? input.value / baselineValue : null;
  const row: BenchRow = {
    figure: input.figure,
    value: input.value,
    unit: input.unit,
    baseline: input.baseline ?? null,
    baselineValue,
    ratio,
  };
  const targets = input.target === undefined ? [] : Array.isArray(input.target) ? input.target : [input.target];
  if (targets.length > 0) {
    const words = (t: TargetSpec) => t.text ?? (t.on === "ratio" ? `ratio ${OP_TEXT[t.op]} ${t.limit}` : `${OP_TEXT[t.op]} ${t.limit.toLocaleString("en-US")} ${input.unit}`);
    row.target = targets.map(words).join(" and ");
    row.met = targets.every((t) => meetsTarget(t, input.value, ratio));
  }
  return row;
}

/** `--quick` on the command line, or BENCH_QUICK=1 (the runner passes the flag). */
export function isQuick(argv: string[] = process.argv): boolean {
  return argv.includes("--quick") || process.env.BENCH_QUICK === "1";
}

/** The file named by `--json <file>` or BENCH_JSON, if any. */
export function jsonOutputPath(argv: string[] = process.argv): string | undefined {
  const i = argv.indexOf("--json");
  if (i >= 0 && argv[i + 1]) return argv[i + 1];
  return process.env.BENCH_JSON || undefined;
}

// The environment as the script was launched, before a script fills in its own defaults.
const launchEnv: Record<string, string | undefined> = { ...process.env };

/** BENCH_* overrides in effect, as a prefix that reproduces them (`BENCH_SIZES=2000 `). */
export function envPrefix(env: Record<string, string | undefined> = launchEnv): string {
  const own = new Set(["BENCH_JSON", "BENCH_QUICK", "BENCH_KEEP"]);
  return Object.keys(env)
    .filter((k) => k.startsWith("BENCH_") && !own.has(k) && env[k] !== undefined && env[k] !== "")
    .sort()
    .map((k) => `${k}=${env[k]} `)
    .join("");
}

const startedAt = performance.now();

/**
 * Writes this script's section as JSON when `--json <file>` or BENCH_JSON asks for it (a no-op
 * otherwise, so a stand-alone run prints only what it always printed). The machine, date,
 * duration, quick flag and reproducing command are filled in here.
 */
export async function writeBenchSection(section: {
  name: string;
  title: string;
  script: string;
  rows: BenchRow[];
  tables?: BenchTable[];
  notes?: string[];
}): Promise<void> {
  const file = jsonOutputPath();
  if (!file) return;
  const quick = isQuick();
  const full: BenchSection = {
    name: section.name,
    title: section.title,
    command: `${envPrefix()}npm run bench -- ${section.name}${quick ? " --quick" : ""}`,
    script: section.script,
    quick,
    date: new Date().toISOString(),
    durationMs: Math.round(performance.now() - startedAt),
    machine: await collectMachine(),
    rows: section.rows,
    tables: section.tables ?? [],
    notes: section.notes ?? [],
  };
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`);
}
