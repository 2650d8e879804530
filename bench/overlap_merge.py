"""Merging clusters whose components overlap, tried on finished runs (item 18 of bench/README.md): after the
library's selection and its merge of modality-owned clusters, pairs of clusters are merged, the most overlapping
first, while their overlap exceeds a threshold. The mixture's density is unchanged by a merge (only the labels of its
components), so this is the second half of Baudry et al. (2010), which the paper cites for its score: components
fitted for the density, combined for the clustering.

The overlap of clusters g and h is Hennig's (2010) directly estimated misclassification probability (DEMP): of the
validation codes' posterior mass on g, the share that the pair's Bayes rule would give to h,
    p(h|g) = sum_i p(g|z_i) 1[p(h|z_i) > p(g|z_i)] / sum_i p(g|z_i),
and the pair's overlap is max(p(h|g), p(g|h)). Codes are every modality's draw of every validation item.

    python bench/overlap_merge.py --floors runs/suite/suite.json --thresholds 0.05,0.1,0.15,0.2 runs/suite/*-seed[0-9]
"""
from __future__ import annotations
import argparse, json, tempfile
from collections import defaultdict
from pathlib import Path

import torch

from cmvae.data import load_dataset
from cmvae.evaluate import load_trained, selection_step
from cmvae.metrics import clustering_scores
from cmvae.prune import encode_for_selection
from cmvae.train import TrainConfig, eval_config, keep_modalities


def demp(t:torch.Tensor) -> torch.Tensor: # t: (P, G) cluster posteriors of P codes -> (G, G) p(h|g), 0 on the diagonal
    "Hennig's DEMP for every ordered pair: the share of g's mass that the pair's Bayes rule gives to h."
    wins = (t[:, None, :] > t[:, :, None]).to(t.dtype)              # (P, g, h): h beats g at code i
    miss = torch.einsum('pg,pgh->gh', t, wins)
    return miss / t.sum(0)[:, None].clamp_min(1e-12)


def merge_overlapping(t:torch.Tensor, # (P, K) p(c|z) at each code, summed within the present clusters
                      labels:torch.Tensor, # (K,) the present clusters' labels
                      threshold:float) -> torch.Tensor: # (K,) labels after merging
    "Merge the most overlapping pair of clusters while its overlap max(p(h|g), p(g|h)) exceeds `threshold`."
    labels = labels.clone()
    while True:
        ids, g = labels.unique(return_inverse=True)
        if len(ids) < 2: return labels
        T = torch.zeros(len(t), len(ids), dtype=t.dtype).index_add_(1, g, t)
        D = demp(T)
        over = torch.maximum(D, D.T).triu(1)
        if over.max() <= threshold: return labels
        a, b = divmod(int(over.argmax()), len(ids))
        labels[labels == ids[b]] = ids[a]


def run_variants(run:Path, thresholds:list[float]) -> dict:
    "The run's trained model selected as the library does, then merged at each threshold: clusters found, test ACC."
    cfg = TrainConfig(**json.loads((run/'config.json').read_text())['train'])
    splits = {s: keep_modalities(load_dataset(cfg.data, s, cfg.root), cfg.modalities) for s in ('train', 'valid', 'test')}
    model, ecfg = load_trained(run).eval(), eval_config(cfg)
    z_test = encode_for_selection(model, splits['test'], use_mean=True)
    with tempfile.TemporaryDirectory() as tmp:
        selected, _ = selection_step(model, splits['valid'], ecfg, Path(tmp), splits['train'])
    # the validation draw of selection_step, again
    z = encode_for_selection(model, splits['valid'], generator=torch.Generator().manual_seed(ecfg.seed))
    prior = selected.prior
    t = prior.cluster_posterior(z).flatten(0, 1)                    # (M N, K), mass at each cluster's id
    out = {}
    for th in [None] + thresholds:
        labels = prior.group.clone() if th is None else merge_overlapping(t, prior.group.clone(), th)
        saved = prior.group.clone()
        prior.set_groups(labels)
        pred = selected.cluster_probs_at(z_test).argmax(-1).cpu()
        out['default' if th is None else f'{th:g}'] = dict(found=prior.n_clusters,
                                                           acc=clustering_scores(splits['test'].y, pred)['acc'])
        prior.group.copy_(saved)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('runs', nargs='+')
    p.add_argument('--thresholds', default='0.05,0.1,0.15,0.2,0.25')
    p.add_argument('--floors', default='runs/suite/suite.json', help="the suite's suite.json (K-means floors, k)")
    p.add_argument('--json', default=None, help='write every run and variant here')
    a = p.parse_args()
    thresholds = [float(x) for x in a.thresholds.split(',')]
    results = json.loads(Path(a.floors).read_text())['results']
    rows, per_set = {}, defaultdict(lambda: defaultdict(list))
    for run in map(Path, a.runs):
        name = run.name.rsplit('-seed', 1)[0]
        k = results[name]['k']
        rows[run.name] = r = run_variants(run, thresholds)
        print(run.name, '  '.join(f"{v}: {x['found']} {x['acc']:.3f}" for v, x in r.items()), flush=True)
        for v, x in r.items():
            per_set[v][name].append((x['acc'], abs(x['found'] - k) <= max(1, 0.2 * k)))
    names = sorted({n for v in per_set.values() for n in v})
    print('\n| variant | ' + ' | '.join(names) + ' | mean ACC | counts within 20% |')
    print('|---' * (len(names) + 3) + '|')
    for v, sets in per_set.items():
        accs = [sum(a for a, _ in sets[n]) / len(sets[n]) for n in names]
        hits = sum(h for n in names for _, h in sets[n]); total = sum(len(sets[n]) for n in names)
        print(f'| {v} | ' + ' | '.join(f'{x:.3f}' for x in accs) + f' | {sum(accs) / len(accs):.3f} | {hits} of {total} |')
    if a.json: Path(a.json).write_text(json.dumps(rows, indent=1))


if __name__ == '__main__': main()
