import "server-only";
import { and, eq } from "drizzle-orm";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { memberships, projects, users, type ProjectRole } from "@/db/schema";
import { NotFoundError, UnauthenticatedError } from "@/lib/errors";
import { authOptions, findLiveSession } from "@/lib/auth/options";
import { getDatabase } from "./database";

export type CurrentUser = { id: string; email: string; name: string | null; isInstanceAdmin: boolean };

/** The signed-in user, checked against the sessions table on every call; null when signed out. */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  const session = await getServerSession(authOptions(getDatabase));
  if (!session?.sid) return null;
  const { db } = await getDatabase();
  const live = await findLiveSession(db, session.sid);
  if (!live) return null;
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, isInstanceAdmin: users.isInstanceAdmin })
    .from(users)
    .where(eq(users.id, live.userId));
  return user ?? null;
}

/** For pages: sends signed-out visitors to the sign-in page. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  return user;
}

export type ProjectAccess = { project: typeof projects.$inferSelect; role: ProjectRole; user: CurrentUser };

/**
 * The user's role in a project. Someone who is not a member gets "not found",
 * not "forbidden", so project slugs do not leak.
 */
export async function getProjectAccess(user: CurrentUser, slug: string): Promise<ProjectAccess> {
  const { db } = await getDatabase();
  const [row] = await db
    .select({ project: projects, role: memberships.role })
    .from(projects)
    .innerJoin(memberships, and(eq(memberships.projectId, projects.id), eq(memberships.userId, user.id)))
    .where(eq(projects.slug, slug));
  if (!row) throw new NotFoundError("Project");
  return { project: row.project, role: row.role, user };
}

/** For API routes: the user or a 401. */
export async function requireApiUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new UnauthenticatedError();
  return user;
}
