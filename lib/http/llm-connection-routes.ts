import {
  createLlmConnection,
  deleteLlmConnection,
  getLlmConnection,
  listLlmConnections,
  testLlmConnection,
  updateLlmConnection,
} from "@/lib/services/llm-connections";
import { readJsonObject } from "./read-body";
import type { RouteContext } from "./route-context";

/**
 * The LLM-connection handlers shared by the API-key tree
 * (/api/v1/llm-connections) and the session tree
 * (/api/projects/[project]/llm-connections), given the one route context.
 * No answer ever holds a key or a header value.
 */

const noStore = { "cache-control": "no-store" };

export async function listConnections(_request: Request, ctx: RouteContext): Promise<Response> {
  return Response.json({ data: await listLlmConnections(ctx.db, ctx.projectId) }, { headers: noStore });
}

export async function createConnection(request: Request, ctx: RouteContext): Promise<Response> {
  const body = await readJsonObject(request);
  const connection = await createLlmConnection({ ctx: ctx.service, input: { projectId: ctx.projectId, body } });
  return Response.json(connection, { status: 201, headers: { ...noStore, location: `${ctx.base}/llm-connections/${connection.id}` } });
}

export async function getConnection(_request: Request, ctx: RouteContext, id: string): Promise<Response> {
  return Response.json(await getLlmConnection(ctx.db, ctx.projectId, id), { headers: noStore });
}

export async function updateConnection(request: Request, ctx: RouteContext, id: string): Promise<Response> {
  const body = await readJsonObject(request);
  return Response.json(await updateLlmConnection({ ctx: ctx.service, input: { projectId: ctx.projectId, id, body } }), { headers: noStore });
}

export async function deleteConnection(_request: Request, ctx: RouteContext, id: string): Promise<Response> {
  await deleteLlmConnection({ ctx: ctx.service, input: { projectId: ctx.projectId, id } });
  return new Response(null, { status: 204 });
}

/** 200 with `{ ok: true, answer, model, latencyMs, usage }` or `{ ok: false, error: { status, message }, latencyMs }`. */
export async function testConnection(_request: Request, ctx: RouteContext, id: string): Promise<Response> {
  return Response.json(await testLlmConnection({ ctx: ctx.service, input: { projectId: ctx.projectId, id } }), { headers: noStore });
}
