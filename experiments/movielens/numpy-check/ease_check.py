"""Independent numpy reference for the P1 EASE check (not part of CI; numpy only, no pandas).

Reproduces Microsoft Recommenders' `python_stratified_split(ratio=0.75, seed=S)` on MovieLens-100K row for
row: users in sorted id order, each user's rows in u.data file order, shuffled by
`np.random.RandomState(S).permutation(n)` (what pandas' `group.sample(frac=1, random_state=S)` does),
first `round(0.75 * n)` (Python round) to train. Then EASE (binary X, lambda = 500, diag(B) = 0),
training items excluded, top-10, every test item relevant, mean NDCG@10 / Precision@10 over test users
(Recommenders' binary-relevance definitions).

`--split sorted` gives the rows of Recommenders' current `python_stratified_split` instead (see
`sorted_stratified_split`), `--split sorted-by-item` the same stratified by item, as their benchmark notebook calls it.

Usage (from the repository root):
  python3 experiments/movielens/numpy-check/ease_check.py [--data DIR] [--seeds 42,7,1] [--lam 500] [--split per-group|sorted|sorted-by-item] [--json OUT]
Prints one line per seed: seed, NDCG@10, P@10, MAP (divided by #relevant), R@10, and an md5 of the sorted
"user<TAB>item" test pairs, so the TypeScript side can confirm it evaluated the identical split.
"""
import argparse
import hashlib
import json
import os

import numpy as np


def load(data_dir):
    rows = np.loadtxt(os.path.join(data_dir, "u.data"), dtype=np.int64)
    return rows[:, 0], rows[:, 1]


def sorted_stratified_split(groups, seed, ratio=0.75):
    """`python_stratified_split` as Recommenders has written it since 2020 (`_do_stratification`): `np.random.seed(seed)`,
    one `np.random.rand` draw per row in file order, rows sorted by group then draw, and a row goes to train when its
    rank in its group divided by the group's size is at most `ratio`. `groups`: user ids (filter_by="user") or item ids."""
    np.random.seed(seed)
    draws = np.random.rand(len(groups))
    order = np.lexsort((draws, groups))
    train_rows, test_rows = [], []
    for rows in np.split(order, np.flatnonzero(np.diff(groups[order])) + 1):
        rank = np.arange(1, len(rows) + 1) / len(rows)
        train_rows.extend(rows[rank <= ratio])
        test_rows.extend(rows[rank > ratio])
    return np.array(train_rows), np.array(test_rows)


def stratified_split(users, seed, ratio=0.75):
    train_rows, test_rows = [], []
    for user in np.unique(users):  # sorted ids, as pandas groupby
        rows = np.flatnonzero(users == user)  # file order within the group
        shuffled = rows[np.random.RandomState(seed).permutation(len(rows))]
        cut = round(ratio * len(rows))  # Python's round: half to even
        train_rows.extend(shuffled[:cut])
        test_rows.extend(shuffled[cut:])
    return np.array(train_rows), np.array(test_rows)


def evaluate(users, items, train_rows, test_rows, lam, k=10):
    user_ids = np.unique(users)
    item_ids = np.unique(items)
    user_index = {u: i for i, u in enumerate(user_ids)}
    item_index = {v: i for i, v in enumerate(item_ids)}
    X = np.zeros((len(user_ids), len(item_ids)))
    for r in train_rows:
        X[user_index[users[r]], item_index[items[r]]] = 1.0
    G = X.T @ X
    G[np.diag_indices_from(G)] += lam
    P = np.linalg.inv(G)
    B = -P / np.diag(P)
    B[np.diag_indices_from(B)] = 0.0
    scores = X @ B
    scores[X > 0] = -np.inf
    relevant = {}
    for r in test_rows:
        relevant.setdefault(user_index[users[r]], set()).add(item_index[items[r]])
    ndcg = precision = ap = recall = 0.0
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    for u, rel in relevant.items():
        top = np.argsort(-scores[u], kind="stable")[:k]
        hits = np.array([i in rel for i in top], dtype=float)
        ndcg += (hits * discounts).sum() / discounts[: min(k, len(rel))].sum()
        precision += hits.sum() / k
        recall += hits.sum() / len(rel)
        ap += (np.cumsum(hits) / np.arange(1, k + 1) * hits).sum() / len(rel)
    n = len(relevant)
    return {"ndcg": ndcg / n, "precision": precision / n, "map": ap / n, "recall": recall / n}


def test_hash(users, items, test_rows):
    lines = sorted(f"{users[r]}\t{items[r]}" for r in test_rows)
    return hashlib.md5("\n".join(lines).encode()).hexdigest()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.path.join("..", "shared", "datasets", "movielens-100k"))
    parser.add_argument("--seeds", default="42,7,1")
    parser.add_argument("--lam", type=float, default=500.0)
    parser.add_argument("--split", choices=["per-group", "sorted", "sorted-by-item"], default="per-group",
                        help="per-group: each user's rows shuffled by RandomState(seed).permutation (Recommenders up to 2020, "
                        "this project's P1 split); sorted: Recommenders' current python_stratified_split; sorted-by-item: the "
                        "same with filter_by='item', as Recommenders' benchmark notebook calls it")
    parser.add_argument("--json")
    args = parser.parse_args()
    users, items = load(args.data)
    results = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        if args.split == "per-group":
            train_rows, test_rows = stratified_split(users, seed)
        else:
            train_rows, test_rows = sorted_stratified_split(users if args.split == "sorted" else items, seed)
        metrics = evaluate(users, items, train_rows, test_rows, args.lam)
        result = {"seed": seed, "lambda": args.lam, **metrics, "testPairsMd5": test_hash(users, items, test_rows), "train": len(train_rows), "test": len(test_rows)}
        results.append(result)
        print(f"seed {seed}: NDCG@10 {metrics['ndcg']:.4f} P@10 {metrics['precision']:.4f} MAP {metrics['map']:.4f} R@10 {metrics['recall']:.4f} test md5 {result['testPairsMd5']}", flush=True)
    if len(results) > 1:
        for key in ("ndcg", "precision"):
            values = np.array([r[key] for r in results])
            print(f"{key}: mean {values.mean():.4f} sd {values.std(ddof=1):.4f} min {values.min():.4f} max {values.max():.4f} over {len(values)} seeds")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"numpy": np.__version__, "results": results}, handle, indent=2)


if __name__ == "__main__":
    main()
