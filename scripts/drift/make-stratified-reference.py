#!/usr/bin/python3
"""Generate lib/drift/__fixtures__/stratified-reference.json: seeded strata and
the values Debian's statsmodels / scipy / numpy compute for them, against
which lib/drift/stratified.ts is tested.

    /usr/bin/python3 scripts/drift/make-stratified-reference.py

- Cochran–Mantel–Haenszel χ², p and the pooled odds ratio: statsmodels
  StratifiedTable.test_null_odds(correction=True) and .oddsratio_pooled.
- Mantel–Haenszel risk difference and its Greenland–Robins variance, and the
  stratified difference of means (CMH weights, Welch–Satterthwaite df):
  statsmodels has neither, so the definitions of docs/statistics.md are
  written out in numpy, with scipy's t and normal distributions.
"""
import json
import os

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "lib", "drift", "__fixtures__", "stratified-reference.json")


def rate_case(name, seed, sizes, ref_rates, cur_rates):
    rng = np.random.default_rng(seed)
    strata = []
    for (nr, nc), pr, pc in zip(sizes, ref_rates, cur_rates):
        strata.append({
            "referenceEvents": int(rng.binomial(nr, pr)), "reference": int(nr),
            "currentEvents": int(rng.binomial(nc, pc)), "current": int(nc),
        })
    # statsmodels' 2×2×K table: rows reference/current, columns event/no event.
    used = [s for s in strata if s["reference"] >= 1 and s["current"] >= 1]
    tables = np.array([[[s["referenceEvents"], s["reference"] - s["referenceEvents"]],
                        [s["currentEvents"], s["current"] - s["currentEvents"]]] for s in used], dtype=float)
    st = StratifiedTable(np.transpose(tables, (1, 2, 0)))
    test = st.test_null_odds(correction=True)
    # oddsratio_pooled is reference-vs-current (a·d / b·c); the TypeScript reports current vs reference.
    odds = 1.0 / st.oddsratio_pooled
    nr = np.array([s["reference"] for s in used], dtype=float)
    nc = np.array([s["current"] for s in used], dtype=float)
    xr = np.array([s["referenceEvents"] for s in used], dtype=float)
    xc = np.array([s["currentEvents"] for s in used], dtype=float)
    N = nr + nc
    w = nr * nc / N
    rd = np.sum(w * (xc / nc - xr / nr)) / np.sum(w)
    var = np.sum((xc * (nc - xc) * nr**3 + xr * (nr - xr) * nc**3) / (nr * nc * N**2)) / np.sum(w) ** 2
    return {"name": name, "strata": strata, "expected": {
        "statistic": float(test.statistic), "pValue": float(test.pvalue), "oddsRatio": float(odds),
        "riskDifference": float(rd), "riskDifferenceSe": float(np.sqrt(var)), "strata": len(used)}}


def mean_case(name, seed, sizes, shifts, sds):
    rng = np.random.default_rng(seed)
    strata = []
    for (nr, nc), shift, sd in zip(sizes, shifts, sds):
        base = rng.normal(0.6, 0.1)
        strata.append({"reference": [float(v) for v in rng.normal(base, sd, nr)],
                       "current": [float(v) for v in rng.normal(base + shift, sd * 1.2, nc)]})
    d, w, vr, vc, nrs, ncs, ss, dfr = [], [], [], [], [], [], 0.0, 0
    for s in strata:
        r = np.array(s["reference"]); c = np.array(s["current"])
        if len(r) < 2 or len(c) < 2:
            continue
        d.append(c.mean() - r.mean()); w.append(len(r) * len(c) / (len(r) + len(c)))
        vr.append(r.var(ddof=1) / len(r)); vc.append(c.var(ddof=1) / len(c)); nrs.append(len(r)); ncs.append(len(c))
        ss += r.var(ddof=1) * (len(r) - 1); dfr += len(r) - 1
    d, w, vr, vc, nrs, ncs = map(np.array, (d, w, vr, vc, nrs, ncs))
    u = w / w.sum()
    diff = float(np.sum(u * d))
    var = float(np.sum(u**2 * (vr + vc)))
    df = var**2 / float(np.sum((u**2 * vc) ** 2 / (ncs - 1) + (u**2 * vr) ** 2 / (nrs - 1)))
    t = diff / np.sqrt(var)
    p = float(2 * stats.t.sf(abs(t), df))
    ref_sd = float(np.sqrt(ss / dfr))
    return {"name": name, "strata": strata, "expected": {
        "difference": diff, "se": float(np.sqrt(var)), "df": float(df), "t": float(t), "pValue": p,
        "referenceSd": ref_sd, "standardized": diff / ref_sd, "strata": int(len(d))}}


cases = {
    "versions": {"python": "3", "numpy": np.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
    "rates": [
        rate_case("four topics, refusals ×4", 1, [(160, 25), (150, 20), (140, 22), (120, 18)], [0.05, 0.04, 0.06, 0.05], [0.2, 0.16, 0.24, 0.2]),
        rate_case("no change, uneven strata", 2, [(300, 40), (80, 12), (20, 5), (200, 33), (10, 3)], [0.1, 0.3, 0.05, 0.02, 0.5], [0.1, 0.3, 0.05, 0.02, 0.5]),
        rate_case("single stratum", 3, [(500, 500)], [0.1], [0.13]),
        rate_case("with an empty side", 4, [(100, 0), (90, 30), (0, 20), (60, 25)], [0.1, 0.1, 0.1, 0.1], [0.3, 0.3, 0.3, 0.3]),
        rate_case("rates fall", 5, [(400, 100), (300, 90), (250, 80)], [0.3, 0.25, 0.35], [0.15, 0.12, 0.2]),
    ],
    "means": [
        mean_case("four topics, quality −0.5 SD", 11, [(160, 25), (150, 20), (140, 22), (120, 18)], [-0.05] * 4, [0.1] * 4),
        mean_case("no change, uneven strata", 12, [(300, 40), (80, 12), (20, 5), (200, 33), (10, 3)], [0.0] * 5, [0.1, 0.2, 0.05, 0.1, 0.3]),
        mean_case("single stratum", 13, [(50, 60)], [0.03], [0.1]),
        mean_case("strata too small are left out", 14, [(1, 10), (40, 1), (30, 25)], [0.1, 0.1, 0.1], [0.1] * 3),
    ],
}

with open(OUT, "w") as f:
    json.dump(cases, f, indent=1)
    f.write("\n")
print(f"wrote {OUT}")
