/**
 * N-gram counting without string keys: tokens (or characters) are interned as small integers and
 * each n-gram becomes one number, id₀·Vⁿ⁻¹ + … + idₙ₋₁, exact while Vⁿ < 2⁵³. Sorted key arrays
 * then give clipped match counts by a merge walk: Σ_g min(count_a(g), count_b(g)) is the number of
 * equal pairs a two-pointer walk over both sorted multisets meets. This keeps the per-trace cost of
 * BLEU and chrF to a few typed arrays instead of thousands of substrings and map entries.
 */

/** Interns values as 1, 2, 3… (0 is never used, so a leading id never vanishes from a key). */
export class Interner<T> {
  private readonly ids = new Map<T, number>();
  id(value: T): number {
    let id = this.ids.get(value);
    if (id === undefined) this.ids.set(value, (id = this.ids.size + 1));
    return id;
  }
  /** The base for n-gram keys: larger than every id. */
  get base(): number {
    return this.ids.size + 1;
  }
}

/** Whether n-grams up to `order` over `base` ids fit exactly in a double. */
export const keysFit = (base: number, order: number): boolean => base ** order < Number.MAX_SAFE_INTEGER;

/** Keys of the n-grams of orders 1..maxOrder, in text order; order n+1 extends order n's keys. */
export function ngramKeysByOrder(ids: ArrayLike<number>, maxOrder: number, base: number): Float64Array[] {
  const out: Float64Array[] = [];
  let previous: Float64Array | null = null;
  for (let n = 1; n <= maxOrder; n++) {
    const count = Math.max(0, ids.length - n + 1);
    const keys = new Float64Array(count);
    if (previous === null) for (let i = 0; i < count; i++) keys[i] = ids[i]!;
    else for (let i = 0; i < count; i++) keys[i] = previous[i]! * base + ids[i + n - 1]!;
    out.push(keys);
    previous = keys;
  }
  return out;
}

let tableKeys = new Float64Array(1024);
let tableCounts = new Int32Array(1024);
let tableStamps = new Int32Array(1024);
let generation = 0;

/** Σ over distinct keys of min(count in a, count in b); order of the arrays does not matter. */
export function clippedMatchesUnsorted(a: Float64Array, b: Float64Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  let size = tableKeys.length;
  while (size < 2 * b.length) size *= 2;
  if (size !== tableKeys.length) {
    tableKeys = new Float64Array(size);
    tableCounts = new Int32Array(size);
    tableStamps = new Int32Array(size);
    generation = 0;
  }
  if (++generation === 0x7fffffff) {
    tableStamps.fill(0);
    generation = 1;
  }
  const mask = size - 1;
  const slot = (key: number) => {
    // Mix the low and high 32 bits of the (integral, < 2⁵³) key.
    let h = Math.imul((key | 0) ^ ((key / 4294967296) | 0), 0x9e3779b1) & mask;
    while (tableStamps[h] === generation && tableKeys[h] !== key) h = (h + 1) & mask;
    return h;
  };
  for (let i = 0; i < b.length; i++) {
    const key = b[i]!;
    const h = slot(key);
    if (tableStamps[h] === generation) tableCounts[h]!++;
    else {
      tableStamps[h] = generation;
      tableKeys[h] = key;
      tableCounts[h] = 1;
    }
  }
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const h = slot(a[i]!);
    if (tableStamps[h] === generation && tableCounts[h]! > 0) {
      tableCounts[h]!--;
      matches++;
    }
  }
  return matches;
}

/** Per-key maximum count over several sorted key arrays (BLEU's multi-reference clipping). */
export function maxCounts(sortedArrays: readonly Float64Array[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const keys of sortedArrays) {
    for (let i = 0; i < keys.length; ) {
      const key = keys[i]!;
      let j = i + 1;
      while (j < keys.length && keys[j] === key) j++;
      if (j - i > (out.get(key) ?? 0)) out.set(key, j - i);
      i = j;
    }
  }
  return out;
}

/** Σ over distinct keys of min(count in sorted a, limit[key]). */
export function clippedAgainst(a: Float64Array, limits: ReadonlyMap<number, number>): number {
  let matches = 0;
  for (let i = 0; i < a.length; ) {
    const key = a[i]!;
    let j = i + 1;
    while (j < a.length && a[j] === key) j++;
    const limit = limits.get(key);
    if (limit !== undefined) matches += Math.min(j - i, limit);
    i = j;
  }
  return matches;
}
