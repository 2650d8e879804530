"""Changes to the selection tried on finished runs, each against the library's default on the same trained model and
the run's own validation draw (item 17 of bench/README.md): clusters found and test ACC per run and variant, and per
set the mean ACC and the counts within max(1, 20%) of the truth.

    python bench/selection_tries.py --floors runs/suite/suite.json runs/suite/*-seed[0-9]

Variants: `vote_mean` (the pruning order from the argmax of the modality-averaged posterior, not the majority vote),
`beta2` / `beta3` (the score's entropy weight 2 or 3, default 2.5), `lowest` (the paper's lowest score, not
`one_se_if_wide`), `score_order` (prune the cluster whose removal gives the lowest score, not the least mass),
`merge_any` (merge any two clusters whose items' views are split between them more than the weaker holds them
together, owned by a modality or not), `merge_shared` (as the library, which merges only where one of the two is
owned by a modality, and also two shared clusters whose split exceeds the stronger's cohesion),
`across_ridges` (the one-SE rules' fewest within 1 SE of the lowest wherever it lies, as before item 17; the library
now stops at a step more than `RIDGE` standard errors above the lowest).
A run made before the library's default changed gives another `default` than its own metrics.json: it is said.
"""
from __future__ import annotations
import argparse, contextlib, json
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

import cmvae.evaluate as E
import cmvae.prune as P
from selection_draws import reselect   # bench/


def score_order_sweep(joint_of, model, beta, entropy_norm, vote, min_clusters, rule='one_se_if_wide'):
    "`cmvae.prune._sweep` with another order: at each step, the cluster whose removal gives the lowest score goes."
    prior, dz = model.prior, model.config.dz
    beta = float(model.config.beta if beta is None else beta)
    norm = lambda n: n if entropy_norm == 'active' else prior.K
    keys = ('n_active', 'scores', 'entropy', 'loglik', 'active', 'counts', 'mass')
    active, rec, per_item = prior.active.detach().clone(), {k: [] for k in keys}, []
    s = P.score_step(joint_of(active), norm(int(active.sum())), dz, beta, vote)
    while True:
        n, ids = int(active.sum()), active.nonzero().flatten()
        step = dict(n_active=n, scores=s['score'].item(), entropy=s['entropy'].item(), loglik=s['loglik'].item(),
                    active=ids.tolist(), counts=s['counts'][ids].tolist(), mass=s['mass'][ids].tolist())
        for k, v in step.items(): rec[k].append(v)
        per_item.append(s['per_item'])
        if n == min_clusters: break
        tries = []
        for c in ids.tolist():
            a = active.clone(); a[c] = False
            tries.append((P.score_step(joint_of(a), norm(n - 1), dz, beta, vote), c))
        s, c = min(tries, key=lambda t: t[0]['score'].item())
        active[c] = False
    sel = P.Selection(**rec, best=0, entropy_norm=entropy_norm, vote=vote, beta=beta, K=prior.K, rule=rule)
    sel.gap_se = P.gaps_in_se(per_item, sel.lowest)
    sel.best = sel.choose(rule)
    return sel


def merge_variant(shared:str|None, owned:float=0.9):
    "`merge_split_clusters` where shared pairs merge when the split exceeds the 'min' or 'max' cohesion, or never (None)."
    def merge(post):
        labels = torch.arange(post.shape[-1], device=post.device)
        while True:
            ids, g = labels.unique(return_inverse=True)
            L, mass = P.split_links(post, g, len(ids))
            share = (mass / mass.sum(0).clamp_min(1e-12)).max(0).values
            together, split = L.diag(), 2 * L
            lo, hi = torch.minimum(together[:, None], together[None]), torch.maximum(together[:, None], together[None])
            is_owned = share >= owned
            ok = (split > lo) & (is_owned[:, None] | is_owned[None])
            if shared: ok |= (split > lo) if shared == 'min' else (split > hi)
            ok &= torch.ones_like(ok).triu(1)
            if not ok.any(): return labels
            a, b = divmod(int(split.masked_fill(~ok, -1.).argmax()), len(ids))
            labels[labels == ids[b]] = ids[a]
    return merge


def choose_across_ridges(self, rule='one_se_if_wide'):
    "`Selection.choose` as before item 17: the fewest clusters within 1 SE of the lowest, however far along the sweep."
    fewest = min(self.near_lowest, key=self.n_active.__getitem__)
    if rule == 'one_se' or (rule == 'one_se_if_wide' and self.range_is_wide): return fewest
    return self.lowest


@contextlib.contextmanager
def patched(module, name, value):
    old = getattr(module, name)
    setattr(module, name, value)
    try: yield
    finally: setattr(module, name, old)


OPTIONS = dict(vote_mean=dict(vote='mean'), beta2=dict(select_beta=2.0), beta3=dict(select_beta=3.0),
               lowest=dict(select_rule='lowest'))
SHARED, ACROSS = (E, 'merge_split_clusters', merge_variant('max')), (P.Selection, 'choose', choose_across_ridges)
PATCHES = dict(score_order=[(P, '_sweep', score_order_sweep)], merge_any=[(E, 'merge_split_clusters', merge_variant('min'))],
               merge_shared=[SHARED], across_ridges=[ACROSS], shared_across_ridges=[SHARED, ACROSS])


def run_variants(run:Path) -> dict:
    "Clusters found and test ACC of the default and of every variant, on one run folder (the default checked)."
    names = ['default', *OPTIONS]
    out = dict(zip(names, reselect(run, [dict(), *OPTIONS.values()])))
    m = json.loads((run/'metrics.json').read_text())
    if abs(out['default']['acc'] - m['acc']) > 1e-9 or out['default']['found'] != m['clusters_found']:
        print(f"{run.name}: made by another default ({m['clusters_found']} clusters, ACC {m['acc']:.3f})")
    for name, patches in PATCHES.items():
        with contextlib.ExitStack() as stack:
            for patch in patches: stack.enter_context(patched(*patch))
            out[name] = reselect(run, [dict()])[0]
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('runs', nargs='+')
    p.add_argument('--floors', default='runs/suite/suite.json', help="comma-separated suite.json files: each set's k")
    p.add_argument('--json', default=None, help='also write every run\'s figures here')
    a = p.parse_args()
    torch.set_num_threads(1)
    ks = {n: r['k'] for f in a.floors.split(',') for n, r in json.loads(Path(f).read_text())['results'].items()}
    per_set, every = defaultdict(lambda: defaultdict(list)), {}
    for run in map(Path, a.runs):
        name = run.name.rsplit('-seed', 1)[0]
        every[str(run)] = rows = run_variants(run)
        for v, r in rows.items(): per_set[name][v].append(r)
        print(f'{run.name:22s} ' + '  '.join(f"{v} {r['found']}:{r['acc']:.3f}" for v, r in rows.items()), flush=True)
    if a.json: Path(a.json).write_text(json.dumps(every, indent=1))
    variants = list(next(iter(per_set.values())))
    hit = lambda r, k: abs(r['found'] - k) <= max(1, 0.2 * k)
    print(f'\n| variant | {" | ".join(per_set)} | mean ACC | counts within 20% |\n|' + '---|' * (len(per_set) + 3))
    for v in variants:
        accs = {n: np.mean([r['acc'] for r in rs[v]]) for n, rs in per_set.items()}
        hits = sum(hit(r, ks[n]) for n, rs in per_set.items() for r in rs[v])
        runs = sum(len(rs[v]) for rs in per_set.values())
        print(f'| {v} | ' + ' | '.join(f'{x:.3f}' for x in accs.values()) + f' | {np.mean(list(accs.values())):.3f} | {hits} of {runs} |')


if __name__ == '__main__': main()
