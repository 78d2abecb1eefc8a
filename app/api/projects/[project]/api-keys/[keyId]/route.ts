import { revokeApiKey } from "@/lib/services/api-keys/revoke-api-key";
import { NotFoundError } from "@/lib/errors";
import { withProject } from "@/lib/http/route-context";

export const dynamic = "force-dynamic";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const DELETE = withProject<{ project: string; keyId: string }>(async (_request, ctx, params) => {
  if (!UUID.test(params.keyId)) throw new NotFoundError("API key");
  return Response.json(await revokeApiKey({ ctx: ctx.service, input: { projectId: ctx.projectId, keyId: params.keyId } }));
});
