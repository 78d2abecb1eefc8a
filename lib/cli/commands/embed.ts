import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { eq } from "drizzle-orm";
import { ensureEmbeddingIndexes, ensureEmbeddingModel } from "@/db/embedding-index";
import { projects } from "@/db/schema";
import { createEmbedder } from "@/lib/embeddings";
import { backfillEmbeddings } from "@/lib/jobs/backfill";
import { drainEmbeddingBacklog } from "@/lib/jobs/embed";
import { openCliDatabase } from "../database";

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

const USAGE = `usage:
  driftline embed                                  embed the waiting backlog now
  driftline embed --backfill [--model M] [--project <slug>]
                                                   embed all stored texts that have no vector of model M
                                                   (default: the configured EMBEDDING_MODEL)`;

export async function runEmbed(argv: string[], io: Io): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        backfill: { type: "boolean", default: false },
        model: { type: "string" },
        project: { type: "string" },
        "batch-size": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const batchSize = values["batch-size"] ? Number(values["batch-size"]) : 64;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1024) {
    io.stderr.write("--batch-size must be a whole number from 1 to 1024\n");
    return 2;
  }
  if (values.model && !values.backfill) {
    io.stderr.write("--model applies to --backfill; the backlog is always embedded with the configured model\n");
    return 2;
  }

  const handle = await openCliDatabase();
  const embedder = await createEmbedder({ worker: false, ...(values.model ? { model: values.model } : {}) });
  const bar = new cliProgress.SingleBar(
    { format: " {bar} {percentage}% | {value}/{total} texts | {eta_formatted} left | {speed} texts/s", hideCursor: true, stream: io.stderr },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  const speed = (n: number) => (n / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(0);
  try {
    io.stderr.write(`model: ${embedder.modelId} (${embedder.dimensions} dimensions, ${embedder.source})\n`);
    if (values.backfill) {
      let projectId: string | undefined;
      if (values.project) {
        const [project] = await handle.db.select().from(projects).where(eq(projects.slug, values.project));
        if (!project) {
          io.stderr.write(`no project "${values.project}"\n`);
          return 2;
        }
        projectId = project.id;
      }
      let begun = false;
      const result = await backfillEmbeddings(handle, embedder, {
        projectId,
        batchSize,
        onProgress(p) {
          if (!begun) {
            bar.start(p.total, 0, { speed: "0" });
            begun = true;
          }
          bar.update(p.done, { speed: speed(p.done) });
        },
      });
      bar.stop();
      io.stdout.write(`backfill done: ${result.embedded} embedded, ${result.skipped} without known tokens, of ${result.total}\n`);
      return 0;
    }
    const [{ n: pending } = { n: 0 }] = await handle.query<{ n: number }>(
      "select count(*)::int as n from embedding_backlog where failed_at is null",
    );
    bar.start(pending, 0, { speed: "0" });
    let done = 0;
    const result = await drainEmbeddingBacklog(handle, embedder, {
      batchSize,
      onBatch(stats) {
        done += stats.claimed;
        bar.update(Math.min(done, pending), { speed: speed(done) });
      },
    });
    bar.stop();
    const model = await ensureEmbeddingModel(handle, embedder.modelId, embedder.dimensions, { index: false });
    const built = await ensureEmbeddingIndexes(handle, model);
    if (built.length > 0) io.stderr.write(`built HNSW indexes ${built.join(", ")}\n`);
    io.stdout.write(
      `backlog done: ${result.embedded} embedded, ${result.failed} failed for good, ${result.retried} left for a retry\n`,
    );
    return 0;
  } finally {
    await embedder.close();
    await handle.close();
  }
}
