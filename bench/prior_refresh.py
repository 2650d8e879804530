"""What a prior fitted afresh after training would choose, on finished runs: for each run folder, the model as
trained (`load_trained`) gets new prior means from a GMM fit of its final latent means (`CMVAE.init_prior`, the
fit the trainer makes after its warm-up; weights uniform), then the run's own selection; printed beside the run's
own clusters found and test ACC. A run that was fitted from a different path should come back to the same clusters
if the latent alone decided them (bench/README.md, the generality suite, item 16).

    python bench/prior_refresh.py runs/suite/*-seed[0-2] runs/ulp/*-seed?
"""
import json, sys, tempfile
from pathlib import Path

import torch

from cmvae.data import load_dataset
from cmvae.evaluate import load_trained, selection_step
from cmvae.metrics import clustering_scores
from cmvae.prune import encode_for_selection
from cmvae.train import TrainConfig, eval_config, keep_modalities


def refreshed(run:Path) -> dict:
    "Clusters found and test ACC of `run`'s trained model with its prior means fitted afresh, then selected."
    cfg = TrainConfig(**json.loads((run/'config.json').read_text())['train'])
    splits = {s: keep_modalities(load_dataset(cfg.data, s, cfg.root), cfg.modalities) for s in ('train', 'valid', 'test')}
    model = load_trained(run).eval()
    model.init_prior(splits['train'].xs, cfg.prior_init, cfg.seed)
    with tempfile.TemporaryDirectory() as tmp:
        selected, _ = selection_step(model, splits['valid'], eval_config(cfg), Path(tmp), splits['train'])
    pred = selected.cluster_probs_at(encode_for_selection(model, splits['test'], use_mean=True)).argmax(-1).cpu()
    return dict(found=selected.prior.n_clusters, acc=clustering_scores(splits['test'].y, pred)['acc'])


if __name__ == '__main__':
    torch.set_num_threads(2)
    for run in map(Path, sys.argv[1:]):
        m, r = json.loads((run/'metrics.json').read_text()), refreshed(run)
        print(f"{run.name:26s} as trained: {m['clusters_found']:2d} clusters, ACC {m['acc']:.3f}   "
              f"prior fitted afresh: {r['found']:2d}, ACC {r['acc']:.3f}", flush=True)
