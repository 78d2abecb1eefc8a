import { parseArgs } from "node:util";
import {
  compareCategorical,
  compareEmbeddings,
  compareNumeric,
  DEFAULT_THRESHOLDS,
  MMD_DEFAULT_PERMUTATIONS,
  type CategoricalComparison,
  type EmbeddingComparison,
  type NumericComparison,
} from "../../drift";
import { InputError, readJsonLines } from "../jsonl";

export interface CompareIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Embeds strings with the configured model; needed only for `--kind text`. */
  embedTexts?: (texts: string[]) => Promise<number[][]>;
}

export type FieldKind = "numeric" | "categorical" | "embedding" | "text";
const KINDS: readonly FieldKind[] = ["numeric", "categorical", "embedding", "text"];

const USAGE = `Usage: driftline compare --reference <ref.jsonl> --current <cur.jsonl> --field <name>
                         [--kind numeric|categorical|embedding|text] [--json]
                         [--seed N] [--permutations B]

Compares one field of two JSON Lines files and reports whether it drifted.
<name> may be a dotted path (metrics.latency). The kind is inferred from the
values (number → numeric, string → categorical, array of numbers → embedding)
unless --kind is given; --kind text embeds strings with the configured model.
Exit code 0 whether or not drift is found, 2 for bad input.`;


type Sample =
  | { kind: "numeric"; values: number[] }
  | { kind: "categorical"; values: string[] }
  | { kind: "embedding"; values: number[][] }
  | { kind: "text"; values: string[] };

type ValueKind = "numeric" | "categorical" | "embedding";

interface Located {
  value: unknown;
  where: string;
}

/** Reads `<name>` from a record: an exact key wins, otherwise the dotted path is walked. */
function pick(record: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(record, name)) return record[name];
  let cur: unknown = record;
  for (const part of name.split(".")) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

async function readField(file: string, field: string): Promise<Located[]> {
  const out: Located[] = [];
  for (const { record, where } of await readJsonLines(file)) {
    const value = pick(record, field);
    if (value === undefined) throw new InputError(`${where}: field "${field}" is missing`);
    if (value === null) throw new InputError(`${where}: field "${field}" is null`);
    out.push({ value, where });
  }
  if (out.length === 0) throw new InputError(`${file}: empty sample (no records)`);
  return out;
}

function valueKind(v: unknown): ValueKind | null {
  if (typeof v === "number") return "numeric";
  if (typeof v === "string" || typeof v === "boolean") return "categorical";
  if (Array.isArray(v)) return "embedding";
  return null;
}

const describeKind: Record<ValueKind, string> = {
  numeric: "a number",
  categorical: "a string",
  embedding: "an array of numbers",
};

function collect(values: Located[], field: string, requested: FieldKind | undefined, first: Located): Sample["values"] {
  const kind: FieldKind = requested ?? (valueKind(first.value) as ValueKind);
  const nums: number[] = [];
  const strs: string[] = [];
  const vecs: number[][] = [];
  let dim = -1;
  let dimWhere = "";
  for (const { value, where } of values) {
    const vk = valueKind(value);
    if (vk === null) throw new InputError(`${where}: field "${field}" has an unsupported value (${JSON.stringify(value)})`);
    switch (kind) {
      case "numeric":
        if (vk !== "numeric") throw new InputError(mixed(where, field, vk, "numeric", first, requested));
        if (!Number.isFinite(value)) throw new InputError(`${where}: field "${field}" is not a finite number`);
        nums.push(value as number);
        break;
      case "categorical":
        // Explicit --kind categorical also accepts numbers (status codes, ratings).
        if (vk === "embedding" || (vk === "numeric" && !requested)) throw new InputError(mixed(where, field, vk, "categorical", first, requested));
        strs.push(String(value));
        break;
      case "text":
        if (typeof value !== "string") throw new InputError(`${where}: field "${field}" is not a string (--kind text)`);
        strs.push(value);
        break;
      case "embedding": {
        if (vk !== "embedding") throw new InputError(mixed(where, field, vk, "embedding", first, requested));
        const arr = value as unknown[];
        if (arr.length === 0) throw new InputError(`${where}: field "${field}" is an empty vector`);
        const row: number[] = new Array<number>(arr.length);
        for (let k = 0; k < arr.length; k++) {
          const x = arr[k];
          if (typeof x !== "number") throw new InputError(`${where}: field "${field}" element ${k} is not a number`);
          if (!Number.isFinite(x)) throw new InputError(`${where}: field "${field}" element ${k} is not a finite number`);
          row[k] = x;
        }
        if (dim === -1) {
          dim = row.length;
          dimWhere = where;
        } else if (row.length !== dim) {
          throw new InputError(`${where}: ragged vectors: field "${field}" has ${row.length} values, expected ${dim} (as at ${dimWhere})`);
        }
        vecs.push(row);
        break;
      }
    }
  }
  return kind === "numeric" ? nums : kind === "embedding" ? vecs : strs;
}

function mixed(where: string, field: string, found: ValueKind, expected: FieldKind, first: Located, requested: FieldKind | undefined): string {
  const why = requested ? `--kind ${requested}` : `as at ${first.where}`;
  return `${where}: mixed kinds: field "${field}" is ${describeKind[found]}, expected ${describeKind[expected as ValueKind]} (${why})`;
}

function parseInteger(flag: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new InputError(`--${flag} must be an integer ≥ ${min}, got "${raw}"`);
  }
  return Number(raw);
}

type Report = NumericComparison | CategoricalComparison | (Omit<EmbeddingComparison, "kind"> & { kind: "embedding" | "text" });

/** The JSON document: exactly the documented keys for each kind. */
function toJson(r: Report): unknown {
  if (r.kind === "categorical") {
    const { kind, n, chiSquare, gTest, psi, jensenShannon, drift } = r;
    return { kind, n, chiSquare, gTest, psi, jensenShannon, drift };
  }
  return r;
}

function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a < 1e-4 || a >= 1e6) return x.toExponential(3);
  return x.toPrecision(4).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

function table(rows: [string, string, string?][]): string {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padStart(w1)}${c ? `  ${c}` : ""}`.trimEnd()).join("\n");
}

function humanReport(r: Report, field: string, refFile: string, curFile: string): string {
  const head = [
    `driftline compare — field "${field}" (${r.kind})`,
    `  reference  ${refFile}  n = ${r.n.reference}`,
    `  current    ${curFile}  n = ${r.n.current}`,
    "",
  ];
  const t = DEFAULT_THRESHOLDS;
  let body: string;
  let rule: string;
  if (r.kind === "numeric") {
    body = table([
      ["statistic", "value", ""],
      ["KS D", fmt(r.ks.statistic), `p = ${fmt(r.ks.pValue)} (${r.ks.method})`],
      ["PSI", fmt(r.psi)],
      ["Jensen–Shannon distance", fmt(r.jensenShannon)],
      ["Wasserstein-1", fmt(r.wasserstein)],
      ["Wasserstein-1 / ref SD", fmt(r.wassersteinNormed)],
    ]);
    rule = `KS p < ${t.alpha} and PSI ≥ ${t.psi}`;
  } else if (r.kind === "categorical") {
    body = table([
      ["statistic", "value", ""],
      ["χ²", fmt(r.chiSquare.statistic), `p = ${fmt(r.chiSquare.pValue)} (dof ${r.chiSquare.dof})`],
      ["G", fmt(r.gTest.statistic), `p = ${fmt(r.gTest.pValue)}`],
      ["PSI", fmt(r.psi)],
      ["Jensen–Shannon distance", fmt(r.jensenShannon)],
    ]);
    const shown = r.categories.slice(0, 20);
    const w = Math.max("current".length, ...shown.map((c) => String(c.current).length));
    const cats = shown.map((c): [string, string, string] => [c.value, String(c.reference), String(c.current).padStart(w)]);
    body += `\n\n${table([["category", "reference", "current".padStart(w)], ...cats])}`;
    if (r.categories.length > 20) body += `\n  … ${r.categories.length - 20} more categories`;
    rule = `χ² p < ${t.alpha} and PSI ≥ ${t.psi}`;
  } else {
    body = table([
      ["statistic", "value", ""],
      ["dimensions", String(r.dim)],
      ["centroid Euclidean", fmt(r.centroid.euclidean)],
      ["centroid cosine (1 − cos)", fmt(r.centroid.cosine)],
      ["MMD²", fmt(r.mmd.mmd2), `p = ${fmt(r.mmd.pValue)} (${r.mmd.permutations} permutations, σ = ${fmt(r.mmd.sigma)})`],
      ["multi-scale MMD", `p = ${fmt(r.mmdMultiscale.pValue)}`, `bandwidths σ·${r.mmdMultiscale.bandwidths.map((b) => b.factor).join(", σ·")}; most different at σ·${r.mmdMultiscale.chosen}`],
      ["kernel AUC", fmt(r.kernel.auc), `held-out MMD witness at σ = ${fmt(r.kernel.sigma)}`],
      ["linear classifier AUC", fmt(r.classifier.auc)],
      ["per-component KS, Bonferroni p", fmt(r.components.bonferroniP), `${fmt(100 * r.components.driftedShare)}% of components below 0.05/d`],
    ]);
    rule = `multi-scale MMD p < ${t.alpha} and kernel AUC ≥ ${t.auc}`;
  }
  const verdict = r.drift ? `verdict: DRIFT (${rule})` : `verdict: no drift (drift needs ${rule})`;
  return `${head.join("\n")}\n${body}\n\n${verdict}\n`;
}

/**
 * `driftline compare`: offline comparison of one field across two JSON Lines
 * files. Returns the process exit code (0 — drift or not; 2 — bad input).
 */
export async function runCompare(argv: string[], io: CompareIo): Promise<number> {
  const fail = (message: string): number => {
    io.stderr.write(`driftline compare: ${message}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        reference: { type: "string" },
        current: { type: "string" },
        field: { type: "string" },
        kind: { type: "string" },
        json: { type: "boolean", default: false },
        seed: { type: "string" },
        permutations: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  const o = parsed.values;
  if (o.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const missing = (["reference", "current", "field"] as const).filter((k) => !o[k]);
  if (missing.length > 0) return fail(`missing ${missing.map((k) => `--${k}`).join(", ")}\n\n${USAGE}`);
  const refFile = o.reference!;
  const curFile = o.current!;
  const field = o.field!;
  try {
    if (o.kind !== undefined && !KINDS.includes(o.kind as FieldKind)) {
      throw new InputError(`--kind must be one of ${KINDS.join(", ")}, got "${o.kind}"`);
    }
    const requested = o.kind as FieldKind | undefined;
    const seed = parseInteger("seed", o.seed, 0, 0);
    const permutations = parseInteger("permutations", o.permutations, MMD_DEFAULT_PERMUTATIONS, 1);
    if (requested === "text" && !io.embedTexts) {
      throw new InputError("--kind text needs an embedding model, but none is configured; embed the texts first and use --kind embedding");
    }
    const [refValues, curValues] = await Promise.all([readField(refFile, field), readField(curFile, field)]);
    const first = refValues[0]!;
    if (!requested && valueKind(first.value) === null) {
      throw new InputError(`${first.where}: field "${field}" has an unsupported value (${JSON.stringify(first.value)})`);
    }
    const ref = collect(refValues, field, requested, first);
    const cur = collect(curValues, field, requested, first);
    const kind: FieldKind = requested ?? (valueKind(first.value) as ValueKind);

    let report: Report;
    if (kind === "numeric") {
      report = compareNumeric(ref as number[], cur as number[]);
    } else if (kind === "categorical") {
      report = compareCategorical(ref as string[], cur as string[]);
    } else {
      let refVecs = ref as number[][];
      let curVecs = cur as number[][];
      if (kind === "text") {
        const embed = io.embedTexts!;
        refVecs = await embed(ref as string[]);
        curVecs = await embed(cur as string[]);
      }
      for (const [file, vecs] of [[refFile, refVecs], [curFile, curVecs]] as const) {
        if (vecs.length < 2) throw new InputError(`${file}: an embedding comparison needs at least 2 records, found ${vecs.length}`);
      }
      const dimRef = refVecs[0]!.length;
      const dimCur = curVecs[0]!.length;
      if (dimRef !== dimCur) {
        throw new InputError(`ragged vectors: ${refFile} has ${dimRef}-dimensional vectors, ${curFile} has ${dimCur}`);
      }
      const r = compareEmbeddings(refVecs, curVecs, { seed, permutations });
      report = { ...r, kind: kind === "text" ? "text" : "embedding" };
    }
    io.stdout.write(o.json ? `${JSON.stringify(toJson(report))}\n` : humanReport(report, field, refFile, curFile));
    return 0;
  } catch (err) {
    if (err instanceof InputError) return fail(err.message);
    throw err;
  }
}
