import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { memberships } from "@/db/schema";
import { authorize, type ServiceContext } from "@/lib/services/context";
import { parseInput } from "@/lib/services/projects/parse-input";
import { MemberRole } from "./add-member";
import { assertAnotherAdmin, lockMembership } from "./last-admin";

export const ChangeMemberRoleInput = z.object({ projectId: z.uuid(), userId: z.uuid("is not a user id"), role: MemberRole });

export async function changeMemberRole({ ctx, input }: { ctx: ServiceContext; input: z.input<typeof ChangeMemberRoleInput> }) {
  authorize(ctx.actor, "members.write");
  const data = parseInput(ChangeMemberRoleInput, input);
  return ctx.db.transaction(async (tx) => {
    const current = await lockMembership(tx, data.projectId, data.userId);
    if (current.role === "admin" && data.role !== "admin") await assertAnotherAdmin(tx, data.projectId, data.userId);
    await tx
      .update(memberships)
      .set({ role: data.role })
      .where(and(eq(memberships.projectId, data.projectId), eq(memberships.userId, data.userId)));
    return { userId: data.userId, role: data.role };
  });
}
