#!/usr/bin/python3
"""Generate lib/drift/__fixtures__/reference.json: inputs plus reference values
computed with Debian's scipy / numpy / scikit-learn, against which the
TypeScript statistics in lib/drift are tested.

    /usr/bin/python3 scripts/drift/make-reference.py

Every case is seeded (numpy default_rng) and stores its inputs, so the tests
never need to regenerate data. Definitions follow docs/statistics.md; where
scipy has no ready-made function (PSI, MMD with the median heuristic,
sequential detectors) the definition is written out here in numpy.
"""
import json
import math
import os
import sys

import numpy as np
import scipy
import sklearn
from scipy import stats
from scipy.spatial.distance import jensenshannon, cosine as cosine_distance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

sys.path.insert(0, os.path.dirname(__file__))
from river_reference import adwin_trace, ddm_trace, page_hinkley_trace  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "lib", "drift", "__fixtures__", "reference.json")


# ── mulberry32, bit-identical to lib/drift/random.ts ──────────────────────────
class Mulberry32:
    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296.0

    def next_int(self, n):
        return int(math.floor(self.next() * n))


def _imul(a, b):
    return (a * b) & 0xFFFFFFFF


def permutation(n, rng):
    idx = list(range(n))
    for i in range(n - 1, 0, -1):
        j = rng.next_int(i + 1)
        idx[i], idx[j] = idx[j], idx[i]
    return idx


# ── definitions ───────────────────────────────────────────────────────────────
DECILES = np.arange(1, 10) / 10


def decile_edges(ref):
    return np.unique(np.quantile(ref, DECILES))  # numpy "linear" = R type 7


def bin_props(x, edges):
    idx = np.searchsorted(edges, x, side="right")  # [e_i, e_{i+1})
    return np.bincount(idx, minlength=len(edges) + 1) / len(x)


def psi(pr, pc):
    r = np.maximum(pr, 1e-4)
    c = np.maximum(pc, 1e-4)
    return float(np.sum((c - r) * np.log(c / r)))


def numeric_case(name, ref, cur):
    ref = np.asarray(ref, dtype=float)
    cur = np.asarray(cur, dtype=float)
    ks = stats.ks_2samp(ref, cur, method="auto")
    method = "exact" if max(len(ref), len(cur)) <= 10000 else "asymp"
    edges = decile_edges(ref)
    pr, pc = bin_props(ref, edges), bin_props(cur, edges)
    w = stats.wasserstein_distance(ref, cur)
    sd = np.std(ref, ddof=0)
    return {
        "name": name,
        "reference": ref.tolist(),
        "current": cur.tolist(),
        "expected": {
            "ks": {"statistic": float(ks.statistic), "pValue": float(ks.pvalue), "method": method},
            "edges": edges.tolist(),
            "referenceProportions": pr.tolist(),
            "currentProportions": pc.tolist(),
            "psi": psi(pr, pc),
            "jensenShannon": float(jensenshannon(pr, pc, base=2)),
            "wasserstein": float(w),
            "wassersteinNormed": float(w / sd) if sd > 0 else None,
        },
    }


def categorical_case(name, ref, cur):
    cats = sorted(set(ref) | set(cur))
    r = np.array([ref.count(c) for c in cats], dtype=float)
    c = np.array([cur.count(c) for c in cats], dtype=float)
    table = np.vstack([r, c])
    chi2, p, dof, _ = stats.chi2_contingency(table)  # Yates only when dof == 1
    g, gp, _, _ = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    pr, pc = r / r.sum(), c / c.sum()
    return {
        "name": name,
        "reference": ref,
        "current": cur,
        "expected": {
            "categories": cats,
            "chiSquare": {"statistic": float(chi2), "pValue": float(p), "dof": int(dof)},
            "gTest": {"statistic": float(g), "pValue": float(gp)},
            "psi": psi(pr, pc),
            "jensenShannon": float(jensenshannon(pr, pc, base=2)),
        },
    }


def mmd2_unbiased(K, m):
    n = K.shape[0] - m
    kxx, kyy, kxy = K[:m, :m], K[m:, m:], K[:m, m:]
    return ((kxx.sum() - np.trace(kxx)) / (m * (m - 1))
            + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
            - 2 * kxy.sum() / (m * n))


def median_sigma(Z):
    sq = np.sum((Z[:, None, :] - Z[None, :, :]) ** 2, axis=-1)
    iu = np.triu_indices(Z.shape[0], k=1)
    return float(np.median(np.sqrt(sq[iu]))), sq  # numpy median: mean of middle two


def mmd_reference(X, Y, permutations, seed):
    Z = np.vstack([X, Y])
    sigma, sq = median_sigma(Z)
    K = np.exp(-sq / (2 * sigma * sigma))
    m = len(X)
    obs = mmd2_unbiased(K, m)
    rng = np.random.default_rng(seed)
    exceed = 0
    for _ in range(permutations):
        p = rng.permutation(len(Z))
        if mmd2_unbiased(K[np.ix_(p, p)], m) >= obs:
            exceed += 1
    return {"mmd2": float(obs), "sigma": sigma, "pValue": (1 + exceed) / (1 + permutations),
            "permutations": permutations}


def classifier_auc(X, Y, seed):
    rng = Mulberry32(seed)
    pr = permutation(len(X), rng)
    pc = permutation(len(Y), rng)
    hr, hc = len(X) // 2, len(Y) // 2
    Xtr = np.vstack([X[pr[:hr]], Y[pc[:hc]]])
    ytr = np.r_[np.zeros(hr), np.ones(hc)]
    Xte = np.vstack([X[pr[hr:]], Y[pc[hc:]]])
    yte = np.r_[np.zeros(len(X) - hr), np.ones(len(Y) - hc)]
    clf = LogisticRegression(C=1.0, solver="lbfgs", max_iter=10000, tol=1e-10).fit(Xtr, ytr)
    return float(roc_auc_score(yte, clf.decision_function(Xte)))


def per_dimension(X, Y):
    if X.shape[1] > 32:
        mu = X.mean(axis=0)
        vals, vecs = np.linalg.eigh(np.cov(X, rowvar=False))
        order = np.argsort(vals)[::-1][:32]
        W = vecs[:, order]
        A, B = (X - mu) @ W, (Y - mu) @ W
        basis, eig = "pca", vals[order].tolist()
    else:
        A, B, basis, eig = X, Y, "raw", None
    res = [stats.ks_2samp(A[:, j], B[:, j], method="auto") for j in range(A.shape[1])]
    ps = np.array([r.pvalue for r in res])
    m = len(ps)
    return {"basis": basis, "pValues": ps.tolist(), "statistics": [float(r.statistic) for r in res],
            "bonferroniP": float(min(1.0, m * ps.min())), "driftedShare": float(np.mean(ps < 0.05 / m)),
            "eigenvalues": eig}


def embedding_case(name, X, Y, seed=7):
    mx, my = X.mean(axis=0), Y.mean(axis=0)
    return {
        "name": name,
        "reference": X.tolist(),
        "current": Y.tolist(),
        "seed": seed,
        "expected": {
            "centroid": {"euclidean": float(np.linalg.norm(mx - my)), "cosine": float(cosine_distance(mx, my))},
            "mmd": mmd_reference(X, Y, 2000, seed),
            "classifier": {"auc": classifier_auc(X, Y, seed)},
            "components": per_dimension(X, Y),
        },
    }


def t_quantile(p, df):
    """t quantile solved on scipy's t.sf (accurate to ~1e-15); scipy 1.10's
    t.ppf (cephes stdtri) is only good to ~4e-9 relative, e.g. at df = 39."""
    from scipy import optimize
    if p < 0.5:
        return -t_quantile(1 - p, df)
    return optimize.brentq(lambda x: stats.t.sf(x, df) - (1 - p), 0, 1e4, xtol=1e-300, rtol=8.9e-16)


def paired_case(name, a, b, seed):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    d = b - a
    n = len(d)
    t = stats.ttest_rel(b, a)
    se = d.std(ddof=1) / math.sqrt(n)
    tq = t_quantile(0.975, n - 1)
    w = stats.wilcoxon(b, a)
    mw = stats.mannwhitneyu(b, a, use_continuity=True, alternative="two-sided", method="asymptotic")
    return {
        "name": name,
        "baseline": a.tolist(),
        "candidate": b.tolist(),
        "seed": seed,
        "expected": {
            "pairedT": {"statistic": float(t.statistic), "pValue": float(t.pvalue), "df": n - 1,
                        "meanDifference": float(d.mean()),
                        "ci95": [float(d.mean() - tq * se), float(d.mean() + tq * se)]},
            "wilcoxon": {"statistic": float(w.statistic), "pValue": float(w.pvalue)},
            "mannWhitney": {"statistic": float(mw.statistic), "pValue": float(mw.pvalue)},
            "quantiles": {"baseline": np.quantile(a, [0.5, 0.95]).tolist(),
                          "candidate": np.quantile(b, [0.5, 0.95]).tolist()},
        },
    }


def main():
    rng = np.random.default_rng(20261128)
    numeric = [
        numeric_case("no-drift", rng.normal(0, 1, 500), rng.normal(0, 1, 600)),
        numeric_case("mean-shift", rng.normal(0, 1, 800), rng.normal(0.3, 1, 800)),
        numeric_case("variance-only", rng.normal(5, 1, 1000), rng.normal(5, 2, 700)),
        numeric_case("empty-bins", rng.normal(0, 1, 300), rng.uniform(5, 6, 200)),
        numeric_case("heavy-ties", rng.integers(0, 5, 400), rng.choice(5, 350, p=[0.5, 0.2, 0.1, 0.1, 0.1])),
        numeric_case("tiny", rng.normal(0, 1, 7), rng.normal(1, 1, 9)),
        numeric_case("unbalanced", rng.lognormal(0, 1, 3000), rng.lognormal(0.05, 1, 1999)),
        numeric_case("exact-at-limit", np.round(rng.normal(0, 1, 10000), 6), np.round(rng.normal(0.02, 1, 9000), 6)),
        numeric_case("asymptotic", np.round(rng.normal(0, 1, 12000), 3), np.round(rng.normal(0.03, 1, 11000), 3)),
    ]

    kstwo = []
    for n in [3, 10, 50, 140, 141, 500, 5000, 20000, 200000]:
        for x in [0.6 / n, 0.9 / n, 1.5 / n, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.6, 1 - 1.5 / n]:
            if 0 < x < 1:
                kstwo.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
    ks_exact = []
    for (n1, n2, d) in [(5, 7, 0.5), (20, 30, 0.3), (100, 100, 0.17), (333, 500, 0.09), (1000, 1500, 0.06),
                        (64, 48, 0.25), (7, 7, 3 / 7)]:
        r = stats.ks_2samp(np.arange(n1) * 0.0 + 0.0, np.arange(n2) * 0.0 + 1.0)  # warm-up (unused)
        del r
        from scipy.stats._stats_py import _attempt_exact_2kssamp
        ok, dd, p = _attempt_exact_2kssamp(n1, n2, math.gcd(n1, n2), d, "two-sided")
        ks_exact.append({"n1": n1, "n2": n2, "d": d, "snapped": float(dd), "p": float(p)})

    dist = {
        "normalSf": [{"x": x, "v": float(stats.norm.sf(x))} for x in [-3, -1, 0, 0.5, 1.96, 3, 5, 8, 12, 20]],
        "normalPpf": [{"p": p, "v": float(stats.norm.ppf(p))} for p in [1e-12, 1e-6, 0.01, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999999]],
        "chi2Sf": [{"x": x, "k": k, "v": float(stats.chi2.sf(x, k))}
                   for k in [1, 2, 3, 7, 30, 101] for x in [0.01, 0.5, 1, 3.84, 10, 50, 200, 900]],
        "tSf": [{"x": x, "df": df, "v": float(stats.t.sf(x, df))}
                for df in [1, 2, 5, 29, 100, 1000] for x in [-2, 0.1, 1, 2.5, 6, 30]],
        "tPpf": [{"p": p, "df": df, "v": float(t_quantile(p, df)), "scipyPpf": float(stats.t.ppf(p, df))}
                 for df in [1, 2, 5, 29, 100, 1000] for p in [0.025, 0.9, 0.975, 0.995]],
    }

    cat_rng = np.random.default_rng(7)
    letters = ["a", "b", "c", "d"]
    categorical = [
        categorical_case("categorical-shift",
                         list(cat_rng.choice(letters, 1000, p=[0.4, 0.3, 0.2, 0.1])),
                         list(cat_rng.choice(letters + ["e"], 800, p=[0.25, 0.25, 0.2, 0.2, 0.1]))),
        categorical_case("no-shift", list(cat_rng.choice(letters, 600, p=[0.4, 0.3, 0.2, 0.1])),
                         list(cat_rng.choice(letters, 500, p=[0.4, 0.3, 0.2, 0.1]))),
        categorical_case("two-categories-yates", list(cat_rng.choice(["no", "yes"], 300, p=[0.6, 0.4])),
                         list(cat_rng.choice(["no", "yes"], 280, p=[0.5, 0.5]))),
    ]
    for c in categorical:
        c["reference"] = [str(v) for v in c["reference"]]
        c["current"] = [str(v) for v in c["current"]]

    erng = np.random.default_rng(11)
    spectrum = 0.93 ** np.arange(48)
    few = erng.normal(0, 1, (300, 48)) * spectrum
    few_cur = erng.normal(0, 1, (300, 48)) * spectrum
    few_cur[:, [0, 5, 9]] += 0.5
    embedding = [
        embedding_case("embedding-no-drift", erng.normal(0, 1, (150, 16)), erng.normal(0, 1, (160, 16))),
        embedding_case("embedding-mean-shift", erng.normal(0, 1, (150, 16)), erng.normal(0.25, 1, (150, 16))),
        embedding_case("embedding-variance", erng.normal(0, 1, (120, 8)), erng.normal(0, 1.5, (130, 8))),
        embedding_case("embedding-few-dims-pca", few, few_cur),
    ]

    prng = np.random.default_rng(5)
    base = np.round(prng.uniform(0.4, 0.95, 40), 3)
    paired = [
        paired_case("paired-regression", base, np.round(base - 0.04 + prng.normal(0, 0.05, 40), 3), 3),
        paired_case("paired-large", np.round(prng.normal(10, 2, 120), 2), np.round(prng.normal(10.3, 2, 120), 2), 4),
    ]
    mc = {"b": 9, "c": 2, "p": float(stats.binomtest(2, 11, 0.5).pvalue)}
    mc2 = {"b": 30, "c": 45, "p": float(stats.binomtest(30, 75, 0.5).pvalue)}
    fisher = [{"table": t, "oddsRatio": float(stats.fisher_exact(t)[0]), "p": float(stats.fisher_exact(t)[1])}
              for t in [[[8, 2], [1, 5]], [[20, 15], [10, 25]], [[0, 5], [6, 1]], [[100, 90], [80, 110]]]]

    srng = np.random.default_rng(99)
    stream = np.r_[srng.normal(0.8, 0.05, 300), srng.normal(0.6, 0.05, 200)].round(4)
    errors = np.r_[(srng.uniform(size=400) < 0.1), (srng.uniform(size=300) < 0.35)].astype(int)
    latency = np.r_[srng.normal(5, 1, 300), srng.normal(8, 1, 200), srng.normal(2, 1, 200)].round(4)
    sequential = {
        "stream": stream.tolist(),
        "latency": latency.tolist(),
        "pageHinkley": page_hinkley_trace(latency.tolist()),
        "errors": errors.tolist(),
        "ddm": ddm_trace(errors.tolist()),
        "adwin": adwin_trace(stream.tolist()),
    }

    m = Mulberry32(7)
    rng_check = {"seed": 7, "first": [m.next() for _ in range(8)], "permutation": permutation(12, Mulberry32(7))}

    out = {
        "mulberry32": rng_check,
        "generator": {"script": "scripts/drift/make-reference.py", "python": sys.version.split()[0],
                      "numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__},
        "distributions": dist,
        "kstwo": kstwo,
        "ksExact": ks_exact,
        "numeric": numeric,
        "categorical": categorical,
        "embedding": embedding,
        "paired": paired,
        "mcnemar": [mc, mc2],
        "fisher": fisher,
        "sequential": sequential,
    }
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {OUT} ({os.path.getsize(OUT) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
