import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiKeys, projects } from "@/db/schema";
import { UnauthenticatedError } from "@/lib/services/errors";
import { hashApiKey } from "./api-keys";

/** The key's project, with the project settings every keyed request needs (one query). */
export type ApiKeyPrincipal = { projectId: string; keyId: string; redaction: string };

/** `Bearer <key>` (or a bare key, which some OTLP exporters send) → the token. */
export function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  if (match) return match[1] ?? null;
  const bare = header.trim();
  return bare && !/\s/.test(bare) ? bare : null;
}

/**
 * Resolves a project API key to its project. Revoked and unknown keys get the
 * same 401 so the answer does not reveal which keys exist. `last_used_at` is
 * written at most once a minute per key, off the hot path's critical section.
 */
export async function authenticateApiKey(db: Database, authorization: string | null): Promise<ApiKeyPrincipal> {
  const token = bearerToken(authorization);
  if (!token) {
    throw new UnauthenticatedError("Missing API key: send `Authorization: Bearer <project API key>`");
  }
  const [key] = await db
    .select({ projectId: apiKeys.projectId, id: apiKeys.id, revokedAt: apiKeys.revokedAt, lastUsedAt: apiKeys.lastUsedAt, redaction: projects.redaction })
    .from(apiKeys)
    .innerJoin(projects, eq(projects.id, apiKeys.projectId))
    .where(eq(apiKeys.keyHash, hashApiKey(token)));
  if (!key || key.revokedAt) throw new UnauthenticatedError("Invalid or revoked API key");
  const now = new Date();
  if (key.lastUsedAt && now.getTime() - key.lastUsedAt.getTime() < 60_000) {
    return { projectId: key.projectId, keyId: key.id, redaction: key.redaction };
  }
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiKeys.projectId, key.projectId),
        eq(apiKeys.id, key.id),
        or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - 60_000))),
      ),
    );
  return { projectId: key.projectId, keyId: key.id, redaction: key.redaction };
}
