import { backgroundHandle } from "@/db/client";
import { env, EnvError, jobLeaseMs, parseEnv } from "@/lib/env";
import { getDatabase } from "./database";

/** Server start: a bad environment stops the process; an unreachable database does not. */
export async function boot(): Promise<void> {
  try {
    parseEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`[driftline] ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  try {
    const handle = await getDatabase();
    console.log(`[driftline] database ready (${handle.driver})`);
    const { startRunner } = await import("@/lib/jobs/runner");
    const { defaultTasks } = await import("@/lib/jobs/tasks");
    const { analyzeTask } = await import("@/lib/jobs/analyze");
    // With the jobs off, the embedded database still needs its planner statistics kept: PGlite has
    // no autovacuum, and no other process can open it to do that.
    const tasks =
      env().DRIFTLINE_JOBS !== "off" ? defaultTasks({ leaseMs: jobLeaseMs() }) : handle.driver === "pglite" ? [analyzeTask()] : [];
    if (tasks.length > 0) {
      // On the embedded database the jobs' statements give way to requests' (db/client.ts, Lanes).
      const runner = startRunner(backgroundHandle(handle), tasks);
      console.log(`[driftline] background jobs: ${runner.tasks.join(", ")}`);
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        // Stop the jobs, then close the database (which releases the embedded database's lock).
        process.once(signal, () => void runner.stop().finally(() => handle.close().finally(() => process.exit(0))));
      }
    }
  } catch (error) {
    // Keep serving: /api/health answers 503 with the reason until the database is back.
    console.error("[driftline] database not ready:", error instanceof Error ? error.message : error);
  }
}
