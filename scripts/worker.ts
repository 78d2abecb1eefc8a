// `npm run worker`: the background jobs without a web server — for deployments
// on PostgreSQL that want more workers (run as many as you like; they share
// the work through SKIP LOCKED). Set DRIFTLINE_JOBS=off on the web processes
// to keep jobs out of them.
import { openDatabase } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { env, jobLeaseMs } from "@/lib/env";
import { startRunner } from "@/lib/jobs/runner";
import { defaultTasks } from "@/lib/jobs/tasks";

const config = env();
if (!config.DATABASE_URL) {
  console.warn("[driftline] worker: no DATABASE_URL — the embedded database belongs to the web server, which runs the jobs itself.");
}
const handle = await openDatabase({ url: config.DATABASE_URL });
await runMigrations(handle);
const runner = startRunner(handle, defaultTasks({ leaseMs: jobLeaseMs() }));
console.log(`[driftline] worker running: ${runner.tasks.join(", ")}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await runner.stop();
    await handle.close();
    process.exit(0);
  });
}
