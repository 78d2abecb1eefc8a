import { and, eq, ne } from "drizzle-orm";
import type { Database } from "@/db/client";
import { memberships, type ProjectRole } from "@/db/schema";
import { ConflictError, NotFoundError } from "@/lib/errors";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** A project always keeps an admin, or nobody could manage its members again. */
export async function assertAnotherAdmin(tx: Tx, projectId: string, userId: string): Promise<void> {
  // Lock the project's admin rows so two concurrent demotions cannot both pass.
  const admins = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.role, "admin"), ne(memberships.userId, userId)))
    .for("update");
  if (admins.length === 0) throw new ConflictError("The project needs at least one other admin first");
}

/** The member's row, locked for the rest of the transaction (404 when they are not a member). */
export async function lockMembership(tx: Tx, projectId: string, userId: string): Promise<{ role: ProjectRole }> {
  const [current] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
    .for("update");
  if (!current) throw new NotFoundError("Member");
  return current;
}
