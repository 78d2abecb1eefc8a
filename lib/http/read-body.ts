import { PayloadError } from "@/lib/errors";

/**
 * Reads a request body, refusing it with 413 as soon as it passes `maxBytes`
 * (a declared Content-Length over the limit is refused before reading).
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new PayloadError("payload_too_large", `The request body is larger than the limit of ${maxBytes} bytes`, [
    { path: "", message: `body exceeds ${maxBytes} bytes` },
  ]);
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** The JSON body limit of the API's own objects (monitors, prices, connections, settings…). */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/**
 * The one reader of JSON object bodies, for both route trees. The answers
 * (docs/api.md, "Errors"):
 * - more than `maxBytes` → 413 `payload_too_large`;
 * - an empty body reads as `{}`: a verb that needs no fields needs no body, and
 *   one that does answers 422 naming each missing field;
 * - JSON that does not parse, or parses to anything but an object (an array,
 *   a string, null) → 400 `invalid_payload` at path `body`.
 */
export async function readJsonObject(request: Request, maxBytes = MAX_JSON_BODY_BYTES): Promise<Record<string, unknown>> {
  const text = new TextDecoder().decode(await readBody(request, maxBytes));
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PayloadError("invalid_payload", "The body is not valid JSON", [{ path: "body", message: "is not valid JSON" }]);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new PayloadError("invalid_payload", "The body must be a JSON object", [{ path: "body", message: "must be a JSON object" }]);
  }
  return value as Record<string, unknown>;
}
