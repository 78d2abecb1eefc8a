import { and, eq, ne } from "drizzle-orm";
import type { Database } from "@/db/client";
import { memberships } from "@/db/schema";
import { ConflictError } from "@/lib/services/errors";

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
