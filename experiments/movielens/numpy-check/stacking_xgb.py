"""Gradient-boosted stacking prototype (not part of CI): xgboost re-ranks the served closed form's top 50.

Features per (user, candidate): the served score and its parts (page-EASE λ 300, ideal low-pass k 128), EASE λ 500 and
ItemKNN (k 200) scores, all z-scored per user; rank; demographic (gender x age) and occupation popularity lift; genre
affinity; release-year distance; log popularity and history length; and, unless --no-context, time and side features
(item age at the user's last rating, the user's rating span, the item's count in the 30 days before the user's last
rating, item and user mean rating, age, gender, year). The ranker is fitted on inner 90/10 splits of the P1 training
part (seeds 1042 and 2042; 3042 for early stopping on NDCG@10), base models fitted on the 90 %, targets the 10 %; it
then re-ranks the candidates of base models fitted on the whole training part, scored on the P1 test part.

Needs xgboost (Debian: `apt-get install python3-xgboost`, then run with /usr/bin/python3). From the repository root:
  /usr/bin/python3 experiments/movielens/numpy-check/stacking_xgb.py [--data DIR] [--seeds 42,7,1] [--no-context]
"""
import argparse
import os
import time

parser = argparse.ArgumentParser()
parser.add_argument("--data", default=os.path.join("..", "shared", "datasets", "movielens-100k"))
parser.add_argument("--seeds", default="42,7,1")
parser.add_argument("--no-context", action="store_true", help="leave out the time and side features")
args = parser.parse_args()
import numpy as np
import xgboost as xgb
from ease_check import stratified_split
from prototype_common import ranked_top10
import stacking_features as sf
from stacking_features import K, base, feats, labels

SEEDS = [int(s) for s in args.seeds.split(",")]
INNER = [1042, 2042, 3042]
sf.setup(args.data, args.no_context)
users, nU = sf.users, sf.nU


ndcg = ranked_top10


def dmat(F, y):
    d = xgb.DMatrix(F.reshape(-1, F.shape[-1]), label=y.reshape(-1).astype(float))
    d.set_group([K] * F.shape[0]); return d


res = {}
for seed in SEEDS:
    t0 = time.time()
    train, test = stratified_split(users, seed)
    Fs, ys = [], []
    for inner in INNER:
        a, bb = stratified_split(users[train], inner, ratio=0.9)
        b = base(train[a]); cand, F, names = feats(b); y, _ = labels(cand, train[bb])
        Fs.append(F); ys.append(y)
    b2 = base(train); c2, F2, _ = feats(b2); y2, rel2 = labels(c2, test)
    served = ndcg(c2, rel2)
    dtr = dmat(np.concatenate(Fs[:-1]), np.concatenate(ys[:-1])); dva = dmat(Fs[-1], ys[-1])
    out = [f"seed {seed}: served {served[0]:.4f}/{served[1]:.4f}"]
    for obj, depth, eta in [("rank:ndcg", 2, 0.05), ("rank:ndcg", 4, 0.05), ("rank:pairwise", 2, 0.05), ("binary:logistic", 6, 0.05)]:
        params = dict(objective=obj, eta=eta, max_depth=depth, subsample=0.8, colsample_bytree=0.8, min_child_weight=20,
                      eval_metric="ndcg@10", tree_method="hist", seed=seed, nthread=2)
        m = xgb.train(params, dtr, 1000, evals=[(dva, "va")], early_stopping_rounds=50, verbose_eval=False)
        s = m.predict(xgb.DMatrix(F2.reshape(-1, F2.shape[-1])), iteration_range=(0, m.best_iteration + 1)).reshape(nU, K)
        r = ndcg(np.take_along_axis(c2, np.argsort(-s, 1, kind="stable"), 1), rel2)
        res.setdefault((obj, depth), []).append(r)
        out.append(f"{obj} d{depth} it{m.best_iteration} {r[0]:.4f}/{r[1]:.4f}")
    res.setdefault("served", []).append(served)
    print(" | ".join(out), f"({time.time()-t0:.0f}s)", flush=True)
for k, v in res.items():
    v = np.array(v); print(k, "mean NDCG@10 %.4f P@10 %.4f" % tuple(v.mean(0)))
