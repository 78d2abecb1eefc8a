/** The stored 2-D projections of a result, split by window. */
import { num, obj } from "./monitor-labels";

export type ProjectionPoint = { traceId: string; x: number; y: number };

/** The stored 2-D projection of one text kind, split by window (empty when the result has none). */
export function prepareProjection(
  artefacts: Record<string, unknown> | undefined,
  text: "prompt" | "response",
): { reference: ProjectionPoint[]; current: ProjectionPoint[]; explainedVariance: number[] } {
  const a = obj(obj(artefacts)[`${text}Projection`]);
  const points = Array.isArray(a.points) ? (a.points as unknown[]) : [];
  const out = { reference: [] as ProjectionPoint[], current: [] as ProjectionPoint[], explainedVariance: Array.isArray(a.explainedVariance) ? (a.explainedVariance as unknown[]).map((v) => num(v) ?? 0) : [] };
  for (const raw of points) {
    const p = obj(raw);
    const x = num(p.x);
    const y = num(p.y);
    if (x === null || y === null || typeof p.traceId !== "string") continue;
    (p.window === "current" ? out.current : out.reference).push({ traceId: p.traceId, x, y });
  }
  return out;
}

/** Which projections a result holds ("prompt", "response"). */
export function projectionKinds(artefacts: Record<string, unknown> | undefined): Array<"prompt" | "response"> {
  return (["prompt", "response"] as const).filter((k) => Array.isArray(obj(obj(artefacts)[`${k}Projection`]).points));
}
