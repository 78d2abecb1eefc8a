import type { MonitorSegment } from "@/db/schema";

/** Positional parameters for hand-written SQL: `p.add(value)` returns its `$n`. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The segment's filters on the traces aliased `t`. */
export function segmentSql(segment: MonitorSegment, p: Params): string {
  const parts: string[] = [];
  if (segment.model) parts.push(`t.model = ${p.add(segment.model)}`);
  if (segment.route) parts.push(`t.route = ${p.add(segment.route)}`);
  if (segment.provider) parts.push(`t.provider = ${p.add(segment.provider)}`);
  if (segment.tags?.length) parts.push(`t.tags @> ${p.add(segment.tags)}::text[]`);
  return parts.length ? ` and ${parts.join(" and ")}` : "";
}
