"""Should a user's low ratings seed the query of a ranking model? (numpy; not part of CI)

EASE (binary X of the P1 training part, lambda 500, diag(B) = 0) is fitted on every interaction, as the
ranking protocol trains. Each P1 test user is then queried with (a) every training item, (b) the items
rated 2 or more, (c) 3 or more, (d) 4 or more, and (e) 3 or more minus gamma times the query of the items
rated 1 or 2 (gamma 0.25 / 0.5). Training items are excluded from the top 10. Two targets on the same
held-out part: every held-out film (what the user will watch: the P1 protocol) and the held-out films
rated 4 or 5 (what the user will like). NDCG@10 per seed (42, 7, 1), Recommenders' split rows
(`ease_check.stratified_split`). The recommender's candidate generator uses (c) (`minSeedRating`).

Usage (from the repository root):
  python3 experiments/movielens/numpy-check/low_ratings.py [--data DIR]
"""
import argparse
import os

import numpy as np

from ease_check import stratified_split

parser = argparse.ArgumentParser()
parser.add_argument("--data", default=os.path.join("..", "shared", "datasets", "movielens-100k"))
args = parser.parse_args()

rows = np.loadtxt(os.path.join(args.data, "u.data"), dtype=np.int64)
users, items, ratings = rows[:, 0], rows[:, 1], rows[:, 2]
discounts = 1 / np.log2(np.arange(2, 12))
queries = [("every rated item", 0, 0.0), ("rated 2 or more", 1, 0.0), ("rated 3 or more", 2, 0.0), ("rated 4 or more", 3, 0.0),
           ("rated 3 or more, minus 0.25 x rated 1-2", 2, 0.25), ("rated 3 or more, minus 0.5 x rated 1-2", 2, 0.5)]
results = {}
for seed in (42, 7, 1):
    train, test = stratified_split(users, seed)
    n_users, n_items = users.max(), items.max()
    X = np.zeros((n_users, n_items))
    X[users[train] - 1, items[train] - 1] = 1
    R = np.zeros((n_users, n_items))
    R[users[train] - 1, items[train] - 1] = ratings[train]
    G = X.T @ X
    G[np.diag_indices(n_items)] += 500
    P = np.linalg.inv(G)
    B = -P / np.diag(P)
    B[np.diag_indices(n_items)] = 0
    targets = {"every held-out film": {}, "held-out films rated 4-5": {}}
    for r in test:
        targets["every held-out film"].setdefault(users[r] - 1, set()).add(items[r] - 1)
        if ratings[r] >= 4:
            targets["held-out films rated 4-5"].setdefault(users[r] - 1, set()).add(items[r] - 1)
    for name, below, gamma in queries:
        keep = X * (R > below)
        scores = keep @ B - gamma * (X * (R <= below)) @ B
        scores[X > 0] = -np.inf
        top = np.argsort(-scores, axis=1, kind="stable")[:, :10]
        for target, relevant in targets.items():
            values = []
            for user, rel in relevant.items():
                gains = np.array([1.0 if item in rel else 0.0 for item in top[user]])
                values.append((gains * discounts).sum() / discounts[: min(len(rel), 10)].sum())
            results.setdefault((target, name), []).append(float(np.mean(values)))
for target in ("every held-out film", "held-out films rated 4-5"):
    print(f"\n{target}: NDCG@10 seeds 42 / 7 / 1 (mean)")
    print("| query | seed 42 | seed 7 | seed 1 | mean |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, _, _ in queries:
        v = results[(target, name)]
        print(f"| {name} | {v[0]:.4f} | {v[1]:.4f} | {v[2]:.4f} | {np.mean(v):.4f} |")
