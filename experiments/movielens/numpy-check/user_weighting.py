"""Session 25 screen (numpy, not in CI): user (row) weights in page-EASE's Gram matrix, in place of page-EASE inside the
served closed form, on the P1 inner splits of seed 42 (inner seeds 1042, 2042; prototype_common.py's split, the P1 test
part is read only by `p1`).

EASE fits B on G = X'X + XP'XP, where the heaviest users (hundreds of ratings) carry most of the squared error, while
NDCG@10 averages over users equally. Here G = X' W X + XP' W_P XP with a weight per row:
  gamma G, pages 1     w_u = n_u^-G (n_u: the user's fit items), G in 0 / 0.25 / 0.5 / 0.75 / 1; page rows at 1;
  gamma G, pages own   the same, each page row weighted by its own size^-G;
  top P% at V          the P % of users with the longest histories (by n_u) at weight V (0.5, or 0: dropped), the
                       rest and the page rows at 1;
each with lam = LAM_X * 300 * mean(diag G) / mean(diag G_served), LAM_X in 0.25 / 0.35 / 0.5 / 0.7 / 1 / 1.4 / 2
(LAM_X 1 keeps lam / mean(diag G) at the served form's; EASE's B is unchanged by scaling G and lam together, so only
that ratio matters; 0.25 and 0.35 were added when the weighted fits peaked at 0.5 in a first pass).
Scored inside the served closed form: z(X B) + 0.25 z(ideal low-pass k 128 with pages), the low-pass unchanged;
percentages against the served form (page-EASE lam 300). `gamma 0, pages 1, lam x1` is the served form itself.

The query side needs no screen: the blend z-scores each member per user, so dividing a user's scores by n_u^delta (any
positive per-user factor) changes nothing; the screen prints that form's scores and the largest change it makes.

Usage (from the repository root):
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 experiments/movielens/numpy-check/user_weighting.py
      the screen (both inner splits; prints its output, about 10 minutes on one core)
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 experiments/movielens/numpy-check/user_weighting.py p1 "SETTING"
      one setting as the screen prints it (e.g. "gamma 0.5, pages 1, lam x1"), fitted on the whole P1 training part of
      seeds 42, 7, 1 and scored on their test parts beside the served form (P1's ranking: stable argsort); nothing is
      tuned there
Data: $MOVIELENS_DIR, by default ../shared/datasets/movielens-100k beside the repository.
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ease_check import stratified_split  # noqa: E402
from prototype_common import (ease, evaluate_top10, ideal_low_pass, inner_validation, page_matrices,  # noqa: E402
                              served_closed_form, usage_on_help, z)

DATA = os.environ.get("MOVIELENS_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../shared/datasets/movielens-100k"))
SERVED_LAM = 300
LOW_PASS_WEIGHT = 0.25
GAMMAS = [0, 0.25, 0.5, 0.75, 1]
LAM_FACTORS = [0.25, 0.35, 0.5, 0.7, 1, 1.4, 2]
LONG_SHARES = [5, 10]
LONG_WEIGHTS = [0.5, 0]


def history_lengths(X):
    """n_u, the fit items of each user; every user must have one (a weight n_u^-gamma needs n_u > 0)."""
    n = X.sum(1)
    if np.any(n == 0):
        raise SystemExit(f"user rows {np.flatnonzero(n == 0)[:5].tolist()} have no fit items: n_u^-gamma is undefined")
    return n


def power_weights(gamma, own_pages):
    """Row weights n^-gamma for the users and, with `own_pages`, for each page row by its own size (else 1)."""
    def weights(X, XP):
        pages = XP.sum(1) ** -gamma if own_pages else np.ones(len(XP))
        return history_lengths(X) ** -gamma, pages
    return weights


def long_history_weights(share, value):
    """The `share` % of users with the most fit items at `value`, everyone else and the page rows at 1."""
    def weights(X, XP):
        n = history_lengths(X)
        w = np.ones(len(X))
        w[n >= np.percentile(n, 100 - share)] = value
        return w, np.ones(len(XP))
    return weights


def settings():
    """name -> (row weights function (X, XP) -> (user weights, page weights), lam factor)."""
    out = {}
    for gamma in GAMMAS:
        for own_pages in ([False, True] if gamma else [False]):
            for factor in LAM_FACTORS:
                name = f"gamma {gamma}, pages {'own' if own_pages else 1}, lam x{factor}"
                out[name] = (power_weights(gamma, own_pages), factor)
    for share in LONG_SHARES:
        for value in LONG_WEIGHTS:
            for factor in LAM_FACTORS:
                out[f"top {share}% at {value}, lam x{factor}"] = (long_history_weights(share, value), factor)
    return out


def weighted_gram(X, XP, user_weights, page_weights):
    return X.T @ (user_weights[:, None] * X) + XP.T @ (page_weights[:, None] * XP)


def matched_lam(gram, served_gram, factor):
    """lam with lam / mean(diag gram) = factor * SERVED_LAM / mean(diag served_gram)."""
    return factor * SERVED_LAM * np.mean(np.diag(gram)) / np.mean(np.diag(served_gram))


class Fit:
    """One fitting set (X, XP) and the pieces every setting shares: the served Gram matrix and the z-scored low-pass."""

    def __init__(self, X, XP):
        self.X, self.XP = X, XP
        self.served_gram = X.T @ X + XP.T @ XP
        self.low = z(ideal_low_pass(X, XP, 128))

    def scores(self, weights, factor):
        """The served closed form with page-EASE replaced by the weighted fit; also the lam used."""
        user_weights, page_weights = weights(self.X, self.XP)
        gram = weighted_gram(self.X, self.XP, user_weights, page_weights)
        lam = matched_lam(gram, self.served_gram, factor)
        return z(self.X @ ease(gram, lam)) + LOW_PASS_WEIGHT * self.low, lam


def query_scaled_form(X, XP):
    """The served closed form with page-EASE's scores divided by n_u^0.5 per user before the blend (the blend's per-user
    z-scores undo any positive per-user factor, up to z's 1e-9 guard)."""
    B = ease(X.T @ X + XP.T @ XP, SERVED_LAM)
    return z((X @ B) / history_lengths(X)[:, None] ** 0.5) + LOW_PASS_WEIGHT * z(ideal_low_pass(X, XP, 128))


def percent(value, reference):
    return 100 * (value / reference - 1)


def screen():
    table = settings()
    for inner in [1042, 2042]:
        X, XP, relevant, _ = inner_validation(DATA, inner)
        fit = Fit(X, XP)
        served = evaluate_top10(served_closed_form(X, XP), X, relevant)
        n = history_lengths(X)
        print(f"inner {inner}: served (page-EASE lam {SERVED_LAM}) NDCG@10 {served[0]:.4f} P@10 {served[1]:.4f}; "
              f"n_u {n.min():.0f} .. {n.max():.0f} (median {np.median(n):.0f}, 90th / 95th percentile "
              f"{np.percentile(n, 90):.0f} / {np.percentile(n, 95):.0f}); {len(XP)} page rows", flush=True)
        scaled = query_scaled_form(X, XP)
        check = evaluate_top10(scaled, X, relevant)
        print(f"  page-EASE scores divided by n_u^0.5 before the blend: NDCG@10 {check[0]:.4f} P@10 {check[1]:.4f}, "
              f"largest score change {np.abs(scaled - served_closed_form(X, XP)).max():.1e}", flush=True)
        for name, (weights, factor) in table.items():
            start = time.time()
            S, lam = fit.scores(weights, factor)
            result = evaluate_top10(S, X, relevant)
            print(f"  {name} (lam {lam:.1f}): NDCG@10 {result[0]:.4f} P@10 {result[1]:.4f} "
                  f"({percent(result[0], served[0]):+.1f}% / {percent(result[1], served[1]):+.1f}%); "
                  f"{time.time() - start:.0f} s", flush=True)


def p1(name, seeds=(42, 7, 1)):
    table = settings()
    if name not in table:
        raise SystemExit(f"unknown setting {name!r}; the screen prints the names, e.g. {next(iter(table))!r}")
    weights, factor = table[name]
    rows = np.loadtxt(os.path.join(DATA, "u.data"), dtype=np.int64)
    users, items, stamps = rows[:, 0], rows[:, 1], rows[:, 3]
    user_index = {u: i for i, u in enumerate(np.unique(users))}
    item_index = {v: i for i, v in enumerate(np.unique(items))}
    results = {"served": [], name: []}
    for seed in seeds:
        train, test = stratified_split(users, seed)
        X, XP = page_matrices(users, items, stamps, train, user_index, item_index)
        relevant = {}
        for r in test:
            relevant.setdefault(user_index[users[r]], set()).add(item_index[items[r]])
        S, lam = Fit(X, XP).scores(weights, factor)
        for key, scores in [("served", served_closed_form(X, XP)), (name, S)]:
            result = evaluate_top10(scores, X, relevant, stable=True)
            results[key].append(result)
            print(f"seed {seed}: {key}{f' (lam {lam:.1f})' if key == name else ''}: NDCG@10 {result[0]:.4f} "
                  f"P@10 {result[1]:.4f}", flush=True)
    for key, values in results.items():
        values = np.array(values)
        print(f"mean over seeds {', '.join(map(str, seeds))}: {key}: NDCG@10 {values[:, 0].mean():.4f} "
              f"P@10 {values[:, 1].mean():.4f}")


def main():
    usage_on_help(__doc__)
    args = sys.argv[1:]
    if not args:
        screen()
    elif args[0] == "p1" and len(args) == 2:
        p1(args[1])
    else:
        raise SystemExit('usage: user_weighting.py [p1 "SETTING"] (see --help)')


if __name__ == "__main__":
    main()
