import { readFile } from "node:fs/promises";

/** A user-facing input problem: the command reports it on stderr and exits with code 2. */
export class InputError extends Error {}

export type JsonLine = { record: Record<string, unknown>; line: number; where: string };

/**
 * The objects of a JSON Lines file, one per non-blank line, each with its `file:line` for messages.
 * Throws InputError naming the file and line when the file cannot be read or a line is not an object.
 */
export async function readJsonLines(file: string): Promise<JsonLine[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read file (${code ?? (err as Error).message})`);
  }
  const out: JsonLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const where = `${file}:${i + 1}`;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (err) {
      throw new InputError(`${where}: invalid JSON (${(err as Error).message})`);
    }
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      throw new InputError(`${where}: expected a JSON object per line`);
    }
    out.push({ record: record as Record<string, unknown>, line: i + 1, where });
  }
  return out;
}
