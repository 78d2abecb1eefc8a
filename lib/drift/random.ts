/**
 * Seeded pseudo-random numbers for every randomised step in lib/drift
 * (permutation tests, bootstrap, k-means++ seeding, train/test splits).
 *
 * Generator: mulberry32 (Tommy Ettinger), a 32-bit-state generator with a
 * full 2^32 period. It is not cryptographic; it is chosen because it is tiny,
 * fast and trivially reproducible in other languages — `scripts/drift/
 * make-reference.py` re-implements it bit for bit so the Python reference
 * uses exactly the same splits and shuffles as this code.
 */
export interface Rng {
  /** Uniform double in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** Uniform integer in [0, n) (floor(next()·n); bias < n/2^32, negligible here). */
  nextInt(n: number): number;
  /** Standard normal variate (Box–Muller, one value per call). */
  nextNormal(): number;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    nextInt: (n: number) => Math.floor(next() * n),
    nextNormal: () => {
      // 1 - u keeps the argument of log strictly positive.
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/** Fisher–Yates shuffle in place (i from the end, j uniform in [0, i]). */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(arr: T, rng: Rng): T {
  const a = arr as unknown as unknown[];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const tmp = a[i];
    a[i] = a[j];
    a[j] = tmp;
  }
  return arr;
}

/** A seeded permutation of 0…n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return shuffleInPlace(idx, rng);
}
