/**
 * Sequential change detectors for quality streams (scores, error flags,
 * latencies), ported from the `river` library (github.com/online-ml/river)
 * with river's default parameters so a Driftline monitor flags the same
 * points river would. Each detector is fed one value at a time and says
 * whether a change was detected at that value.
 *
 * Sources: river/drift/page_hinkley.py, river/drift/binary/ddm.py,
 * river/drift/adwin_c.pyx. The same algorithms are transcribed in Python in
 * scripts/drift/river_reference.py to produce the test traces.
 */

/**
 * Page–Hinkley test, two-sided (river's mode="both"). With x̄_t the running
 * mean, it accumulates m⁺_t = α·m⁺_{t−1} + (x_t − x̄_t − δ) and
 * m⁻_t = α·m⁻_{t−1} + (x_t − x̄_t + δ), and flags a change when
 * m⁺_t − min m⁺ > λ (an increase) or max m⁻ − m⁻_t > λ (a decrease), once
 * at least `minInstances` values have been seen. After a detection the
 * detector restarts on the next value.
 * Defaults (river): minInstances 30, δ = 0.005, λ = 50, α = 1 − 1e-4.
 */
export class PageHinkley {
  readonly minInstances: number;
  readonly delta: number;
  readonly threshold: number;
  readonly alpha: number;
  driftDetected = false;
  private n = 0;
  private mean = 0;
  private sumIncrease = 0;
  private sumDecrease = 0;
  private minIncrease = Number.MAX_VALUE;
  // river starts the running maximum at sys.float_info.min (the smallest positive normal double), not −∞.
  private maxDecrease = 2.2250738585072014e-308;

  constructor(options: { minInstances?: number; delta?: number; threshold?: number; alpha?: number } = {}) {
    this.minInstances = options.minInstances ?? 30;
    this.delta = options.delta ?? 0.005;
    this.threshold = options.threshold ?? 50;
    this.alpha = options.alpha ?? 1 - 0.0001;
  }

  private reset(): void {
    this.n = 0;
    this.mean = 0;
    this.sumIncrease = 0;
    this.sumDecrease = 0;
    this.minIncrease = Number.MAX_VALUE;
    this.maxDecrease = 2.2250738585072014e-308;
  }

  update(x: number): boolean {
    if (this.driftDetected) this.reset();
    this.n += 1;
    this.mean += (x - this.mean) / this.n;
    const dev = x - this.mean;
    this.sumIncrease = this.alpha * this.sumIncrease + dev - this.delta;
    this.sumDecrease = this.alpha * this.sumDecrease + dev + this.delta;
    if (this.sumIncrease < this.minIncrease) this.minIncrease = this.sumIncrease;
    if (this.sumDecrease > this.maxDecrease) this.maxDecrease = this.sumDecrease;
    this.driftDetected =
      this.n >= this.minInstances &&
      (this.sumIncrease - this.minIncrease > this.threshold || this.maxDecrease - this.sumDecrease > this.threshold);
    return this.driftDetected;
  }
}

/**
 * Drift Detection Method (Gama et al. 2004) on a stream of errors (1) and
 * successes (0). With p_i the running error rate and s_i = √(p_i(1−p_i)/i),
 * it remembers (p_min, s_min) where p + s was lowest, and after `warmStart`
 * values signals a warning when p_i + s_i > p_min + 2·s_min and a drift when
 * p_i + s_i > p_min + 3·s_min; it restarts after a drift.
 * Defaults (river): warmStart 30, warning 2.0, drift 3.0.
 */
export class Ddm {
  readonly warmStart: number;
  readonly warningThreshold: number;
  readonly driftThreshold: number;
  driftDetected = false;
  warningDetected = false;
  private n = 0;
  private p = 0;
  private pMin = Infinity;
  private sMin = Infinity;
  private psMin = Infinity;

  constructor(options: { warmStart?: number; warningThreshold?: number; driftThreshold?: number } = {}) {
    this.warmStart = options.warmStart ?? 30;
    this.warningThreshold = options.warningThreshold ?? 2;
    this.driftThreshold = options.driftThreshold ?? 3;
  }

  update(error: boolean | number): boolean {
    if (this.driftDetected) {
      this.n = 0;
      this.p = 0;
      this.pMin = this.sMin = this.psMin = Infinity;
      this.driftDetected = false;
    }
    const x = Number(error);
    this.n += 1;
    this.p += (x - this.p) / this.n;
    const s = Math.sqrt((this.p * (1 - this.p)) / this.n);
    this.warningDetected = false;
    if (this.n > this.warmStart) {
      if (this.p + s <= this.psMin) {
        this.pMin = this.p;
        this.sMin = s;
        this.psMin = this.p + s;
      }
      this.warningDetected = this.p + s > this.pMin + this.warningThreshold * this.sMin;
      if (this.p + s > this.pMin + this.driftThreshold * this.sMin) {
        this.driftDetected = true;
        this.warningDetected = false;
      }
    }
    return this.driftDetected;
  }
}

class AdwinBucketRow {
  total: Float64Array;
  variance: Float64Array;
  size = 0;
  constructor(maxBuckets: number) {
    this.total = new Float64Array(maxBuckets + 1);
    this.variance = new Float64Array(maxBuckets + 1);
  }
  insert(total: number, variance: number): void {
    this.total[this.size] = total;
    this.variance[this.size] = variance;
    this.size++;
  }
  /** Drop the k oldest buckets. */
  compress(k: number): void {
    this.total.copyWithin(0, k);
    this.variance.copyWithin(0, k);
    this.total.fill(0, this.total.length - k);
    this.variance.fill(0, this.variance.length - k);
    this.size -= k;
  }
}

/**
 * ADWIN, adaptive windowing (Bifet & Gavaldà 2007), as river's
 * AdaptiveWindowing: the window is kept as an exponential histogram of
 * buckets (at most `maxBuckets` per size 2^i); every `clock` values, once
 * wider than `gracePeriod`, each split W = W0·W1 (both ≥ minWindowLength)
 * is checked, and when |μ̂0 − μ̂1| > ε_cut, with
 *   ε_cut = √(2·m·σ²_W·δ') + (2/3)·δ'·m,  m = 1/(n0 − l + 1) + 1/(n1 − l + 1),
 *   δ' = ln(2·ln|W| / δ),
 * the oldest bucket is dropped and the scan repeats. A detection means the
 * window shrank; the detector is not reset.
 * Defaults (river): δ = 0.002, clock 32, maxBuckets 5, minWindowLength 5, gracePeriod 10.
 */
export class Adwin {
  readonly delta: number;
  readonly clock: number;
  readonly maxBuckets: number;
  readonly minWindowLength: number;
  readonly gracePeriod: number;
  driftDetected = false;
  width = 0;
  total = 0;
  variance = 0;
  private rows: AdwinBucketRow[];
  private tick = 0;

  constructor(options: { delta?: number; clock?: number; maxBuckets?: number; minWindowLength?: number; gracePeriod?: number } = {}) {
    this.delta = options.delta ?? 0.002;
    this.clock = options.clock ?? 32;
    this.maxBuckets = options.maxBuckets ?? 5;
    this.minWindowLength = options.minWindowLength ?? 5;
    this.gracePeriod = options.gracePeriod ?? 10;
    this.rows = [new AdwinBucketRow(this.maxBuckets)];
  }

  /** Mean of the current window. */
  get estimation(): number {
    return this.width === 0 ? 0 : this.total / this.width;
  }

  update(x: number): boolean {
    this.insert(x);
    this.driftDetected = this.detect();
    return this.driftDetected;
  }

  private insert(x: number): void {
    this.rows[0]!.insert(x, 0);
    this.width += 1;
    if (this.width > 1) {
      const dev = x - this.total / (this.width - 1);
      this.variance += ((this.width - 1) * dev * dev) / this.width;
    }
    this.total += x;
    this.compressRows();
  }

  private compressRows(): void {
    for (let idx = 0; idx < this.rows.length; idx++) {
      const row = this.rows[idx]!;
      if (row.size !== this.maxBuckets + 1) break;
      if (idx + 1 >= this.rows.length) this.rows.push(new AdwinBucketRow(this.maxBuckets));
      const next = this.rows[idx + 1]!;
      const n = 2 ** idx;
      const mu1 = row.total[0]! / n;
      const mu2 = row.total[1]! / n;
      const merged = row.total[0]! + row.total[1]!;
      const v = row.variance[0]! + row.variance[1]! + (n * n * (mu1 - mu2) * (mu1 - mu2)) / (n + n);
      next.insert(merged, v);
      row.compress(2);
      if (next.size <= this.maxBuckets) break;
    }
  }

  private deleteOldest(): number {
    const row = this.rows[this.rows.length - 1]!;
    const n = 2 ** (this.rows.length - 1);
    const u = row.total[0]!;
    const mu = u / n;
    const v = row.variance[0]!;
    this.width -= n;
    this.total -= u;
    const muWindow = this.total / this.width;
    this.variance -= v + (n * this.width * (mu - muWindow) * (mu - muWindow)) / (n + this.width);
    row.compress(1);
    if (row.size === 0) this.rows.pop();
    return n;
  }

  private cutDetected(n0: number, n1: number, deltaMean: number): boolean {
    const deltaPrime = Math.log((2 * Math.log(this.width)) / this.delta);
    const mRecip = 1 / (n0 - this.minWindowLength + 1) + 1 / (n1 - this.minWindowLength + 1);
    const eps = Math.sqrt(2 * mRecip * (this.variance / this.width) * deltaPrime) + (2 / 3) * deltaPrime * mRecip;
    return Math.abs(deltaMean) > eps;
  }

  private detect(): boolean {
    let change = false;
    this.tick += 1;
    if (this.tick % this.clock !== 0 || this.width <= this.gracePeriod) return false;
    let reduce = true;
    while (reduce) {
      reduce = false;
      let exit = false;
      let n0 = 0;
      let n1 = this.width;
      let u0 = 0;
      let u1 = this.total;
      for (let idx = this.rows.length - 1; idx >= 0 && !exit; idx--) {
        const row = this.rows[idx]!;
        const size = 2 ** idx;
        // river scans k < size − 1 of each row (the newest bucket of a row is never a cut point).
        for (let k = 0; k < row.size - 1; k++) {
          n0 += size;
          n1 -= size;
          u0 += row.total[k]!;
          u1 -= row.total[k]!;
          if (idx === 0 && k === row.size - 1) {
            exit = true;
            break;
          }
          if (n1 >= this.minWindowLength && n0 >= this.minWindowLength && this.cutDetected(n0, n1, u0 / n0 - u1 / n1)) {
            reduce = true;
            change = true;
            if (this.width > 0) {
              n0 -= this.deleteOldest();
              exit = true;
              break;
            }
          }
        }
      }
    }
    return change;
  }
}
