"""Session 21 screen (numpy, not in CI): iALS (implicit ALS, Hu et al.; Rendle et al. 2022's tuning) alone and blended with the served closed form,
on the P1 inner split of seed 42 (inner seeds 1042, 2042).

Usage (from the repository root): python3 experiments/movielens/numpy-check/ials_screen.py (no options; prints its output)
"""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
from prototype_common import inner_validation, served_closed_form, evaluate_top10, usage_on_help, z

usage_on_help(__doc__)

DATA = os.environ.get("MOVIELENS_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../shared/datasets/movielens-100k"))

def ials(X, d, reg, alpha, iters=15, seed=0, unobs=1.0):
    rng = np.random.default_rng(seed)
    nU, nI = X.shape
    U = rng.normal(0, 0.1 / np.sqrt(d), (nU, d)); V = rng.normal(0, 0.1 / np.sqrt(d), (nI, d))
    C = 1 + alpha * X  # confidence for observed
    for _ in range(iters):
        for A, B, M in ((U, V, X), (V, U, X.T)):
            G = unobs * B.T @ B
            for r in range(A.shape[0]):
                obs = np.nonzero(M[r])[0]
                Bo = B[obs]
                c = alpha  # extra confidence
                lhs = G + c * Bo.T @ Bo + reg * (len(obs) ** 0.0) * np.eye(d)
                rhs = (1 + c) * Bo.sum(0)
                A[r] = np.linalg.solve(lhs, rhs)
    return U @ V.T

for inner in [1042, 2042]:
    X, XP, rel, _ = inner_validation(DATA, inner)
    base = served_closed_form(X, XP)
    b = evaluate_top10(base, X, rel)
    print(f"inner {inner}: served {b[0]:.4f} {b[1]:.4f}", flush=True)
    for d in [64, 128]:
        for reg in [10, 30, 100]:
            for alpha in [1, 5]:
                S = ials(X, d, reg, alpha, iters=10)
                a = evaluate_top10(S, X, rel)
                row = [f"alone {a[0]:.4f}"]
                for w in [0.25, 0.5, 1.0]:
                    m = evaluate_top10(z(base) + w * z(S), X, rel)
                    row.append(f"w{w} {m[0]:.4f} ({100*(m[0]/b[0]-1):+.1f}%)")
                print(f"  d {d} reg {reg} alpha {alpha}: " + "  ".join(row), flush=True)
