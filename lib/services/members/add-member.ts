import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { memberships, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/passwords";
import { authorize, type ServiceContext } from "@/lib/services/context";
import { ConflictError, ValidationError } from "@/lib/errors";
import { parseInput } from "@/lib/services/projects/parse-input";

export const MemberRole = z.enum(["admin", "engineer", "viewer"], "must be admin, engineer or viewer");

export const AddMemberInput = z.object({
  projectId: z.uuid(),
  email: z.email("must be an email address").trim().toLowerCase(),
  role: MemberRole,
  /** Creates the account when no user has this email yet (self-hosted installs send no invitation mail). */
  password: z.string().min(8, "must be at least 8 characters").max(200).optional(),
  name: z.string().trim().max(100).optional(),
});

/**
 * Adds a person to the project by email. An existing user (however they sign
 * in) is added as is; an unknown email needs an initial password, with which
 * the account is created.
 */
export async function addMember({ ctx, input }: { ctx: ServiceContext; input: z.input<typeof AddMemberInput> }) {
  authorize(ctx.actor, "members.write");
  const data = parseInput(AddMemberInput, input);
  return ctx.db.transaction(async (tx) => {
    let [user] = await tx.select({ id: users.id, email: users.email }).from(users).where(eq(users.email, data.email));
    let created = false;
    if (!user) {
      if (!data.password) {
        throw new ValidationError([{ path: "password", message: "is required to create an account for a new email" }]);
      }
      [user] = await tx
        .insert(users)
        .values({ email: data.email, name: data.name || null, passwordHash: await hashPassword(data.password) })
        .returning({ id: users.id, email: users.email });
      created = true;
    }
    const [existing] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.projectId, data.projectId), eq(memberships.userId, user!.id)));
    if (existing) throw new ConflictError(`${data.email} is already a member (${existing.role})`);
    await tx.insert(memberships).values({ projectId: data.projectId, userId: user!.id, role: data.role });
    return { userId: user!.id, email: user!.email, role: data.role, created };
  });
}
