import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { guardedLookup } from "./address-guard";

/**
 * POSTs a body over node:http(s) to a target that was checked, through a DNS
 * lookup that refuses internal answers unless `allowPrivate` — so the
 * connection goes to an address that passed the check, with no window for
 * the name to resolve elsewhere in between. Redirects are not followed.
 * `timeoutMs` bounds the whole call (connect, send, the full answer), and the
 * answer is cut off at `maxBytes`.
 */
export function guardedPost(
  url: string,
  init: { headers: Record<string, string>; body: string; timeoutMs: number; allowPrivate: boolean; maxBytes?: number },
): Promise<{ status: number; headers: { get(name: string): string | null }; text: string }> {
  const maxBytes = init.maxBytes ?? 4 * 1024 * 1024;
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, value?: { status: number; headers: { get(name: string): string | null }; text: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (error) reject(error);
      else resolve(value!);
    };
    const req = request(
      url,
      {
        method: "POST",
        headers: { ...init.headers, "Content-Length": String(Buffer.byteLength(init.body)) },
        lookup: guardedLookup(init.allowPrivate) as never,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            finish(Object.assign(new Error(`the answer is larger than ${maxBytes} bytes`), { permanent: true }));
            return;
          }
          chunks.push(chunk);
        });
        res.on("error", (error) => finish(error));
        res.on("end", () => {
          const headers = res.headers;
          finish(null, {
            status: res.statusCode ?? 0,
            headers: {
              get: (name) => {
                const value = headers[name.toLowerCase()];
                return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
              },
            },
            text: Buffer.concat(chunks).toString("utf8"),
          });
        });
      },
    );
    const deadline = setTimeout(() => {
      const error = Object.assign(new Error(`no answer within ${init.timeoutMs} ms`), { name: "TimeoutError" });
      req.destroy(error);
      finish(error);
    }, init.timeoutMs);
    req.on("error", (error) => finish(error));
    req.end(init.body);
  });
}
