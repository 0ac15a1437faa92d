"""EASE variants on the P1 inner validation split (numpy prototypes; not part of CI).

Seed 42's P1 training part (Recommenders' rows, as ease_check.py), split again per user 90/10 with
seed 1042; each variant is fitted on the 90 % and ranks the 10 % (NDCG@10 / P@10, training items
excluded). The P1 test part is never read. Variants:
  dlae      EASE and page-augmented EASE (items a user rated in the same second as extra rows) with
            popularity-scaled L2 (lambda + alpha * G_ii, the EDLAE form of Steck 2020), with and
            without the zero-diagonal constraint (DLAE);
  finetune  page-augmented EASE (lambda 300) fine-tuned by Adam on a softmax loss over dropout-
            corrupted histories (predict the dropped items), as in Mult-DAE, full-rank B;
  idprox    page-augmented EASE plus an item-id proximity kernel (were rating pages in id order?);
  dae       Mult-DAE (Liang et al. 2018): normalised multi-hot input, dropout 0.5, 600 tanh units,
            softmax over items, Adam 1e-3, L2 1e-5; NDCG@10 every 10 epochs;
  sessions  page-EASE plus rating sessions as extra Gram rows (a user's ratings with gaps of at
            most w seconds), w 5 s to 1 h;
  timepop   page-EASE plus time-local popularity: each item's share of the ratings made on the
            days the user rated (days smoothed by an exponential kernel of width w days);
  neighbours page-EASE blended with other neighbourhood models (per-user z-scored scores added
            with a weight): RP3beta (Paudel et al. 2017), user-based KNN (cosine, top k users)
            and EASE fitted on the users (user-user weights).

Usage (from the repository root):
  python3 experiments/movielens/numpy-check/ease_variants.py dlae|finetune|idprox|dae|sessions|timepop|neighbours [--data DIR]
"""
import argparse
import os

import numpy as np

from ease_check import stratified_split
from prototype_common import evaluate_top10, page_matrices

parser = argparse.ArgumentParser()
parser.add_argument("mode", choices=["dlae", "finetune", "idprox", "dae", "sessions", "timepop", "neighbours"])
parser.add_argument("--data", default=os.path.join("..", "shared", "datasets", "movielens-100k"))
args = parser.parse_args()

rows = np.loadtxt(os.path.join(args.data, "u.data"), dtype=np.int64)
users, items, stamps = rows[:, 0], rows[:, 1], rows[:, 3]
train, _test = stratified_split(users, 42)
inner_train_local, inner_valid_local = stratified_split(users[train], 1042, ratio=0.9)
fit_rows, valid_rows = train[inner_train_local], train[inner_valid_local]

user_ids, item_ids = np.unique(users), np.unique(items)
user_index = {u: i for i, u in enumerate(user_ids)}
item_index = {v: i for i, v in enumerate(item_ids)}
X, XP = page_matrices(users, items, stamps, fit_rows, user_index, item_index)
relevant = {}
for r in valid_rows:
    relevant.setdefault(user_index[users[r]], set()).add(item_index[items[r]])


def evaluate(scores):
    return evaluate_top10(scores, X, relevant)


def ease(gram, lam, alpha=0.0, zero_diagonal=True):
    penalty = lam + alpha * np.diag(gram)
    P = np.linalg.inv(gram + np.diag(penalty))
    if zero_diagonal:
        B = -P / np.diag(P)
        np.fill_diagonal(B, 0)
        return B
    return np.eye(len(penalty)) - P * penalty[None, :]


G, GP = X.T @ X, XP.T @ XP
reference = evaluate(X @ ease(G, 500))[0]
report = lambda name, result: print(f"{name}: NDCG@10 {result[0]:.4f} P@10 {result[1]:.4f} ({(result[0] / reference - 1) * 100:+.1f}% vs EASE lambda 500)", flush=True)
report("EASE lambda 500", evaluate(X @ ease(G, 500)))

if args.mode == "dlae":
    for name, gram in [("EASE", G), ("page-EASE", G + GP)]:
        for lam in [200, 300, 500]:
            for alpha in [0, 0.1, 0.25, 0.5]:
                for zero in [True, False]:
                    if alpha == 0 and not zero:
                        continue
                    report(f"{name} lambda {lam} alpha {alpha} {'zero diag' if zero else 'DLAE'}", evaluate(X @ ease(gram, lam, alpha, zero)))
elif args.mode == "finetune":
    B0 = ease(G + GP, 300).astype(np.float32)
    report("page-EASE lambda 300 (start)", evaluate(X @ B0))
    Xf = X.astype(np.float32)
    for scale, rate, drop in [(10, 3e-4, 0.5), (10, 1e-5, 0.5), (10, 3e-6, 0.3)]:
        rng = np.random.RandomState(0)
        B, m, v, step = B0.copy(), np.zeros_like(B0), np.zeros_like(B0), 0
        for epoch in range(1, 7):
            for start in range(0, X.shape[0], 128):
                x = Xf[start:start + 128]
                mask = (rng.rand(*x.shape) > drop).astype(np.float32)
                kept = x * mask
                logits = scale * (kept @ B)
                logits -= logits.max(1, keepdims=True)
                p = np.exp(logits)
                p /= p.sum(1, keepdims=True)
                target = x * (1 - mask)
                counts = target.sum(1, keepdims=True)
                use = counts[:, 0] > 0
                gradient = scale * kept[use].T @ (p[use] - target[use] / counts[use]) / use.sum()
                step += 1
                m = 0.9 * m + 0.1 * gradient
                v = 0.999 * v + 0.001 * gradient * gradient
                B -= rate * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
                np.fill_diagonal(B, 0)
            report(f"fine-tune scale {scale} rate {rate} dropout {drop} epoch {epoch}", evaluate(X @ B))
elif args.mode == "dae":
    rng = np.random.RandomState(0)
    Xf = X.astype(np.float32)
    n_items, hidden, drop, rate, l2 = X.shape[1], 600, 0.5, 1e-3, 1e-5
    scale = np.sqrt(2 / (n_items + hidden))
    params = [(rng.randn(n_items, hidden) * scale).astype(np.float32), np.zeros(hidden, np.float32), (rng.randn(hidden, n_items) * scale).astype(np.float32), np.zeros(n_items, np.float32)]
    moments = [[np.zeros_like(p), np.zeros_like(p)] for p in params]
    step = 0

    def encode(x):
        return np.tanh((x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-9)) @ params[0] + params[1])

    for epoch in range(1, 121):
        order = rng.permutation(X.shape[0])
        for start in range(0, len(order), 128):
            x = Xf[order[start:start + 128]]
            kept = x * (rng.rand(*x.shape) > drop) / (1 - drop)
            inputs = kept / (np.linalg.norm(kept, axis=1, keepdims=True) + 1e-9)
            h = np.tanh(inputs @ params[0] + params[1])
            logits = h @ params[2] + params[3]
            logits -= logits.max(1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(1, keepdims=True)
            g = (p * x.sum(1, keepdims=True) - x) / len(x)
            gh = g @ params[2].T * (1 - h * h)
            grads = [inputs.T @ gh + l2 * params[0], gh.sum(0), h.T @ g + l2 * params[2], g.sum(0)]
            step += 1
            for param, grad, moment in zip(params, grads, moments):
                moment[0] = 0.9 * moment[0] + 0.1 * grad
                moment[1] = 0.999 * moment[1] + 0.001 * grad * grad
                param -= rate * (moment[0] / (1 - 0.9 ** step)) / (np.sqrt(moment[1] / (1 - 0.999 ** step)) + 1e-8)
        if epoch % 10 == 0:
            report(f"Mult-DAE epoch {epoch}", evaluate(encode(Xf) @ params[2] + params[3]))
elif args.mode == "sessions":
    report("page-EASE lambda 300", evaluate(X @ ease(G + GP, 300)))
    events = {}
    for r in fit_rows:
        events.setdefault(users[r], []).append((stamps[r], item_index[items[r]]))
    for window in [5, 30, 120, 600, 3600]:
        sessions = []
        for history in events.values():
            history.sort()
            current, last = [history[0][1]], history[0][0]
            for stamp, item in history[1:]:
                if stamp - last > window:
                    sessions.append(current)
                    current = []
                current.append(item)
                last = stamp
            sessions.append(current)
        XS = np.zeros((len(sessions), len(item_ids)))
        for row, session in enumerate(sessions):
            XS[row, session] = 1
        GS = XS.T @ XS
        for weight in [0.5, 1.0]:
            for lam in [300, 500]:
                report(f"+ sessions w {window} s weight {weight} lambda {lam}", evaluate(X @ ease(G + GP + weight * GS, lam)))
elif args.mode == "timepop":
    S0 = X @ ease(G + GP, 300)
    report("page-EASE lambda 300", evaluate(S0))
    days = (stamps - stamps.min()) // 86400
    C = np.zeros((len(item_ids), days.max() + 1))
    D = np.zeros((len(user_ids), days.max() + 1))
    for r in fit_rows:
        C[item_index[items[r]], days[r]] += 1
        D[user_index[users[r]], days[r]] += 1
    for width in [1, 7, 30]:
        kernel = np.exp(-np.abs(np.arange(-3 * width, 3 * width + 1)) / width)
        smooth = np.array([np.convolve(row, kernel, mode="same") for row in C])
        share = smooth / np.maximum(smooth.sum(0, keepdims=True), 1e-9)
        local = np.log((D @ share.T) / D.sum(1, keepdims=True) + 1e-6)
        report(f"time-local popularity alone, width {width} d", evaluate(local))
        for weight in [0.02, 0.05, 0.1]:
            report(f"+ time-local popularity width {width} d weight {weight}", evaluate(S0 + weight * local * S0.std(1, keepdims=True)))
elif args.mode == "neighbours":
    S0 = X @ ease(G + GP, 300)
    report("page-EASE lambda 300", evaluate(S0))
    z = lambda S: (S - S.mean(1, keepdims=True)) / (S.std(1, keepdims=True) + 1e-9)
    user_degree, item_degree = X.sum(1, keepdims=True), X.sum(0)
    to_item = X / np.maximum(user_degree, 1)
    to_user = (X / np.maximum(item_degree, 1)).T
    for alpha in [0.8, 1.0]:
        for beta in [0.3, 0.5, 0.7]:
            W = (to_user ** alpha) @ (to_item ** alpha) / np.maximum(item_degree, 1)[None, :] ** beta
            np.fill_diagonal(W, 0)
            S = X @ W
            report(f"RP3beta alpha {alpha} beta {beta} alone", evaluate(S))
            for weight in [0.3, 1.0]:
                report(f"+ RP3beta alpha {alpha} beta {beta} weight {weight}", evaluate(z(S0) + weight * z(S)))
    Xn = X / (np.sqrt(user_degree) + 1e-9)
    similarity = Xn @ Xn.T
    np.fill_diagonal(similarity, 0)
    for k in [30, 50, 100]:
        W = similarity.copy()
        np.put_along_axis(W, np.argpartition(-W, k, axis=1)[:, k:], 0, axis=1)
        S = W @ X
        report(f"UserKNN k {k} alone", evaluate(S))
        for weight in [0.2, 0.5, 1.0]:
            report(f"+ UserKNN k {k} weight {weight}", evaluate(z(S0) + weight * z(S)))
    for lam in [100, 300, 1000]:
        S = ease(X @ X.T, lam).T @ X
        report(f"user-EASE lambda {lam} alone", evaluate(S))
        for weight in [0.5, 1.0]:
            report(f"+ user-EASE lambda {lam} weight {weight}", evaluate(z(S0) + weight * z(S)))
else:
    S0 = X @ ease(G + GP, 300)
    report("page-EASE lambda 300", evaluate(S0))
    ids = np.arange(len(item_ids))
    for tau in [1, 3, 10]:
        K = np.exp(-np.abs(ids[:, None] - ids[None, :]) / tau)
        np.fill_diagonal(K, 0)
        P = X @ K
        for weight in [0.01, 0.03, 0.1]:
            report(f"+ id proximity tau {tau} weight {weight}", evaluate(S0 + weight * P / (P.max(1, keepdims=True) + 1e-9) * S0.max(1, keepdims=True)))
