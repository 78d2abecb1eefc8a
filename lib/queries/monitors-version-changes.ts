import { and, desc, eq, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { versionChanges, type VersionChangeStatus } from "@/db/schema";

export type VersionChangeView = {
  id: string;
  provider: string | null;
  model: string | null;
  fromVersion: string;
  toVersion: string;
  detectedAt: string;
  lastSeenOldAt: string;
  firstSeenNewAt: string;
  status: VersionChangeStatus;
  sampleSizes: { before: number; after: number };
  /** `{ metrics: [...] }` — per metric: before/after, effect with 95% CI, test, p and Holm-adjusted p, direction. */
  comparison: Record<string, unknown> | null;
  comparedAt: string | null;
};

export type VersionChangeFilter = { provider?: string; model?: string; status?: VersionChangeStatus; limit?: number };

/** A project's detected model-version switches, newest first. */
export async function listVersionChanges(db: Database, projectId: string, filter: VersionChangeFilter = {}): Promise<VersionChangeView[]> {
  const conditions: SQL[] = [eq(versionChanges.projectId, projectId)];
  if (filter.provider) conditions.push(eq(versionChanges.provider, filter.provider));
  if (filter.model) conditions.push(eq(versionChanges.model, filter.model));
  if (filter.status) conditions.push(eq(versionChanges.status, filter.status));
  const rows = await db
    .select()
    .from(versionChanges)
    .where(and(...conditions))
    .orderBy(desc(versionChanges.firstSeenNewAt))
    .limit(Math.min(filter.limit ?? 100, 1000));
  return rows.map(toVersionChangeView);
}

function toVersionChangeView(r: typeof versionChanges.$inferSelect): VersionChangeView {
  return {
    id: r.id,
    provider: r.provider || null,
    model: r.model || null,
    fromVersion: r.fromVersion,
    toVersion: r.toVersion,
    detectedAt: r.detectedAt.toISOString(),
    lastSeenOldAt: r.lastSeenOldAt.toISOString(),
    firstSeenNewAt: r.firstSeenNewAt.toISOString(),
    status: r.status,
    sampleSizes: { before: r.beforeCount, after: r.afterCount },
    comparison: r.comparison,
    comparedAt: r.comparedAt?.toISOString() ?? null,
  };
}

/** One version change of a project by id, or null (ids of other projects are not found). */
export async function getVersionChange(db: Database, projectId: string, id: string): Promise<VersionChangeView | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [r] = await db.select().from(versionChanges).where(and(eq(versionChanges.projectId, projectId), eq(versionChanges.id, id)));
  return r ? toVersionChangeView(r) : null;
}
