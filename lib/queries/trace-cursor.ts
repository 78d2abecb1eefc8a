/**
 * The opaque cursor of trace lists (read API and dashboard): the last row's
 * start time and id, the keyset the lists are ordered by.
 */
export type TraceCursor = { startedAt: Date; id: string };

export function encodeCursor(cursor: TraceCursor): string {
  return Buffer.from(`${cursor.startedAt.toISOString()}|${cursor.id}`).toString("base64url");
}

/** null when the value is not a cursor we handed out. */
export function decodeCursor(value: string): TraceCursor | null {
  const [iso, id] = Buffer.from(value, "base64url").toString("utf8").split("|");
  const startedAt = new Date(iso ?? "");
  if (!id || Number.isNaN(startedAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { startedAt, id };
}
