"""Session 27 screen (numpy, not in CI): release-date kernels as a complement of the served closed form, on the P1
inner splits of seed 42 (inner seeds 1042, 2042; prototype_common.py's split; the screen never reads the P1 test part,
`pages` describes all of u.data).

Why: a rating page (the films a user rated in one second) is narrow in release date. Over all 12,818 pages of three or
more films, the median spread of the page's release-date ranks (mean pairwise |rank difference|) is 252, against 454
for as many of the same user's films drawn at random (`pages` mode prints this, with item id, title and popularity
orders beside it). So a film hidden from a page might be found near the page's other films in release date, a signal
page-EASE's co-occurrence would only see through films rated together by other users.

Three features per (user, film), with k(i, j) = exp(-|c_i - c_j| / h) on a coordinate c (release day, h 30 / 120 / 365
/ 1500 days; or release-date rank, h 10 / 30 / 100), k(i, i) = 0:
  dens      sum over the user's fit films j of k(i, j)          (the user's release-date density)
  page      sum over the user's pages p (2+ films) of |p| * mean_j in p k(i, j)
  pagemax   max over the user's pages p of mean_j in p k(i, j)  (the page the film fits best)
each scored as z(served) + w * z(feature), w 0.05 / 0.1 / 0.2 / 0.4, against the served form (page-EASE lam 300 +
0.25 x ideal low-pass k 128) on the same split.

Usage (from the repository root):
  OMP_NUM_THREADS=2 python3 experiments/movielens/numpy-check/release_kernel.py          the screen (about 5 minutes)
  python3 experiments/movielens/numpy-check/release_kernel.py pages                      the page-spread statistics
Data: $MOVIELENS_DIR, by default ../shared/datasets/movielens-100k beside the repository.
"""
import datetime
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ease_check import stratified_split  # noqa: E402
from prototype_common import evaluate_top10, page_matrices, served_closed_form, usage_on_help, z  # noqa: E402

DATA = os.environ.get("MOVIELENS_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../shared/datasets/movielens-100k"))
WEIGHTS = [0.05, 0.1, 0.2, 0.4]
BANDWIDTHS = {"days": [30, 120, 365, 1500], "rank": [10, 30, 100]}


def load():
    rows = np.loadtxt(os.path.join(DATA, "u.data"), dtype=np.int64)
    users, items, stamps = rows[:, 0], rows[:, 1], rows[:, 3]
    user_index = {u: i for i, u in enumerate(np.unique(users))}
    item_index = {v: i for i, v in enumerate(np.unique(items))}
    days = np.full(len(item_index), np.nan)
    titles = [""] * len(item_index)
    for line in open(os.path.join(DATA, "u.item"), encoding="latin-1"):
        fields = line.split("|")
        column = item_index[int(fields[0])]
        titles[column] = fields[1]
        if fields[2]:
            days[column] = datetime.datetime.strptime(fields[2], "%d-%b-%Y").timestamp() / 86400
    days = np.where(np.isnan(days), np.nanmean(days), days)  # one film has no date
    return users, items, stamps, user_index, item_index, days, titles


def ranks(values):
    return np.argsort(np.argsort(values, kind="stable"), kind="stable").astype(float)


def user_pages(users, items, stamps, rows, user_index, item_index):
    """(user row, second) -> the film columns rated then, over `rows`."""
    pages = {}
    for r in rows:
        pages.setdefault((user_index[users[r]], stamps[r]), []).append(item_index[items[r]])
    return pages


def page_spreads(coordinate, pages, by_user, rng):
    """Median over pages of 3+ films of the mean pairwise |coordinate difference|, and the same for as many films drawn
    from the same user's films at random."""
    def spread(columns):
        c = coordinate[columns]
        return np.abs(c[:, None] - c[None, :])[np.triu_indices(len(c), 1)].mean()
    inside, drawn = [], []
    for (user, _), columns in pages.items():
        if len(columns) < 3:
            continue
        inside.append(spread(np.array(columns)))
        drawn.append(spread(rng.choice(by_user[user], len(columns), replace=False)))
    return len(inside), np.median(inside), np.median(drawn)


def pages_mode():
    users, items, stamps, user_index, item_index, days, titles = load()
    pages = user_pages(users, items, stamps, range(len(users)), user_index, item_index)
    by_user = {}
    for (user, _), columns in pages.items():
        by_user.setdefault(user, []).extend(columns)
    by_user = {user: np.array(columns) for user, columns in by_user.items()}
    counts = np.bincount([item_index[i] for i in items], minlength=len(item_index))
    title_key = [t.lower().removeprefix("the ").removeprefix("a ").removeprefix("an ") for t in titles]
    orders = {"item id": np.arange(len(item_index), dtype=float), "title (articles dropped)": ranks(np.array(title_key)),
              "release date": ranks(days), "popularity": ranks(-counts)}
    for name, coordinate in orders.items():
        count, inside, drawn = page_spreads(coordinate, pages, by_user, np.random.default_rng(0))
        print(f"{name}: {count} pages of 3+ films, median spread of rank {inside:.1f} inside a page, "
              f"{drawn:.1f} for the same user's films drawn at random ({inside / drawn:.2f})")


def features(X, pages, coordinate, bandwidth):
    K = np.exp(-np.abs(coordinate[:, None] - coordinate[None, :]) / bandwidth)
    np.fill_diagonal(K, 0)
    page_sum = np.zeros_like(X)
    page_max = np.zeros_like(X)
    for (user, _), columns in pages.items():
        if len(columns) < 2:
            continue
        local = K[columns].mean(0)
        page_sum[user] += local * len(columns)
        page_max[user] = np.maximum(page_max[user], local)
    return {"dens": X @ K, "page": page_sum, "pagemax": page_max}


def screen():
    users, items, stamps, user_index, item_index, days, _ = load()
    coordinates = {"days": days, "rank": ranks(days)}
    train, _test = stratified_split(users, 42)
    for inner in [1042, 2042]:
        fit, valid = stratified_split(users[train], inner, ratio=0.9)
        X, XP = page_matrices(users, items, stamps, train[fit], user_index, item_index)
        relevant = {}
        for r in train[valid]:
            relevant.setdefault(user_index[users[r]], set()).add(item_index[items[r]])
        pages = user_pages(users, items, stamps, train[fit], user_index, item_index)
        served = served_closed_form(X, XP)
        base = evaluate_top10(served, X, relevant)
        print(f"inner {inner}: served NDCG@10 {base[0]:.4f} P@10 {base[1]:.4f}", flush=True)
        for name, coordinate in coordinates.items():
            for bandwidth in BANDWIDTHS[name]:
                cells = []
                for feature, F in features(X, pages, coordinate, bandwidth).items():
                    zF = z(F)
                    for w in WEIGHTS:
                        ndcg = evaluate_top10(served + w * zF, X, relevant)[0]
                        cells.append(f"{feature} {w}: {100 * (ndcg / base[0] - 1):+.1f}%")
                print(f"  {name} h {bandwidth}: " + "; ".join(cells), flush=True)


def main():
    usage_on_help(__doc__)
    args = sys.argv[1:]
    if args == ["pages"]:
        pages_mode()
    elif not args:
        screen()
    else:
        raise SystemExit(f"unknown arguments {args}; run with --help for the usage")


if __name__ == "__main__":
    main()
