import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { createDemoEvaluators } from "@/lib/demo/default-evaluators";
import { DEMO_DEFAULTS, DEMO_PROJECT_SLUG, writeDemoWorld } from "@/lib/demo/write-world";
import { DEMO_EVENTS } from "@/lib/demo/world";
import { openCliDatabase } from "../database";

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

const USAGE = `usage: driftline demo [--days N] [--per-day N] [--project slug] [--seed N]
  Writes ${DEMO_DEFAULTS.days} days (default) of a support assistant's LLM traffic with known events into a
  demo project, through the ingest path: a version change on day ${DEMO_EVENTS.versionChangeDay}, a new topic from day
  ${DEMO_EVENTS.topicShiftDay}, a router change on day ${DEMO_EVENTS.routerChangeDay}, quiet days ${DEMO_EVENTS.quietDays[0]}–${DEMO_EVENTS.quietDays[1]}. Running it again adds nothing.`;

function positive(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new RangeError(`--${name} must be a whole number from 1 to ${max}`);
  return n;
}

export async function runDemo(argv: string[], io: Io): Promise<number> {
  let values;
  let days: number;
  let perDay: number;
  let seed: number;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        days: { type: "string" },
        "per-day": { type: "string" },
        project: { type: "string" },
        seed: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
    days = positive("days", values.days, DEMO_DEFAULTS.days, 365);
    perDay = positive("per-day", values["per-day"], DEMO_DEFAULTS.perDay, 100_000);
    seed = positive("seed", values.seed, DEMO_DEFAULTS.seed, 2 ** 31);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (days < DEMO_EVENTS.routerChangeDay) {
    io.stderr.write(`note: with ${days} days, the events after day ${days} are not in the world\n`);
  }
  const handle = await openCliDatabase();
  const bar = new cliProgress.SingleBar(
    { format: " {bar} {percentage}% | {value}/{total} traces | {eta_formatted} left", hideCursor: true, stream: io.stderr },
    cliProgress.Presets.shades_classic,
  );
  try {
    bar.start(days * perDay, 0);
    const result = await writeDemoWorld(handle, {
      days,
      perDay,
      seed,
      projectSlug: values.project ?? DEMO_PROJECT_SLUG,
      onProgress: (p) => bar.update(p.written),
    });
    bar.stop();
    const evaluators = await createDemoEvaluators(handle.db, result.projectId);
    io.stdout.write(
      `demo project "${values.project ?? DEMO_PROJECT_SLUG}": ${result.accepted} traces written, ${result.duplicates} already there. ` +
        `${evaluators ? `${evaluators} evaluators and a golden set created. ` : ""}` +
        "The server embeds them, scores them and runs the monitors in the background (or run `driftline embed` now).\n",
    );
    return 0;
  } finally {
    bar.stop();
    await handle.close();
  }
}
