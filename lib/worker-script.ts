import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A worker thread's script (a plain .mjs beside its module in the source
 * tree): next to the calling module, else under the working directory, for a
 * bundled server does not keep the source layout. Deliberately not
 * `new URL("./…", import.meta.url)`, which bundlers rewrite into an asset
 * without the worker's imports. Returns the candidates looked at when none exists.
 */
export function findWorkerScript(moduleUrl: string, sourceDir: string, file: string): { path: string | null; candidates: string[] } {
  const candidates: string[] = [];
  try {
    candidates.push(join(dirname(fileURLToPath(moduleUrl)), file));
  } catch {
    // not a file: URL (some bundlers); the working directory still serves
  }
  candidates.push(resolve(process.cwd(), sourceDir, file));
  return { path: candidates.find((path) => existsSync(path)) ?? null, candidates };
}
