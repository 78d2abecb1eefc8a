import { asc, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiKeys, memberships, users } from "@/db/schema";

export async function listApiKeys(db: Database, projectId: string) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      hint: apiKeys.hint,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.projectId, projectId))
    .orderBy(asc(apiKeys.createdAt));
}

export async function listMembers(db: Database, projectId: string) {
  return db
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.projectId, projectId))
    .orderBy(asc(users.email));
}

/** Every embedding model registered, and whether this project has vectors of it (an index probe each). */
export async function listEmbeddingModels(db: Database, projectId: string) {
  const rows = await db.execute(sql`select m.id, m.name, m.dimensions, m.created_at,
      exists (select 1 from embeddings e where e.project_id = ${projectId} and e.model_id = m.id) as used
    from embedding_models m order by m.id`);
  return (rows as unknown as { rows: Array<{ id: number; name: string; dimensions: number; created_at: string | Date; used: boolean }> }).rows.map((r) => ({
    id: Number(r.id),
    name: r.name,
    dimensions: Number(r.dimensions),
    createdAt: new Date(r.created_at).toISOString(),
    usedByProject: Boolean(r.used),
  }));
}
