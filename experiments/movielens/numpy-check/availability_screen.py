"""Session 21 screen (numpy, not in CI): can an item's entry time into the data (its first rating by anyone in the fit rows) vs the user's
activity window rule items out? Inner split of seed 42 (prototype_common.inner_validation).

Usage (from the repository root): python3 experiments/movielens/numpy-check/availability_screen.py [INNER_SEED]
(default 1042; prints its output)
"""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
from prototype_common import inner_validation, served_closed_form, evaluate_top10, page_matrices, ease, usage_on_help, z
from ease_check import stratified_split

DATA = os.environ.get("MOVIELENS_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../shared/datasets/movielens-100k"))
usage_on_help(__doc__)
inner_seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1042
rows = np.loadtxt(os.path.join(DATA, "u.data"), dtype=np.int64)
users, items, stamps = rows[:, 0], rows[:, 1], rows[:, 3]
uidx = {u: i for i, u in enumerate(np.unique(users))}
iidx = {v: i for i, v in enumerate(np.unique(items))}
train, _ = stratified_split(users, 42)
fit, valid = stratified_split(users[train], inner_seed, ratio=0.9)
fit_rows, valid_rows = train[fit], train[valid]
X, XP = page_matrices(users, items, stamps, fit_rows, uidx, iidx)
rel = {}
for r in valid_rows:
    rel.setdefault(uidx[users[r]], set()).add(iidx[items[r]])
nU, nI = X.shape
first = np.full(nI, np.inf); last = np.full(nI, -np.inf)
ufirst = np.full(nU, np.inf); ulast = np.full(nU, -np.inf)
for r in fit_rows:
    i, u, t = iidx[items[r]], uidx[users[r]], stamps[r]
    first[i] = min(first[i], t); last[i] = max(last[i], t)
    ufirst[u] = min(ufirst[u], t); ulast[u] = max(ulast[u], t)
# how many validation pairs are 'impossible' under slack s
day = 86400
for s in [0, 1, 7, 30]:
    bad = sum(1 for r in valid_rows if first[iidx[items[r]]] > ulast[uidx[users[r]]] + s * day)
    print(f"slack {s} d: valid pairs with item entering after user's last fit rating: {bad} / {len(valid_rows)}")
base = served_closed_form(X, XP)
print("served", evaluate_top10(base, X, rel))
# how much of the top-10 is 'impossible'
S = base.copy(); S[X > 0] = -np.inf
top = np.argsort(-S, 1)[:, :10]
imp = (first[top] > ulast[:, None] + 0 * day).mean()
print("share of top-10 slots entering after the user's last rating", imp)
for s in [0, 1, 3, 7, 30]:
    S2 = base.copy()
    S2[first[None, :] > ulast[:, None] + s * day] -= 100
    print(f"hard filter slack {s} d", evaluate_top10(S2, X, rel))
# soft: how many ratings did item receive within the user's window (+-w days) relative to its total
order = np.argsort(stamps[fit_rows])
fs = stamps[fit_rows]; fi = np.array([iidx[v] for v in items[fit_rows]])
for w in [1, 7, 30]:
    # count of ratings of item i within [ufirst-w, ulast+w]
    cnt = np.zeros((nU, nI))
    srt = np.argsort(fs); fs_s = fs[srt]; fi_s = fi[srt]
    for u in range(nU):
        lo = np.searchsorted(fs_s, ufirst[u] - w * day); hi = np.searchsorted(fs_s, ulast[u] + w * day, 'right')
        np.add.at(cnt[u], fi_s[lo:hi], 1)
    tot = X.sum(0) + XP.sum(0) * 0 + 1
    share = np.log1p(cnt) - np.log1p(X.sum(0))[None, :]
    for a in [0.05, 0.1, 0.25]:
        print(f"soft window {w} d weight {a}", evaluate_top10(z(base) + a * z(share), X, rel))
