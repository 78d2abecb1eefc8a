import { asc, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { memberships, projects, type ProjectRole } from "@/db/schema";

export type ProjectSummary = { id: string; slug: string; name: string; role: ProjectRole };

export async function listProjectsForUser(db: Database, userId: string): Promise<ProjectSummary[]> {
  return db
    .select({ id: projects.id, slug: projects.slug, name: projects.name, role: memberships.role })
    .from(memberships)
    .innerJoin(projects, eq(projects.id, memberships.projectId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(projects.name));
}
