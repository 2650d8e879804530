"""What the refit after pruning changes, on finished runs: for each run folder, the model as trained (`load_trained`)
is selected again on the run's validation split with the run's options and seed, once without the refit and once
with it, and scored on the test split. The one the run made must reproduce its own `metrics.json`.

    python bench/refit_effect.py runs/suite/*-seed[0-9]
"""
import json, sys, tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from cmvae.data import load_dataset
from cmvae.evaluate import load_trained, selection_step
from cmvae.metrics import clustering_scores
from cmvae.prune import encode_for_selection
from cmvae.train import TrainConfig, eval_config, keep_modalities


def scores(run:Path) -> dict:
    "ACC and clusters found without and with the refit, for one run folder."
    cfg = TrainConfig(**json.loads((run/'config.json').read_text())['train'])
    splits = {s: keep_modalities(load_dataset(cfg.data, s, cfg.root), cfg.modalities) for s in ('train', 'valid', 'test')}
    model = load_trained(run).eval()
    z_test = encode_for_selection(model, splits['test'], use_mean=True)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for refit in (False, True):
            selected, _ = selection_step(model, splits['valid'], replace(eval_config(cfg), refit=refit), Path(tmp),
                                         splits['train'])
            pred = selected.cluster_probs_at(z_test).argmax(-1).cpu()
            out[refit] = dict(acc=clustering_scores(splits['test'].y, pred)['acc'], found=selected.prior.n_clusters)
    return out


if __name__ == '__main__':
    torch.set_num_threads(2)
    rows = {}
    for run in map(Path, sys.argv[1:]):
        s, m = scores(run), json.loads((run/'metrics.json').read_text())
        ran = s[(run/'refit.json').exists()]                 # the run's own selection must come back
        assert abs(ran['acc'] - m['acc']) < 1e-9 and ran['found'] == m['clusters_found'], (run, s, m['acc'])
        rows.setdefault(run.name.rsplit('-seed', 1)[0], []).append(s)
        print(f"{run.name:24s} without refit: {s[False]['found']:2d} clusters, ACC {s[False]['acc']:.3f}   "
              f"with: {s[True]['found']:2d}, ACC {s[True]['acc']:.3f}", flush=True)
    print('\n| set | runs | ACC without refit | ACC with refit | clusters found without | with |\n|---|---|---|---|---|---|')
    for name, r in rows.items():
        a0, a1 = [np.array([x[k]['acc'] for x in r]) for k in (False, True)]
        f0, f1 = ['/'.join(str(x[k]['found']) for x in r) for k in (False, True)]
        print(f'| {name} | {len(r)} | {a0.mean():.3f} ± {a0.std():.3f} | {a1.mean():.3f} ± {a1.std():.3f} | {f0} | {f1} |')
