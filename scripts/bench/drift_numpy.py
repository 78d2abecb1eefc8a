#!/usr/bin/python3
"""numpy/scipy side of `npm run bench:drift` (spawned by scripts/bench/drift.ts).

Reads the same float64 matrices the TypeScript side used and times the same
computations: centroid distances, unbiased MMD² with a median-heuristic
Gaussian kernel and B permutations (same row-sum trick: only the
within-reference block is re-summed per permutation), an L2 logistic
regression (C = 1, L-BFGS on the same objective as sklearn) scored by
held-out ROC AUC, and per-component KS on the reference's top-32 PCA axes.
Prints one JSON object of timings (ms) and values.
"""
import json
import sys
import time

import numpy as np
from scipy import optimize, stats
from scipy.special import expit, log_expit


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, (time.perf_counter() - t0) * 1000


def centroid(X, Y):
    a, b = X.mean(axis=0), Y.mean(axis=0)
    return float(np.linalg.norm(a - b)), float(1 - a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def mmd(X, Y, B, seed):
    Z = np.vstack([X, Y])
    N, m = len(Z), len(X)
    n = N - m
    norms = np.einsum("ij,ij->i", Z, Z)
    sq = np.maximum(norms[:, None] + norms[None, :] - 2 * (Z @ Z.T), 0)
    iu = np.triu_indices(N, k=1)
    sigma = float(np.median(np.sqrt(sq[iu])))
    K = np.exp(-sq / (2 * sigma * sigma))
    np.fill_diagonal(K, 0)
    rows = K.sum(axis=1)
    total_pairs = rows.sum() / 2

    def stat(xi):
        sxx = K[np.ix_(xi, xi)].sum() / 2
        sxy = rows[xi].sum() - 2 * sxx
        syy = total_pairs - sxx - sxy
        return 2 * sxx / (m * (m - 1)) + 2 * syy / (n * (n - 1)) - 2 * sxy / (m * n)

    obs = stat(np.arange(m))
    rng = np.random.default_rng(seed)
    exceed = sum(stat(np.sort(rng.permutation(N)[:m])) >= obs for _ in range(B))
    return float(obs), (1 + exceed) / (1 + B), sigma


def classifier(X, Y, seed):
    rng = np.random.default_rng(seed)
    pr, pc = rng.permutation(len(X)), rng.permutation(len(Y))
    hr, hc = len(X) // 2, len(Y) // 2
    Xtr = np.vstack([X[pr[:hr]], Y[pc[:hc]]])
    ytr = np.r_[np.zeros(hr), np.ones(hc)]
    Xte = np.vstack([X[pr[hr:]], Y[pc[hc:]]])
    yte = np.r_[np.zeros(len(X) - hr), np.ones(len(Y) - hc)]
    s = 2 * ytr - 1

    def f(theta):
        w, b = theta[:-1], theta[-1]
        z = Xtr @ w + b
        loss = -log_expit(s * z).sum() + 0.5 * w @ w
        r = expit(z) - ytr
        return loss, np.r_[Xtr.T @ r + w, r.sum()]

    res = optimize.minimize(f, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B",
                            options={"gtol": 1e-4, "maxiter": 100, "ftol": 64 * np.finfo(float).eps})  # sklearn lbfgs defaults, as in TS
    scores = Xte @ res.x[:-1] + res.x[-1]
    ranks = stats.rankdata(scores)
    npos = yte.sum()
    return float((ranks[yte == 1].sum() - npos * (npos + 1) / 2) / (npos * (len(yte) - npos)))


def components(X, Y):
    mu = X.mean(axis=0)
    vals, vecs = np.linalg.eigh(np.cov(X, rowvar=False))
    W = vecs[:, np.argsort(vals)[::-1][:32]]
    A, Bm = (X - mu) @ W, (Y - mu) @ W
    ps = np.array([stats.ks_2samp(A[:, j], Bm[:, j]).pvalue for j in range(32)])
    return float(min(1.0, 32 * ps.min()))


def main():
    ref_path, cur_path, n, d, perms, mmd_rows = sys.argv[1:7]
    n, d, perms, mmd_rows = int(n), int(d), int(perms), int(mmd_rows)
    X = np.fromfile(ref_path, dtype="<f8").reshape(n, d)
    Y = np.fromfile(cur_path, dtype="<f8").reshape(n, d)
    out = {}
    (euc, cos), out["centroidMs"] = timed(lambda: centroid(X, Y))
    (m2, p, sigma), out["mmdMs"] = timed(lambda: mmd(X[:mmd_rows], Y[:mmd_rows], perms, 1))
    auc, out["classifierMs"] = timed(lambda: classifier(X, Y, 1))
    bp, out["componentsMs"] = timed(lambda: components(X, Y))
    out["totalMs"] = out["centroidMs"] + out["mmdMs"] + out["classifierMs"] + out["componentsMs"]
    out["values"] = {"euclidean": euc, "cosine": cos, "mmd2": m2, "mmdP": p, "sigma": sigma, "auc": auc, "bonferroniP": bp}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
