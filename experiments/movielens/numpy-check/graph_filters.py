"""Graph-filter and spectral models on the P1 inner validation split (numpy prototypes; not part of CI).

Same inner split, evaluation and page rows as ease_variants.py: seed 42's P1 training part (Recommenders'
rows, as ease_check.py), split again per user 90/10 with seed 1042; each setting is fitted on the 90 % and
ranks the 10 % (NDCG@10 / P@10, training items excluded). Every setting is scored alone and blended with
page-EASE lambda 300 (EASE on X'X + S'S, S one row per (user, second) page of >= 2 items): per-user
z-scored scores, z(page-EASE) + w * z(setting), w in 0.1, 0.25, 0.5, 1. Percentages are against page-EASE
lambda 300 alone on the same split. The P1 test part is read only by `p1`. Families:
  gfcf     GF-CF (Shen et al. 2021): linear filter R~'R~ with R~ = D_U^-1/2 R D_I^-1/2, plus alpha times the
           ideal low-pass filter D_I^-1/2 V_k V_k' D_I^1/2 (V_k: top-k right singular vectors of R~),
           k 64 / 128 / 256, alpha 0 / 0.1 / 0.3; R = X, or X with the page rows appended;
  svd      PureSVD: x V_k V_k' with V_k the top-k right singular vectors of X (or of X with the pages),
           k 20 to 200;
  bspm     BSPM (Choi et al. 2023): explicit Euler blurring x <- x - h x (I - P), P = R~'R~, for time T_b in
           K_b steps, then sharpening x <- x - h x P (the BSPM sign: reverse heat equation up to a
           uniform factor e^t) or x <- x + h x P (more smoothing), time T_s in one step; optionally plus
           0.3 x the ideal low-pass filter (k 256) of the input;
  other    EASE fitted on the normalised R~ (with and without pages), scores mapped back to X's scale;
           page-EASE divided by item popularity^beta (inverse propensity), beta -0.3 to 0.3; two-hop
           page-EASE x (B + gamma B^2);
  p1       one named setting (--setting, as printed by the other modes) and page-EASE alone, fitted on the
           whole P1 training part and scored on the P1 test part, seeds 42, 7, 1 (ranking as ease_check.py:
           stable argsort). Nothing is tuned here.

Usage (from the repository root):
  python3 experiments/movielens/numpy-check/graph_filters.py gfcf|svd|bspm|other [--data DIR] [--inner-seed 1042]
  python3 experiments/movielens/numpy-check/graph_filters.py p1 --setting NAME [--data DIR] [--seeds 42,7,1]
"""
import argparse
import os

import numpy as np

from ease_check import stratified_split
from prototype_common import ease, evaluate_top10, inv_sqrt, page_matrices, z

parser = argparse.ArgumentParser()
parser.add_argument("mode", choices=["gfcf", "svd", "bspm", "other", "p1"])
parser.add_argument("--data", default=os.path.join("..", "shared", "datasets", "movielens-100k"))
parser.add_argument("--setting", help="p1 only: a setting name as printed by the inner modes")
parser.add_argument("--seeds", default="42,7,1")
parser.add_argument("--inner-seed", type=int, default=1042, help="inner modes: seed of the 90/10 re-split (1042 as ease_variants.py)")
args = parser.parse_args()

rows = np.loadtxt(os.path.join(args.data, "u.data"), dtype=np.int64)
users, items, stamps = rows[:, 0], rows[:, 1], rows[:, 3]
user_ids, item_ids = np.unique(users), np.unique(items)
user_index = {u: i for i, u in enumerate(user_ids)}
item_index = {v: i for i, v in enumerate(item_ids)}
WEIGHTS = [0.1, 0.25, 0.5, 1]


def matrices(fit_rows):
    """Binary user-item X and page rows XP (as ease_variants.py) from the fitting rows."""
    return page_matrices(users, items, stamps, fit_rows, user_index, item_index)


def relevant_of(score_rows):
    relevant = {}
    for r in score_rows:
        relevant.setdefault(user_index[users[r]], set()).add(item_index[items[r]])
    return relevant


def evaluate(scores, X, relevant, stable=False):
    return evaluate_top10(scores, X, relevant, stable)


class Models:
    """Score matrices (users x items) for one fitting set X (+ page rows XP); cached pieces."""

    def __init__(self, X, XP):
        self.X, self.XP = X, XP
        self.cache = {}

    def get(self, key, make):
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def rows(self, pages):
        return np.vstack([self.X, self.XP]) if pages else self.X

    def page_ease(self, lam=300):
        return self.get(("page-ease", lam), lambda: ease(self.X.T @ self.X + self.XP.T @ self.XP, lam))

    def normalised(self, pages):
        """P = R~'R~ and the item degree vector for R = X (or X with the page rows appended)."""
        def make():
            R = self.rows(pages)
            d_user, d_item = R.sum(1), R.sum(0)
            Rn = R * inv_sqrt(d_user)[:, None] * inv_sqrt(d_item)[None, :]
            P = Rn.T @ Rn
            values, vectors = np.linalg.eigh(P)  # eigenvectors of R~'R~ = right singular vectors of R~
            order = np.argsort(-values)
            return P, d_item, vectors[:, order]
        return self.get(("normalised", pages), make)

    def linear(self, pages):
        P, _, _ = self.normalised(pages)
        return self.X @ P

    def ideal(self, k, pages, x=None):
        _, d_item, V = self.normalised(pages)
        x = self.X if x is None else x
        Vk = V[:, :k]
        return ((x * inv_sqrt(d_item)[None, :]) @ Vk) @ Vk.T * np.sqrt(d_item)[None, :]

    def gfcf(self, k, alpha, pages):
        S = self.linear(pages)
        return S + alpha * self.ideal(k, pages) if alpha > 0 else S

    def puresvd(self, k, pages):
        def make():
            R = self.rows(pages)
            values, vectors = np.linalg.eigh(R.T @ R)
            return vectors[:, np.argsort(-values)]
        V = self.get(("svd", pages), make)[:, :k]
        return (self.X @ V) @ V.T

    def bspm(self, t_blur, k_blur, t_sharp, sign, ideal_alpha, pages=False):
        P, _, _ = self.normalised(pages)
        x = self.X.copy()
        h = t_blur / k_blur
        for _ in range(k_blur):
            x = x - h * (x - x @ P)
        if t_sharp > 0:
            x = x + sign * t_sharp * (x @ P)
        if ideal_alpha > 0:
            x = x + ideal_alpha * self.ideal(256, pages)
        return x

    def ease_normalised(self, c, pages):
        R = self.rows(pages)
        d_user, d_item = R.sum(1), R.sum(0)
        Rn = R * inv_sqrt(d_user)[:, None] * inv_sqrt(d_item)[None, :]
        gram = Rn.T @ Rn
        lam = c * np.mean(np.diag(gram))
        B = ease(gram, lam)
        return (self.X * inv_sqrt(d_item)[None, :]) @ B * np.sqrt(d_item)[None, :]

    def propensity(self, beta):
        pop = self.X.sum(0) + 1
        return (self.X @ self.page_ease()) / pop[None, :] ** beta

    def two_hop(self, gamma):
        B = self.page_ease()
        S = self.X @ B
        return S + gamma * (S @ B)


def settings(mode):
    """name -> function(models) -> scores, for one family."""
    out = {}
    if mode == "gfcf":
        for pages in [False, True]:
            tag = " +pages" if pages else ""
            out[f"GF-CF linear{tag}"] = lambda m, p=pages: m.gfcf(0, 0, p)
            for k in [64, 128, 256]:
                out[f"ideal low-pass k {k}{tag}"] = lambda m, k=k, p=pages: m.ideal(k, p)
                for alpha in [0.1, 0.3]:
                    out[f"GF-CF k {k} alpha {alpha}{tag}"] = lambda m, k=k, a=alpha, p=pages: m.gfcf(k, a, p)
    elif mode == "svd":
        for pages in [False, True]:
            tag = " +pages" if pages else ""
            for k in [20, 50, 100, 150, 200]:
                out[f"PureSVD k {k}{tag}"] = lambda m, k=k, p=pages: m.puresvd(k, p)
    elif mode == "bspm":
        for t_blur, k_blur in [(0.5, 1), (1, 1), (1, 4), (2, 4)]:
            for t_sharp, sign in [(0, 0), (0.1, -1), (0.25, -1), (0.5, -1), (1, -1), (2.5, -1), (0.5, 1), (1, 1)]:
                for ideal_alpha in [0, 0.3]:
                    name = f"BSPM blur T {t_blur} K {k_blur} sharpen {'none' if sign == 0 else ('-' if sign < 0 else '+') + f'{t_sharp}'} ideal {ideal_alpha}"
                    out[name] = lambda m, a=t_blur, b=k_blur, c=t_sharp, d=sign, e=ideal_alpha: m.bspm(a, b, c, d, e)
    elif mode == "other":
        for pages in [False, True]:
            tag = " +pages" if pages else ""
            for c in [1, 2, 4, 8, 16]:
                out[f"EASE on R~ lambda {c} x mean diag{tag}"] = lambda m, c=c, p=pages: m.ease_normalised(c, p)
        for beta in [-0.3, -0.2, -0.1, 0.1, 0.2, 0.3]:
            out[f"page-EASE / pop^{beta}"] = lambda m, b=beta: m.propensity(b)
        for gamma in [-0.3, -0.1, 0.1, 0.3]:
            out[f"two-hop page-EASE gamma {gamma}"] = lambda m, g=gamma: m.two_hop(g)
    return out


def lookup(name):
    """A setting name as printed (optionally '+ w W ' blend prefix) -> (weight or None, function)."""
    weight = None
    if name.startswith("page-EASE lambda 300 + "):
        head, name = name[len("page-EASE lambda 300 + "):].split(" x ", 1)
        weight = float(head)
    for mode in ["gfcf", "svd", "bspm", "other"]:
        table = settings(mode)
        if name in table:
            return weight, table[name]
    raise SystemExit(f"unknown setting {name!r}")


if args.mode == "p1":
    weight, make = lookup(args.setting)
    results = {"page-EASE lambda 300": [], args.setting: []}
    for seed in [int(s) for s in args.seeds.split(",")]:
        train, test = stratified_split(users, seed)
        X, XP = matrices(train)
        relevant = relevant_of(test)
        m = Models(X, XP)
        S0 = X @ m.page_ease()
        S = make(m)
        S = z(S0) + weight * z(S) if weight is not None else S
        for name, scores in [("page-EASE lambda 300", S0), (args.setting, S)]:
            result = evaluate(scores, X, relevant, stable=True)
            results[name].append(result)
            print(f"seed {seed}: {name}: NDCG@10 {result[0]:.4f} P@10 {result[1]:.4f}", flush=True)
    for name, values in results.items():
        values = np.array(values)
        print(f"mean over seeds {args.seeds}: {name}: NDCG@10 {values[:, 0].mean():.4f} P@10 {values[:, 1].mean():.4f}")
else:
    train, _test = stratified_split(users, 42)
    inner_train_local, inner_valid_local = stratified_split(users[train], args.inner_seed, ratio=0.9)
    fit_rows, valid_rows = train[inner_train_local], train[inner_valid_local]
    X, XP = matrices(fit_rows)
    relevant = relevant_of(valid_rows)
    m = Models(X, XP)
    S0 = X @ m.page_ease()
    reference = evaluate(S0, X, relevant)
    zS0 = z(S0)

    def report(name, result):
        print(f"{name}: NDCG@10 {result[0]:.4f} P@10 {result[1]:.4f} ({(result[0] / reference[0] - 1) * 100:+.1f}% / {(result[1] / reference[1] - 1) * 100:+.1f}% vs page-EASE lambda 300)", flush=True)

    report("page-EASE lambda 300", reference)
    for name, make in settings(args.mode).items():
        S = make(m)
        report(name, evaluate(S, X, relevant))
        if name.startswith("page-EASE /") or name.startswith("two-hop"):
            continue  # already page-EASE based
        zS = z(S)
        for weight in WEIGHTS:
            report(f"page-EASE lambda 300 + {weight} x {name}", evaluate(zS0 + weight * zS, X, relevant))
