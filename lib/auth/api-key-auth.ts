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
 * How long this process trusts a key it has resolved without asking the
 * database again. An exporter sending many requests a second then costs one
 * key lookup a second instead of one per request. Revoking a key or changing
 * its project's settings clears this process's cache at once
 * (`forgetApiKeys`); other server processes follow within this time.
 */
export const API_KEY_CACHE_MS = 1_000;
const MAX_CACHED_KEYS = 10_000;

type Cached = { principal: ApiKeyPrincipal; until: number };
/** The cache, and a generation that every `forgetApiKeys` moves on. */
type KeyCache = { entries: Map<string, Cached>; generation: number };
type Global = typeof globalThis & { __driftlineApiKeyCache?: KeyCache };
function keyCache(): KeyCache {
  const store = globalThis as Global;
  store.__driftlineApiKeyCache ??= { entries: new Map(), generation: 0 };
  return store.__driftlineApiKeyCache;
}

/** Drops every key this process has cached: called when a key is revoked or a project's settings change. */
export function forgetApiKeys(): void {
  const cache = keyCache();
  cache.entries.clear();
  cache.generation++;
}

/**
 * Resolves a project API key to its project. Revoked and unknown keys get the
 * same 401 so the answer does not reveal which keys exist (and are never
 * cached, so a new key works at once). `last_used_at` is written at most once
 * a minute per key.
 */
export async function authenticateApiKey(db: Database, authorization: string | null): Promise<ApiKeyPrincipal> {
  const token = bearerToken(authorization);
  if (!token) {
    throw new UnauthenticatedError("Missing API key: send `Authorization: Bearer <project API key>`");
  }
  const digest = hashApiKey(token);
  const cache = keyCache();
  const hit = cache.entries.get(digest);
  const nowMs = Date.now();
  if (hit && hit.until > nowMs) return hit.principal;
  const generation = cache.generation;
  const principal = await lookUpApiKey(db, digest);
  // A revoke or settings change while this lookup ran may have been read too late by it: keep nothing then.
  if (cache.generation !== generation) return principal;
  if (cache.entries.size >= MAX_CACHED_KEYS) cache.entries.clear();
  cache.entries.set(digest, { principal, until: nowMs + API_KEY_CACHE_MS });
  return principal;
}

async function lookUpApiKey(db: Database, digest: string): Promise<ApiKeyPrincipal> {
  const [key] = await db
    .select({ projectId: apiKeys.projectId, id: apiKeys.id, revokedAt: apiKeys.revokedAt, lastUsedAt: apiKeys.lastUsedAt, redaction: projects.redaction })
    .from(apiKeys)
    .innerJoin(projects, eq(projects.id, apiKeys.projectId))
    .where(eq(apiKeys.keyHash, digest));
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
