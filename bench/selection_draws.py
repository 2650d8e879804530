"""How a selection option does over many validation draws, on finished runs: each run's model as trained
(`load_trained`) is selected again with several seeds for the posterior draw of the validation codes, for each
option given, and scored on the test split. Per option: the counts within max(1, 20%) of the truth (averaged over
draws, summed over runs) and ACC minus the set's K-means floor (averaged over draws and runs of a set).

    python bench/selection_draws.py --draws 5 --options active:2.5:refit,active:2.5,K:1.5 runs/suite/*-seed[0-9]
"""
import argparse, json, tempfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from cmvae.data import load_dataset
from cmvae.evaluate import load_trained, selection_step
from cmvae.metrics import clustering_scores
from cmvae.prune import encode_for_selection
from cmvae.train import TrainConfig, eval_config, keep_modalities


def parse_option(text:str) -> dict:
    "'norm:beta[:refit]' -> EvalConfig fields."
    norm, beta, *rest = text.split(':')
    return dict(entropy_norm=norm, select_beta=float(beta), refit=rest == ['refit'])


def reselect(run:Path, variants:list[dict]) -> list[dict]:
    "The run's trained model selected again once per variant (EvalConfig fields over the run's own): clusters, test ACC."
    cfg = TrainConfig(**json.loads((run/'config.json').read_text())['train'])
    splits = {s: keep_modalities(load_dataset(cfg.data, s, cfg.root), cfg.modalities) for s in ('train', 'valid', 'test')}
    model = load_trained(run).eval()
    z_test, found = encode_for_selection(model, splits['test'], use_mean=True), []
    with tempfile.TemporaryDirectory() as tmp:
        for v in variants:
            selected, _ = selection_step(model, splits['valid'], replace(eval_config(cfg), **v), Path(tmp), splits['train'])
            pred = selected.cluster_probs_at(z_test).argmax(-1).cpu()
            found.append(dict(found=selected.prior.n_clusters, acc=clustering_scores(splits['test'].y, pred)['acc']))
    return found


def run_rows(run:Path, options:list[str], draws:int) -> list[dict]:
    "One row per draw seed and option: clusters found and test ACC."
    keys = [(seed, opt) for seed in range(draws) for opt in options]
    found = reselect(run, [dict(seed=seed, **parse_option(opt)) for seed, opt in keys])
    return [dict(r, seed=seed, option=opt) for (seed, opt), r in zip(keys, found)]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('runs', nargs='+'); p.add_argument('--draws', type=int, default=5)
    p.add_argument('--options', default='active:2.5:refit,active:2.5', help="comma-separated 'norm:beta[:refit]'")
    p.add_argument('--floors', default='runs/suite/suite.json', help="the suite's suite.json (K-means floors)")
    a = p.parse_args()
    options = a.options.split(',')
    results = json.loads(Path(a.floors).read_text())['results']
    hits, gain = defaultdict(float), defaultdict(lambda: defaultdict(list))
    for run in map(Path, a.runs):
        name = run.name.rsplit('-seed', 1)[0]
        k, floor = results[name]['k'], results[name]['floor']['acc']
        for r in run_rows(run, options, a.draws):
            hits[r['option']] += (abs(r['found'] - k) <= max(1, 0.2 * k)) / a.draws
            gain[r['option']][name].append(r['acc'] - floor)
        print(run.name, flush=True)
    print(f'\n{len(a.runs)} runs x {a.draws} draws\n\n| option | counts within 20% | ' +
          ' | '.join(gain[options[0]]) + ' | mean ACC − floor |\n|' + '---|' * (len(gain[options[0]]) + 3))
    for opt in options:
        per = {n: np.mean(v) for n, v in gain[opt].items()}
        print(f'| {opt} | {hits[opt]:.1f} of {len(a.runs)} | ' + ' | '.join(f'{v:+.3f}' for v in per.values()) +
              f' | {np.mean(list(per.values())):+.3f} |')


if __name__ == '__main__': main()
