/**
 * A token bucket per API key, in process memory: each key may send `rate`
 * requests per second on average and bursts of up to `burst`. Behind several
 * web processes each enforces its own share, which is what a per-node limit
 * in front of a shared database needs.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; returns 0 when allowed, else the seconds to wait. */
  take(key: string): number {
    if (this.rate <= 0) return 0;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.rate);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    if (this.buckets.size > 100_000) this.buckets.clear(); // bound memory under key-guessing traffic
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate));
  }
}
