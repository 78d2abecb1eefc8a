import { describe, expect, it } from "vitest";
import { selectBenchmarks, type Benchmark } from "./benchmarks";
import { formatNumber, formatRatio, mergeResults, renderReport } from "./report";
import { benchRow, envPrefix, type BenchResults, type BenchSection, type Machine } from "./results";

const machine: Machine = {
  cpu: "Test CPU 9000",
  cores: 2,
  ramGb: 23,
  os: "Debian GNU/Linux 12 (Linux 6.1)",
  node: "v20.20.2",
  postgres: "15.20",
  pgvector: "0.8.0",
};

function section(name: string, overrides: Partial<BenchSection> = {}): BenchSection {
  return {
    name,
    title: name,
    command: `npm run bench -- ${name}`,
    script: `scripts/bench/${name}.ts`,
    quick: false,
    date: "2026-11-28T22:30:00.000Z",
    durationMs: 95_000,
    machine,
    rows: [],
    tables: [],
    notes: [],
    ...overrides,
  };
}

const results: BenchResults = {
  version: 1,
  sections: {
    ingest: section("ingest", {
      rows: [
        benchRow({ figure: "batch 1: throughput", value: 107, unit: "traces/s", baseline: "raw INSERT", baselineValue: 1409 }),
        benchRow({
          figure: "batch 100: throughput",
          value: 5782,
          unit: "traces/s",
          baseline: "raw INSERT",
          baselineValue: 18193,
          target: { on: "ratio", op: ">=", limit: 0.5 },
        }),
      ],
      notes: ["3,000 traces per case, one client."],
    }),
    drift: section("drift", {
      rows: [
        benchRow({
          figure: "full embedding comparison, 5000 × 384",
          value: 2800,
          unit: "ms",
          baseline: "numpy/scipy",
          baselineValue: 1653,
          target: [
            { on: "value", op: "<", limit: 5000 },
            { on: "ratio", op: "<=", limit: 2 },
          ],
        }),
      ],
      tables: [{ caption: "Detail:", columns: ["kind", "heap (MB)"], align: ["l", "r"], rows: [["metric", "9"]] }],
    }),
  },
};

describe("benchRow", () => {
  it("computes the ratio to the baseline and whether every target holds", () => {
    const row = benchRow({ figure: "x", value: 30, unit: "ms", baseline: "b", baselineValue: 20, target: [{ on: "value", op: "<", limit: 300 }, { on: "ratio", op: "<=", limit: 2 }] });
    expect(row.ratio).toBeCloseTo(1.5);
    expect(row.target).toBe("< 300 ms and ratio ≤ 2");
    expect(row.met).toBe(true);
    expect(benchRow({ figure: "y", value: 50, unit: "ms", baseline: "b", baselineValue: 20, target: { on: "ratio", op: "<=", limit: 2 } }).met).toBe(false);
  });

  it("leaves ratio empty without a baseline, and met absent without a target", () => {
    const row = benchRow({ figure: "page", value: 800, unit: "ms" });
    expect(row.ratio).toBeNull();
    expect(row.baseline).toBeNull();
    expect(row.met).toBeUndefined();
  });
});

describe("renderReport", () => {
  const md = renderReport(results);

  it("heads the page with the machine, the date and the targets' summary", () => {
    expect(md).toMatch(/^# Benchmarks\n/);
    expect(md).toContain("Machine: Test CPU 9000, 2 cores, 23 GB RAM, Debian GNU/Linux 12 (Linux 6.1), Node v20.20.2, PostgreSQL 15.20 with pgvector 0.8.0.");
    expect(md).toContain("Measured: 2026-11-28 22:30 UTC.");
    const summary = md.slice(md.indexOf("## Targets"), md.indexOf("## Ingest"));
    expect(summary).toContain("| Ingest | batch 100: throughput | 5,782 traces/s | raw INSERT | 0.32× | ratio ≥ 0.5 | **not met** |");
    expect(summary).toContain("| Drift statistics | full embedding comparison, 5000 × 384 | 2,800 ms | numpy/scipy | 1.69× | < 5,000 ms and ratio ≤ 2 | met |");
    expect(summary).not.toContain("batch 1: throughput");
  });

  it("renders each section with its figures, baselines, ratios, detail tables, notes and reproducing command", () => {
    expect(md).toContain("| batch 1: throughput | 107 traces/s | raw INSERT | 1,409 traces/s | 0.08× |  |  |");
    expect(md).toContain("| kind | heap (MB) |\n|---|---:|\n| metric | 9 |");
    expect(md).toContain("3,000 traces per case, one client.");
    expect(md).toContain("Reproduce: `npm run bench -- ingest` (stand-alone, printing its tables: `npx tsx scripts/bench/ingest.ts`).");
    expect(md).toContain("Measured 2026-11-28 22:30 UTC in 1 min 35 s.");
  });

  it("keeps the fixed prose and follows the runner's order", () => {
    expect(md).toContain("MMD runs on at most 1,000 rows per side");
    expect(md).toContain("this machine's");
    expect(md.indexOf("## Ingest")).toBeLessThan(md.indexOf("## Drift statistics"));
    expect(md).toContain("## Monitors\n\nNot measured yet: `npm run bench -- monitors` fills this section.");
  });

  it("lists a section's targets as not measured when the run has no row for them", () => {
    const quickDrift = renderReport(mergeResults(results, [section("drift", { quick: true })]));
    expect(quickDrift).toMatch(/\| Drift statistics \| full embedding comparison, 5000 × 384: [^|]+\| — \| — \| — \|  \| not measured in this run \|/);
    expect(md).not.toContain("not measured in this run");
  });

  it("says so when sections come from a quick run", () => {
    const quick = renderReport(mergeResults(results, [section("drift", { quick: true, command: "npm run bench -- drift --quick" })]));
    expect(quick).toContain("> **Quick run.** These sections: Drift statistics ran with `--quick`");
    expect(quick).toContain("**quick run** (smaller sizes; not the published figures)");
    expect(md).not.toContain("Quick run.");
  });

  it("names a section's own machine when it differs from the page's", () => {
    const other = section("monitors", { date: "2026-11-01T08:00:00.000Z", machine: { ...machine, cpu: "Other CPU" } });
    const mixed = renderReport(mergeResults(results, [other]));
    expect(mixed).toContain("Machine: Other CPU, 2 cores");
    expect(mixed).toContain("Measured: 2026-11-01 08:00 UTC to 2026-11-28 22:30 UTC (each section gives its own date).");
  });

  it("renders sections of benchmarks it has no prose for", () => {
    const withLoad = renderReport(mergeResults(results, [section("load", { title: "Load", rows: [benchRow({ figure: "rps", value: 900, unit: "req/s", baseline: "b", baselineValue: 1000 })] })]));
    expect(withLoad).toContain("## Load");
    expect(withLoad).toContain("| rps | 900 req/s | b | 1,000 req/s | 0.90× |");
  });
});

describe("mergeResults", () => {
  it("replaces the measured sections and keeps the others", () => {
    const fresh = section("ingest", { date: "2026-12-01T00:00:00.000Z" });
    const merged = mergeResults(results, [fresh]);
    expect(merged.sections.ingest).toBe(fresh);
    expect(merged.sections.drift).toBe(results.sections.drift);
    expect(mergeResults(undefined, [fresh]).sections).toEqual({ ingest: fresh });
  });
});

describe("selectBenchmarks", () => {
  const all: Benchmark[] = [
    { name: "ingest", script: "i.ts" },
    { name: "embed", script: "e.ts" },
    { name: "embed-job", script: "j.ts" },
    { name: "drift", script: "d.ts" },
  ];
  it("selects all, by name, and a family by its prefix, in the table's order", () => {
    expect(selectBenchmarks([], all)).toBe(all);
    expect(selectBenchmarks(["drift", "ingest"], all).map((b) => b.name)).toEqual(["ingest", "drift"]);
    expect(selectBenchmarks(["embed"], all).map((b) => b.name)).toEqual(["embed", "embed-job"]);
    expect(() => selectBenchmarks(["nope"], all)).toThrow(/unknown benchmark nope/);
  });
});

describe("formatting", () => {
  it("formats numbers, ratios and the reproducing environment", () => {
    expect(formatNumber(18193.4)).toBe("18,193");
    expect(formatNumber(16.62)).toBe("16.6");
    expect(formatNumber(0.8)).toBe("0.80");
    expect(formatRatio(47.24)).toBe("47.2×");
    expect(formatRatio(null)).toBe("—");
    expect(envPrefix({ BENCH_SIZES: "2000", BENCH_JSON: "x.json", PATH: "/bin" })).toBe("BENCH_SIZES=2000 ");
  });
});
