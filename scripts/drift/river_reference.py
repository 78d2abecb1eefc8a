"""Reference implementations of river's drift detectors with river's default
parameters, used by make-reference.py to produce detector traces (river
itself is not installable here).

Transcribed from the river sources (github.com/online-ml/river):
  - river/drift/page_hinkley.py   (river >= 0.15: two-sided "both" mode,
    min_instances=30, delta=0.005, threshold=50.0, alpha=1 - 0.0001)
  - river/drift/binary/ddm.py     (warm_start=30, warning_threshold=2.0,
    drift_threshold=3.0)
  - river/drift/adwin_c.pyx       (delta=0.002, clock=32, max_buckets=5,
    min_window_length=5, grace_period=10; the window shrinks on detection,
    the detector is not reset)
"""
import math
import sys


def page_hinkley_trace(stream, min_instances=30, delta=0.005, threshold=50.0, alpha=1 - 0.0001):
    detections = []
    drift = False
    n = 0
    mean = 0.0
    s_inc = s_dec = 0.0
    min_inc = sys.float_info.max
    max_dec = sys.float_info.min  # river's initial value (smallest positive double), kept as is

    def reset():
        nonlocal n, mean, s_inc, s_dec, min_inc, max_dec
        n, mean, s_inc, s_dec = 0, 0.0, 0.0, 0.0
        min_inc, max_dec = sys.float_info.max, sys.float_info.min

    for i, x in enumerate(stream):
        if drift:
            reset()
        n += 1
        mean += (x - mean) / n  # river.stats.Mean
        dev = x - mean
        s_inc = alpha * s_inc + dev - delta
        s_dec = alpha * s_dec + dev + delta
        if s_inc < min_inc:
            min_inc = s_inc
        if s_dec > max_dec:
            max_dec = s_dec
        drift = False
        if n >= min_instances:
            drift = (s_inc - min_inc > threshold) or (max_dec - s_dec > threshold)
        if drift:
            detections.append(i)
    return {"detections": detections}


def ddm_trace(stream, warm_start=30, warning_threshold=2.0, drift_threshold=3.0):
    detections, warnings = [], []
    drift = False
    n, p = 0, 0.0
    p_min = s_min = ps_min = math.inf
    for i, x in enumerate(stream):
        if drift:
            n, p = 0, 0.0
            p_min = s_min = ps_min = math.inf
            drift = False
        n += 1
        p += (x - p) / n
        s = math.sqrt(p * (1 - p) / n)
        warning = False
        if n > warm_start:
            if p + s <= ps_min:
                p_min, s_min, ps_min = p, s, p + s
            warning = p + s > p_min + warning_threshold * s_min
            if p + s > p_min + drift_threshold * s_min:
                drift = True
                warning = False
        if drift:
            detections.append(i)
        if warning:
            warnings.append(i)
    return {"detections": detections, "warnings": warnings}


class _Bucket:
    def __init__(self, max_size):
        self.total = [0.0] * (max_size + 1)
        self.variance = [0.0] * (max_size + 1)
        self.idx = 0

    def insert(self, value, variance):
        self.total[self.idx] = value
        self.variance[self.idx] = variance
        self.idx += 1

    def compress(self, k):
        L = len(self.total)
        for i in range(k, L):
            self.total[i - k] = self.total[i]
            self.variance[i - k] = self.variance[i]
        for i in range(L - k, L):
            self.total[i] = 0.0
            self.variance[i] = 0.0
        self.idx -= k


class Adwin:
    def __init__(self, delta=0.002, clock=32, max_buckets=5, min_window_length=5, grace_period=10):
        self.delta, self.clock, self.max_buckets = delta, clock, max_buckets
        self.min_window_length, self.grace_period = min_window_length, grace_period
        self.buckets = [_Bucket(max_buckets)]
        self.total = self.variance = self.width = 0.0
        self.tick = 0

    def update(self, value):
        self._insert(value)
        return self._detect()

    def _insert(self, value):
        self.buckets[0].insert(value, 0.0)
        self.width += 1
        inc = 0.0
        if self.width > 1.0:
            inc = (self.width - 1.0) * (value - self.total / (self.width - 1.0)) * (
                value - self.total / (self.width - 1.0)) / self.width
        self.variance += inc
        self.total += value
        self._compress()

    def _compress(self):
        idx = 0
        bucket = self.buckets[0]
        while bucket is not None:
            if bucket.idx == self.max_buckets + 1:
                if idx + 1 >= len(self.buckets):
                    self.buckets.append(_Bucket(self.max_buckets))
                nxt = self.buckets[idx + 1]
                n1 = n2 = 2.0 ** idx
                mu1 = bucket.total[0] / n1
                mu2 = bucket.total[1] / n2
                total12 = bucket.total[0] + bucket.total[1]
                temp = n1 * n2 * (mu1 - mu2) * (mu1 - mu2) / (n1 + n2)
                v12 = bucket.variance[0] + bucket.variance[1] + temp
                nxt.insert(total12, v12)
                bucket.compress(2)
                if nxt.idx <= self.max_buckets:
                    break
            else:
                break
            bucket = self.buckets[idx + 1] if idx + 1 < len(self.buckets) else None
            idx += 1

    def _delete(self):
        bucket = self.buckets[-1]
        n = 2.0 ** (len(self.buckets) - 1)
        u = bucket.total[0]
        mu = u / n
        v = bucket.variance[0]
        self.width -= n
        self.total -= u
        mu_window = self.total / self.width
        self.variance -= v + n * self.width * (mu - mu_window) * (mu - mu_window) / (n + self.width)
        bucket.compress(1)
        if bucket.idx == 0:
            self.buckets.pop()
        return n

    def _cut(self, n0, n1, delta_mean):
        delta_prime = math.log(2 * math.log(self.width) / self.delta)
        m_recip = 1.0 / (n0 - self.min_window_length + 1) + 1.0 / (n1 - self.min_window_length + 1)
        eps = math.sqrt(2 * m_recip * (self.variance / self.width) * delta_prime) + 2 / 3 * delta_prime * m_recip
        return abs(delta_mean) > eps

    def _detect(self):
        change = False
        self.tick += 1
        if self.tick % self.clock == 0 and self.width > self.grace_period:
            reduce = True
            while reduce:
                reduce = False
                exit_flag = False
                n0, n1, u0, u1 = 0.0, self.width, 0.0, self.total
                for idx in range(len(self.buckets) - 1, -1, -1):
                    if exit_flag:
                        break
                    bucket = self.buckets[idx]
                    for k in range(bucket.idx - 1):
                        n0 += 2.0 ** idx
                        n1 -= 2.0 ** idx
                        u0 += bucket.total[k]
                        u1 -= bucket.total[k]
                        if idx == 0 and k == bucket.idx - 1:
                            exit_flag = True
                            break
                        delta_mean = u0 / n0 - u1 / n1
                        if n1 >= self.min_window_length and n0 >= self.min_window_length and self._cut(n0, n1, delta_mean):
                            reduce = True
                            change = True
                            if self.width > 0:
                                n0 -= self._delete()
                                exit_flag = True
                                break
        return change


def adwin_trace(stream):
    a = Adwin()
    detections, widths = [], []
    for i, x in enumerate(stream):
        if a.update(x):
            detections.append(i)
        widths.append(a.width)
    return {"detections": detections, "finalWidth": a.width, "widths": widths[::25]}
