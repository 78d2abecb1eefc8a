// Renders BENCHMARKS.md from collected results (bench-results/latest.json): a summary of every
// target at the top, then one section per benchmark with its rows, detail tables, the run's notes
// and the fixed prose from report-prose.ts. Pure: results in, markdown out.
import { BENCHMARKS } from "./benchmarks";
import { describeMachine, type Machine } from "./machine";
import { REPORT_INTRO, SECTION_PROSE, type SectionProse } from "./report-prose";
import type { BenchResults, BenchRow, BenchSection, BenchTable } from "./results";

/** Thousands separators from 1,000; one decimal from 10; two below. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return "—";
  const abs = Math.abs(x);
  if (abs >= 100) return Math.round(x).toLocaleString("en-US");
  if (abs >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

export function formatRatio(r: number | null): string {
  return r === null || !Number.isFinite(r) ? "—" : `${r < 10 ? r.toFixed(2) : r.toFixed(1)}×`;
}

const withUnit = (x: number | null, unit: string) => (x === null ? "—" : unit ? `${formatNumber(x)} ${unit}` : formatNumber(x));

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

const day = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const met = (row: BenchRow) => (row.met === undefined ? "" : row.met ? "met" : "**not met**");

function table(columns: string[], align: Array<"l" | "r">, rows: string[][]): string[] {
  return [
    `| ${columns.map(cell).join(" | ")} |`,
    `|${columns.map((_, i) => (align[i] === "r" ? "---:" : "---")).join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

function rowsTable(rows: BenchRow[]): string[] {
  const withTargets = rows.some((r) => r.target !== undefined);
  const columns = ["figure", "this machine", "baseline", "baseline, this machine", "ratio"];
  if (withTargets) columns.push("target", "met?");
  return table(
    columns,
    ["l", "r", "l", "r", "r", "l", "l"],
    rows.map((r) => {
      const cells = [r.figure, withUnit(r.value, r.unit), r.baseline ?? "—", withUnit(r.baselineValue, r.unit), formatRatio(r.ratio)];
      if (withTargets) cells.push(r.target ?? "", met(r));
      return cells;
    }),
  );
}

function detailTable(t: BenchTable): string[] {
  const out = t.caption ? [t.caption, ""] : [];
  return [...out, ...table(t.columns, t.align ?? [], t.rows)];
}

function sameMachine(a: Machine, b: Machine): boolean {
  return describeMachine(a) === describeMachine(b);
}

/** Sections in the runner's order first, then any others (a benchmark added since), by name. */
/** The benchmarks in their order; a section of another size of one (`dashboard-3m`) right after it; any other at the end. */
function orderedNames(results: BenchResults, order: string[]): string[] {
  const extra = Object.keys(results.sections)
    .filter((n) => !order.includes(n))
    .sort();
  const variantOf = (n: string) => order.filter((o) => n.startsWith(`${o}-`)).sort((a, b) => b.length - a.length)[0];
  const out: string[] = [];
  for (const name of order) out.push(name, ...extra.filter((n) => variantOf(n) === name));
  return [...out, ...extra.filter((n) => variantOf(n) === undefined)];
}

function summary(results: BenchResults, names: string[], prose: Record<string, SectionProse>): string[] {
  const rows: string[][] = [];
  for (const name of names) {
    const s = results.sections[name];
    const measured = s?.rows.filter((x) => x.target !== undefined) ?? [];
    for (const r of measured) {
      rows.push([titleOf(name, s, prose), r.figure, withUnit(r.value, r.unit), r.baseline ?? "—", formatRatio(r.ratio), r.target ?? "", met(r)]);
    }
    if (measured.length === 0) {
      for (const t of prose[name]?.targets ?? []) rows.push([titleOf(name, s, prose), t, "—", "—", "—", "", s ? "not measured in this run" : "not measured yet"]);
    }
  }
  if (rows.length === 0) return ["No target was measured in these results.", ""];
  return [...table(["benchmark", "figure", "this machine", "baseline", "ratio", "target", "met?"], ["l", "l", "r", "l", "r", "l", "l"], rows), ""];
}

function titleOf(name: string, s: BenchSection | undefined, prose: Record<string, SectionProse>): string {
  return prose[name]?.title ?? s?.title ?? name;
}

function section(name: string, s: BenchSection | undefined, header: Machine | undefined, proseMap: Record<string, SectionProse>): string[] {
  const prose = proseMap[name];
  const out = [`## ${titleOf(name, s, proseMap)}`, ""];
  if (!s) {
    out.push(`Not measured yet: \`npm run bench -- ${name}\` fills this section.`, "");
    if (prose) out.push(prose.intro, "");
    return out;
  }
  const when = `Measured ${day(s.date)} in ${formatDuration(s.durationMs)}${s.quick ? " — **quick run** (smaller sizes; not the published figures)" : ""}.`;
  const where = header && sameMachine(header, s.machine) ? "" : ` Machine: ${describeMachine(s.machine)}.`;
  out.push(`${when}${where} Reproduce: \`${s.command}\` (stand-alone, printing its tables: \`npx tsx ${s.script}${s.quick ? " --quick" : ""}\`).`, "");
  if (prose) out.push(prose.intro, "");
  if (s.rows.length > 0) out.push(...rowsTable(s.rows), "");
  for (const t of s.tables) out.push(...detailTable(t), "");
  for (const note of s.notes) out.push(note, "");
  if (prose?.afterword) out.push(prose.afterword, "");
  return out;
}

export function renderReport(
  results: BenchResults,
  options: { order?: string[]; prose?: Record<string, SectionProse>; resultsPath?: string } = {},
): string {
  const prose = options.prose ?? SECTION_PROSE;
  const names = orderedNames(results, options.order ?? BENCHMARKS.map((b) => b.name));
  const present = names.map((n) => results.sections[n]).filter((s): s is BenchSection => s !== undefined);
  const quick = present.filter((s) => s.quick).map((s) => titleOf(s.name, s, prose));
  // The machine of the latest section heads the page; a section measured elsewhere names its own.
  const header = present.length > 0 ? present.reduce((a, b) => (b.date > a.date ? b : a)).machine : undefined;
  const dates = present.map((s) => s.date).sort();
  const out = [
    "# Benchmarks",
    "",
    `<!-- Rendered by \`npm run bench\` (scripts/bench/report.ts) from ${options.resultsPath ?? "bench-results/latest.json"}. Do not edit by hand: the prose lives in scripts/bench/report-prose.ts. -->`,
    "",
  ];
  if (quick.length > 0) {
    out.push(
      `> **Quick run.** ${quick.length === present.length ? "Every section" : `These sections: ${quick.join(", ")}`} ran with \`--quick\` — smaller sizes to check the benchmarks end to end, not the published figures.`,
      "",
    );
  }
  out.push(REPORT_INTRO, "");
  if (header) out.push(`Machine: ${describeMachine(header)}.`, "");
  if (dates.length > 0) {
    const first = day(dates[0]!);
    const last = day(dates[dates.length - 1]!);
    out.push(`Measured: ${first === last ? first : `${first} to ${last} (each section gives its own date)`}.`, "");
  }
  out.push("## Targets", "", ...summary(results, names, prose));
  for (const name of names) {
    if (!results.sections[name] && !prose[name]) continue;
    out.push(...section(name, results.sections[name], header, prose));
  }
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}

/** Replaces the sections of `previous` that `fresh` measured, keeping the others. */
export function mergeResults(previous: BenchResults | undefined, fresh: BenchSection[]): BenchResults {
  const sections = { ...(previous?.sections ?? {}) };
  for (const s of fresh) sections[s.name] = s;
  return { version: 1, sections };
}
