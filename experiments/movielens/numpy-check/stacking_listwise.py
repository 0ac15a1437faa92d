"""Listwise stacking prototype (not part of CI): a linear or one-hidden-layer ranker, trained with a listwise softmax
loss (Adam, batches of 64 users, early stopping on NDCG@10), re-ranks the served closed form's top 50 with the features
of `stacking_features.py` (those of the xgboost screen, `stacking_xgb.py`). It starts at the served ranking (weight 1 on
the standardised served score, everything else 0), so epoch 0 is the closed form. Fitted on inner 90/10 splits of each
P1 training part (seeds 1042 and 2042, early stopping on 3042; with --one-inner: 1042 alone, a quarter of its users for
early stopping), applied to the base models refitted on the whole training part, scored on the P1 test part.

The question it answers: does a gradient-trained ranker (what the tfjs port would be) keep xgboost's small gain?
From the repository root:
  python3 experiments/movielens/numpy-check/stacking_listwise.py [--split per-group|sorted] [--hidden 0|16] [--one-inner]
"""
import argparse
import os
import time

parser = argparse.ArgumentParser()
parser.add_argument("--data", default=os.path.join("..", "shared", "datasets", "movielens-100k"))
parser.add_argument("--seeds", default="42,7,1")
parser.add_argument("--split", choices=["per-group", "sorted"], default="per-group", help="Recommenders' older or current split (ease_check.py)")
parser.add_argument("--hidden", type=int, default=0, help="hidden ReLU units beside the linear part (0: linear)")
parser.add_argument("--l2", type=float, default=1e-4)
parser.add_argument("--lr", type=float, default=3e-3)
parser.add_argument("--one-inner", action="store_true")
args = parser.parse_args()
import numpy as np
from ease_check import sorted_stratified_split, stratified_split
from prototype_common import ranked_top10
import stacking_features as sf
from stacking_features import base, feats, labels

SEEDS = [int(s) for s in args.seeds.split(",")]
INNER = [1042, 2042, 3042]
sf.setup(args.data)
users, nU = sf.users, sf.nU
ndcg = ranked_top10


def split(groups, seed, ratio=0.75):
    if args.split == "sorted":
        return sorted_stratified_split(groups, seed, ratio)
    return stratified_split(groups, seed, ratio)


def softmax_rows(s):
    s = s - s.max(1, keepdims=True); e = np.exp(s); return e / e.sum(1, keepdims=True)

class Ranker:
    def __init__(self, d, h, rng, served_col):
        self.w = np.zeros(d); self.w[served_col] = 1.0  # start at the served ranking (features standardised)
        self.h = h
        if h:
            self.W1 = rng.normal(0, 1 / np.sqrt(d), (d, h)); self.b1 = np.zeros(h); self.w2 = np.zeros(h)
        self.params = ["w"] + (["W1", "b1", "w2"] if h else [])
        self.m = {p: 0 for p in self.params}; self.v = {p: 0 for p in self.params}; self.t = 0
    def score(self, F, cache=False):
        s = F @ self.w
        if self.h:
            a = F @ self.W1 + self.b1; r = np.maximum(a, 0); s = s + r @ self.w2
            if cache: self.c = (a, r)
        return s
    def step(self, F, y, lr, l2):
        s = self.score(F, True); p = softmax_rows(s)
        yn = y / np.maximum(y.sum(1, keepdims=True), 1)
        has = y.sum(1) > 0
        g = (p - yn) * has[:, None] / max(has.sum(), 1)  # dL/ds
        grads = {"w": np.einsum("uk,ukd->d", g, F)}
        if self.h:
            a, r = self.c
            grads["w2"] = np.einsum("uk,ukh->h", g, r)
            ga = g[:, :, None] * self.w2[None, None, :] * (a > 0)
            grads["W1"] = np.einsum("ukd,ukh->dh", F, ga); grads["b1"] = ga.sum((0, 1))
        self.t += 1
        for p_ in self.params:
            gr = grads[p_] + l2 * getattr(self, p_)
            self.m[p_] = 0.9 * self.m[p_] + 0.1 * gr; self.v[p_] = 0.999 * self.v[p_] + 0.001 * gr * gr
            mh = self.m[p_] / (1 - 0.9 ** self.t); vh = self.v[p_] / (1 - 0.999 ** self.t)
            setattr(self, p_, getattr(self, p_) - lr * mh / (np.sqrt(vh) + 1e-8))

res = {}
for seed in SEEDS:
    t0 = time.time()
    train, test = split(users, seed)
    Fs, ys, cs = [], [], []
    for inner in (INNER[:1] if args.one_inner else INNER):
        a, bb = split(users[train], inner, 0.9)
        b = base(train[a]); cand, F, names = feats(b); y, rel = labels(cand, train[bb])
        Fs.append(F); ys.append(y); cs.append((cand, rel))
    b2 = base(train); c2, F2, _ = feats(b2); y2, rel2 = labels(c2, test)
    served = ndcg(c2, rel2)
    if args.one_inner:
        # one inner split: a quarter of its users stop early, the rest train
        perm0 = np.random.default_rng(seed).permutation(nU); stop = perm0[: nU // 4]; tr = perm0[nU // 4:]
        Fs = [Fs[0][tr], Fs[0][stop]]; ys = [ys[0][tr], ys[0][stop]]; cs = [None, (cs[0][0][stop], cs[0][1][stop])]
    Ftr = np.concatenate(Fs[:-1]); ytr = np.concatenate(ys[:-1]).astype(float)
    mu = Ftr.reshape(-1, Ftr.shape[-1]).mean(0); sd = Ftr.reshape(-1, Ftr.shape[-1]).std(0) + 1e-9
    st = lambda F: (F - mu) / sd
    Ftr = st(Ftr); Fva = st(Fs[-1]); F2s = st(F2)
    rng = np.random.default_rng(seed)
    served_col = names.index("served")
    R = Ranker(Ftr.shape[-1], args.hidden, rng, served_col)
    # undo the standardisation scale for the served column start: w=1 on standardised served is the same order
    va0 = ndcg(np.take_along_axis(cs[-1][0], np.argsort(-R.score(Fva), 1, kind="stable"), 1), cs[-1][1])[0]
    best = (va0, 0, {p: getattr(R, p).copy() for p in R.params})
    for ep in range(1, 31):
        perm = rng.permutation(len(Ftr))
        for i in range(0, len(perm), 64):
            j = perm[i:i + 64]; R.step(Ftr[j], ytr[j], args.lr, args.l2)
        va = ndcg(np.take_along_axis(cs[-1][0], np.argsort(-R.score(Fva), 1, kind="stable"), 1), cs[-1][1])[0]
        if va > best[0]: best = (va, ep, {p: getattr(R, p).copy() for p in R.params})
        if ep - best[1] >= 5: break
    for p, v in best[2].items(): setattr(R, p, v)
    r = ndcg(np.take_along_axis(c2, np.argsort(-R.score(F2s), 1, kind="stable"), 1), rel2)
    res.setdefault("served", []).append(served); res.setdefault("ranker", []).append(r)
    print(f"seed {seed}: served {served[0]:.4f}/{served[1]:.4f} | val {va0:.4f}->{best[0]:.4f} ep {best[1]} | ranker {r[0]:.4f}/{r[1]:.4f} ({time.time()-t0:.0f}s)", flush=True)
for k, v in res.items():
    v = np.array(v); print(k, "mean NDCG@10 %.4f P@10 %.4f" % tuple(v.mean(0)))
