"""Every step of the selection sweep of finished runs, scored on the test split, so that rules for choosing a step can
be compared offline without re-encoding (item 18 of bench/README.md). For each run and entropy normaliser: per step
the active components, the score's gap to the lowest in standard errors, and, after the library's merge, the clusters
and the test ACC that choosing that step would give. Then the table of four ways to choose, per set: the mean test
ACC, the counts found, and the counts within max(1, 20%) of the truth.

    python bench/sweep_table.py --out sweeps.json runs/suite/*-seed[0-9]     # sweep the runs, write, print the table
    python bench/sweep_table.py --table sweeps.json more.json                 # the table of sweeps already written

The four: each normaliser ('active': log |A|, the paper; 'K': log K, the published code) with the one-SE rule as
it was before item 18 (`ridge`: the fewest within one SE reached from the lowest score without crossing a ridge,
where their range is wide) and as it is now (`basins`: the same from the anchor, the lowest score of the first basin
of the sweep that comes within one SE of the lowest; notebook 07 `Selection.choose`).
"""
from __future__ import annotations
import argparse, copy, json
from collections import defaultdict
from pathlib import Path

import torch

from cmvae.data import load_dataset
from cmvae.evaluate import load_trained
from cmvae.metrics import clustering_scores
from cmvae.prune import (ENTROPY_NORMS, RIDGE, WIDE, Selection, apply_selection, encode_for_selection,
                         merge_split_clusters, select_clusters)
from cmvae.train import TrainConfig, eval_config, keep_modalities

TRUTH = dict(digits=10, wine=3, cancer=2, scales=8, scales_std=8, mnist2v=10, mnist5_mixed=5)   # bench/suite.py's k


def sweep_rows(run:Path) -> dict:
    "Per entropy normaliser, the sweep of the run's model on its own validation draw, each step scored on the test split."
    cfg = TrainConfig(**json.loads((run/'config.json').read_text())['train'])
    ecfg = eval_config(cfg)
    valid, test = (keep_modalities(load_dataset(cfg.data, s, cfg.root), cfg.modalities) for s in ('valid', 'test'))
    model = load_trained(run).eval()
    z = encode_for_selection(model, valid, generator=torch.Generator().manual_seed(ecfg.seed))   # as selection_step
    z_test = encode_for_selection(model, test, use_mean=True)
    out = {}
    for norm in ENTROPY_NORMS:
        sel = select_clusters(model, z, beta=ecfg.select_beta, entropy_norm=norm, vote=ecfg.vote, rule=ecfg.select_rule)
        found, acc = [], []
        for i in range(len(sel.n_active)):
            step = copy.copy(sel); step.best = i
            pruned = apply_selection(model, step)
            if ecfg.merge: pruned.prior.set_groups(merge_split_clusters(pruned.prior.posterior(z)))
            found.append(pruned.prior.n_clusters)
            acc.append(clustering_scores(test.y, pruned.cluster_probs_at(z_test).argmax(-1).cpu())['acc'])
        out[norm] = dict(n_active=sel.n_active, gap_se=sel.gap_se, scores=sel.scores, found=found, acc=acc)
    return out


def choose_ridge(s:dict) -> int:
    "The default rule before item 18: from the lowest, the fewest within 1 SE before a ridge, if the global range is wide."
    n, gap = s['n_active'], s['gap_se']
    low = min(range(len(gap)), key=gap.__getitem__)
    near = [n[i] for i, g in enumerate(gap) if g <= 1]
    best = low
    for i in range(low + 1, len(gap)):
        if gap[i] > RIDGE: break
        if gap[i] <= 1: best = i
    return best if max(near) - min(near) > max(1, WIDE * n[low]) else low


def choose_basins(s:dict) -> int:
    "The library's default now (`Selection.choose`)."
    sel = Selection(n_active=s['n_active'], scores=s['scores'], entropy=[], loglik=[], active=[], counts=[], mass=[],
                    best=0, gap_se=s['gap_se'])
    return sel.choose('one_se_if_wide')


WAYS = {'active, ridge (before)': ('active', choose_ridge), 'K, ridge': ('K', choose_ridge),
        'active, basins': ('active', choose_basins), 'K, basins (now)': ('K', choose_basins)}


def table(sweeps:dict) -> str:
    "Per way of choosing and set: mean test ACC and the counts found; the counts within max(1, 20%) over all runs."
    rows = defaultdict(lambda: defaultdict(list))
    for run, r in sweeps.items():
        name = run.rsplit('-seed', 1)[0]
        for way, (norm, choose) in WAYS.items():
            s = r[norm]; i = choose(s)
            rows[way][name].append((s['acc'][i], s['found'][i]))
    names = [n for n in TRUTH if any(n in v for v in rows.values())]
    lines = ['| way | ' + ' | '.join(names) + ' | mean ACC | counts within 20% |', '|---' * (len(names) + 3) + '|']
    for way, sets in rows.items():
        accs = [sum(a for a, _ in sets[n]) / len(sets[n]) for n in names]
        hits = sum(abs(f - TRUTH[n]) <= max(1, 0.2 * TRUTH[n]) for n in names for _, f in sets[n])
        cells = [f"{a:.3f} ({'/'.join(str(f) for _, f in sets[n])})" for a, n in zip(accs, names)]
        lines.append(f'| {way} | ' + ' | '.join(cells) + f' | {sum(accs) / len(accs):.3f} | '
                     f'{hits} of {sum(len(v) for v in sets.values())} |')
    return '\n'.join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('runs', nargs='*', help='run folders to sweep')
    p.add_argument('--out', help='JSON file to write the sweeps to')
    p.add_argument('--table', nargs='*', default=[], help='JSON files of sweeps already written, added to the table')
    a = p.parse_args()
    if a.runs and not a.out: p.error('sweeping runs needs --out FILE for the sweeps')
    if not (a.runs or a.table): p.error('give run folders (with --out) or --table FILES')
    sweeps = {}
    for f in a.table: sweeps.update(json.loads(Path(f).read_text()))
    new = {}
    for run in map(Path, a.runs):
        new[run.name] = sweep_rows(run)
        print(run.name, 'swept', flush=True)
    if a.runs: Path(a.out).write_text(json.dumps(new))
    print(table({**sweeps, **new}))


if __name__ == '__main__': main()
