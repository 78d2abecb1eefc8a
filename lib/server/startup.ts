import { openDatabase, type DatabaseHandle } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { env } from "@/lib/env";
import { applyBootstrap } from "@/lib/services/bootstrap";
import { seedDemo } from "@/lib/demo/seed";

/**
 * Start-up, in order: validate the environment, open the database, apply
 * migrations, apply the DRIFTLINE_INIT_* bootstrap, and on an empty embedded
 * database with DRIFTLINE_DEMO=1 write the demo project.
 */
export async function startDriftline(): Promise<DatabaseHandle> {
  const config = env();
  const handle = await openDatabase({ url: config.DATABASE_URL });
  try {
    await runMigrations(handle);
    const boot = await applyBootstrap(handle.db, {
      adminEmail: config.DRIFTLINE_INIT_ADMIN_EMAIL,
      adminPassword: config.DRIFTLINE_INIT_ADMIN_PASSWORD,
      projectSlug: config.DRIFTLINE_INIT_PROJECT,
      apiKey: config.DRIFTLINE_INIT_API_KEY,
    });
    for (const item of boot.created) console.log(`[driftline] created ${item}`);
    if (config.DRIFTLINE_DEMO === "1" || config.DRIFTLINE_DEMO === "true") {
      const demo = await seedDemo(handle.db, { adminUserId: boot.adminUserId });
      if (demo.created) console.log(`[driftline] demo project written: ${demo.traces} traces`);
    }
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  return handle;
}
