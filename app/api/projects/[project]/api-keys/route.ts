import { createApiKey } from "@/lib/services/api-keys/create-api-key";
import { readJson, withProject } from "../../_lib/with-project";

export const dynamic = "force-dynamic";

/** Creates a key; the answer holds the key in full — the only time it is ever shown. */
export const POST = withProject(async (request, ctx) => {
  const body = await readJson(request);
  const key = await createApiKey({ ctx: ctx.service, input: { projectId: ctx.access.project.id, name: String(body.name ?? "") } });
  return Response.json(key, { status: 201, headers: { "cache-control": "no-store" } });
});
