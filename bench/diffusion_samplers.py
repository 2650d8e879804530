"""Sampling speed and FID/KID of each sampler of a D-CMVAE run, on the same CMVAE draws.

    python bench/diffusion_samplers.py RUN_DIR/diffusion [--n 1000] [--ddpm-n 100] [--samplers ddim:10,ddim:25,ddim:50,ddpm]

A sampler is NAME[:STEPS][@START]: `ddim:25@0.6` runs DDIM's steps below 0.6 T from the CMVAE image noised there,
its contrast first matched to the data's, channel by channel (`--contrast as-drawn`: not; a run saved without
per-channel statistics, before dcmvae.pt's format 3, gets the training images' here).

For each sampler: the unconditional CMVAE draws of every image modality (one seeded set, shared by all samplers)
refined, images per second of the refinement (all modalities together, this machine, batches of 500 under the
run's precision rules), FID and KID per modality against the same n real test images (Inception features
cached under --root), and, for PolyMNIST, unconditional coherence (the digit classifiers agree on all modalities). DDPM walks all T steps, 40x the work of DDIM at 25, so it gets its own, smaller n
(--ddpm-n); its FID is then comparable only with the CMVAE row at that n, printed beside it.
"""
import argparse, json, time
from pathlib import Path

import numpy as np
import torch

from cmvae.data import load_dataset
from cmvae.diffusion import DCMVAE, kid_from_features
from cmvae.evaluate import cached_real_features, fid_from_features, inception_net
from cmvae.metrics import sample_rows
from cmvae.metrics import inception_features, load_classifiers


def scores(real, images, net, clf):
    "Mean FID and KID over modalities, the per-modality lists, and coherence (with classifiers)."
    feats = [inception_features(x, net) for x in images]
    fid = [fid_from_features(r, f) for r, f in zip(real, feats)]
    kid = [kid_from_features(r, f) for r, f in zip(real, feats)]
    found = dict(fid=float(np.mean(fid)), kid=float(np.mean(kid)), fid_per_modality=fid, kid_per_modality=kid)
    if clf is not None:
        pred = clf.predict(images)
        found['coherence'] = float((pred == pred[:1]).all(0).float().mean())
    return found


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('run'); p.add_argument('--n', type=int, default=1000); p.add_argument('--ddpm-n', type=int, default=100)
    p.add_argument('--samplers', default='ddim:10,ddim:25,ddim:50,ddpm'); p.add_argument('--root', default='data')
    p.add_argument('--seed', type=int, default=0); p.add_argument('--out', default=None)
    p.add_argument('--contrast', choices=('matched', 'as-drawn'), default='matched',
                   help="the start's contrast: the data's, or the CMVAE image's own")
    a = p.parse_args()
    dm = DCMVAE.load(a.run)
    data = json.loads((Path(a.run)/'config.json').read_text())['train']['data']
    matched = a.contrast == 'matched'
    if matched and dm.contrast is None: dm.fit_contrast(load_dataset(data, 'train', a.root).xs)
    test, net = load_dataset(data, 'test', a.root), inception_net()
    clf = load_classifiers(a.root) if data == 'polymnist' and len(dm.modalities) == test.M else None
    ms, results, before = dm.modalities, [], {}          # before[n]: the CMVAE draws' scores at n, computed once
    draws = dm.cmvae.generate(a.n, generator=torch.Generator().manual_seed(a.seed))
    for spec in a.samplers.split(','):
        spec, _, start = spec.partition('@')
        name, _, steps = spec.partition(':')
        n = a.ddpm_n if name == 'ddpm' else a.n
        rows = sample_rows(len(test), n, torch.Generator().manual_seed(a.seed))
        real = cached_real_features([test.xs[m][rows] for m in ms], net, Path(a.root)/'inception_features')
        t0 = time.time()
        refined = [dm.refine(m, draws[m][:n], sampler=name, steps=int(steps or 25),
                             start=float(start or 1), match_contrast=matched,
                             generator=torch.Generator().manual_seed(a.seed)) for m in ms]
        seconds = time.time() - t0
        if n not in before: before[n] = scores(real, [draws[m][:n] for m in ms], net, clf)
        row = dict(sampler=name, steps=int(steps) if steps else dm.schedule.T, start=float(start or 1), n=n, contrast=a.contrast,
                   images_per_second=n * len(ms) / seconds, **scores(real, refined, net, clf),
                   **{f'cmvae_{k}': v for k, v in before[n].items()})
        results.append(row)
        coh = f"  coherence {row['coherence']:.3f} (CMVAE {row['cmvae_coherence']:.3f})" if clf is not None else ''
        print(f"{name:4s} {row['steps']:4d} steps from {row['start']:.3f} T ({a.contrast})  n={n:5d}  {row['images_per_second']:7.1f} img/s  "
              f"FID {row['fid']:6.1f} (CMVAE {row['cmvae_fid']:6.1f})  KID {row['kid']:.4f} (CMVAE {row['cmvae_kid']:.4f})"
              + coh, flush=True)
    if a.out: Path(a.out).write_text(json.dumps(results, indent=1))


if __name__ == '__main__': main()
