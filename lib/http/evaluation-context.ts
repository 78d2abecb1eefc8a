import type { ApiKeyContext } from "./api-key-route";
import type { EvaluationRouteContext } from "./evaluation-routes";

/** An API key acts as the operator of its own project. */
export function v1(ctx: ApiKeyContext): EvaluationRouteContext {
  return { db: ctx.handle.db, projectId: ctx.projectId, service: { db: ctx.handle.db, actor: { kind: "operator" } }, base: "/api/v1" };
}

/** A signed-in user acts with their role in the project. */
export function session(ctx: { db: EvaluationRouteContext["db"]; access: { project: { id: string; slug: string } }; service: EvaluationRouteContext["service"] }): EvaluationRouteContext {
  return { db: ctx.db, projectId: ctx.access.project.id, service: ctx.service, base: `/api/projects/${ctx.access.project.slug}` };
}
