"""Session 14: three complements of the served closed form on the P1 inner validation splits (numpy/PyTorch
prototypes on the CPU; not part of CI).

The split, the served closed form and the per-user z-score blend are the other prototypes' (prototype_common.py):
seed 42's P1 training part split again per user 90/10 with each `--inner-seeds` seed; every model is fitted on the
90 % and ranks the 10 % (NDCG@10, training items excluded); "blend" is z(served) + w * z(model) for the w listed.
The P1 test part is never read. Modes:
  lightgcn-pages  softmax LightGCN (as the tfjs LightGcnRecommender: d 256, 2 layers, mean of layers 0..2, full
                  softmax loss over each user's items, L2 3e-4 on the ego vectors, Adam 5e-3, checks every 25
                  full-batch steps, stopped 4 checks after the best blend) with the rating pages (the items a user
                  rated in the same second, pages of >= 2 items) as extra graph nodes next to the users: they
                  propagate but add nothing to the loss; variants: pages with their own ego vectors (free, or under
                  L2), or relay pages with no ego vectors (a page's layer 0 is zero).
                  Question: does LightGCN gain from the page rows the way EASE did (+1.6 to 2.2 %)?
  lightgcn-settings  the same LightGCN (users only) with one setting changed at a time: d 512 / 768 / 1024, 1 layer, rate 2e-3,
                  L2 1e-4 with d 512, DropEdge 0.1 / 0.3 (a random share of the edges dropped at each step, the
                  rest renormalised), SimGCL-style noise on each layer's vectors during training (0.05 / 0.2; no
                  contrastive loss). Question: is the ported LightGCN's setting the best complement?
  adjacency       items rated next to each other by a user (time order, ties by id; window 1, 2, 5 positions),
                  symmetric-normalised item-item matrix N, scores X N. Question: does the sequence adjacency that
                  helped plain EASE in session 2's prototypes add anything on top of the served form?
  grouplens       user-user Pearson on ratings over co-rated items (significance-weighted at 50 co-ratings, k
                  positive neighbours), the 1997 GroupLens predictor: predicted rating, predicted rating x
                  log(1 + support), and support alone. Question: MovieLens showed users the films its own
                  algorithm predicted highest; does that exposure explain which films were rated?

Usage (from the repository root):
  /usr/bin/python3 experiments/movielens/numpy-check/complements_14.py lightgcn-pages|adjacency|grouplens \
      [--data DIR] [--inner-seeds 1042,2042] [--out FILE.md]
lightgcn-pages needs PyTorch (CPU is enough: about 1 min per plain run, 2-3 min with the pages, 2 threads).
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prototype_common import evaluate_top10, inner_validation, served_closed_form, z  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("mode", choices=["lightgcn-pages", "lightgcn-settings", "adjacency", "grouplens"])
parser.add_argument("--data", default=os.path.join("..", "shared", "datasets", "movielens-100k"))
parser.add_argument("--inner-seeds", default="1042,2042")
parser.add_argument("--variants", default=None, help="lightgcn-pages: ';'-separated variant names (default: all)")
parser.add_argument("--out", default=None, help="Markdown file the result lines are appended to")
args = parser.parse_args()


def emit(line):
    print(line, flush=True)
    if args.out:
        with open(args.out, "a") as f:
            f.write(line + "\n")


def blends(served, scores, X, relevant, weights):
    return [(w, evaluate_top10(served + w * z(scores), X, relevant)[0]) for w in weights]


def ratings_and_stamps(X):
    """R (ratings of the inner training cells) and each user's (stamp, column) events, from u.data."""
    rows = np.loadtxt(os.path.join(args.data, "u.data"), dtype=np.int64)
    uid = {u: i for i, u in enumerate(np.unique(rows[:, 0]))}
    iid = {v: i for i, v in enumerate(np.unique(rows[:, 1]))}
    R = np.zeros(X.shape)
    events = {}
    for u, i, r, t in rows:
        a, b = uid[u], iid[i]
        if X[a, b] > 0:
            R[a, b] = r
            events.setdefault(a, []).append((t, b))
    return R, events


def lightgcn_pages(X, XP, served, relevant, page_weight, reg_pages, relay=False, dim=256, layers=2, lr=5e-3, l2=3e-4, every=25,
                   edge_dropout=0.0, noise=0.0):
    import torch
    import torch.nn.functional as F
    torch.manual_seed(0)
    U, I = X.shape
    P = XP[XP.sum(1) >= 2] if page_weight > 0 else np.zeros((0, I))
    A = torch.tensor(np.vstack([X, page_weight * P]), dtype=torch.float32)
    nodes = A.shape[0]
    du, di = A.sum(1), A.sum(0)
    An = A * torch.where(du > 0, du.rsqrt(), torch.zeros_like(du))[:, None] \
        * torch.where(di > 0, di.rsqrt(), torch.zeros_like(di))[None, :]
    E = torch.nn.Parameter(torch.randn(nodes + I, dim) * 0.1)
    opt = torch.optim.Adam([E], lr=lr)
    Xt = torch.tensor(X, dtype=torch.float32)
    active = (Xt.sum(1) > 0).sum()

    def propagate(train=False):
        eu, ei = E[:nodes], E[nodes:]
        if relay:  # the pages have no ego vectors of their own: layer 0 of a page is zero
            eu = torch.cat([eu[:U], torch.zeros_like(eu[U:])])
        G = An
        if train and edge_dropout > 0:  # DropEdge: a random share of the edges, the rest rescaled
            keep = (torch.rand_like(A) >= edge_dropout).float() * A
            ku, ki = keep.sum(1), keep.sum(0)
            G = keep * torch.where(ku > 0, ku.rsqrt(), torch.zeros_like(ku))[:, None] \
                * torch.where(ki > 0, ki.rsqrt(), torch.zeros_like(ki))[None, :]
        su, si = eu, ei
        for _ in range(layers):
            eu, ei = G @ ei, G.T @ eu
            if train and noise > 0:  # SimGCL's perturbation (without its contrastive loss): eps * sign(e) * |u|, u uniform
                eu = eu + noise * torch.sign(eu) * F.normalize(torch.rand_like(eu), dim=-1)
                ei = ei + noise * torch.sign(ei) * F.normalize(torch.rand_like(ei), dim=-1)
            su, si = su + eu, si + ei
        return su / (layers + 1), si / (layers + 1)

    best = (-1.0, 0, 0.0, 0.0)
    checks = []
    for step in range(1, 40 * every + 1):
        eu, ei = propagate(train=True)
        logits = eu[:U] @ ei.T
        penalty = (E[:U] ** 2).sum() + (E[nodes:] ** 2).sum() + ((E[U:nodes] ** 2).sum() if reg_pages else 0)
        loss = -(F.log_softmax(logits, -1) * Xt).sum() / active + l2 * penalty
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % every:
            continue
        with torch.no_grad():
            eu, ei = propagate()
            S = (eu[:U] @ ei.T).double().numpy()
        alone = evaluate_top10(S, X, relevant)[0]
        w, blend = max(blends(served, S, X, relevant, [0.5, 1, 1.5, 2, 3, 4]), key=lambda pair: pair[1])
        epoch = step // every
        checks.append(f"{epoch}:{alone:.4f}/{blend:.4f}")
        if blend > best[0]:
            best = (blend, epoch, alone, w)
        if epoch - best[1] >= 4:
            break
    return best, checks


seeds = [int(s) for s in args.inner_seeds.split(",")]
if args.out:
    with open(args.out, "a") as f:
        f.write(f"\n## {args.mode} ({time.strftime('%Y-%m-%d')}, numpy {np.__version__})\n\n")
for seed in seeds:
    X, XP, relevant, _ = inner_validation(args.data, seed)
    served = served_closed_form(X, XP)
    reference = evaluate_top10(served, X, relevant)[0]
    emit(f"- inner seed {seed}: served closed form NDCG@10 {reference:.4f}")
    if args.mode == "lightgcn-pages":
        variants = [("LightGCN (users only)", 0, False, False), ("+ pages as nodes", 1, False, False),
                    ("+ pages as nodes, L2 on their ego vectors", 1, True, False), ("+ pages as relay nodes (no ego vectors)", 1, False, True)]
        for name, page_weight, reg_pages, relay in [v for v in variants if not args.variants or v[0] in args.variants.split(";")]:
            started = time.time()
            (blend, epoch, alone, w), checks = lightgcn_pages(X, XP, served, relevant, page_weight, reg_pages, relay)
            emit(f"  - {name}: best blend {blend:.4f} ({(blend / reference - 1) * 100:+.1f} %, w {w}, epoch {epoch}; "
                 f"alone then {alone:.4f}) [{time.time() - started:.0f} s]; checks alone/blend: {' '.join(checks)}")
    elif args.mode == "lightgcn-settings":
        settings = [("defaults (d 256, 2 layers, rate 5e-3, L2 3e-4)", {}), ("d 512", {"dim": 512}), ("1 layer", {"layers": 1}),
                    ("rate 2e-3", {"lr": 2e-3}), ("L2 1e-4, d 512", {"dim": 512, "l2": 1e-4}), ("edge dropout 0.1", {"edge_dropout": 0.1}),
                    ("edge dropout 0.3", {"edge_dropout": 0.3}), ("layer noise 0.05", {"noise": 0.05}), ("layer noise 0.2", {"noise": 0.2}),
                    ("d 768", {"dim": 768}), ("d 1024", {"dim": 1024}), ("d 512, layer noise 0.2", {"dim": 512, "noise": 0.2})]
        for name, overrides in [v for v in settings if not args.variants or v[0] in args.variants.split(";")]:
            started = time.time()
            (blend, epoch, alone, w), checks = lightgcn_pages(X, XP, served, relevant, 0, False, **overrides)
            emit(f"  - {name}: best blend {blend:.4f} ({(blend / reference - 1) * 100:+.1f} %, w {w}, epoch {epoch}; "
                 f"alone then {alone:.4f}) [{time.time() - started:.0f} s]; checks alone/blend: {' '.join(checks)}")
    elif args.mode == "adjacency":
        _, events = ratings_and_stamps(X)
        I = X.shape[1]
        for window in [1, 2, 5]:
            C = np.zeros((I, I))
            for sequence in events.values():
                order = [column for _stamp, column in sorted(sequence)]
                for k in range(1, window + 1):
                    for p in range(len(order) - k):
                        C[order[p], order[p + k]] += 1
                        C[order[p + k], order[p]] += 1
            np.fill_diagonal(C, 0)
            degree = C.sum(1)
            scale = np.where(degree > 0, 1 / np.sqrt(np.maximum(degree, 1e-12)), 0)
            S = X @ (C * scale[:, None] * scale[None, :])
            alone = evaluate_top10(S, X, relevant)[0]
            emit(f"  - window {window}: alone {alone:.4f}; blend " + ", ".join(
                f"w {w} {b:.4f} ({(b / reference - 1) * 100:+.1f} %)" for w, b in blends(served, S, X, relevant, [0.1, 0.25, 0.5, 1])))
    else:
        R, _ = ratings_and_stamps(X)
        M = (R > 0).astype(float)
        mean = R.sum(1) / M.sum(1)
        C = (R - mean[:, None]) * M
        squares = C ** 2
        denominator = np.sqrt(squares @ M.T) * np.sqrt(M @ squares.T)
        pearson = np.where(denominator > 0, (C @ C.T) / np.maximum(denominator, 1e-9), 0)
        pearson *= np.minimum(M @ M.T, 50) / 50
        np.fill_diagonal(pearson, 0)
        for k in [30, 100]:
            W = pearson.copy()
            np.put_along_axis(W, np.argsort(-W, axis=1)[:, k:], 0, axis=1)
            W = np.maximum(W, 0)
            support = W @ M
            predicted = mean[:, None] + np.where(support > 0, (W @ C) / np.maximum(support, 1e-9), 0)
            for name, S in [("predicted rating", predicted), ("predicted rating x log(1 + support)", predicted * np.log1p(support)),
                            ("support", support)]:
                alone = evaluate_top10(S, X, relevant)[0]
                emit(f"  - k {k}, {name}: alone {alone:.4f}; blend " + ", ".join(
                    f"w {w} {b:.4f} ({(b / reference - 1) * 100:+.1f} %)" for w, b in blends(served, S, X, relevant, [0.1, 0.25, 0.5])))
