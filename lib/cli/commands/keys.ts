import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { projects } from "@/db/schema";
import { listApiKeys } from "@/lib/queries/project-settings";
import { createApiKey } from "@/lib/services/api-keys/create-api-key";
import { revokeApiKey } from "@/lib/services/api-keys/revoke-api-key";
import { openCliDatabase } from "../database";

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

const USAGE = `usage:
  driftline keys create --project <slug> [--name <name>] [--json]
  driftline keys list   --project <slug> [--json]
  driftline keys revoke --project <slug> --id <key id>`;

export async function runKeys(argv: string[], io: Io): Promise<number> {
  const [action, ...rest] = argv;
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        project: { type: "string" },
        name: { type: "string" },
        id: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help || !action || !["create", "list", "revoke"].includes(action)) {
    (values.help ? io.stdout : io.stderr).write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (!values.project) {
    io.stderr.write(`--project is required\n${USAGE}\n`);
    return 2;
  }
  if (action === "revoke" && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(values.id ?? "")) {
    io.stderr.write(`--id <key id> is required to revoke a key: a UUID from \`driftline keys list\`\n`);
    return 2;
  }

  const handle = await openCliDatabase();
  try {
    const [project] = await handle.db.select().from(projects).where(eq(projects.slug, values.project));
    if (!project) {
      const all = await handle.db.select({ slug: projects.slug }).from(projects);
      io.stderr.write(`no project "${values.project}"; projects: ${all.map((p) => p.slug).join(", ") || "(none)"}\n`);
      return 2;
    }
    const ctx = { db: handle.db, actor: { kind: "operator" as const } };
    if (action === "create") {
      const created = await createApiKey({ ctx, input: { projectId: project.id, name: values.name ?? "cli" } });
      if (values.json) io.stdout.write(`${JSON.stringify(created)}\n`);
      else {
        io.stdout.write(`${created.key}\n`);
        io.stderr.write(`API key "${created.name}" for ${project.slug} (id ${created.id}). It is shown only this once.\n`);
      }
      return 0;
    }
    if (action === "list") {
      const keys = await listApiKeys(handle.db, project.id);
      if (values.json) {
        io.stdout.write(`${JSON.stringify(keys)}\n`);
      } else {
        for (const k of keys) {
          const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : "active";
          const used = k.lastUsedAt ? `last used ${k.lastUsedAt.toISOString()}` : "never used";
          io.stdout.write(`${k.id}  ${k.hint}  ${k.name}  ${state}, ${used}\n`);
        }
      }
      return 0;
    }
    const revoked = await revokeApiKey({ ctx, input: { projectId: project.id, keyId: values.id! } });
    io.stdout.write(`revoked at ${revoked.revokedAt.toISOString()}\n`);
    return 0;
  } finally {
    await handle.close();
  }
}
