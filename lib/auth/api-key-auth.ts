import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiKeys, projects } from "@/db/schema";
import { UnauthenticatedError } from "@/lib/errors";
import { hashApiKey } from "./api-keys";

/** The key's project, with the project settings every keyed request needs (one query). */
export type ApiKeyPrincipal = { projectId: string; projectSlug: string; keyId: string; redaction: string };

/**
 * The credentials of an `Authorization` header: a project API key, and for
 * HTTP Basic (what the Langfuse SDKs send: public key : secret key) the
 * project slug it must belong to.
 */
export type ApiKeyCredentials = { token: string; projectSlug: string | null };

/** `Bearer <key>` (or a bare key, which some OTLP exporters send) → the token. */
export function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  if (match) return match[1] ?? null;
  const bare = header.trim();
  return bare && !/\s/.test(bare) ? bare : null;
}

/**
 * `Bearer <key>`, a bare key, or `Basic base64(<project slug>:<key>)` — the
 * Langfuse SDKs' public key / secret key pair, mapped as slug / Driftline key
 * (docs/ingest.md, "Langfuse SDKs").
 */
export function apiKeyCredentials(header: string | null | undefined): ApiKeyCredentials | null {
  if (!header) return null;
  const basic = /^\s*Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1] ?? "", "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) return null;
    const token = decoded.slice(colon + 1);
    if (!token || /\s/.test(token)) return null;
    return { token, projectSlug: decoded.slice(0, colon) };
  }
  const token = bearerToken(header);
  return token ? { token, projectSlug: null } : null;
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
  const credentials = apiKeyCredentials(authorization);
  if (!credentials) {
    throw new UnauthenticatedError(
      "Missing API key: send `Authorization: Bearer <project API key>` (or Basic <project slug>:<project API key>)",
    );
  }
  const principal = await resolveApiKey(db, credentials.token);
  // A Basic pair names its project: a key of another project is as wrong as an unknown one.
  if (credentials.projectSlug !== null && credentials.projectSlug !== principal.projectSlug) {
    throw new UnauthenticatedError("Invalid or revoked API key");
  }
  return principal;
}

async function resolveApiKey(db: Database, token: string): Promise<ApiKeyPrincipal> {
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
    .select({ projectId: apiKeys.projectId, id: apiKeys.id, revokedAt: apiKeys.revokedAt, lastUsedAt: apiKeys.lastUsedAt, redaction: projects.redaction, projectSlug: projects.slug })
    .from(apiKeys)
    .innerJoin(projects, eq(projects.id, apiKeys.projectId))
    .where(eq(apiKeys.keyHash, digest));
  if (!key || key.revokedAt) throw new UnauthenticatedError("Invalid or revoked API key");
  const principal: ApiKeyPrincipal = {
    projectId: key.projectId,
    projectSlug: key.projectSlug,
    keyId: key.id,
    redaction: key.redaction,
  };
  const now = new Date();
  if (key.lastUsedAt && now.getTime() - key.lastUsedAt.getTime() < 60_000) return principal;
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
  return principal;
}
