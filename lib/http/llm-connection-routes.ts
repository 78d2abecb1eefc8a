import type { ServiceContext } from "@/lib/services/context";
import {
  createLlmConnection,
  deleteLlmConnection,
  getLlmConnection,
  listLlmConnections,
  testLlmConnection,
  updateLlmConnection,
} from "@/lib/services/llm-connections";
import { readJsonObject } from "./monitor-params";

/**
 * The LLM-connection handlers shared by the API-key tree
 * (/api/v1/llm-connections) and the session tree
 * (/api/projects/[project]/llm-connections): the route files only build the
 * scope. No answer ever holds a key or a header value.
 */
export type LlmConnectionScope = { ctx: ServiceContext; projectId: string; /** Path the `Location` header is built on. */ collectionPath: string };

const noStore = { "cache-control": "no-store" };

export async function listConnections(scope: LlmConnectionScope): Promise<Response> {
  return Response.json({ data: await listLlmConnections(scope.ctx.db, scope.projectId) }, { headers: noStore });
}

export async function createConnection(request: Request, scope: LlmConnectionScope): Promise<Response> {
  const body = await readJsonObject(request);
  const connection = await createLlmConnection({ ctx: scope.ctx, input: { projectId: scope.projectId, body } });
  return Response.json(connection, { status: 201, headers: { ...noStore, location: `${scope.collectionPath}/${connection.id}` } });
}

export async function getConnection(scope: LlmConnectionScope, id: string): Promise<Response> {
  return Response.json(await getLlmConnection(scope.ctx.db, scope.projectId, id), { headers: noStore });
}

export async function updateConnection(request: Request, scope: LlmConnectionScope, id: string): Promise<Response> {
  const body = await readJsonObject(request);
  return Response.json(await updateLlmConnection({ ctx: scope.ctx, input: { projectId: scope.projectId, id, body } }), { headers: noStore });
}

export async function deleteConnection(scope: LlmConnectionScope, id: string): Promise<Response> {
  await deleteLlmConnection({ ctx: scope.ctx, input: { projectId: scope.projectId, id } });
  return new Response(null, { status: 204 });
}

/** 200 with `{ ok: true, answer, model, latencyMs, usage }` or `{ ok: false, error: { status, message }, latencyMs }`. */
export async function testConnection(scope: LlmConnectionScope, id: string): Promise<Response> {
  return Response.json(await testLlmConnection({ ctx: scope.ctx, input: { projectId: scope.projectId, id } }), { headers: noStore });
}
