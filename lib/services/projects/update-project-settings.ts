import { eq } from "drizzle-orm";
import { z } from "zod";
import { projects } from "@/db/schema";
import { forgetApiKeys } from "@/lib/auth/api-key-auth";
import { parseRedactionSetting } from "@/lib/ingest/redact";
import { authorize, type ServiceContext } from "@/lib/services/context";
import { NotFoundError } from "@/lib/errors";
import { parseInput } from "./parse-input";

export const UpdateProjectSettingsInput = z.object({
  projectId: z.uuid(),
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters").optional(),
  /** "default", "off" or a comma list of kinds (lib/ingest/redact.ts). */
  redaction: z
    .string()
    .trim()
    .max(200)
    .superRefine((value, c) => {
      try {
        parseRedactionSetting(value);
      } catch (error) {
        c.addIssue({ code: "custom", message: error instanceof Error ? error.message : "is not a redaction setting" });
      }
    })
    .optional(),
  /** Days to keep traces; null keeps them forever. */
  retentionDays: z
    .number("must be a number of days")
    .int("must be a whole number of days")
    .min(1, "must be at least 1 day")
    .max(3650, "must be at most 3650 days")
    .nullable()
    .optional(),
});

/** Changes a project's name, PII redaction and retention (admins only). */
export async function updateProjectSettings({ ctx, input }: { ctx: ServiceContext; input: z.input<typeof UpdateProjectSettingsInput> }) {
  authorize(ctx.actor, "project.write");
  const data = parseInput(UpdateProjectSettingsInput, input);
  const set: Partial<typeof projects.$inferInsert> = {};
  if (data.name !== undefined) set.name = data.name;
  if (data.redaction !== undefined) set.redaction = data.redaction.toLowerCase() || "default";
  if (data.retentionDays !== undefined) set.retentionDays = data.retentionDays;
  if (Object.keys(set).length === 0) {
    const [row] = await ctx.db.select().from(projects).where(eq(projects.id, data.projectId));
    if (!row) throw new NotFoundError("Project");
    return row;
  }
  const [row] = await ctx.db.update(projects).set(set).where(eq(projects.id, data.projectId)).returning();
  if (!row) throw new NotFoundError("Project");
  // Keyed requests carry the project's redaction setting: let this process's keys see the new one at once.
  forgetApiKeys();
  return row;
}
