#!/usr/bin/python3
"""numpy/scipy side of `npm run bench:drift` (spawned by scripts/bench/drift.ts).

Reads the same float64 matrices the TypeScript side used and times the same
computations: centroid distances, unbiased MMD² with a median-heuristic
Gaussian kernel and at σ/2 and σ/4 with B permutations (same row-sum trick:
only the within-reference block is re-summed per permutation), the
multi-scale p and the held-out kernel-witness AUC, an L2 logistic
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
    """MMD² at σ (median heuristic), σ/2 and σ/4 with one set of B relabellings; the multi-scale p of the
    largest standardised statistic; the held-out AUC of the witness at the chosen bandwidth (two folds)."""
    Z = np.vstack([X, Y])
    N, m = len(Z), len(X)
    n = N - m
    norms = np.einsum("ij,ij->i", Z, Z)
    sq = np.maximum(norms[:, None] + norms[None, :] - 2 * (Z @ Z.T), 0)
    iu = np.triu_indices(N, k=1)
    sigma = float(np.median(np.sqrt(sq[iu])))
    K1 = np.exp(-sq / (2 * sigma * sigma))
    kernels = [K1, K1**4, K1**16]
    for K in kernels:
        np.fill_diagonal(K, 0)
    rows = [K.sum(axis=1) for K in kernels]
    totals = [r.sum() / 2 for r in rows]

    def stat(k, xi):
        K = kernels[k]
        sxx = K[np.ix_(xi, xi)].sum() / 2
        sxy = rows[k][xi].sum() - 2 * sxx
        syy = totals[k] - sxx - sxy
        return 2 * sxx / (m * (m - 1)) + 2 * syy / (n * (n - 1)) - 2 * sxy / (m * n)

    rng = np.random.default_rng(seed)
    labellings = [np.sort(rng.permutation(N)[:m]) for _ in range(B)] + [np.arange(m)]
    T = np.array([[stat(k, xi) for xi in labellings] for k in range(3)])
    obs = T[0, -1]
    p = (1 + (T[0, :-1] >= obs).sum()) / (1 + B)
    Zs = (T - T.mean(axis=1, keepdims=True)) / T.std(axis=1, ddof=1, keepdims=True)
    mx = Zs.max(axis=0)
    p_multi = (mx >= mx[-1]).sum() / (B + 1)
    K = kernels[int(np.argmax(Zs[:, -1]))]
    pr, pc = rng.permutation(m), m + rng.permutation(n)
    aucs = []
    for (rtr, ctr, rte, cte) in [(pr[: m // 2], pc[: n // 2], pr[m // 2 :], pc[n // 2 :]), (pr[m // 2 :], pc[n // 2 :], pr[: m // 2], pc[: n // 2])]:
        te = np.r_[rte, cte]
        score = K[np.ix_(te, ctr)].mean(axis=1) - K[np.ix_(te, rtr)].mean(axis=1)
        ranks = stats.rankdata(score)
        aucs.append((ranks[len(rte):].sum() - len(cte) * (len(cte) + 1) / 2) / (len(rte) * len(cte)))
    return float(obs), p, sigma, float(p_multi), float(np.mean(aucs))


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
    (m2, p, sigma, p_multi, kernel_auc), out["mmdMs"] = timed(lambda: mmd(X[:mmd_rows], Y[:mmd_rows], perms, 1))
    auc, out["classifierMs"] = timed(lambda: classifier(X, Y, 1))
    bp, out["componentsMs"] = timed(lambda: components(X, Y))
    out["totalMs"] = out["centroidMs"] + out["mmdMs"] + out["classifierMs"] + out["componentsMs"]
    out["values"] = {"euclidean": euc, "cosine": cos, "mmd2": m2, "mmdP": p, "sigma": sigma, "mmdMultiscaleP": p_multi, "kernelAuc": kernel_auc, "auc": auc, "bonferroniP": bp}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
