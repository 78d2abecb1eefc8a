import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { ZodError } from "zod";
import type { Embedder } from "../../embeddings/embedder";
import { InputError, readJsonLines } from "../jsonl";
import { isMetricName, isSkipped, METRIC_NAMES, METRICS, type EvalInput, type MetricName, type MetricResult, type PreparedMetric } from "../../evals/metrics";

export interface EvalIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Loads the configured embedding model; called only when a semantic metric is asked for. */
  loadEmbedder?: () => Promise<Embedder>;
}

const USAGE = `Usage: driftline eval --input <pairs.jsonl> --metrics <m1,m2,…> [--json]
                      [--fail-below <metric>=<value> …] [--settings '<json>']

Scores each line of a JSON Lines file, {"response": …, "reference": …, "prompt": …, "contexts": […]}
(contexts: the retrieved documents, for context_relevance), with the named metrics, and prints every item's scores and the means. Metrics:
  ${METRIC_NAMES.join(", ")}
(definitions: docs/evaluations.md). A metric that cannot score a line (no reference, no known word
for the embedding model…) leaves it null and out of the mean. Unit metrics are on [0, 1]; length_*
and pii are counts. Semantic metrics (semscore, relevance, bertscore, context_relevance) use the configured embedding
model (EMBEDDING_MODEL; the bundled offline model works without a network).
--settings gives metric settings as JSON, e.g. '{"rouge1":{"stemmer":true},"regex":{"pattern":"^\\\\{"}}'.
--fail-below exits 1 when a metric's mean is below the value (repeatable). Bad input exits 2.`;


const PROGRESS_FROM = 500;
const EMBED_BATCH = 256;
const TABLE_ROWS = 50;

type Item = { line: number; input: EvalInput };

function parseMetricList(raw: string): MetricName[] {
  const names = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (names.length === 0) throw new InputError("--metrics names no metric");
  const unknown = names.filter((n) => !isMetricName(n));
  if (unknown.length > 0) throw new InputError(`unknown metric${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `"${n}"`).join(", ")}; known: ${METRIC_NAMES.join(", ")}`);
  return [...new Set(names as MetricName[])];
}

function parseThresholds(raw: string[], metrics: readonly MetricName[]): Map<MetricName, number> {
  const out = new Map<MetricName, number>();
  for (const entry of raw) {
    const m = /^([^=]+)=(.+)$/.exec(entry);
    if (!m) throw new InputError(`--fail-below takes <metric>=<value>, got "${entry}"`);
    const name = m[1]!.trim();
    const value = Number(m[2]);
    if (!isMetricName(name)) throw new InputError(`--fail-below: unknown metric "${name}"`);
    if (!metrics.includes(name)) throw new InputError(`--fail-below ${name}: the metric is not in --metrics`);
    if (!Number.isFinite(value)) throw new InputError(`--fail-below ${name}: "${m[2]}" is not a number`);
    out.set(name, value);
  }
  return out;
}

function prepare(metrics: readonly MetricName[], rawSettings: string | undefined): PreparedMetric[] {
  let settings: Record<string, unknown> = {};
  if (rawSettings !== undefined) {
    try {
      settings = JSON.parse(rawSettings) as Record<string, unknown>;
    } catch (error) {
      throw new InputError(`--settings is not valid JSON (${(error as Error).message})`);
    }
    if (settings === null || typeof settings !== "object" || Array.isArray(settings)) throw new InputError("--settings must be a JSON object keyed by metric name");
    for (const key of Object.keys(settings)) {
      if (!metrics.includes(key as MetricName)) throw new InputError(`--settings: "${key}" is not one of the --metrics`);
    }
  }
  return metrics.map((name) => {
    try {
      return METRICS[name].prepare(settings[name]);
    } catch (error) {
      if (error instanceof ZodError) {
        const issue = error.issues[0]!;
        const path = [name, ...issue.path.map(String)].join(".");
        throw new InputError(`--settings ${path}: ${issue.message}`);
      }
      throw error;
    }
  });
}

async function readItems(file: string, metrics: readonly MetricName[]): Promise<Item[]> {
  const needReference = metrics.filter((m) => METRICS[m].needs.reference);
  const needPrompt = metrics.filter((m) => METRICS[m].needs.prompt);
  const items: Item[] = [];
  for (const { record, line, where } of await readJsonLines(file)) {
    const field = (name: "response" | "reference" | "prompt" | "finishReason", neededBy: readonly MetricName[]): string | null => {
      const v = record[name];
      if (v === undefined || v === null) {
        if (neededBy.length > 0) throw new InputError(`${where}: field "${name}" is missing (needed by ${neededBy.join(", ")})`);
        return null;
      }
      if (typeof v !== "string") throw new InputError(`${where}: field "${name}" must be a string, got ${Array.isArray(v) ? "an array" : typeof v}`);
      return v;
    };
    const contexts = record.contexts;
    if (contexts !== undefined && contexts !== null && !(Array.isArray(contexts) && contexts.every((c) => typeof c === "string"))) {
      throw new InputError(`${where}: field "contexts" must be an array of strings (the retrieved documents)`);
    }
    items.push({
      line,
      input: {
        response: field("response", metrics),
        reference: field("reference", needReference),
        prompt: field("prompt", needPrompt),
        finishReason: field("finishReason", []),
        contexts: (contexts as string[] | null | undefined) ?? null,
      },
    });
  }
  if (items.length === 0) throw new InputError(`${file}: no records`);
  return items;
}

function progressBar(io: EvalIo, total: number, label: string) {
  if (total < PROGRESS_FROM) return null;
  const bar = new cliProgress.SingleBar(
    { format: ` ${label} {bar} {percentage}% | {value}/{total} | {eta_formatted} left`, hideCursor: true, stream: io.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

/** Sentence vectors of every distinct text the semantic metrics will compare, embedded in batches. */
async function embedAll(embedder: Embedder, items: readonly Item[], sides: ReadonlySet<"prompt" | "response" | "reference">, io: EvalIo) {
  const texts = new Set<string>();
  for (const { input } of items) for (const side of sides) if (input[side] !== null) texts.add(input[side]!);
  const list = [...texts];
  const vectors = new Map<string, Float32Array | null>();
  const bar = progressBar(io, list.length, "embedding");
  for (let start = 0; start < list.length; start += EMBED_BATCH) {
    const batch = list.slice(start, start + EMBED_BATCH);
    const result = await embedder.embedBatch(batch);
    batch.forEach((t, k) => vectors.set(t, result.empty[k] ? null : result.vectors[k]!));
    bar?.update(Math.min(list.length, start + EMBED_BATCH));
  }
  bar?.stop();
  return vectors;
}

const round = (x: number) => Math.round(x * 1e12) / 1e12;

function fmt(x: number | null, count: boolean): string {
  if (x === null) return "—";
  return count ? (Number.isInteger(x) ? String(x) : x.toFixed(1)) : x.toFixed(4);
}

function table(metrics: readonly MetricName[], rows: Array<{ line: number; scores: Record<string, number | null> }>, means: Record<string, number | null>, file: string): string {
  const head = ["line", ...metrics];
  const shown = rows.slice(0, TABLE_ROWS);
  const body = shown.map((r) => [String(r.line), ...metrics.map((m) => fmt(r.scores[m]!, METRICS[m].scale === "count"))]);
  const meanRow = ["mean", ...metrics.map((m) => fmt(means[m]!, METRICS[m].scale === "count"))];
  const all = [head, ...body, meanRow];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ").trimEnd();
  const out = [`driftline eval — ${file}, ${rows.length} item${rows.length === 1 ? "" : "s"}`, "", line(head), ...body.map(line)];
  if (rows.length > shown.length) out.push(`… ${rows.length - shown.length} more (--json prints every item)`);
  out.push(line(meanRow));
  return `${out.join("\n")}\n`;
}

/**
 * `driftline eval`: offline scoring of response/reference pairs for CI gates. Returns the exit code:
 * 0 — scored (and every --fail-below held), 1 — a mean fell below its --fail-below, 2 — bad input.
 */
export async function runEval(argv: string[], io: EvalIo): Promise<number> {
  const fail = (message: string): number => {
    io.stderr.write(`driftline eval: ${message}\n`);
    return 2;
  };
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        input: { type: "string" },
        metrics: { type: "string" },
        json: { type: "boolean", default: false },
        "fail-below": { type: "string", multiple: true, default: [] },
        settings: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const missing = (["input", "metrics"] as const).filter((k) => !values[k]);
  if (missing.length > 0) return fail(`missing ${missing.map((k) => `--${k}`).join(", ")}\n\n${USAGE}`);

  let embedder: Embedder | null = null;
  try {
    const metrics = parseMetricList(values.metrics!);
    const thresholds = parseThresholds(values["fail-below"] ?? [], metrics);
    const prepared = prepare(metrics, values.settings);
    const items = await readItems(values.input!, metrics);

    const semantic = prepared.filter((m) => m.async);
    let vectors = new Map<string, Float32Array | null>();
    if (semantic.length > 0) {
      if (!io.loadEmbedder) throw new InputError(`${semantic.map((m) => m.name).join(", ")} need an embedding model, but none is configured`);
      embedder = await io.loadEmbedder();
      io.stderr.write(`model: ${embedder.modelId} (${embedder.source})\n`);
      const sides = new Set<"prompt" | "response" | "reference">();
      for (const m of semantic) {
        if (m.name === "semscore") sides.add("response").add("reference");
        if (m.name === "relevance") sides.add("prompt").add("response");
      }
      vectors = await embedAll(embedder, items, sides, io);
    }

    const rows: Array<{ line: number; scores: Record<string, number | null>; skipped: Record<string, string> }> = [];
    const bar = progressBar(io, items.length, "scoring");
    for (const [index, { line, input }] of items.entries()) {
      const scores: Record<string, number | null> = {};
      const skipped: Record<string, string> = {};
      const known = (t: string | null) => (t === null ? null : (vectors.get(t) ?? null));
      for (const m of prepared) {
        const r: MetricResult = m.async
          ? await m.compute(input, { embedder, vectors: { prompt: known(input.prompt), response: known(input.response), reference: known(input.reference) } })
          : m.compute(input);
        if (isSkipped(r)) {
          scores[m.name] = null;
          skipped[m.name] = r.skipped;
        } else {
          scores[m.name] = round(r.value);
        }
      }
      rows.push({ line, scores, skipped });
      if (index % 100 === 0) bar?.update(index);
    }
    bar?.update(items.length);
    bar?.stop();

    const means: Record<string, number | null> = {};
    for (const m of metrics) {
      let sum = 0;
      let n = 0;
      for (const r of rows) {
        const v = r.scores[m];
        if (v !== null && v !== undefined) {
          sum += v;
          n++;
        }
      }
      means[m] = n > 0 ? round(sum / n) : null;
    }

    if (values.json) {
      const out = {
        items: rows.map((r) => (Object.keys(r.skipped).length > 0 ? { ...r.scores, skipped: r.skipped } : r.scores)),
        mean: means,
      };
      io.stdout.write(`${JSON.stringify(out)}\n`);
    } else {
      io.stdout.write(table(metrics, rows, means, values.input!));
    }

    let failed = false;
    for (const [name, threshold] of thresholds) {
      const mean = means[name];
      if (mean === null || mean === undefined) {
        io.stderr.write(`driftline eval: FAIL ${name}: no item could be scored (threshold ${threshold})\n`);
        failed = true;
      } else if (mean < threshold) {
        io.stderr.write(`driftline eval: FAIL ${name} mean ${mean.toFixed(4)} is below ${threshold}\n`);
        failed = true;
      }
    }
    return failed ? 1 : 0;
  } catch (error) {
    if (error instanceof InputError) return fail(error.message);
    throw error;
  } finally {
    await embedder?.close();
  }
}
