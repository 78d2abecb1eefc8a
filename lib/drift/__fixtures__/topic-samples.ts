import type { Matrix } from "../matrix";
import { createRng, type Rng } from "../random";

/** Synthetic embedding-like data: topic centres in `dims` dimensions, points = centre + N(0, spread²). */
export function topicCentres(k: number, dims: number, seed: number, scale = 3): Float64Array[] {
  const rng = createRng(seed);
  return Array.from({ length: k }, () => Float64Array.from({ length: dims }, () => rng.nextNormal() * scale));
}

export function sampleTopics(centres: Float64Array[], mix: number[], n: number, rng: Rng, spread = 1): { x: Matrix; topics: Int32Array } {
  const dims = centres[0]!.length;
  const data = new Float64Array(n * dims);
  const topics = new Int32Array(n);
  const total = mix.reduce((s, v) => s + v, 0);
  for (let i = 0; i < n; i++) {
    let r = rng.next() * total;
    let t = 0;
    while (t < mix.length - 1 && (r -= mix[t]!) >= 0) t++;
    topics[i] = t;
    for (let j = 0; j < dims; j++) data[i * dims + j] = centres[t]![j]! + rng.nextNormal() * spread;
  }
  return { x: { rows: n, cols: dims, data }, topics };
}

export const TOPIC_WORDS = [
  "password reset login account",
  "invoice billing refund charge",
  "shipping delivery parcel tracking",
  "sql query database index",
  "python error traceback import",
  "vacation policy holiday leave",
];
