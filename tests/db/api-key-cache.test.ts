import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { projects } from "@/db/schema";
import { API_KEY_CACHE_MS, authenticateApiKey, forgetApiKeys } from "@/lib/auth/api-key-auth";
import { createApiKey } from "@/lib/services/api-keys/create-api-key";
import { revokeApiKey } from "@/lib/services/api-keys/revoke-api-key";
import type { ServiceContext } from "@/lib/services/context";
import { updateProjectSettings } from "@/lib/services/projects/update-project-settings";
import { dbTargets } from "./targets";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(dbTargets())("API key lookups and their cache on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let ctx: ServiceContext;
  let projectId: string;

  beforeAll(async () => {
    handle = await target.open();
    ctx = { db: handle.db, actor: { kind: "operator" } };
    const [project] = await handle.db.insert(projects).values({ slug: "keys", name: "keys" }).returning();
    projectId = project!.id;
  });
  afterAll(async () => handle?.dispose());
  beforeEach(() => forgetApiKeys());

  it("accepts a key the moment it is created, and a revoke through the service refuses it at once", async () => {
    const created = await createApiKey({ ctx, input: { projectId, name: "ci" } });
    const principal = await authenticateApiKey(handle.db, `Bearer ${created.key}`);
    expect(principal).toMatchObject({ projectId, keyId: created.id });
    await revokeApiKey({ ctx, input: { projectId, keyId: created.id } });
    await expect(authenticateApiKey(handle.db, `Bearer ${created.key}`)).rejects.toThrow(/Invalid or revoked/);
  });

  it("takes HTTP Basic as <project slug>:<key> and refuses a key paired with another project's slug", async () => {
    const created = await createApiKey({ ctx, input: { projectId, name: "langfuse" } });
    const basic = (pair: string) => `Basic ${Buffer.from(pair).toString("base64")}`;
    await expect(authenticateApiKey(handle.db, basic(`keys:${created.key}`))).resolves.toMatchObject({
      projectId,
      projectSlug: "keys",
      keyId: created.id,
    });
    // The same key, now cached, still needs its own project's slug.
    await expect(authenticateApiKey(handle.db, basic(`other:${created.key}`))).rejects.toThrow(/Invalid or revoked/);
    await expect(authenticateApiKey(handle.db, basic("keys:dl_not_a_key"))).rejects.toThrow(/Invalid or revoked/);
  });

  it("never caches an unknown key, so a key created by another process works on its first request", async () => {
    const created = await createApiKey({ ctx, input: { projectId, name: "later" } });
    const wrong = `${created.key.slice(0, -1)}${created.key.endsWith("a") ? "b" : "a"}`;
    await expect(authenticateApiKey(handle.db, `Bearer ${wrong}`)).rejects.toThrow(/Invalid or revoked/);
    await expect(authenticateApiKey(handle.db, `Bearer ${created.key}`)).resolves.toMatchObject({ keyId: created.id });
  });

  it("follows a revoke made by another process within the cache time", async () => {
    const created = await createApiKey({ ctx, input: { projectId, name: "elsewhere" } });
    const cachedAt = Date.now();
    await authenticateApiKey(handle.db, `Bearer ${created.key}`);
    // Another process revokes it: this process's cache does not hear of it…
    await handle.query("update api_keys set revoked_at = now() where project_id = $1 and id = $2", [projectId, created.id]);
    const meanwhile = authenticateApiKey(handle.db, `Bearer ${created.key}`);
    // (Only while the cached answer is young enough; a machine too busy to get here in time skips this step.)
    if (Date.now() - cachedAt < API_KEY_CACHE_MS - 100) await expect(meanwhile).resolves.toMatchObject({ keyId: created.id });
    else await meanwhile.catch(() => undefined);
    // …and asks the database again once the cached answer is older than API_KEY_CACHE_MS.
    await sleep(API_KEY_CACHE_MS + 50);
    await expect(authenticateApiKey(handle.db, `Bearer ${created.key}`)).rejects.toThrow(/Invalid or revoked/);
  });

  it("does not keep an answer read while a revoke was under way", async () => {
    const created = await createApiKey({ ctx, input: { projectId, name: "racing" } });
    // The lookup starts, the key is revoked and the cache cleared before the lookup's answer is kept.
    const racing = authenticateApiKey(handle.db, `Bearer ${created.key}`);
    forgetApiKeys();
    await racing;
    await handle.query("update api_keys set revoked_at = now() where project_id = $1 and id = $2", [projectId, created.id]);
    await expect(authenticateApiKey(handle.db, `Bearer ${created.key}`)).rejects.toThrow(/Invalid or revoked/);
  });

  it("hands out a project's new redaction setting as soon as it is saved", async () => {
    const created = await createApiKey({ ctx, input: { projectId, name: "redaction" } });
    expect((await authenticateApiKey(handle.db, `Bearer ${created.key}`)).redaction).toBe("default");
    await updateProjectSettings({ ctx, input: { projectId, redaction: "email" } });
    expect((await authenticateApiKey(handle.db, `Bearer ${created.key}`)).redaction).toBe("email");
  });
});
