/**
 * Jensen–Shannon *distance* (the square root of the divergence), base 2, so
 * it lies in [0, 1]:
 *   JS(p, q) = sqrt( ½ KL(p ‖ m) + ½ KL(q ‖ m) ),  m = (p + q)/2,
 * on raw (unfloored) proportions, with 0·log 0 = 0. Both inputs are first
 * normalised to sum to one, as scipy.spatial.distance.jensenshannon does.
 */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  if (p.length !== q.length) throw new RangeError("Jensen–Shannon: lengths differ");
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i]!;
    sq += q[i]!;
  }
  let total = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp;
    const b = q[i]! / sq;
    const m = (a + b) / 2;
    if (a > 0) total += a * Math.log(a / m);
    if (b > 0) total += b * Math.log(b / m);
  }
  const js = total / 2 / Math.LN2;
  return Math.sqrt(Math.max(0, js));
}
