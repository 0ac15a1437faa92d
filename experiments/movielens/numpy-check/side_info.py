"""Collective EASE with item side information (CEASE, Jeunen et al. 2020) on the P1 inner validation split (numpy
prototype; not part of CI).

Each genre (19, from u.item) and each 5-year release bucket is added as an extra row of the Gram matrix, weighted
alpha: G' = XᵀX + SᵀS (page rows) + alpha·TᵀT with T the tag-by-item indicator, then EASE λ 300, blended with the ideal
low-pass as the served closed form is (z(EASE) + 0.25·z(low-pass k 128 with pages)). Same inner split as
graph_filters.py (seed 42's P1 training part, re-split per user 90/10 with seed 1042).

Usage (from the repository root):
  python3 experiments/movielens/numpy-check/side_info.py [--data DIR] [--inner-seed 1042]
"""
import argparse
import os

import numpy as np

from prototype_common import ease, evaluate_top10, ideal_low_pass, inner_validation, z

parser = argparse.ArgumentParser()
parser.add_argument("--data", default=os.path.join("..", "shared", "datasets", "movielens-100k"))
parser.add_argument("--inner-seed", type=int, default=1042)
args = parser.parse_args()

X, XP, relevant, item_index = inner_validation(args.data, args.inner_seed)
genres = np.zeros((19, len(item_index)))
buckets = {}
for line in open(os.path.join(args.data, "u.item"), encoding="latin-1"):
    fields = line.rstrip("\n").split("|")
    column = item_index[int(fields[0])]
    for genre in range(19):
        if fields[5 + genre] == "1":
            genres[genre, column] = 1
    if fields[2]:
        buckets.setdefault(int(fields[2][-4:]) // 5, []).append(column)
years = np.zeros((len(buckets), len(item_index)))
for row, (_, columns) in enumerate(sorted(buckets.items())):
    years[row, columns] = 1


low_pass = z(ideal_low_pass(X, XP, 128))
gram = X.T @ X + XP.T @ XP
reference = evaluate_top10(z(X @ ease(gram, 300)) + 0.25 * low_pass, X, relevant)
print(f"served closed form: NDCG@10 {reference[0]:.4f} P@10 {reference[1]:.4f}")
for name, tags in [("genres", genres), ("release years", years), ("genres + release years", np.vstack([genres, years]))]:
    for alpha in [1, 3, 10, 30]:
        result = evaluate_top10(z(X @ ease(gram + alpha * tags.T @ tags, 300)) + 0.25 * low_pass, X, relevant)
        print(f"CEASE {name} alpha {alpha}: NDCG@10 {result[0]:.4f} P@10 {result[1]:.4f} ({(result[0] / reference[0] - 1) * 100:+.1f}%)", flush=True)
