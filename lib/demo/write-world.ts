import { eq } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { analyzeGrowingTables } from "@/lib/jobs/analyze";
import { memberships, projects } from "@/db/schema";
import { parseRedactionSetting } from "@/lib/ingest/redact";
import { ingestNativeBatch } from "@/lib/services/traces/ingest";
import { generateDemoTraces, type DemoOptions } from "./world";

export const DEMO_PROJECT_SLUG = "demo";
export const DEMO_DEFAULTS = { days: 30, perDay: 300, seed: 20261128 } as const;

export type DemoProgress = { written: number; total: number };

/**
 * Writes the demo world into the demo project through the native ingest
 * service — the same validation, redaction and storage as real clients.
 * Trace ids are deterministic, so running it again stores nothing twice.
 */
export async function writeDemoWorld(
  handle: DatabaseHandle,
  options: Partial<DemoOptions> & { adminUserId?: string; projectSlug?: string; onProgress?: (p: DemoProgress) => void } = {},
): Promise<{ projectId: string; accepted: number; duplicates: number; total: number }> {
  const { db } = handle;
  const slug = options.projectSlug ?? DEMO_PROJECT_SLUG;
  await db.insert(projects).values({ slug, name: "Demo: support assistant" }).onConflictDoNothing({ target: projects.slug });
  const [project] = await db.select().from(projects).where(eq(projects.slug, slug));
  if (!project) throw new Error(`demo project ${slug} could not be created`);
  if (options.adminUserId) {
    await db.insert(memberships).values({ projectId: project.id, userId: options.adminUserId, role: "admin" }).onConflictDoNothing();
  }
  const world: DemoOptions = {
    days: options.days ?? DEMO_DEFAULTS.days,
    perDay: options.perDay ?? DEMO_DEFAULTS.perDay,
    seed: options.seed ?? DEMO_DEFAULTS.seed,
    // The world ends at the start of the current hour, so the last day is "today".
    end: options.end ?? new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000),
  };
  const total = world.days * world.perDay;
  const ctx = { db, projectId: project.id, redaction: parseRedactionSetting(project.redaction) };
  let accepted = 0;
  let duplicates = 0;
  let batch: unknown[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await ingestNativeBatch(ctx, { traces: batch });
    if (result.body.rejected > 0) {
      const first = result.body.items.find((i) => i.status === "rejected");
      throw new Error(`the demo generator wrote an invalid trace: ${JSON.stringify(first)}`);
    }
    accepted += result.body.accepted;
    duplicates += result.body.duplicates;
    batch = [];
    // Fresh tables grow fast here: keep the planner's statistics up (see lib/jobs/analyze.ts).
    await analyzeGrowingTables(handle);
    options.onProgress?.({ written: accepted + duplicates, total });
  };
  for (const trace of generateDemoTraces(world)) {
    batch.push(trace);
    if (batch.length === 500) await flush();
  }
  await flush();
  return { projectId: project.id, accepted, duplicates, total };
}
