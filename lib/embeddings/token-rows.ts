import type { RuntimeTokenResult } from "./embed-runtime.mjs";
import type { TokenEmbeddings } from "./embedder";

/** The runtime's row-major token matrix as one vector per token (views, no copy). */
export function splitTokenRows(result: RuntimeTokenResult): TokenEmbeddings {
  const { tokens, flat, dimensions } = result;
  return { tokens, vectors: tokens.map((_, i) => flat.subarray(i * dimensions, (i + 1) * dimensions)) };
}
