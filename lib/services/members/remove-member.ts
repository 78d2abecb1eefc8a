import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { memberships } from "@/db/schema";
import { authorize, type ServiceContext } from "@/lib/services/context";
import { parseInput } from "@/lib/services/projects/parse-input";
import { assertAnotherAdmin, lockMembership } from "./last-admin";

export const RemoveMemberInput = z.object({ projectId: z.uuid(), userId: z.uuid("is not a user id") });

/** Removes a person from the project; their access ends with their next request (roles are read per request). */
export async function removeMember({ ctx, input }: { ctx: ServiceContext; input: z.input<typeof RemoveMemberInput> }) {
  authorize(ctx.actor, "members.write");
  const data = parseInput(RemoveMemberInput, input);
  return ctx.db.transaction(async (tx) => {
    const current = await lockMembership(tx, data.projectId, data.userId);
    if (current.role === "admin") await assertAnotherAdmin(tx, data.projectId, data.userId);
    await tx.delete(memberships).where(and(eq(memberships.projectId, data.projectId), eq(memberships.userId, data.userId)));
    return { removed: true };
  });
}
