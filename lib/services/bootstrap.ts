import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiKeys, memberships, projects, users } from "@/db/schema";
import { apiKeyHint, hashApiKey } from "@/lib/auth/api-keys";
import { hashPassword, verifyPassword } from "@/lib/auth/passwords";

export type BootstrapInput = {
  adminEmail?: string;
  adminPassword?: string;
  projectSlug?: string;
  apiKey?: string;
};

export type BootstrapResult = {
  adminUserId?: string;
  projectId?: string;
  created: string[];
};

/**
 * Applies the DRIFTLINE_INIT_* settings: the first admin, a project and an API
 * key the operator chose. Runs on every boot and changes nothing when all of
 * it exists already (a changed admin password is re-applied).
 */
export async function applyBootstrap(db: Database, input: BootstrapInput): Promise<BootstrapResult> {
  const created: string[] = [];
  let adminUserId: string | undefined;
  let projectId: string | undefined;

  if (input.adminEmail && input.adminPassword) {
    const email = input.adminEmail.toLowerCase();
    const [existing] = await db.select().from(users).where(eq(users.email, email));
    if (!existing) {
      const [row] = await db
        .insert(users)
        .values({ email, name: "Admin", passwordHash: await hashPassword(input.adminPassword), isInstanceAdmin: true })
        .onConflictDoNothing()
        .returning({ id: users.id });
      if (row) created.push(`admin ${email}`);
    } else if (!existing.passwordHash || !(await verifyPassword(existing.passwordHash, input.adminPassword))) {
      await db
        .update(users)
        .set({ passwordHash: await hashPassword(input.adminPassword), isInstanceAdmin: true })
        .where(eq(users.id, existing.id));
    }
    const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
    adminUserId = admin?.id;
  }

  if (input.projectSlug) {
    await db
      .insert(projects)
      .values({ slug: input.projectSlug, name: input.projectSlug })
      .onConflictDoNothing({ target: projects.slug });
    const [project] = await db.select().from(projects).where(eq(projects.slug, input.projectSlug));
    if (!project) throw new Error(`project ${input.projectSlug} could not be created`);
    projectId = project.id;

    if (input.apiKey) {
      const keyHash = hashApiKey(input.apiKey);
      const inserted = await db
        .insert(apiKeys)
        .values({ projectId, name: "DRIFTLINE_INIT_API_KEY", keyHash, hint: apiKeyHint(input.apiKey) })
        .onConflictDoNothing()
        .returning({ id: apiKeys.id });
      if (inserted.length > 0) created.push(`API key for ${input.projectSlug}`);
    }
    if (adminUserId) {
      const inserted = await db
        .insert(memberships)
        .values({ projectId, userId: adminUserId, role: "admin" })
        .onConflictDoNothing()
        .returning({ userId: memberships.userId });
      if (inserted.length > 0) created.push(`admin membership in ${input.projectSlug}`);
    }
  }
  return { adminUserId, projectId, created };
}
