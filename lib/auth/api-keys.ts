import { createHash, randomBytes } from "node:crypto";

const KEY_PREFIX = "dl_";
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A new random project key: `dl_` + 40 base62 characters (~238 bits). */
export function generateApiKey(): string {
  const bytes = randomBytes(40);
  let out = KEY_PREFIX;
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/**
 * Keys are long random strings, so a fast digest is enough: unlike a password
 * there is nothing for a slow hash to protect against, and ingest checks a key
 * on every request.
 */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** What the UI shows to tell keys apart. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, Math.min(10, Math.max(4, key.length - 8)));
}
