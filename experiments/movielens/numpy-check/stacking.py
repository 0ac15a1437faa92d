"""Stacking prototype (numpy; not part of CI): a learned ranker over page-EASE's top 100 candidates.

Features per (user, candidate): page-EASE, EASE and ItemKNN scores (z-scored per user), genre affinity,
release-year distance from the user's mean, demographic (gender x age) and occupation popularity lift, log
popularity, log history length, rank, and two interactions. The ranker is linear, fitted with a listwise
softmax loss (Adam) on an inner split of the P1 training part (base models fitted on its input part,
targets its held-out part), optionally with all quadratic feature products; it then re-ranks the
candidates of base models fitted on the whole training part, scored on the P1 test part.

Usage (from the repository root):
  python3 experiments/movielens/numpy-check/stacking.py [--data DIR] [--ratio 0.9] [--seeds 42,7,1]
"""
import argparse
import os

parser = argparse.ArgumentParser()
parser.add_argument("--data", default=os.path.join("..", "shared", "datasets", "movielens-100k"))
parser.add_argument("--ratio", type=float, default=0.9, help="inner split: share of the training part the base models see")
parser.add_argument("--seeds", default="42,7,1")
args = parser.parse_args()
import numpy as np

from ease_check import stratified_split
from prototype_common import load_with_side, ranked_top10
D = args.data.rstrip("/") + "/"
data = load_with_side(D)
users, items, ratings, stamps, uid, iid, nU, nI = data.users, data.items, data.ratings, data.stamps, data.uid, data.iid, data.nU, data.nI
genres, year, age, gender, occ, ageb = data.genres, data.year, data.age, data.gender, data.occ, data.ageb

def ease(g, lam):
    P = np.linalg.inv(g + lam * np.eye(len(g))); B = -P / np.diag(P); np.fill_diagonal(B, 0); return B
def gram(groups):
    M = np.zeros((len(groups), nI))
    for k, g in enumerate(groups): M[k, g] = 1
    return M.T @ M

def base_scores(fit_rows):
    X = np.zeros((nU, nI))
    for r in fit_rows: X[uid[users[r]], iid[items[r]]] = 1
    pages = {}
    for r in fit_rows: pages.setdefault((users[r], stamps[r]), []).append(iid[items[r]])
    G = X.T @ X; GP = gram([p for p in pages.values() if len(p) > 1])
    S_page = X @ ease(G + GP, 300)
    S_ease = X @ ease(G, 500)
    # item knn cosine top 200
    norms = np.sqrt(np.diag(G)) + 1e-9
    C = G / norms[:, None] / norms[None, :]; np.fill_diagonal(C, 0)
    thr = -np.sort(-C, axis=0)[199]
    Ck = np.where(C >= thr[None, :], C, 0)
    S_knn = X @ Ck
    pop = X.sum(0)
    # demographic popularity: within gender x age bucket
    grp = gender * 10 + ageb
    dem = np.zeros((nU, nI))
    for g in np.unique(grp):
        m = grp == g; dem[m] = (X[m].sum(0) + 1) / (m.sum() + 2)
    demlift = np.log(dem / ((pop + 1) / (nU + 2)))
    occpop = np.zeros((nU, nI))
    for g in np.unique(occ):
        m = occ == g; occpop[m] = np.log(((X[m].sum(0) + 1) / (m.sum() + 2)) / ((pop + 1) / (nU + 2)))
    # genre affinity
    ug = X @ genres; ug = ug / (np.linalg.norm(ug, axis=1, keepdims=True) + 1e-9)
    gn = genres / (np.linalg.norm(genres, axis=1, keepdims=True) + 1e-9)
    gaff = ug @ gn.T
    # year affinity
    uy = (X @ year) / X.sum(1); uys = np.sqrt(np.maximum((X @ year**2) / X.sum(1) - uy**2, 1))
    ydiff = np.abs(year[None, :] - uy[:, None]) / uys[:, None]
    hist = X.sum(1)
    return X, dict(page=S_page, ease=S_ease, knn=S_knn, demlift=demlift, occlift=occpop, gaff=gaff, ydiff=ydiff), np.log(pop + 1), np.log(hist)

def zs(S):
    return (S - S.mean(1, keepdims=True)) / (S.std(1, keepdims=True) + 1e-9)

def features(X, B, lpop, lhist, K=100):
    S = B["page"].copy(); S[X > 0] = -np.inf
    cand = np.argsort(-S, axis=1)[:, :K]
    feats = []
    z = {k: zs(v) for k, v in B.items()}
    rank = np.log1p(np.arange(K))[None, :].repeat(nU, 0)
    cols = [np.take_along_axis(z[k], cand, 1) for k in ["page", "ease", "knn", "gaff", "ydiff"]]
    cols += [np.take_along_axis(B[k], cand, 1) for k in ["demlift", "occlift"]]
    lp = lpop[cand]; lh = lhist[:, None].repeat(K, 1)
    cols += [rank, lp, lp * lh, lh * cols[0], np.minimum(np.take_along_axis(B["ydiff"], cand, 1), 5)]
    F = np.stack(cols, -1)
    return cand, F

def labels(cand, rel_rows):
    rel = np.zeros((nU, nI), bool)
    for r in rel_rows: rel[uid[users[r]], iid[items[r]]] = True
    return np.take_along_axis(rel, cand, 1), rel

ndcg = ranked_top10

def expand(F):
    # quadratic interactions of the first few features
    base = F
    k = F.shape[-1]
    inter = [F[..., i:i+1] * F[..., j:j+1] for i in range(k) for j in range(i, k)]
    return np.concatenate([base] + inter, -1)

def fit_listwise(F, y, l2=1e-3, iters=300, lr=0.1):
    mu, sd = F.reshape(-1, F.shape[-1]).mean(0), F.reshape(-1, F.shape[-1]).std(0) + 1e-9
    Z = (F - mu) / sd; w = np.zeros(Z.shape[-1]); m = np.zeros_like(w); v = np.zeros_like(w)
    has = y.sum(1) > 0; Z, yy = Z[has], y[has].astype(float)
    t = yy / yy.sum(1, keepdims=True)
    for it in range(1, iters + 1):
        s = Z @ w; s -= s.max(1, keepdims=True); p = np.exp(s); p /= p.sum(1, keepdims=True)
        g = np.einsum("uk,ukf->f", p - t, Z) / len(Z) + l2 * w
        m = 0.9 * m + 0.1 * g; v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**it)) / (np.sqrt(v / (1 - 0.999**it)) + 1e-8)
    return lambda F2: ((F2 - mu) / sd) @ w, w


for seed in [int(s) for s in args.seeds.split(",")]:
    train, test = stratified_split(users, seed)
    a, b = stratified_split(users[train], seed + 1000, ratio=args.ratio)
    X, B, lpop, lhist = base_scores(train[a]); cand, F = features(X, B, lpop, lhist); y, rel = labels(cand, train[b])
    X2, B2, lpop2, lhist2 = base_scores(train); c2, F2 = features(X2, B2, lpop2, lhist2); y2, rel2 = labels(c2, test)
    inner = ndcg(cand, rel)
    base = ndcg(c2, rel2)
    out = [f"seed {seed}: inner split page-EASE NDCG@10 {inner[0]:.4f}; P1 test page-EASE {base[0]:.4f} / P@10 {base[1]:.4f}"]
    for quadratic in [False, True]:
        Fa, Fb = (expand(F), expand(F2)) if quadratic else (F, F2)
        score, w = fit_listwise(Fa, y, l2=1e-2, iters=300, lr=0.05)
        r = ndcg(np.take_along_axis(c2, np.argsort(-score(Fb), 1), 1), rel2)
        out.append(f"listwise{' + quadratic' if quadratic else ''} {r[0]:.4f} / {r[1]:.4f}")
    print(" | ".join(out), flush=True)
