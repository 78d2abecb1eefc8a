import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

/**
 * Secrets Driftline must use again later (the API keys of LLM connections)
 * are kept encrypted at rest: AES-256-GCM with a key derived (HKDF-SHA256)
 * from the operator's `DRIFTLINE_SECRET_KEY`. A sealed value reads
 * `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts); the key id is a
 * digest of the derived key, so a value sealed under another key is named as
 * such instead of failing as "corrupt". Without the variable nothing can be
 * sealed: the services refuse to store a secret rather than keep it in clear.
 */

const VERSION = "v1";
const INFO = "driftline secret box v1";
export const SECRET_KEY_VARIABLE = "DRIFTLINE_SECRET_KEY";

export class SecretKeyMissingError extends Error {
  constructor() {
    super(`${SECRET_KEY_VARIABLE} is not set: the server cannot store secrets without it (see README, Configuration)`);
    this.name = "SecretKeyMissingError";
  }
}

export class SecretUnreadableError extends Error {
  constructor(reason: string) {
    super(`stored secret cannot be read: ${reason}`);
    this.name = "SecretUnreadableError";
  }
}

export type SecretBox = { keyId: string; seal(plain: string): string; open(sealed: string): string };

/** A box over one master secret (at least 32 characters; any text, e.g. `openssl rand -base64 32`). */
export function secretBox(masterSecret: string): SecretBox {
  if (masterSecret.length < 32) throw new Error(`${SECRET_KEY_VARIABLE} must be at least 32 characters`);
  const key = Buffer.from(hkdfSync("sha256", masterSecret, "driftline", INFO, 32));
  const keyId = createHash("sha256").update(key).digest("base64url").slice(0, 8);
  return {
    keyId,
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return [VERSION, keyId, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
    },
    open(sealed) {
      const parts = sealed.split(".");
      if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretUnreadableError("unknown format");
      const [, id, iv, tag, body] = parts as [string, string, string, string, string];
      if (id !== keyId) throw new SecretUnreadableError(`sealed under another ${SECRET_KEY_VARIABLE} (key id ${id}, this server's is ${keyId})`);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        throw new SecretUnreadableError("it was altered");
      }
    },
  };
}

/** The box of this server, or an error naming the missing variable. */
export function serverSecretBox(source: Record<string, string | undefined> = process.env): SecretBox {
  const master = source[SECRET_KEY_VARIABLE]?.trim();
  if (!master) throw new SecretKeyMissingError();
  return secretBox(master);
}

/** How a stored secret is shown again: its last four characters. */
export function secretHint(secret: string): string {
  return secret.length >= 12 ? `…${secret.slice(-4)}` : "…";
}
