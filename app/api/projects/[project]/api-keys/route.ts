import { createApiKey } from "@/lib/services/api-keys/create-api-key";
import { readJsonObject } from "@/lib/http/read-body";
import { withProject } from "@/lib/http/route-context";

export const dynamic = "force-dynamic";

/** Creates a key; the answer holds the key in full — the only time it is ever shown. */
export const POST = withProject(async (request, ctx) => {
  const body = await readJsonObject(request);
  const key = await createApiKey({ ctx: ctx.service, input: { projectId: ctx.projectId, name: String(body.name ?? "") } });
  return Response.json(key, { status: 201, headers: { "cache-control": "no-store" } });
});
