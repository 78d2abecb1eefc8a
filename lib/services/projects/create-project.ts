import { z } from "zod";
import { memberships, projects } from "@/db/schema";
import { ConflictError, ForbiddenError } from "@/lib/errors";
import type { Database } from "@/db/client";
import { parseInput } from "./parse-input";

export const CreateProjectInput = z.object({
  slug: z
    .string()
    .trim()
    .min(2, "must be at least 2 characters")
    .max(48, "must be at most 48 characters")
    .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "may contain a-z, 0-9 and inner dashes only"),
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
});

/** Who creates projects: an instance administrator (not a per-project role), or the operator. */
export type InstanceActor = { kind: "user"; userId: string; isInstanceAdmin: boolean } | { kind: "operator" };

/** Creates a project; a person who creates one becomes its admin. */
export async function createProject({ ctx, input }: { ctx: { db: Database; actor: InstanceActor }; input: z.input<typeof CreateProjectInput> }) {
  if (ctx.actor.kind === "user" && !ctx.actor.isInstanceAdmin) throw new ForbiddenError("Only instance administrators can create projects");
  const data = parseInput(CreateProjectInput, input);
  const actor = ctx.actor;
  return ctx.db.transaction(async (tx) => {
    const [project] = await tx.insert(projects).values(data).onConflictDoNothing({ target: projects.slug }).returning();
    if (!project) throw new ConflictError(`A project with slug "${data.slug}" exists already`);
    if (actor.kind === "user") await tx.insert(memberships).values({ projectId: project.id, userId: actor.userId, role: "admin" });
    return { id: project.id, slug: project.slug, name: project.name };
  });
}
