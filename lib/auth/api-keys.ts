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

/**
 * What lists show to tell keys apart: the last four characters (`dl_…x7Qz`),
 * fewer for a short key so that most of it stays unknown.
 */
export function apiKeyHint(key: string): string {
  const shown = Math.min(4, Math.floor(key.length / 4));
  const scheme = key.startsWith(KEY_PREFIX) && key.length >= 16 ? KEY_PREFIX : "";
  return `${scheme}…${shown > 0 ? key.slice(-shown) : ""}`;
}
