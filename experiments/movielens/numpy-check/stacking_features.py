"""Features shared by the stacking prototypes (not part of CI): the base models of the served closed form and the
per-(user, candidate) features over its top K, as described in `stacking_xgb.py`'s docstring. Call `setup` first.
"""
import numpy as np
from prototype_common import ease, z, ideal_low_pass, load_with_side

K = 50
NO_CONTEXT = False


def setup(data_dir, no_context=False):
    """Loads MovieLens 100K with side information into this module's globals (the functions below read them)."""
    global NO_CONTEXT, data, users, items, ratings, stamps, uid, iid, nU, nI, genres, year, age, gender, occ, ageb, U, I
    NO_CONTEXT = no_context
    data = load_with_side(data_dir.rstrip("/") + "/")
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
    names = [n for n in cols if not (NO_CONTEXT and n in CONTEXT)]
    return cand, np.stack([cols[n] for n in names], -1), names


def labels(cand, rel_rows):
    rel = np.zeros((nU, nI), bool); rel[U[rel_rows], I[rel_rows]] = True
    return np.take_along_axis(rel, cand, 1), rel
