/**
 * Log-spaced latency buckets for the hourly rollups. Bucket 0 holds [0, 1 ms);
 * bucket i (1 ≤ i < LAST) holds [r^(i-1), r^i) ms with r = 2^(1/4) (four
 * buckets per doubling, so a bucket spans 19 %); the last bucket holds
 * everything from r^(LAST-1) ≈ 10.4 minutes up. Counts of any set of hours
 * add element-wise, and a quantile read back from the sum lies within one
 * bucket — within ±9.5 % — of the exact value (geometric interpolation inside
 * the bucket usually does much better).
 *
 * The SQL in lib/jobs/rollup.ts computes the same index; keep them in step
 * (`latencyBucketSql`).
 */
export const LATENCY_BUCKET_RATIO = 2 ** 0.25;
export const LATENCY_BUCKET_COUNT = 80;
const LAST = LATENCY_BUCKET_COUNT - 1;
const LN_RATIO = Math.log(LATENCY_BUCKET_RATIO);

/** The bucket of one latency in milliseconds. */
export function latencyBucket(ms: number): number {
  if (!(ms >= 1)) return 0; // also NaN and negatives
  return Math.min(LAST, 1 + Math.floor(Math.log(ms) / LN_RATIO + 1e-9));
}

/** [lower, upper) bounds of a bucket in ms; the last bucket's upper bound is Infinity. */
export function latencyBucketBounds(index: number): [number, number] {
  if (index <= 0) return [0, 1];
  const lower = LATENCY_BUCKET_RATIO ** (index - 1);
  return [lower, index >= LAST ? Infinity : LATENCY_BUCKET_RATIO ** index];
}

/** The bucket index as a SQL expression over a latency column (same rule as `latencyBucket`). */
export function latencyBucketSql(column: string): string {
  return `case when ${column} is null then null when ${column} < 1 then 0 else least(${LAST}, 1 + floor(ln(${column}) / ${LN_RATIO} + 1e-9)::int) end`;
}

export function emptyHistogram(): number[] {
  return new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
}

export function histogramOf(latencies: Iterable<number>): number[] {
  const h = emptyHistogram();
  for (const ms of latencies) h[latencyBucket(ms)]! += 1;
  return h;
}

/** Element-wise sum; shorter arrays count as zeros beyond their end. */
export function addHistograms(target: number[], source: readonly number[]): number[] {
  for (let i = 0; i < source.length; i++) target[i] = (target[i] ?? 0) + (source[i] ?? 0);
  return target;
}

/**
 * The q-quantile (0 < q < 1) of the latencies counted in `histogram`, or null
 * when it is empty. Finds the bucket holding the rank q·n and interpolates
 * geometrically inside it (linearly in the first bucket, which starts at 0;
 * the open last bucket answers its lower bound).
 */
export function quantileFromHistogram(histogram: readonly number[], q: number): number | null {
  let total = 0;
  for (const n of histogram) total += n;
  if (total === 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    const n = histogram[i] ?? 0;
    if (n === 0) continue;
    if (seen + n >= rank) {
      const fraction = Math.min(1, Math.max(0, (rank - seen) / n));
      const [lower, upper] = latencyBucketBounds(i);
      if (i === 0) return lower + (upper - lower) * fraction;
      if (!Number.isFinite(upper)) return lower;
      return lower * (upper / lower) ** fraction;
    }
    seen += n;
  }
  return latencyBucketBounds(histogram.length - 1)[0];
}
