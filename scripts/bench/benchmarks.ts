// The benchmarks `npm run bench` runs, in this order, each as its own child process.
// Adding one is one line: its name (what `npm run bench -- <name>` selects and the
// section it writes), its script (which must accept `--json <file>` and `--quick`),
// and whether it needs the production build (`npx next build`).
export type Benchmark = { name: string; script: string; needsBuild?: boolean };

export const BENCHMARKS: Benchmark[] = [
  { name: "ingest", script: "scripts/bench/ingest.ts", needsBuild: true },
  { name: "embed", script: "scripts/bench/embed.ts" },
  { name: "embed-job", script: "scripts/bench/embed-job.ts" },
  { name: "drift", script: "scripts/bench/drift.ts" },
  { name: "monitors", script: "scripts/bench/monitors.ts" },
  { name: "dashboard", script: "scripts/bench/dashboard.ts", needsBuild: true },
  { name: "load", script: "scripts/bench/load.ts", needsBuild: true },
  { name: "evals", script: "scripts/bench/evals.ts" },
];

/**
 * The benchmarks a command line selects: all when none is named; a name selects itself and
 * the entries it prefixes with a dash (`embed` → embed, embed-job), like `npm run bench:embed`.
 */
export function selectBenchmarks(names: string[], all: Benchmark[] = BENCHMARKS): Benchmark[] {
  if (names.length === 0) return all;
  const unknown = names.filter((n) => !all.some((b) => b.name === n || b.name.startsWith(`${n}-`)));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(", ")}; known: ${all.map((b) => b.name).join(", ")}`);
  return all.filter((b) => names.some((n) => b.name === n || b.name.startsWith(`${n}-`)));
}
