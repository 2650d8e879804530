"""Stability of the clusters, and the one-standard-error rule, as criteria for their number, on finished runs
(not adopted as the default; bench/README.md, the generality suite, item 11).

For each run folder: the model as trained (`load_trained`), the validation split encoded with D posterior draws (the
first one the run's own), and the pruning order of the default selection (draw 0). At every step of that order, per
draw: the paper's score and the items' clusters (majority vote over modalities, as the selection assigns them);
across draws, the mean pairwise ARI of those assignments ("between draws"); within a draw, the mean pairwise ARI of
the modalities' own argmax clusters ("between views", averaged over draws); and the test ACC of the configuration
after the merging step. Then the count each rule picks, against the truth and the set's K-means floor:

- `library: RULE`: the step each of `cmvae.prune.RULES` chooses on draw 0 (the first one the default);
- `paper`: the lowest score on draw 0 (the paper's rule); `paper_mean`: the lowest score averaged over the D draws;
  `median`: the median over draws of each draw's own choice;
- `fewest_within_{c}SE`: the fewest clusters whose score on draw 0 is within c standard errors of the lowest (the
  "one-standard-error rule"; the error of the paired difference of the two configurations' per-item scores);
- `stable`: the most stable step; `stable_large`: the largest count within 0.02 of the most stable;
  `paper_if_stable`: the lowest score among the steps within 0.05 of the most stable (each for both ARIs).

    python bench/selection_stability.py --draws 10 --floors runs/suite/suite.json runs/suite/*-seed[0-5]
"""
import argparse, itertools, json
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import adjusted_rand_score

from cmvae.data import load_dataset
from cmvae.evaluate import load_trained
from cmvae.metrics import clustering_scores
from cmvae.prune import (RULES, encode_for_selection, gaps_in_se, masked_joint, merge_split_clusters, score_step,
                         select_clusters, vote_clusters)
from cmvae.train import TrainConfig, keep_modalities


def mean_ari(labelings:list) -> float:
    return float(np.mean([adjusted_rand_score(a, b) for a, b in itertools.combinations(labelings, 2)]))


@torch.no_grad()
def run_steps(run:Path, draws:int) -> tuple[list[dict], int, dict]:
    """Per pruning step: count before and after merging, both ARIs, the score per draw, test ACC; the truth's k; the
    step each of the library's rules chooses on draw 0."""
    cfg = TrainConfig(**json.loads((run/'config.json').read_text())['train'])
    sp = {s: keep_modalities(load_dataset(cfg.data, s, cfg.root), cfg.modalities) for s in ('valid', 'test')}
    model = load_trained(run).eval()
    zs = [encode_for_selection(model, sp['valid'], generator=torch.Generator().manual_seed(cfg.seed + d))
          for d in range(draws)]   # draw 0: the run's own
    z_test = encode_for_selection(model, sp['test'], use_mean=True)
    comps, logits = [model.prior.component_log_prob(z) for z in zs], model.prior.pi_logits.detach()
    steps, beta, dz = [], cfg.select_beta, model.config.dz
    chosen = {rule: select_clusters(model, zs[0], beta=beta, rule=rule).best for rule in RULES}
    for ids in select_clusters(model, zs[0], beta=beta).active:
        active = torch.zeros(model.prior.K, dtype=torch.bool); active[ids] = True
        joints = [masked_joint(c, logits, active) for c in comps]
        posts = [(j - j.logsumexp(-1, keepdim=True)).exp() for j in joints]
        scored = [score_step(j, len(ids), dz, beta) for j in joints]
        m = load_trained(run).eval(); m.prior.set_active(ids)
        m.prior.set_groups(merge_split_clusters(m.prior.posterior(zs[0])))
        steps.append(dict(n=len(ids), found=m.prior.n_clusters,
                          between_draws=mean_ari([vote_clusters(p).numpy() for p in posts]),
                          between_views=float(np.mean([mean_ari(list(p.argmax(-1).numpy())) for p in posts])),
                          scores=[s['score'].item() for s in scored], per_item=scored[0]['per_item'],
                          acc=clustering_scores(sp['test'].y, m.cluster_probs_at(z_test).argmax(-1))['acc']))
    return steps, len(np.unique(sp['test'].y)), chosen


def picks(steps:list[dict], chosen:dict) -> dict:
    "The step index each rule picks."
    lowest = lambda key: min(range(len(steps)), key=key)
    per_draw = sorted(steps[lowest(lambda i: steps[i]['scores'][d])]['n'] for d in range(len(steps[0]['scores'])))
    found = dict({f'library: {rule}': i for rule, i in chosen.items()}, paper=lowest(lambda i: steps[i]['scores'][0]),
                 paper_mean=lowest(lambda i: np.mean(steps[i]['scores'])),
                 median=next(i for i, s in enumerate(steps) if s['n'] == per_draw[len(per_draw) // 2]))
    z = gaps_in_se([s['per_item'] for s in steps], found['paper'])       # the score above the lowest, in SE
    for c in (0.5, 1, 2):
        found[f'fewest_within_{c}SE'] = min((i for i in range(len(steps)) if z[i] <= c), key=lambda i: steps[i]['n'])
    for kind in ('between_draws', 'between_views'):
        ari = [s[kind] for s in steps]
        near = lambda tol: [i for i in range(len(steps)) if ari[i] >= max(ari) - tol]
        found[f'stable ({kind})'] = max(range(len(steps)), key=lambda i: (ari[i], steps[i]['n']))
        found[f'stable_large ({kind})'] = max(near(0.02), key=lambda i: steps[i]['n'])
        found[f'paper_if_stable ({kind})'] = min(near(0.05), key=lambda i: steps[i]['scores'][0])
    return found


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('runs', nargs='+'); p.add_argument('--draws', type=int, default=10)
    p.add_argument('--floors', default='runs/suite/suite.json', help="the suite's suite.json (K-means floors)")
    a = p.parse_args()
    floors = json.loads(Path(a.floors).read_text())['results']
    hits, gain = defaultdict(int), defaultdict(lambda: defaultdict(list))
    for run in map(Path, a.runs):
        name = run.name.rsplit('-seed', 1)[0]
        steps, k, chosen = run_steps(run, a.draws)
        for rule, i in picks(steps, chosen).items():
            hits[rule] += abs(steps[i]['found'] - k) <= max(1, 0.2 * k)
            gain[rule][name].append(steps[i]['acc'] - floors[name]['floor']['acc'])
        print(run.name, 'k', k, {r: steps[i]['found'] for r, i in picks(steps, chosen).items()}, flush=True)
    names = sorted(gain['paper'])
    print(f'\n{len(a.runs)} runs, {a.draws} draws\n\n| rule | counts within 20% | ' + ' | '.join(names) +
          ' | mean ACC − floor |\n|' + '---|' * (len(names) + 3))
    for rule in hits:
        per = [np.mean(gain[rule][n]) for n in names]
        print(f'| {rule} | {hits[rule]} of {len(a.runs)} | ' + ' | '.join(f'{v:+.3f}' for v in per) +
              f' | {np.mean(per):+.3f} |')


if __name__ == '__main__': main()
