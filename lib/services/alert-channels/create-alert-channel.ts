import { randomBytes } from "node:crypto";
import { z } from "zod";
import { alertChannels } from "@/db/schema";
import { authorize, type RequestInput, type ServiceContext } from "@/lib/services/context";
import { webhookTargetProblem } from "@/lib/net/address-guard";
import { ValidationError } from "@/lib/errors";
import { parseInput } from "@/lib/services/monitors/monitor-input";

export const CreateAlertChannelInput = z.object({
  projectId: z.uuid(),
  name: z.string().trim().min(1, "is required").max(100),
  kind: z.enum(["webhook", "slack"], { message: 'must be "webhook" or "slack"' }),
  url: z
    .url({ message: "must be an http(s) URL" })
    .refine((u) => /^https?:\/\//i.test(u), { message: "must be an http(s) URL" }),
  /** Webhook HMAC secret; generated when absent. */
  secret: z.string().min(16, "must be at least 16 characters").max(200).optional(),
});

/** Creates a notification channel; a webhook's signing secret is returned here and never again. */
export async function createAlertChannel({ ctx, input }: { ctx: ServiceContext; input: z.input<typeof CreateAlertChannelInput> | RequestInput }) {
  authorize(ctx.actor, "alerts.write");
  const data = parseInput(CreateAlertChannelInput, input);
  const problem = await webhookTargetProblem(data.url);
  if (problem) throw new ValidationError([{ path: "url", message: problem }]);
  const secret = data.kind === "webhook" ? (data.secret ?? `whsec_${randomBytes(24).toString("base64url")}`) : null;
  const [row] = await ctx.db
    .insert(alertChannels)
    .values({ projectId: data.projectId, name: data.name, kind: data.kind, url: data.url, secret })
    .returning();
  return { id: row!.id, name: row!.name, kind: row!.kind, url: row!.url, secret, createdAt: row!.createdAt.toISOString() };
}
