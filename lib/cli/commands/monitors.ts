import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { and, eq, type SQL } from "drizzle-orm";
import { monitors, projects } from "@/db/schema";
import { backfillMonitor, runDueMonitors } from "@/lib/jobs/monitor-schedule";
import { openCliDatabase } from "../database";

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

const USAGE = `usage:
  driftline monitors backfill [--project <slug>] [--monitor <id>]
                         compute each monitor's series over the stored traces (windows that have a result are kept)
  driftline monitors run [--monitor <id>]
                         run every due window now: new monitors' backfills and schedule ticks missed or due`;

export async function runMonitors(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { project: { type: "string" }, monitor: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help || sub === "--help" || sub === "-h") {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (sub !== "backfill" && sub !== "run") {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (values.monitor && !/^[0-9a-f-]{36}$/i.test(values.monitor)) {
    io.stderr.write("--monitor must be a monitor id\n");
    return 2;
  }
  if (sub === "run" && values.project) {
    io.stderr.write("--project applies to backfill\n");
    return 2;
  }

  const handle = await openCliDatabase();
  try {
    if (sub === "backfill") {
      const conditions: SQL[] = [];
      if (values.project) {
        const [project] = await handle.db.select().from(projects).where(eq(projects.slug, values.project));
        if (!project) {
          io.stderr.write(`no project "${values.project}"\n`);
          return 2;
        }
        conditions.push(eq(monitors.projectId, project.id));
      }
      if (values.monitor) conditions.push(eq(monitors.id, values.monitor));
      const selected = await handle.db.select().from(monitors).where(and(...conditions)).orderBy(monitors.createdAt);
      if (selected.length === 0) {
        io.stderr.write("no monitor matches\n");
        return values.monitor ? 2 : 0;
      }
      for (const monitor of selected) {
        io.stderr.write(`${monitor.name} (${monitor.kind}, ${monitor.id})\n`);
        const bar = new cliProgress.SingleBar(
          { format: " {bar} {percentage}% | {value}/{total} windows | {written} new | {eta_formatted} left", hideCursor: true, stream: io.stderr },
          cliProgress.Presets.shades_classic,
        );
        let begun = false;
        const result = await backfillMonitor(handle, monitor, {
          onProgress(p) {
            if (!begun) {
              bar.start(p.total, 0, { written: 0 });
              begun = true;
            }
            bar.update(p.done, { written: p.written });
          },
        });
        if (begun) bar.stop();
        const drift = result.runs.filter((r) => r.verdict === "drift").length;
        io.stdout.write(`${monitor.name}: ${result.done} windows, ${result.written} computed, ${drift} with drift\n`);
      }
      return 0;
    }

    const [due] = await handle.query<{ n: number }>(
      `select count(*)::int as n from monitors where paused = false and (next_run_at <= now() or backfilled_at is null)
         and ($1::uuid is null or id = $1)`,
      [values.monitor ?? null],
    );
    const bar = new cliProgress.SingleBar(
      { format: " {bar} {value} monitor steps | {windows} windows | {drift} with drift", hideCursor: true, stream: io.stderr },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(1, Number(due?.n ?? 0)), 0, { windows: 0, drift: 0 });
    let steps = 0;
    let windows = 0;
    let drift = 0;
    for (;;) {
      const result = await runDueMonitors(handle, { monitorId: values.monitor, limit: 1, log: (m) => io.stderr.write(`\n${m}\n`) });
      if (result.claimed === 0) break;
      steps += result.claimed;
      windows += result.runs.filter((r) => r.written).length;
      drift += result.runs.filter((r) => r.verdict === "drift").length;
      if (steps > bar.getTotal()) bar.setTotal(steps);
      bar.update(steps, { windows, drift });
    }
    bar.stop();
    io.stdout.write(`${windows} windows computed, ${drift} with drift\n`);
    return 0;
  } finally {
    await handle.close();
  }
}
