import { openDatabase, type DatabaseHandle } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { env } from "@/lib/env";
import { applyBootstrap } from "@/lib/services/bootstrap";
import { eq } from "drizzle-orm";
import { createDemoEvaluators } from "@/lib/demo/default-evaluators";
import { createDemoMonitors } from "@/lib/demo/default-monitors";
import { DEMO_PROJECT_SLUG, writeDemoWorld } from "@/lib/demo/write-world";
import { memberships, projects } from "@/db/schema";

/**
 * Start-up, in order: validate the environment, open the database, apply
 * migrations, apply the DRIFTLINE_INIT_* bootstrap, and on an empty embedded
 * database with DRIFTLINE_DEMO=1 write the demo project.
 */
export async function startDriftline(): Promise<DatabaseHandle> {
  const config = env();
  const handle = await openDatabase({ url: config.DATABASE_URL, readUrl: config.DATABASE_URL ? config.DATABASE_READ_URL : undefined });
  try {
    await runMigrations(handle);
    const boot = await applyBootstrap(handle.db, {
      adminEmail: config.DRIFTLINE_INIT_ADMIN_EMAIL,
      adminPassword: config.DRIFTLINE_INIT_ADMIN_PASSWORD,
      projectSlug: config.DRIFTLINE_INIT_PROJECT,
      apiKey: config.DRIFTLINE_INIT_API_KEY,
    });
    for (const item of boot.created) console.log(`[driftline] created ${item}`);
    if (config.DRIFTLINE_DEMO === "1" || config.DRIFTLINE_DEMO === "true") await ensureDemo(handle, boot.adminUserId);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  return handle;
}

/**
 * The first start writes the demo world and its monitors; later starts only
 * make sure the init admin can see it. The embedding and monitor jobs then
 * fill in vectors and series in the background (the UI shows the backlog).
 */
async function ensureDemo(handle: DatabaseHandle, adminUserId: string | undefined): Promise<void> {
  const config = env();
  const [existing] = await handle.db.select().from(projects).where(eq(projects.slug, DEMO_PROJECT_SLUG));
  if (existing) {
    if (adminUserId) {
      await handle.db.insert(memberships).values({ projectId: existing.id, userId: adminUserId, role: "admin" }).onConflictDoNothing();
    }
    return;
  }
  const started = Date.now();
  const days = config.DRIFTLINE_DEMO_DAYS ?? 30;
  const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const result = await writeDemoWorld(handle, { adminUserId, days, perDay: config.DRIFTLINE_DEMO_PER_DAY, end });
  const evaluators = await createDemoEvaluators(handle.db, result.projectId);
  const created = await createDemoMonitors(handle.db, result.projectId, new Date(end.getTime() - days * 86_400_000));
  console.log(
    `[driftline] demo project written: ${result.accepted} traces over ${days} days, ${created} monitors and ${evaluators} evaluators in ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s; embeddings, evaluations and monitor history fill in in the background`,
  );
}
