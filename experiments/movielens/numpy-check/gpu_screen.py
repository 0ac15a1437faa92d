"""GPU screen of learned neural recommenders on the P1 inner validation split (PyTorch prototype; not part of CI).

Families too costly to tune broadly on the 2-core CPU, trained with PyTorch (CUDA when available, CPU otherwise) on
the inner split the numpy prototypes share (seed 42's P1 training part, split again per user 90/10 with
`--inner-seed`, 1042 by default; the P1 test part is never read):
  - Mult-VAE (Liang et al. 2018): tanh MLP encoder/decoder (H0: none), multinomial likelihood, KL annealed
    linearly to β over the first half of the steps; "+pages": the rating-page rows as extra training rows.
  - RecVAE (Shenbin et al. 2020): the paper's dense 5-layer swish/LayerNorm encoder, composite prior (standard,
    previous-epoch posterior, wide), KL weight γ·|x_u|, alternating encoder (3 passes) / decoder (1 pass) updates.
    Both VAEs train an ensemble of `SEEDS` seeds in lockstep (batched weights); their score is the mean of the seeds'
    per-user z-scored logits.
  - A linear item-item model (denoising, multinomial/softmax loss, zero diagonal, L2 on B, learned temperature),
    initialised from page-EASE's B (λ 300) or from zero; optionally trained on the rating-page rows as well.
  - SASRec-style causal transformer (pre-LN blocks, GELU, tied item embeddings N(0, 0.02) plus an item bias): full
    softmax cross-entropy over the items, next-item loss on each user's time-ordered inner training sequence (u.data
    timestamps, ties by item id; windows of 200), scored from the whole history (last 200 items) either by the last
    position ("last") or by the mean log-softmax over every position ("mean").
  - LightGCN (He et al. 2020; mean of layers 0..K over the user-item graph) with a full-batch multinomial loss and
    L2 on the ego embeddings instead of BPR.
Each setting is early-stopped on the validation split itself (checkpoints every few epochs, torch re-implementation
of `evaluate_top10`, checked equal to it on the reference): the alone score at the epoch with the best alone
NDCG@10, the blends at the epoch with the best blend. Every reported number comes from
`prototype_common.evaluate_top10`. The blend is exactly the served closed form plus w times the model's per-user
z-scores: served + w · z(S), w in {0.1, 0.25, 0.5, 1.0}, with served = z(page-EASE λ 300) + 0.25 · z(ideal low-pass
k 128 with pages), 0.1833 on inner seed 1042. Choosing epoch, w and setting on the split that scores them is an
optimistic upper bound; so the best settings per family (by best blend) are re-trained on a second inner split
(`--confirm-seed`, 2042 by default) for the epochs chosen on the first, and scored there with every w (the w chosen
on the first split is marked).

Usage (from the repository root, or from this folder with --data relative to it):
  python3 experiments/movielens/numpy-check/gpu_screen.py [--data DIR] [--inner-seed 1042] [--confirm-seed 2042]
      [--confirm-top 3] [--families multvae,recvae,linear,sasrec,lightgcn] [--out FILE.md] [--smoke]
`--out` appends every result line to a Markdown file as it goes. `--smoke` shrinks every grid and epoch count (a
quick end-to-end check, e.g. on CPU). Each family has a wall-time budget (scaled by `--budget-scale`); settings past
it are skipped and said so, as is every setting after `--deadline` seconds.
"""
import argparse
import copy
import datetime
import math
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prototype_common import DISCOUNTS, ease, evaluate_top10, inner_validation, served_closed_form, z  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--data", default=os.path.join("..", "shared", "datasets", "movielens-100k"))
parser.add_argument("--inner-seed", type=int, default=1042)
parser.add_argument("--confirm-seed", type=int, default=2042, help="second inner split; 0 skips the confirmation")
parser.add_argument("--confirm-top", type=int, default=3, help="settings per family re-run on the second split")
parser.add_argument("--families", default="multvae,recvae,linear,sasrec,lightgcn")
parser.add_argument("--out", default=None, help="Markdown file the result lines are appended to")
parser.add_argument("--smoke", action="store_true", help="tiny grids and epoch counts")
parser.add_argument("--max-settings", type=int, default=0, help="only the first N settings of each grid (0: all)")
parser.add_argument("--budget-scale", type=float, default=1.0, help="scales every family's wall-time budget")
parser.add_argument("--deadline", type=float, default=360,
                    help="seconds after start past which no further setting starts (the summary is still written)")
parser.add_argument("--device", default=None, help="torch device (default: cuda when available, else cpu)")
args = parser.parse_args()

# torch is imported after the options, so --help works where it is not installed
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

if args.device is None:
    args.device = "cuda" if torch.cuda.is_available() else "cpu"

DEVICE = torch.device(args.device)
WEIGHTS = [0.1, 0.25, 0.5, 1.0]
SEEDS = 2 if args.smoke else 3
# family -> (screen budget, confirmation budget) in seconds of wall time on the device
BUDGETS = {"multvae": (50, 12), "recvae": (45, 15), "linear": (35, 12), "sasrec": (60, 18), "lightgcn": (25, 8)}
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False


def emit(line="", md=None):
    """Print `line` (flushed) and append it (or `md`) to the --out Markdown file."""
    print(line, flush=True)
    if args.out:
        with open(args.out, "a") as f:
            f.write((line if md is None else md) + "\n")


def result(line):
    emit(line, f"- {line}")


def pct(value, reference):
    return f"{(value / reference - 1) * 100:+.1f}%"


def tz(S):
    """z() on a torch tensor (rows, population std)."""
    return (S - S.mean(1, keepdim=True)) / (S.std(1, unbiased=False, keepdim=True) + 1e-9)


class Split:
    """One inner validation split: numpy matrices, the served closed form, torch copies and the torch evaluation."""

    def __init__(self, seed):
        started = time.time()
        self.seed = seed
        X, XP, relevant, item_index = inner_validation(args.data, seed)
        self.X, self.XP, self.relevant = X, XP, relevant
        self.B_ease = ease(X.T @ X + XP.T @ XP, 300)
        self.served = served_closed_form(X, XP, self.B_ease)
        self.reference = evaluate_top10(self.served, X, relevant)
        self.Xt = torch.tensor(X, dtype=torch.float32, device=DEVICE)
        self.XPt = torch.tensor(XP, dtype=torch.float32, device=DEVICE)
        self.mask = torch.tensor(X > 0, device=DEVICE)
        users = sorted(relevant)
        self.eval_users = torch.tensor(users, device=DEVICE)
        R = np.zeros((len(users), X.shape[1]))
        for row, u in enumerate(users):
            R[row, list(relevant[u])] = 1
        self.R = torch.tensor(R, device=DEVICE)
        ideal = np.cumsum(DISCOUNTS)
        self.idcg = torch.tensor([ideal[min(10, len(relevant[u])) - 1] for u in users], device=DEVICE)
        self.discounts = torch.tensor(DISCOUNTS, device=DEVICE)
        self.served_t = torch.tensor(self.served, device=DEVICE)
        self.sequences = self._sequences(item_index)
        self.setup_s = time.time() - started

    def _sequences(self, item_index):
        """Each user's inner training items ordered by timestamp, ties by item id, as tokens (column + 1)."""
        rows = np.loadtxt(os.path.join(args.data, "u.data"), dtype=np.int64)
        user_ids = np.unique(rows[:, 0])
        user_index = {u: i for i, u in enumerate(user_ids)}
        events = [[] for _ in user_ids]
        for user, item, _rating, stamp in rows:
            u, i = user_index[user], item_index[item]
            if self.X[u, i] > 0:
                events[u].append((stamp, item, i + 1))
        return [[token for _s, _i, token in sorted(e)] for e in events]

    def t_eval(self, scores):
        """(NDCG@10, P@10) of float64 `scores` (users x items) on the device; evaluate_top10's definitions."""
        s = scores.masked_fill(self.mask, -math.inf)[self.eval_users]
        top = s.topk(10, dim=1).indices
        hits = self.R.gather(1, top)
        ndcg = ((hits * self.discounts).sum(1) / self.idcg).mean().item()
        return ndcg, (hits.sum(1).mean() / 10).item()


class Tracker:
    """Checkpoint bookkeeping for one training run. Free mode: keeps the scores at the epoch with the best alone
    NDCG@10 and at the epoch with the best blend (max over w). Fixed mode (`fixed`: mode -> (alone epoch, blend
    epoch)): keeps the scores at those epochs."""

    def __init__(self, split, eval_every, fixed=None, zero=False):
        self.split, self.eval_every, self.fixed, self.zero = split, eval_every, fixed, zero
        self.best = {}

    def wants(self, epoch):
        if self.fixed is not None:
            return any(epoch in pair for pair in self.fixed.values())
        return (epoch > 0 or self.zero) and epoch % self.eval_every == 0

    def check(self, epoch, scores):
        for mode, S in scores.items():
            S = S.double()
            slot = self.best.setdefault(mode, {"alone": (-1.0, 0, None), "blend": (-1.0, 0, None)})
            if self.fixed is not None:
                if epoch == self.fixed[mode][0]:
                    slot["alone"] = (0.0, epoch, S.cpu().numpy())
                if epoch == self.fixed[mode][1]:
                    slot["blend"] = (0.0, epoch, S.cpu().numpy())
                continue
            alone = self.split.t_eval(S)[0]
            zS = tz(S)
            blend = max(self.split.t_eval(self.split.served_t + w * zS)[0] for w in WEIGHTS)
            if alone > slot["alone"][0]:
                slot["alone"] = (alone, epoch, S.cpu().numpy())
            if blend > slot["blend"][0]:
                slot["blend"] = (blend, epoch, S.cpu().numpy())


MISMATCHES = []


def report(split, family, name, tracker, seconds, chosen_w=None):
    """Score the tracked snapshots with evaluate_top10, emit one line per mode, return the records."""
    records = []
    ref = split.reference[0]
    for mode, slot in tracker.best.items():
        _, e_alone, S_alone = slot["alone"]
        _, e_blend, S_blend = slot["blend"]
        alone = evaluate_top10(S_alone, split.X, split.relevant)
        check = split.t_eval(torch.tensor(S_alone, device=DEVICE))
        if abs(check[0] - alone[0]) > 1e-9 or abs(check[1] - alone[1]) > 1e-9:
            MISMATCHES.append(f"{family} {name} {mode}: numpy {alone[0]:.6f} torch {check[0]:.6f}")
        blends = [evaluate_top10(split.served + w * z(S_blend), split.X, split.relevant)[0] for w in WEIGHTS]
        label = f"{name} {mode}".strip()
        line = (f"[split {split.seed}] {family} {label}: alone NDCG@10 {alone[0]:.4f} P@10 {alone[1]:.4f} "
                f"({pct(alone[0], ref)}, ep {e_alone}) | blend ep {e_blend}:")
        for w, b in zip(WEIGHTS, blends):
            mark = "*" if chosen_w is not None and w == chosen_w else ""
            line += f" +{w}{mark} {b:.4f} ({pct(b, ref)})"
        line += f" [{seconds:.1f} s]"
        result(line)
        best = int(np.argmax(blends))
        records.append({"family": family, "name": name, "mode": mode, "label": label, "alone": alone,
                        "e_alone": e_alone, "e_blend": e_blend, "blends": blends, "best_w": WEIGHTS[best],
                        "best_blend": blends[best], "seconds": seconds})
    return records


def batches(n, size):
    perm = torch.randperm(n, device=DEVICE)
    return [perm[i:i + size] for i in range(0, n, size)]


# ---------------------------------------------------------------- batched (lockstep-seed) layers for the VAEs

class BLinear(torch.nn.Module):
    """`seeds` independent linear layers applied to [seeds, batch, n_in] (Xavier-normal weights, bias ~ N(0, 1e-3))."""

    def __init__(self, seeds, n_in, n_out):
        super().__init__()
        std = math.sqrt(2.0 / (n_in + n_out))
        self.w = torch.nn.Parameter(torch.randn(seeds, n_in, n_out, device=DEVICE) * std)
        self.b = torch.nn.Parameter(torch.randn(seeds, 1, n_out, device=DEVICE) * 1e-3)

    def forward(self, x):
        return torch.baddbmm(self.b, x, self.w)


class BLayerNorm(torch.nn.Module):
    def __init__(self, seeds, dim, eps=0.1):
        super().__init__()
        self.eps = eps
        self.w = torch.nn.Parameter(torch.ones(seeds, 1, dim, device=DEVICE))
        self.b = torch.nn.Parameter(torch.zeros(seeds, 1, dim, device=DEVICE))

    def forward(self, x):
        return F.layer_norm(x, x.shape[-1:], eps=self.eps) * self.w + self.b


def ensemble_scores(logits):
    """Mean over the seeds (dim 0) of the per-user z-scored logits."""
    return torch.stack([tz(l.double()) for l in logits]).mean(0)


# ---------------------------------------------------------------- Mult-VAE

class MultVAE(torch.nn.Module):
    def __init__(self, seeds, n_items, hidden, latent):
        super().__init__()
        dims = [n_items] + ([hidden] if hidden else []) + [latent]
        self.latent = latent
        self.enc = torch.nn.ModuleList(BLinear(seeds, a, b) for a, b in zip(dims[:-2], dims[1:-1]))
        self.enc_out = BLinear(seeds, dims[-2], 2 * latent)
        back = dims[::-1]
        self.dec = torch.nn.ModuleList(BLinear(seeds, a, b) for a, b in zip(back[:-1], back[1:]))

    def forward(self, x, dropout):
        h = F.dropout(F.normalize(x, dim=-1), dropout, self.training)
        for layer in self.enc:
            h = torch.tanh(layer(h))
        out = self.enc_out(h)
        mu, logvar = out[..., :self.latent], out[..., self.latent:]
        h = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if self.training else mu
        for k, layer in enumerate(self.dec):
            h = layer(h)
            if k < len(self.dec) - 1:
                h = torch.tanh(h)
        return h, mu, logvar


def train_multvae(split, cfg, tracker, epochs):
    torch.manual_seed(cfg.get("seed", 0))
    rows = torch.cat([split.Xt, split.XPt]) if cfg.get("pages") else split.Xt
    model = MultVAE(SEEDS, rows.shape[1], cfg["hidden"], cfg["latent"])
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"], weight_decay=cfg.get("wd", 0.0))
    steps_per_epoch = math.ceil(len(rows) / cfg["batch"])
    anneal_steps = max(1, epochs * steps_per_epoch // 2)
    step = 0

    def scores():
        model.eval()
        with torch.no_grad():
            logits, _, _ = model(split.Xt.expand(SEEDS, -1, -1), 0.0)
        model.train()
        return {"": ensemble_scores(logits)}

    for epoch in range(1, epochs + 1):
        for idx in batches(len(rows), cfg["batch"]):
            x = rows[idx].expand(SEEDS, -1, -1)
            logits, mu, logvar = model(x, cfg["dropout"])
            nll = -(F.log_softmax(logits, -1) * x).sum(-1).mean(-1)
            kl = (0.5 * (-logvar + logvar.exp() + mu ** 2 - 1)).sum(-1).mean(-1)
            beta = cfg["beta"] * min(1.0, step / anneal_steps)
            loss = (nll + beta * kl).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
        if tracker.wants(epoch):
            tracker.check(epoch, scores())


# ---------------------------------------------------------------- RecVAE

def log_norm_pdf(x, mu, logvar):
    return -0.5 * (logvar + math.log(2 * math.pi) + (x - mu).pow(2) / logvar.exp())


class RecEncoder(torch.nn.Module):
    def __init__(self, seeds, n_items, hidden, latent):
        super().__init__()
        self.fc = torch.nn.ModuleList([BLinear(seeds, n_items, hidden)] +
                                      [BLinear(seeds, hidden, hidden) for _ in range(4)])
        self.ln = torch.nn.ModuleList(BLayerNorm(seeds, hidden) for _ in range(5))
        self.mu = BLinear(seeds, hidden, latent)
        self.logvar = BLinear(seeds, hidden, latent)

    def forward(self, x, dropout):
        x = F.dropout(F.normalize(x, dim=-1), dropout, self.training)
        hs = []
        for fc, ln in zip(self.fc, self.ln):
            pre = fc(hs[-1] if hs else x)
            for h in hs:
                pre = pre + h
            hs.append(ln(pre * torch.sigmoid(pre)))
        return self.mu(hs[-1]), self.logvar(hs[-1])


class RecVAE(torch.nn.Module):
    def __init__(self, seeds, n_items, hidden, latent, mixture=(3 / 20, 3 / 4, 1 / 10)):
        super().__init__()
        self.encoder = RecEncoder(seeds, n_items, hidden, latent)
        self.old = copy.deepcopy(self.encoder)
        self.old.requires_grad_(False)
        self.decoder = BLinear(seeds, latent, n_items)
        self.log_mix = [math.log(w) for w in mixture]

    def prior(self, x, zz):
        with torch.no_grad():
            self.old.eval()
            post_mu, post_logvar = self.old(x, 0.0)
        zero = torch.zeros_like(zz)
        parts = [log_norm_pdf(zz, zero, zero) + self.log_mix[0],
                 log_norm_pdf(zz, post_mu, post_logvar) + self.log_mix[1],
                 log_norm_pdf(zz, zero, zero + 10) + self.log_mix[2]]
        return torch.logsumexp(torch.stack(parts, -1), -1)

    def loss(self, x, gamma, dropout):
        mu, logvar = self.encoder(x, dropout)
        zz = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        logits = self.decoder(zz)
        mll = (F.log_softmax(logits, -1) * x).sum(-1).mean(-1)
        kl_weight = gamma * x.sum(-1)
        kld = ((log_norm_pdf(zz, mu, logvar) - self.prior(x, zz)).sum(-1) * kl_weight).mean(-1)
        return (kld - mll).sum()

    def scores(self, x):
        self.encoder.eval()
        mu, _ = self.encoder(x, 0.0)
        self.encoder.train()
        return self.decoder(mu)


def train_recvae(split, cfg, tracker, epochs):
    torch.manual_seed(cfg.get("seed", 0))
    rows = split.Xt
    model = RecVAE(SEEDS, rows.shape[1], cfg["hidden"], cfg["latent"])
    opt_enc = torch.optim.Adam(model.encoder.parameters(), lr=cfg["lr"])
    opt_dec = torch.optim.Adam(model.decoder.parameters(), lr=cfg["lr"])
    for epoch in range(1, epochs + 1):
        for opt, passes, dropout in [(opt_enc, 3, cfg["dropout"]), (opt_dec, 1, 0.0)]:
            for _ in range(passes):
                for idx in batches(len(rows), cfg["batch"]):
                    loss = model.loss(rows[idx].expand(SEEDS, -1, -1), cfg["gamma"], dropout)
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
            if opt is opt_enc:
                model.old.load_state_dict(model.encoder.state_dict())
        if tracker.wants(epoch):
            with torch.no_grad():
                tracker.check(epoch, {"": ensemble_scores(model.scores(split.Xt.expand(SEEDS, -1, -1)))})


# ---------------------------------------------------------------- linear item-item (denoising, softmax loss)

def train_linear(split, cfg, tracker, epochs):
    torch.manual_seed(cfg.get("seed", 0))
    n = split.Xt.shape[1]
    if cfg["init"] == "ease":
        B = torch.nn.Parameter(torch.tensor(split.B_ease, dtype=torch.float32, device=DEVICE))
    else:
        B = torch.nn.Parameter(torch.zeros(n, n, device=DEVICE))
    log_t = torch.nn.Parameter(torch.tensor(math.log(cfg["temp"]), device=DEVICE))
    offdiag = 1 - torch.eye(n, device=DEVICE)
    rows = torch.cat([split.Xt, split.XPt]) if cfg.get("pages") else split.Xt
    opt = torch.optim.Adam([{"params": [B], "lr": cfg["lr"]}, {"params": [log_t], "lr": 1e-2}])

    def scores():
        with torch.no_grad():
            return {"": split.Xt @ (B * offdiag)}

    if tracker.wants(0):
        tracker.check(0, scores())
    for epoch in range(1, epochs + 1):
        for idx in batches(len(rows), cfg["batch"]):
            x = rows[idx]
            s = (F.dropout(x, cfg["dropout"]) @ (B * offdiag)) * log_t.exp()
            loss = -(F.log_softmax(s, -1) * x).sum(-1).mean() + cfg["wd"] * (B ** 2).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
        if tracker.wants(epoch):
            tracker.check(epoch, scores())


# ---------------------------------------------------------------- SASRec-style causal transformer

class SASRec(torch.nn.Module):
    def __init__(self, n_items, dim, blocks, heads, dropout, length):
        super().__init__()
        self.dim = dim
        self.item = torch.nn.Embedding(n_items + 1, dim, padding_idx=0)
        self.pos = torch.nn.Embedding(length, dim)
        self.drop = torch.nn.Dropout(dropout)
        layer = torch.nn.TransformerEncoderLayer(dim, heads, 2 * dim, dropout, activation="gelu", batch_first=True,
                                                 norm_first=True)
        self.blocks = torch.nn.TransformerEncoder(layer, blocks, enable_nested_tensor=False)
        self.norm = torch.nn.LayerNorm(dim)
        self.bias = torch.nn.Parameter(torch.zeros(n_items))
        torch.nn.init.normal_(self.item.weight, std=0.02)
        torch.nn.init.normal_(self.pos.weight, std=0.02)
        with torch.no_grad():
            self.item.weight[0].zero_()
        self.register_buffer("causal", torch.triu(torch.ones(length, length, dtype=torch.bool), 1))

    def forward(self, seq):
        """Hidden states [batch, length, dim] of left-padded token sequences [batch, length]."""
        h = self.item(seq) + self.pos.weight[None, :seq.shape[1]]
        h = self.drop(h) * (seq > 0).unsqueeze(-1)
        h = self.blocks(h, mask=self.causal[:seq.shape[1], :seq.shape[1]])
        return self.norm(h)

    def logits(self, h):
        return h @ self.item.weight[1:].T + self.bias


def left_pad(seqs, length):
    out = torch.zeros(len(seqs), length, dtype=torch.long)
    for row, s in enumerate(seqs):
        s = s[-length:]
        if s:
            out[row, length - len(s):] = torch.tensor(s)
    return out.to(DEVICE)


def train_sasrec(split, cfg, tracker, epochs):
    torch.manual_seed(cfg.get("seed", 0))
    L = cfg["length"]
    windows = []  # windows of L + 1 tokens covering every transition of every user's sequence
    for s in split.sequences:
        end = len(s)
        while end > 1:
            windows.append(s[max(0, end - L - 1):end])
            end -= L
    windows = left_pad(windows, L + 1)
    history = left_pad(split.sequences, L)
    model = SASRec(split.Xt.shape[1], cfg["dim"], cfg["blocks"], cfg["heads"], cfg["dropout"], L).to(DEVICE)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"], betas=(0.9, 0.98))

    def scores():
        model.eval()
        last, mean = [], []
        with torch.no_grad():
            for start in range(0, len(history), 128):
                seq = history[start:start + 128]
                h = model(seq)
                last.append(model.logits(h[:, -1]))
                logp = F.log_softmax(model.logits(h), -1)
                real = (seq > 0).unsqueeze(-1).float()
                mean.append((logp * real).sum(1) / real.sum(1).clamp(min=1))
        model.train()
        return {"last": torch.cat(last), "mean": torch.cat(mean)}

    for epoch in range(1, epochs + 1):
        for idx in batches(len(windows), cfg["batch"]):
            w = windows[idx]
            inputs, targets = w[:, :-1], w[:, 1:] - 1
            targets = targets.masked_fill(inputs == 0, -1)
            logits = model.logits(model(inputs))
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-1)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if tracker.wants(epoch):
            tracker.check(epoch, scores())


# ---------------------------------------------------------------- LightGCN (full-batch multinomial loss)

def train_lightgcn(split, cfg, tracker, epochs):
    torch.manual_seed(cfg.get("seed", 0))
    X = split.Xt
    U, I = X.shape
    du, di = X.sum(1), X.sum(0)
    Xn = X * torch.where(du > 0, du.rsqrt(), torch.zeros_like(du))[:, None] \
        * torch.where(di > 0, di.rsqrt(), torch.zeros_like(di))[None, :]
    E = torch.nn.Parameter(torch.randn(U + I, cfg["dim"], device=DEVICE) * 0.1)
    opt = torch.optim.Adam([E], lr=cfg["lr"])

    def propagate():
        eu, ei = E[:U], E[U:]
        su, si = eu, ei
        for _ in range(cfg["layers"]):
            eu, ei = Xn @ ei, Xn.T @ eu
            su, si = su + eu, si + ei
        return su / (cfg["layers"] + 1), si / (cfg["layers"] + 1)

    for epoch in range(1, epochs + 1):
        eu, ei = propagate()
        logits = eu @ ei.T
        loss = -(F.log_softmax(logits, -1) * X).sum(-1).mean() + cfg["reg"] * (E ** 2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if tracker.wants(epoch):
            with torch.no_grad():
                eu, ei = propagate()
                tracker.check(epoch, {"": eu @ ei.T})


# ---------------------------------------------------------------- grids

def grids(smoke):
    """family -> (trainer, [(name, cfg)], epochs, eval_every, evaluates epoch 0). Ordered by priority (budgets)."""
    g = {}
    mv = []
    for hidden, latent in [(600, 200), (300, 100)]:
        for dropout in [0.5, 0.7]:
            for beta in [0.2, 0.5]:
                mv.append((hidden, latent, dropout, beta, 1e-3, False))
    mv += [(600, 200, 0.5, 0.2, 3e-4, False), (0, 200, 0.5, 0.2, 1e-3, False), (600, 200, 0.5, 0.2, 1e-3, True)]
    mv += [(1200, 300, d, b, 1e-3, False) for d in [0.5, 0.7] for b in [0.2, 0.5]]
    mv = [(f"H{h} K{k} drop {d} beta {b} lr {lr:g}" + (" +pages" if p else ""),
           {"hidden": h, "latent": k, "dropout": d, "beta": b, "lr": lr, "pages": p, "batch": 128,
            **({"epochs": 40} if p else {})})
          for h, k, d, b, lr, p in mv]
    g["multvae"] = (train_multvae, mv, 400, 10, False)
    rv = []
    for hidden, latent in [(600, 200), (300, 100)]:
        for gamma in [0.005, 0.015]:
            for lr in [5e-4, 1e-3]:
                rv.append((f"H{hidden} K{latent} gamma {gamma} lr {lr:g}",
                           {"hidden": hidden, "latent": latent, "gamma": gamma, "lr": lr, "dropout": 0.5,
                            "batch": 128}))
    g["recvae"] = (train_recvae, rv, 45, 3, False)
    lin = []
    for pages in [False, True]:  # pages runs (17x the rows, 20 epochs) are slower: last
        for init, lrs, wds, temp in [("ease", [1e-4, 3e-4, 1e-3], [0.0], 10.0), ("zero", [1e-3], [1e-4, 1e-3, 1e-2], 1.0)]:
            for lr in lrs:
                for wd in wds:
                    for dropout in [0.25, 0.5]:
                        lin.append((f"init {init} lr {lr:g} wd {wd:g} drop {dropout}" + (" +pages" if pages else ""),
                                    {"init": init, "lr": lr, "dropout": dropout, "pages": pages, "temp": temp,
                                     "wd": wd, "batch": 256, **({"epochs": 20} if pages else {})}))
    g["linear"] = (train_linear, lin, 60, 3, True)
    sas = []
    for dim, blocks, dropout in [(128, 2, 0.2), (64, 2, 0.2), (256, 2, 0.2), (128, 2, 0.5), (128, 1, 0.2),
                                 (256, 1, 0.5), (64, 1, 0.5), (256, 2, 0.5)]:
        sas.append((f"d {dim} blocks {blocks} drop {dropout}",
                    {"dim": dim, "blocks": blocks, "heads": 2, "dropout": dropout, "lr": 1e-3, "length": 200,
                     "batch": 128}))
    g["sasrec"] = (train_sasrec, sas, 80, 4, False)
    gcn = []
    for dim in [64, 256]:
        for layers in [2, 3]:
            for reg in [1e-3, 3e-3, 1e-2]:
                gcn.append((f"d {dim} layers {layers} reg {reg:g}",
                            {"dim": dim, "layers": layers, "reg": reg, "lr": 5e-3}))
    g["lightgcn"] = (train_lightgcn, gcn, 1000, 25, False)
    if smoke:
        small = {}
        for family, (trainer, grid, _epochs, _every, zero) in g.items():
            grid = [(name, dict(cfg)) for name, cfg in grid[:2]]
            for _name, cfg in grid:
                for key, value in [("hidden", 64), ("latent", 16), ("dim", 32), ("length", 50)]:
                    if key in cfg and cfg[key]:
                        cfg[key] = value
                cfg.pop("epochs", None)
            small[family] = (trainer, grid, 4, 2, zero)
        g = small
    return g


def main():
    started = time.time()
    device_name = torch.cuda.get_device_name(DEVICE) if DEVICE.type == "cuda" else platform.processor() or "cpu"
    emit(f"# GPU screen ({datetime.datetime.now().isoformat(timespec='seconds')})")
    emit("")
    emit(f"command: `{' '.join(sys.argv)}`  ")
    emit(f"device: {DEVICE} ({device_name}), torch {torch.__version__}, numpy {np.__version__}, "
         f"seeds per VAE ensemble {SEEDS}{', SMOKE grids' if args.smoke else ''}")
    emit("")
    splits = [Split(args.inner_seed)]
    if args.confirm_seed:
        splits.append(Split(args.confirm_seed))
    for split in splits:
        page_ease = evaluate_top10(split.X @ split.B_ease, split.X, split.relevant)
        check = split.t_eval(split.served_t)
        result(f"[split {split.seed}] page-EASE lambda 300: NDCG@10 {page_ease[0]:.4f} P@10 {page_ease[1]:.4f}")
        result(f"[split {split.seed}] served closed form (page-EASE + 0.25 x low-pass k 128): "
               f"NDCG@10 {split.reference[0]:.4f} P@10 {split.reference[1]:.4f} "
               f"(torch evaluation {check[0]:.4f} / {check[1]:.4f}, |diff| {abs(check[0] - split.reference[0]):.1e}) "
               f"[setup {split.setup_s:.1f} s]")
    emit("")
    families = [f for f in args.families.split(",") if f]
    all_grids = grids(args.smoke)
    summary = []
    timings = {}
    for family in families:
        trainer, grid, epochs, every, zero = all_grids[family]
        grid = grid[:args.max_settings] if args.max_settings else grid
        budget, confirm_budget = (b * args.budget_scale for b in BUDGETS[family])
        emit(f"## {family} (split {splits[0].seed}: up to {epochs} epochs, checkpoint every {every}; "
             f"budget {budget:.0f} s + {confirm_budget:.0f} s)")
        emit("")
        family_start = time.time()
        records = []
        for name, cfg in grid:
            if time.time() - family_start > budget or time.time() - started > args.deadline:
                result(f"{family}: budget spent, skipped {len(grid) - grid.index((name, cfg))} settings from '{name}'")
                break
            t0 = time.time()
            tracker = Tracker(splits[0], every, zero=zero)
            trainer(splits[0], cfg, tracker, cfg.get("epochs", epochs))
            if DEVICE.type == "cuda":
                torch.cuda.synchronize()
            records += [dict(r, cfg=cfg) for r in report(splits[0], family, name, tracker, time.time() - t0)]
        screen_s = time.time() - family_start
        confirmed = []
        if len(splits) > 1 and records:
            emit("")
            emit(f"### {family}: best settings re-run on split {splits[1].seed} (epochs and w fixed on split "
                 f"{splits[0].seed}; * = w chosen there)")
            emit("")
            confirm_start = time.time()
            chosen, seen = [], set()
            for r in sorted(records, key=lambda r: -r["best_blend"]):
                if r["name"] not in seen:
                    seen.add(r["name"])
                    chosen.append(r["name"])
            for name in chosen[:args.confirm_top]:
                if time.time() - confirm_start > confirm_budget or time.time() - started > args.deadline:
                    result(f"{family}: confirmation budget spent, skipped '{name}'")
                    continue
                first = [r for r in records if r["name"] == name]
                fixed = {r["mode"]: (r["e_alone"], r["e_blend"]) for r in first}
                t0 = time.time()
                tracker = Tracker(splits[1], every, fixed=fixed)
                trainer(splits[1], first[0]["cfg"], tracker, max(max(pair) for pair in fixed.values()))
                for r in first:
                    mode_tracker = Tracker(splits[1], every, fixed=fixed)
                    mode_tracker.best = {r["mode"]: tracker.best[r["mode"]]}
                    second = report(splits[1], family, name, mode_tracker, time.time() - t0, chosen_w=r["best_w"])[0]
                    confirmed.append((r, second))
            confirm_s = time.time() - confirm_start
        else:
            confirm_s = 0.0
        timings[family] = (screen_s, confirm_s)
        emit("")
        result(f"{family}: {len(records)} results, screen {screen_s:.1f} s, confirmation {confirm_s:.1f} s")
        emit("")
        summary.append((family, records, confirmed))

    emit("## Summary (NDCG@10; % vs the served closed form on the same split)")
    emit("")
    ref1 = splits[0].reference[0]
    ref2 = splits[1].reference[0] if len(splits) > 1 else float("nan")
    emit(f"| family | best alone (split {splits[0].seed}) | best blend (split {splits[0].seed}) | "
         f"same setting, epoch, w on split {splits[1].seed if len(splits) > 1 else '-'} | "
         f"best w on split {splits[1].seed if len(splits) > 1 else '-'} |")
    emit("| --- | --- | --- | --- | --- |")
    for family, records, confirmed in summary:
        if not records:
            continue
        a = max(records, key=lambda r: r["alone"][0])
        b = max(records, key=lambda r: r["best_blend"])
        cell3 = cell4 = "—"
        for first, second in confirmed:
            if first is b:
                at_w = second["blends"][WEIGHTS.index(first["best_w"])]
                cell3 = f"{at_w:.4f} ({pct(at_w, ref2)}); alone {second['alone'][0]:.4f} ({pct(second['alone'][0], ref2)})"
                cell4 = f"w {second['best_w']}: {second['best_blend']:.4f} ({pct(second['best_blend'], ref2)})"
        emit(f"| {family} | {a['label']}: {a['alone'][0]:.4f} ({pct(a['alone'][0], ref1)}) | "
             f"{b['label']}, w {b['best_w']}: {b['best_blend']:.4f} ({pct(b['best_blend'], ref1)}) | {cell3} | {cell4} |")
    emit("")
    emit("Wall time per family (screen / confirmation): " +
         ", ".join(f"{f} {s:.0f} s / {c:.0f} s" for f, (s, c) in timings.items()) +
         f"; total {time.time() - started:.0f} s.")
    emit(f"torch evaluation vs evaluate_top10 on every reported alone score: "
         f"{'identical' if not MISMATCHES else 'MISMATCHES: ' + '; '.join(MISMATCHES)}")


if __name__ == "__main__":
    main()
