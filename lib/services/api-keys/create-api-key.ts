import { z } from "zod";
import { apiKeys } from "@/db/schema";
import { apiKeyHint, generateApiKey, hashApiKey } from "@/lib/auth/api-keys";
import { authorize, type ServiceContext } from "@/lib/services/context";
import { ValidationError } from "@/lib/errors";

export const CreateApiKeyInput = z.object({
  projectId: z.uuid(),
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
});

/** Creates a key and returns it in full — the only time it is ever shown; only its digest is stored. */
export async function createApiKey(
  { ctx, input }: { ctx: ServiceContext; input: z.input<typeof CreateApiKeyInput> },
): Promise<{ id: string; key: string; hint: string; name: string }> {
  authorize(ctx.actor, "keys.write");
  const parsed = CreateApiKeyInput.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  const key = generateApiKey();
  const [row] = await ctx.db
    .insert(apiKeys)
    .values({ projectId: parsed.data.projectId, name: parsed.data.name, keyHash: hashApiKey(key), hint: apiKeyHint(key) })
    .returning({ id: apiKeys.id, hint: apiKeys.hint, name: apiKeys.name });
  return { id: row!.id, key, hint: row!.hint, name: row!.name };
}
