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
