import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { and, eq } from "drizzle-orm";
import { datasets, evaluators, projects } from "@/db/schema";
import { createEmbedder, type Embedder } from "@/lib/embeddings";
import { itemsFormat, parseDatasetItems, type ItemsFormat } from "@/lib/ingest/dataset-items";
import { drainEmbeddingBacklog } from "@/lib/jobs/embed";
import { runEvalBatch } from "@/lib/jobs/evaluate";
import { addDatasetItems, createDataset } from "@/lib/services/datasets/datasets";
import { backfillEvaluator } from "@/lib/services/evaluators/evaluators";
import { openCliDatabase } from "../database";

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

const EVALS_USAGE = `usage:
  driftline evals backfill --evaluator <name|id> [--project <slug>] [--since <ISO date>]
                         score the stored traces the evaluator has not scored yet, now, with a progress bar`;

const DATASETS_USAGE = `usage:
  driftline datasets import <file.jsonl|file.csv|file.json> --name <dataset> [--project <slug>]
                         upload golden items { input, expectedOutput, metadata? }: a new dataset, or a new version of it`;

async function projectOf(handle: Awaited<ReturnType<typeof openCliDatabase>>, slug: string | undefined, io: Io): Promise<string | null> {
  const rows = slug ? await handle.db.select().from(projects).where(eq(projects.slug, slug)) : await handle.db.select().from(projects);
  if (rows.length === 1) return rows[0]!.id;
  io.stderr.write(slug ? `no project "${slug}"\n` : `there are ${rows.length} projects: name one with --project <slug>\n`);
  return null;
}

/** `driftline evals backfill`: queues the evaluator's history and scores it in this process. */
export async function runEvals(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { evaluator: { type: "string" }, project: { type: "string" }, since: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${EVALS_USAGE}\n`);
    return 2;
  }
  if (values.help || sub === "--help" || sub === "-h") {
    io.stdout.write(`${EVALS_USAGE}\n`);
    return 0;
  }
  if (sub !== "backfill" || !values.evaluator) {
    io.stderr.write(`${EVALS_USAGE}\n`);
    return 2;
  }
  const since = values.since ? new Date(values.since) : null;
  if (since && Number.isNaN(since.getTime())) {
    io.stderr.write("--since must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z\n");
    return 2;
  }
  const handle = await openCliDatabase();
  let embedder: Embedder | null = null;
  try {
    const projectId = await projectOf(handle, values.project, io);
    if (!projectId) return 2;
    const byId = /^[0-9a-f-]{36}$/i.test(values.evaluator);
    const [evaluator] = await handle.db
      .select()
      .from(evaluators)
      .where(and(eq(evaluators.projectId, projectId), byId ? eq(evaluators.id, values.evaluator) : eq(evaluators.name, values.evaluator)));
    if (!evaluator) {
      io.stderr.write(`no evaluator "${values.evaluator}" in this project\n`);
      return 2;
    }
    if (evaluator.status === "paused") {
      io.stderr.write(`evaluator "${evaluator.name}" is paused: resume it first (Evaluations page, or PATCH {"paused": false})\n`);
      return 2;
    }
    const { queued } = await backfillEvaluator({ ctx: { db: handle.db, actor: { kind: "operator" } }, input: { projectId, evaluatorId: evaluator.id, since } });
    io.stderr.write(`${evaluator.name} (${evaluator.kind}, version ${evaluator.version}): ${queued} traces to score\n`);
    if (queued === 0) return 0;
    embedder = await createEmbedder({ worker: false });
    // Texts still waiting to be embedded are embedded first: semantic metrics and golden-set matching use them.
    await drainEmbeddingBacklog(handle, embedder, { batchSize: 256 });
    const bar = new cliProgress.SingleBar(
      { format: " {bar} {percentage}% | {value}/{total} traces | {scores} scores | {eta_formatted} left", hideCursor: true, stream: io.stderr },
      cliProgress.Presets.shades_classic,
    );
    bar.start(queued, 0, { scores: 0 });
    let done = 0;
    let scores = 0;
    let failed = 0;
    for (;;) {
      const stats = await runEvalBatch(handle, embedder, { batchSize: 256 });
      if (stats.claimed === 0) break;
      done += stats.scored + stats.failed;
      scores += stats.scores;
      failed += stats.failed;
      bar.update(Math.min(done, queued), { scores });
      if (stats.scored + stats.failed === 0) break; // the rest waits for a retry: the server's job finishes it
    }
    bar.stop();
    io.stdout.write(`${done} traces scored (${scores} scores), ${failed} given up${done < queued ? `, ${queued - done} left for the server's evaluation job` : ""}\n`);
    return 0;
  } finally {
    await embedder?.close();
    await handle.close();
  }
}

/** `driftline datasets import FILE --name X`: a golden set from JSONL, CSV or JSON. */
export async function runDatasets(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { name: { type: "string" }, project: { type: "string" }, format: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${DATASETS_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || sub === "--help" || sub === "-h") {
    io.stdout.write(`${DATASETS_USAGE}\n`);
    return 0;
  }
  const file = positionals[0];
  if (sub !== "import" || !file || !values.name) {
    io.stderr.write(`${DATASETS_USAGE}\n`);
    return 2;
  }
  const ext = extname(file).toLowerCase();
  const format: ItemsFormat = (values.format as ItemsFormat | undefined) ?? (ext === ".csv" ? "csv" : ext === ".json" ? "json" : ext === ".jsonl" || ext === ".ndjson" ? "jsonl" : itemsFormat(null));
  if (!["csv", "jsonl", "json"].includes(format)) {
    io.stderr.write("--format must be csv, jsonl or json\n");
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    io.stderr.write(`cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  const items = parseDatasetItems(text, format);
  if (!items.ok) {
    for (const e of items.errors.slice(0, 20)) io.stderr.write(`${file}: ${e.path ? `${e.path}: ` : ""}${e.message}\n`);
    return 2;
  }
  const handle = await openCliDatabase();
  try {
    const projectId = await projectOf(handle, values.project, io);
    if (!projectId) return 2;
    const ctx = { db: handle.db, actor: { kind: "operator" as const } };
    const [existing] = await handle.db.select().from(datasets).where(and(eq(datasets.projectId, projectId), eq(datasets.name, values.name)));
    const dataset = existing
      ? await addDatasetItems({ ctx, input: { projectId, datasetId: existing.id, items: items.items } })
      : await createDataset({ ctx, input: { projectId, name: values.name, items: items.items } });
    io.stdout.write(`dataset "${dataset.name}" (${dataset.id}): ${items.items.length} items added, ${dataset.items} in all, version ${dataset.version}\n`);
    return 0;
  } finally {
    await handle.close();
  }
}
