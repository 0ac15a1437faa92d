"""Session 22 screen (numpy, not in CI): higher-order EASE (Steck & Liang, RecSys 2021, "Negative interactions for
improved collaborative filtering: don't go deeper, go higher") in place of page-EASE inside the served closed form,
on the P1 inner splits of seed 42 (inner seeds 1042, 2042; prototype_common.py's split, the P1 test part is never read).

Model: scores = X B + Z C. X holds the training rows (the user rows and, as page-EASE, one row per rating page of two or
more items), Z one column per selected item pair (i, j): 1 where the row holds both items. Pairs: the m pairs most often
rated together by users. Fitted by least squares, ||X - X B - Z C||^2 + lam_b ||B||^2 + lam_c ||C||^2, under EASE's
constraint diag(B) = 0 and the pair constraint C[(i, j), i] = C[(i, j), j] = 0 (a pair may not predict its own items),
solved exactly: one ridge regression on the features [X, Z] with a Lagrange correction per target column for the
coefficients it must hold at zero. (The paper solves the same problem with ADMM; a first version of this script used
block-coordinate descent and gave the same scores within 0.0001 at m 1000.)

Scored inside the served closed form: z(X B + Z C) + 0.25 z(ideal low-pass k 128 with pages), against the served form
with page-EASE (lam 300); m 0 is page-EASE itself.

Usage (from the repository root): OPENBLAS_NUM_THREADS=2 python3 experiments/movielens/numpy-check/higher_order_screen.py
(no options; prints its output, about 2 minutes)
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prototype_common import evaluate_top10, ideal_low_pass, inner_validation, served_closed_form, usage_on_help, z  # noqa: E402

DATA = os.environ.get("MOVIELENS_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../shared/datasets/movielens-100k"))


def top_pairs(X, m):
    """The m item pairs (i < j) rated together by the most users of X."""
    co = X.T @ X
    iu, ju = np.triu_indices(len(co), 1)
    counts = co[iu, ju]
    order = np.argsort(-counts, kind="stable")[:m]
    return iu[order], ju[order], counts[order]


def pair_matrix(R, pi, pj):
    return R[:, pi] * R[:, pj]


def higher_order(R, pi, pj, lam_b, lam_c):
    """B (items x items, zero diagonal) and C (pairs x items, zero at each pair's own items) minimising
    ||R - R B - Z C||^2 + lam_b ||B||^2 + lam_c ||C||^2 with Z = pair_matrix(R, pi, pj), solved exactly: one ridge
    regression on the features F = [R, Z] with a Lagrange correction per target column for its zeroed coefficients."""
    n = R.shape[1]
    m = len(pi)
    F = np.hstack([R, pair_matrix(R, pi, pj)])
    ridge = np.concatenate([np.full(n, float(lam_b)), np.full(m, float(lam_c))])
    P = np.linalg.inv(F.T @ F + np.diag(ridge))
    W = P @ (F.T @ R)  # (n + m) x n, unconstrained
    # zeroed coefficients of target k: feature k itself and the pairs holding k
    holds = [[k] for k in range(n)]
    for r in range(m):
        holds[pi[r]].append(n + r)
        holds[pj[r]].append(n + r)
    for k in range(n):
        S = holds[k]
        W[:, k] -= P[:, S] @ np.linalg.solve(P[np.ix_(S, S)], W[S, k])
    return W[:n], W[n:]


def main():
    usage_on_help(__doc__)
    for inner in [1042, 2042]:
        X, XP, rel, _ = inner_validation(DATA, inner)
        R = np.vstack([X, XP])
        low = z(ideal_low_pass(X, XP, 128))
        base = served_closed_form(X, XP)
        b = evaluate_top10(base, X, rel)
        print(f"inner {inner}: served (page-EASE lam 300) NDCG@10 {b[0]:.4f} P@10 {b[1]:.4f}", flush=True)
        for m in [0, 300, 1000, 3000]:
            pi, pj, counts = top_pairs(X, m)
            print(f"  m {m}: pair counts {counts[0]:.0f} .. {counts[-1]:.0f}" if m else "  m 0 (page-EASE)", flush=True)
            for lam_b in [300]:
                for lam_c in ([300] if m == 0 else [300, 1000, 3000, 10000]):
                    t = time.time()
                    B, C = higher_order(R, pi, pj, lam_b, lam_c)
                    S = X @ B + pair_matrix(X, pi, pj) @ C
                    alone = evaluate_top10(S, X, rel)
                    served = evaluate_top10(z(S) + 0.25 * low, X, rel)
                    print(f"    lam_b {lam_b} lam_c {lam_c}: page-EASE part {alone[0]:.4f} / {alone[1]:.4f}; "
                          f"served form {served[0]:.4f} / {served[1]:.4f} ({100 * (served[0] / b[0] - 1):+.1f}% / "
                          f"{100 * (served[1] / b[1] - 1):+.1f}%); {time.time() - t:.0f} s", flush=True)


if __name__ == "__main__":
    main()
