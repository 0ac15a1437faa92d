"""Pieces shared by the numpy prototypes (not part of CI): the user-item and rating-page matrices, EASE, per-user
z-scores, top-10 scoring."""
import os
import sys

import numpy as np


def usage_on_help(doc):
    """For the screens without argparse: with -h or --help, print the script's docstring (its usage) and exit 0
    before any data is read, as every script of the repository does."""
    if any(arg in ("-h", "--help") for arg in sys.argv[1:]):
        print(doc.strip())
        sys.exit(0)


def page_matrices(users, items, stamps, fit_rows, user_index, item_index):
    """X (users x items, 1 where the user rated the item in `fit_rows`) and XP (one row per rating page:
    the items a user rated in the same second, pages of two or more items only)."""
    X = np.zeros((len(user_index), len(item_index)))
    for r in fit_rows:
        X[user_index[users[r]], item_index[items[r]]] = 1
    pages = {}
    for r in fit_rows:
        pages.setdefault((users[r], stamps[r]), []).append(item_index[items[r]])
    page_rows = [page for page in pages.values() if len(page) > 1]
    XP = np.zeros((len(page_rows), len(item_index)))
    for row, page in enumerate(page_rows):
        XP[row, page] = 1
    return X, XP


DISCOUNTS = 1 / np.log2(np.arange(2, 12))


def evaluate_top10(scores, X, relevant, stable=False):
    """Mean NDCG@10 and P@10 over `relevant` (user row -> set of item columns), items in X excluded.
    `stable`: ease_check.py's ranking (a stable full sort, for P1 runs); otherwise ease_variants.py's
    (argpartition, then sort of the top 10)."""
    scores = scores.copy()
    scores[X > 0] = -np.inf
    ndcg = precision = 0.0
    for u, rel in relevant.items():
        if stable:
            top = np.argsort(-scores[u], kind="stable")[:10]
        else:
            top = np.argpartition(-scores[u], 10)[:10]
            top = top[np.argsort(-scores[u][top])]
        hits = np.array([i in rel for i in top], float)
        ndcg += (hits * DISCOUNTS).sum() / DISCOUNTS[: min(10, len(rel))].sum()
        precision += hits.sum() / 10
    return ndcg / len(relevant), precision / len(relevant)


def ease(gram, lam):
    """EASE's closed form: B = I - P / diag(P) with P = (G + lam I)^-1, zero diagonal."""
    P = np.linalg.inv(gram + lam * np.eye(len(gram)))
    B = -P / np.diag(P)
    np.fill_diagonal(B, 0)
    return B


def z(S):
    """Per-user (row) z-scores: (S - mean) / (population std + 1e-9)."""
    return (S - S.mean(1, keepdims=True)) / (S.std(1, keepdims=True) + 1e-9)


def inv_sqrt(d):
    """1 / sqrt(d), 0 where d is 0 (degree normalisation)."""
    return np.where(d > 0, 1 / np.sqrt(np.maximum(d, 1e-12)), 0.0)


def ideal_low_pass(X, XP, k):
    """GF-CF's ideal low-pass scores of X's rows: (x D_I^-1/2) V_k V_k' D_I^1/2, V_k the top-k right singular vectors
    of R~ = D_U^-1/2 R D_I^-1/2 with R = X and the page rows XP stacked (graph_filters.py's `ideal` with pages)."""
    R = np.vstack([X, XP])
    d_user, d_item = R.sum(1), R.sum(0)
    Rn = R * inv_sqrt(d_user)[:, None] * inv_sqrt(d_item)[None, :]
    values, vectors = np.linalg.eigh(Rn.T @ Rn)
    V = vectors[:, np.argsort(-values)][:, :k]
    return ((X * inv_sqrt(d_item)[None, :]) @ V) @ V.T * np.sqrt(d_item)[None, :]


def inner_validation(data, inner_seed):
    """The P1 inner validation split the prototypes share: seed 42's P1 training part (ease_check.py's rows), split
    again per user 90/10 with `inner_seed`. Returns X and XP of the 90 %, the 10 % as user row -> item columns, and
    the item index (item id -> column)."""
    from ease_check import stratified_split
    rows = np.loadtxt(os.path.join(data, "u.data"), dtype=np.int64)
    users, items, stamps = rows[:, 0], rows[:, 1], rows[:, 3]
    user_index = {u: i for i, u in enumerate(np.unique(users))}
    item_index = {v: i for i, v in enumerate(np.unique(items))}
    train, _test = stratified_split(users, 42)
    inner_fit, inner_valid = stratified_split(users[train], inner_seed, ratio=0.9)
    X, XP = page_matrices(users, items, stamps, train[inner_fit], user_index, item_index)
    relevant = {}
    for r in train[inner_valid]:
        relevant.setdefault(user_index[users[r]], set()).add(item_index[items[r]])
    return X, XP, relevant, item_index


def served_closed_form(X, XP, B=None):
    """The served model's closed form as the prototypes compare against it: z(page-EASE λ 300) + 0.25 · z(ideal low-pass
    k 128 with pages). `B`: page-EASE's item-item matrix when the caller already has it."""
    if B is None:
        B = ease(X.T @ X + XP.T @ XP, 300)
    return z(X @ B) + 0.25 * z(ideal_low_pass(X, XP, 128))


def load_with_side(data_dir):
    """MovieLens-100K with the side information the stacking prototypes use: a namespace with the u.data columns
    (users, items, ratings, stamps), the id -> row/column maps uid / iid, nU / nI, item genres (19 flags) and year
    (missing years at the mean), user age, gender (1 = M), occupation index and age bucket (ageb)."""
    from types import SimpleNamespace
    D = data_dir.rstrip("/") + "/"
    rows = np.loadtxt(D + "u.data", dtype=np.int64)
    users, items, ratings, stamps = rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3]
    uid = {u: i for i, u in enumerate(np.unique(users))}
    iid = {v: i for i, v in enumerate(np.unique(items))}
    nU, nI = len(uid), len(iid)
    genres = np.zeros((nI, 19))
    year = np.full(nI, np.nan)
    for line in open(D + "u.item", encoding="latin-1"):
        f = line.rstrip("\n").split("|")
        i = iid.get(int(f[0]))
        if i is None:
            continue
        genres[i] = [int(x) for x in f[5:24]]
        if f[2]:
            year[i] = int(f[2][-4:])
    year = np.where(np.isnan(year), np.nanmean(year), year)
    age = np.zeros(nU)
    gender = np.zeros(nU, int)
    occ = np.zeros(nU, int)
    occs = {}
    for line in open(D + "u.user"):
        f = line.strip().split("|")
        u = uid[int(f[0])]
        age[u] = int(f[1])
        gender[u] = f[2] == "M"
        occ[u] = occs.setdefault(f[3], len(occs))
    ageb = np.digitize(age, [18, 25, 35, 45, 50, 56])
    return SimpleNamespace(users=users, items=items, ratings=ratings, stamps=stamps, uid=uid, iid=iid, nU=nU, nI=nI,
                           genres=genres, year=year, age=age, gender=gender, occ=occ, ageb=ageb)


def ranked_top10(order_items, rel):
    """Mean NDCG@10 and P@10 of ranked item columns (`order_items`, users x >= 10) against a boolean users x items
    relevance matrix, over the users with at least one relevant item (the stacking prototypes' scorer)."""
    ndcg = precision = 0.0
    count = 0
    for u in range(rel.shape[0]):
        relevant = rel[u].sum()
        if relevant == 0:
            continue
        hits = rel[u, order_items[u, :10]].astype(float)
        ndcg += (hits * DISCOUNTS).sum() / DISCOUNTS[: min(10, relevant)].sum()
        precision += hits.sum() / 10
        count += 1
    return ndcg / count, precision / count
