"""Gradient-boosted stacking prototype (not part of CI): xgboost re-ranks the served closed form's top 50.

Features per (user, candidate): the served score and its parts (page-EASE λ 300, ideal low-pass k 128), EASE λ 500 and
ItemKNN (k 200) scores, all z-scored per user; rank; demographic (gender x age) and occupation popularity lift; genre
affinity; release-year distance; log popularity and history length; and, unless --no-context, time and side features
(item age at the user's last rating, the user's rating span, the item's count in the 30 days before the user's last
rating, item and user mean rating, age, gender, year). The ranker is fitted on inner 90/10 splits of the P1 training
part (seeds 1042 and 2042; 3042 for early stopping on NDCG@10), base models fitted on the 90 %, targets the 10 %; it
then re-ranks the candidates of base models fitted on the whole training part, scored on the P1 test part.

Needs xgboost (Debian: `apt-get install python3-xgboost`, then run with /usr/bin/python3). From the repository root:
  /usr/bin/python3 experiments/movielens/numpy-check/stacking_xgb.py [--data DIR] [--seeds 42,7,1] [--no-context]
"""
import argparse
import os
import time

parser = argparse.ArgumentParser()
parser.add_argument("--data", default=os.path.join("..", "shared", "datasets", "movielens-100k"))
parser.add_argument("--seeds", default="42,7,1")
parser.add_argument("--no-context", action="store_true", help="leave out the time and side features")
args = parser.parse_args()
import numpy as np
import xgboost as xgb
from ease_check import stratified_split
from prototype_common import ease, z, ideal_low_pass, load_with_side, ranked_top10

D = args.data.rstrip("/") + "/"
SEEDS = [int(s) for s in args.seeds.split(",")]
INNER = [1042, 2042, 3042]
K = 50
data = load_with_side(D)
users, items, ratings, stamps, uid, iid, nU, nI = data.users, data.items, data.ratings, data.stamps, data.uid, data.iid, data.nU, data.nI
genres, year, age, gender, occ, ageb = data.genres, data.year, data.age, data.gender, data.occ, data.ageb
U = np.array([uid[u] for u in users]); I = np.array([iid[i] for i in items])


def base(fit):
    X = np.zeros((nU, nI)); X[U[fit], I[fit]] = 1
    Rv = np.zeros((nU, nI)); Rv[U[fit], I[fit]] = ratings[fit]
    pages = {}
    for r in fit: pages.setdefault((U[r], stamps[r]), []).append(I[r])
    pr = [p for p in pages.values() if len(p) > 1]
    XP = np.zeros((len(pr), nI))
    for k, p in enumerate(pr): XP[k, p] = 1
    G = X.T @ X
    Bp = ease(G + XP.T @ XP, 300)
    page = z(X @ Bp); low = z(ideal_low_pass(X, XP, 128)); served = page + 0.25 * low
    e = z(X @ ease(G, 500))
    n = np.sqrt(np.diag(G)) + 1e-9
    C = G / n[:, None] / n[None, :]; np.fill_diagonal(C, 0)
    thr = -np.sort(-C, axis=0)[199]; knn = z(X @ np.where(C >= thr[None, :], C, 0))
    pop = X.sum(0)
    grp = gender * 10 + ageb
    dem = np.zeros((nU, nI)); occl = np.zeros((nU, nI))
    for g in np.unique(grp):
        m = grp == g; dem[m] = np.log(((X[m].sum(0) + 1) / (m.sum() + 2)) / ((pop + 1) / (nU + 2)))
    for g in np.unique(occ):
        m = occ == g; occl[m] = np.log(((X[m].sum(0) + 1) / (m.sum() + 2)) / ((pop + 1) / (nU + 2)))
    ug = X @ genres; ug /= np.linalg.norm(ug, axis=1, keepdims=True) + 1e-9
    gn = genres / (np.linalg.norm(genres, axis=1, keepdims=True) + 1e-9)
    gaff = ug @ gn.T
    uy = (X @ year) / X.sum(1); uys = np.sqrt(np.maximum((X @ year**2) / X.sum(1) - uy**2, 1))
    ydiff = (year[None, :] - uy[:, None]) / uys[:, None]
    # time: user's last and first stamp; item's first stamp; item popularity in the 30 days before user's last stamp
    ulast = np.zeros(nU); ufirst = np.full(nU, np.inf)
    np.maximum.at(ulast, U[fit], stamps[fit]); np.minimum.at(ufirst, U[fit], stamps[fit])
    ifirst = np.full(nI, np.inf); np.minimum.at(ifirst, I[fit], stamps[fit])
    ifirst = np.where(np.isinf(ifirst), stamps.max(), ifirst)
    order = np.argsort(stamps[fit]); fs = stamps[fit][order]; fi = I[fit][order]
    # item mean rating, user mean rating
    imean = (Rv.sum(0) + 3.5 * 5) / (pop + 5); umean = Rv.sum(1) / X.sum(1)
    hist = X.sum(1)
    return dict(X=X, served=served, page=page, low=low, ease=e, knn=knn, dem=dem, occl=occl, gaff=gaff, ydiff=ydiff,
                ulast=ulast, ufirst=ufirst, ifirst=ifirst, fs=fs, fi=fi, pop=pop, imean=imean, umean=umean, hist=hist)


CONTEXT = ("iage", "span", "recent", "umean", "imean", "age", "gender", "year")


def feats(b):
    S = b["served"].copy(); S[b["X"] > 0] = -np.inf
    cand = np.argsort(-S, axis=1, kind="stable")[:, :K]
    tk = lambda M: np.take_along_axis(M, cand, 1)
    cols = {k: tk(b[k]) for k in ["served", "page", "low", "ease", "knn", "dem", "occl", "gaff", "ydiff"]}
    cols["rank"] = np.arange(K)[None, :].repeat(nU, 0).astype(float)
    cols["lpop"] = np.log1p(b["pop"][cand]); cols["lhist"] = np.log(b["hist"])[:, None].repeat(K, 1)
    cols["imean"] = b["imean"][cand]; cols["umean"] = b["umean"][:, None].repeat(K, 1)
    cols["age"] = age[:, None].repeat(K, 1); cols["gender"] = gender[:, None].repeat(K, 1).astype(float)
    cols["iage"] = (b["ulast"][:, None] - b["ifirst"][cand]) / 86400 / 30
    cols["span"] = ((b["ulast"] - b["ufirst"]) / 86400)[:, None].repeat(K, 1)
    # the item's ratings in the 30 days before the user's last rating
    recent = np.zeros((nU, nI))
    lo = np.searchsorted(b["fs"], b["ulast"] - 30 * 86400); hi = np.searchsorted(b["fs"], b["ulast"], side="right")
    for u in range(nU):
        recent[u] = np.bincount(b["fi"][lo[u]:hi[u]], minlength=nI)
    cols["recent"] = np.log1p(tk(recent))
    cols["year"] = year[cand]
    names = [n for n in cols if not (args.no_context and n in CONTEXT)]
    return cand, np.stack([cols[n] for n in names], -1), names


def labels(cand, rel_rows):
    rel = np.zeros((nU, nI), bool); rel[U[rel_rows], I[rel_rows]] = True
    return np.take_along_axis(rel, cand, 1), rel


ndcg = ranked_top10


def dmat(F, y):
    d = xgb.DMatrix(F.reshape(-1, F.shape[-1]), label=y.reshape(-1).astype(float))
    d.set_group([K] * F.shape[0]); return d


res = {}
for seed in SEEDS:
    t0 = time.time()
    train, test = stratified_split(users, seed)
    Fs, ys = [], []
    for inner in INNER:
        a, bb = stratified_split(users[train], inner, ratio=0.9)
        b = base(train[a]); cand, F, names = feats(b); y, _ = labels(cand, train[bb])
        Fs.append(F); ys.append(y)
    b2 = base(train); c2, F2, _ = feats(b2); y2, rel2 = labels(c2, test)
    served = ndcg(c2, rel2)
    dtr = dmat(np.concatenate(Fs[:-1]), np.concatenate(ys[:-1])); dva = dmat(Fs[-1], ys[-1])
    out = [f"seed {seed}: served {served[0]:.4f}/{served[1]:.4f}"]
    for obj, depth, eta in [("rank:ndcg", 2, 0.05), ("rank:ndcg", 4, 0.05), ("rank:pairwise", 2, 0.05), ("binary:logistic", 6, 0.05)]:
        params = dict(objective=obj, eta=eta, max_depth=depth, subsample=0.8, colsample_bytree=0.8, min_child_weight=20,
                      eval_metric="ndcg@10", tree_method="hist", seed=seed, nthread=2)
        m = xgb.train(params, dtr, 1000, evals=[(dva, "va")], early_stopping_rounds=50, verbose_eval=False)
        s = m.predict(xgb.DMatrix(F2.reshape(-1, F2.shape[-1])), iteration_range=(0, m.best_iteration + 1)).reshape(nU, K)
        r = ndcg(np.take_along_axis(c2, np.argsort(-s, 1, kind="stable"), 1), rel2)
        res.setdefault((obj, depth), []).append(r)
        out.append(f"{obj} d{depth} it{m.best_iteration} {r[0]:.4f}/{r[1]:.4f}")
    res.setdefault("served", []).append(served)
    print(" | ".join(out), f"({time.time()-t0:.0f}s)", flush=True)
for k, v in res.items():
    v = np.array(v); print(k, "mean NDCG@10 %.4f P@10 %.4f" % tuple(v.mean(0)))
