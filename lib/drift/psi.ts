/** Proportions below this floor are raised to it before taking logs (no renormalisation). */
export const PSI_FLOOR = 1e-4;

/**
 * Population Stability Index between two binned distributions:
 *   PSI = Σ_i (c_i − r_i) · ln(c_i / r_i),
 * with r_i, c_i the reference and current proportions of bin i, each floored
 * at 1e-4 so an empty bin contributes a large but finite term. The floored
 * values are deliberately not renormalised (the industry convention this
 * project follows). Natural log: 0.1 is "moderate", 0.25 "major" shift.
 */
export function populationStabilityIndex(reference: readonly number[], current: readonly number[]): number {
  if (reference.length !== current.length) throw new RangeError("PSI: bin counts differ");
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i]!, PSI_FLOOR);
    const c = Math.max(current[i]!, PSI_FLOOR);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}
