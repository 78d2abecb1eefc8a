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
    if (env().DRIFTLINE_JOBS !== "off") {
      const { startRunner } = await import("@/lib/jobs/runner");
      const { defaultTasks } = await import("@/lib/jobs/tasks");
      const runner = startRunner(handle, defaultTasks({ leaseMs: jobLeaseMs() }));
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
