import { and, eq, isNull } from "drizzle-orm";
import { apiKeys } from "@/db/schema";
import { forgetApiKeys } from "@/lib/auth/api-key-auth";
import { authorize, type ServiceContext } from "@/lib/services/context";
import { NotFoundError } from "@/lib/errors";

/**
 * Revokes a key: it stops authenticating at once. The row stays, so lists
 * still show when the key was used; revoking twice changes nothing.
 */
export async function revokeApiKey({ ctx, input }: { ctx: ServiceContext; input: { projectId: string; keyId: string } }) {
  authorize(ctx.actor, "keys.write");
  // Conditional update: only flips revoked_at while it is still NULL.
  await ctx.db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.projectId, input.projectId), eq(apiKeys.id, input.keyId), isNull(apiKeys.revokedAt)));
  const [row] = await ctx.db
    .select({ revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.projectId, input.projectId), eq(apiKeys.id, input.keyId)));
  if (!row) throw new NotFoundError("API key");
  forgetApiKeys();
  return { revokedAt: row.revokedAt! };
}
