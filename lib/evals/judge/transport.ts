import { isIP } from "node:net";
import { isInternalAddress } from "@/lib/net/address-guard";
import { guardedPost } from "@/lib/net/guarded-post";
import type { Transport } from "./chat-client";

/** `DRIFTLINE_ALLOW_PRIVATE_LLM=1`: LLM connections may reach internal addresses (a local Ollama or vLLM). */
export function privateLlmAllowed(source: Record<string, string | undefined> = process.env): boolean {
  const value = source.DRIFTLINE_ALLOW_PRIVATE_LLM?.trim().toLowerCase();
  return value === "1" || value === "true";
}

/**
 * The judge's transport: guardedPost, whose DNS lookup refuses internal
 * answers at every call, plus the same check for a base URL that names an
 * IP address or localhost directly (no lookup happens for those).
 */
export function guardedTransport(allowPrivate = privateLlmAllowed()): Transport {
  return async (url, init) => {
    if (!allowPrivate) {
      const host = new URL(url).hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
      if (host === "localhost" || host.endsWith(".localhost") || (isIP(host) && isInternalAddress(host))) {
        throw Object.assign(new Error("the base URL points to an internal address; set DRIFTLINE_ALLOW_PRIVATE_LLM=1 to allow it"), {
          code: "EINTERNAL",
          permanent: true,
        });
      }
    }
    return guardedPost(url, { headers: init.headers, body: init.body, timeoutMs: init.timeoutMs, allowPrivate });
  };
}
