"""infinite-width autoencoder (∞-AE, Sachdeva et al. 2022) on the P1 inner validation split (numpy prototype; not part of CI).

∞-AE is kernel ridge regression of each user's history onto itself with the neural tangent kernel (NTK) of an
infinitely wide ReLU autoencoder: K = NTK(X, X) over users (943 x 943 here), scores = K (K + λ·mean(diag K)/100 · I)^-1 X.
The NTK of a depth-d fully connected ReLU net follows the arc-cosine recursion (Arora et al. 2019). Same inner split and
evaluation as graph_filters.py (seed 42's P1 training part, split again per user 90/10 with seed 1042). Each setting
is scored alone and blended with the served model's closed form (page-EASE λ 300 + 0.25 × ideal low-pass k 128 with
pages, per-user z-scores): z(that) + w · z(∞-AE).

Usage (from the repository root):
  python3 experiments/movielens/numpy-check/infinite_ae.py [--data DIR] [--inner-seed 1042]
"""
import argparse
import os

import numpy as np

from prototype_common import ease, evaluate_top10, inner_validation, served_closed_form, z

parser = argparse.ArgumentParser()
parser.add_argument("--data", default=os.path.join("..", "shared", "datasets", "movielens-100k"))
parser.add_argument("--inner-seed", type=int, default=1042)
args = parser.parse_args()


def relu_ntk(gram, depth):
    """NTK of a depth-`depth` ReLU network for inputs with Gram matrix `gram` (arc-cosine recursion)."""
    sigma, theta = gram.copy(), gram.copy()
    for _ in range(depth):
        norms = np.sqrt(np.diag(sigma))
        outer = np.outer(norms, norms) + 1e-12
        cosine = np.clip(sigma / outer, -1, 1)
        angle = np.arccos(cosine)
        sigma_next = outer * (np.sin(angle) + (np.pi - angle) * cosine) / (2 * np.pi)
        theta = theta * (np.pi - angle) / (2 * np.pi) + sigma_next
        sigma = sigma_next
    return theta


X, XP, relevant, _items = inner_validation(args.data, args.inner_seed)
B = ease(X.T @ X + XP.T @ XP, 300)
page_ease = X @ B
served = served_closed_form(X, XP, B)
reference = evaluate_top10(served, X, relevant)
print(f"page-EASE lambda 300: NDCG@10 {evaluate_top10(page_ease, X, relevant)[0]:.4f}")
print(f"served closed form (page-EASE + 0.25 x low-pass k 128): NDCG@10 {reference[0]:.4f} P@10 {reference[1]:.4f}")
for depth in [1, 2]:
    K = relu_ntk(X @ X.T, depth)
    for lam in [1, 10, 50, 200, 500, 1000, 3000, 10000]:
        S = K @ np.linalg.solve(K + lam * np.mean(np.diag(K)) / 100 * np.eye(len(K)), X)
        alone = evaluate_top10(S, X, relevant)
        line = f"inf-AE depth {depth} lambda {lam}: NDCG@10 {alone[0]:.4f} P@10 {alone[1]:.4f}"
        for weight in [0.1, 0.25, 0.5]:
            blend = evaluate_top10(served + weight * z(S), X, relevant)
            line += f" | served + {weight} x: {blend[0]:.4f} ({(blend[0] / reference[0] - 1) * 100:+.1f}%)"
        print(line, flush=True)
