/** The trace table's filter as the page URL holds it (dates are UTC days, `to` inclusive). */
export type TraceFilter = { model: string; route: string; status: string; q: string; from: string; to: string };

/** The filter → the traces API's query string. */
export function filterToSearch(f: TraceFilter): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (!v) continue;
    if (k === "from") p.set("from", `${v}T00:00:00Z`);
    else if (k === "to") p.set("to", new Date(Date.parse(`${v}T00:00:00Z`) + 86_400_000).toISOString());
    else p.set(k, v);
  }
  return p.toString();
}
