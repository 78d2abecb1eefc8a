import type { Database } from "@/db/client";
import type { ProjectRole } from "@/db/schema";
import { can, type Permission } from "@/lib/auth/roles";
import { ForbiddenError } from "@/lib/errors";

/**
 * Who is acting. A person acts with their role in the project; the CLI and
 * start-up act as the operator, who has the database and so every right.
 */
export type Actor = { kind: "user"; userId: string; role: ProjectRole } | { kind: "operator" };

export type ServiceContext = { db: Database; actor: Actor };

export function authorize(actor: Actor, permission: Permission): void {
  if (actor.kind === "operator") return;
  if (!can(actor.role, permission)) throw new ForbiddenError(`Your role (${actor.role}) cannot do this`);
}
