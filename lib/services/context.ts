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

/**
 * An untrusted request body with the route's ids laid over it. Verbs that
 * accept one parse it with their schema (422 with each field's path), so a
 * route hands the body over as it came, without casting it to the typed input.
 */
export type RequestInput = { projectId: string } & { [field: string]: unknown };
