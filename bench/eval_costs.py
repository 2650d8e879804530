"""Where evaluation time goes, and what the three savings of notebook 09 cost in accuracy.

    python bench/eval_costs.py RUN_DIR [--seeds 5] [--n 200] [--root data]

RUN_DIR is a finished PolyMNIST run (e.g. runs/polymnist-quick-seed0). Prints, for modality 0:
1. Inception throughput in float32 and under bf16 autocast (images/s, one batch size, this machine);
2. FID of the model's unconditional samples against real test images, per seed, in both precisions: the spread
   over seeds is FID's sampling noise at this n, the difference between precisions at the same seed is bf16's effect;
3. K-means on the raw test pixels (the run's baseline) against K-means on 64 and 256 principal components: seconds
   and ACC/NMI/ARI (PCA would be cheaper, but it changes the baseline, so runs cache the raw one instead).
"""
import argparse, json, sys, time
from pathlib import Path

import numpy as np
import torch
from sklearn.decomposition import PCA

from cmvae.data import load_dataset
from cmvae.evaluate import AutocastNet, kmeans_scores
from cmvae.metrics import feature_stats, frechet_distance, inception_features, load_inception
from cmvae.model import CMVAE
from cmvae.nets import bf16_native

def images_per_second(net, n=64, batch_size=16):
    x = torch.randint(0, 256, (n, 3, 28, 28), dtype=torch.uint8)
    inception_features(x[:batch_size], net)                                   # warm-up
    t0 = time.perf_counter(); inception_features(x, net, batch_size); return n / (time.perf_counter() - t0)

def fid_per_seed(model, test, net, n, seeds, m=0):
    out = []
    for s in seeds:
        rows = torch.randperm(len(test), generator=torch.Generator().manual_seed(s))[:n]
        fake = model.generate(n, generator=torch.Generator().manual_seed(s))[m]
        out.append(frechet_distance(*feature_stats(inception_features(test.xs[m][rows], net)),
                                    *feature_stats(inception_features(fake, net))))
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('run'); p.add_argument('--seeds', type=int, default=5); p.add_argument('--n', type=int, default=200)
    p.add_argument('--root', default='data')
    a = p.parse_args()
    if not bf16_native('cpu'): sys.exit('this CPU has no native bfloat16: the bf16 path is not used here, nothing to compare')
    model, test = CMVAE.load(a.run).eval(), load_dataset('polymnist', 'test', a.root)
    fp32 = load_inception(); bf16 = AutocastNet(fp32)
    found = dict(run=a.run, n=a.n, seeds=a.seeds, cpu=open('/proc/cpuinfo').read().split('model name')[1].split('\n')[0].strip(': '))
    found['inception_images_per_second'] = dict(float32=round(images_per_second(fp32), 2), bf16=round(images_per_second(bf16), 2))
    print(found['inception_images_per_second'], flush=True)
    seeds = list(range(a.seeds))
    f32, f16 = fid_per_seed(model, test, fp32, a.n, seeds), fid_per_seed(model, test, bf16, a.n, seeds)
    found['fid_float32'], found['fid_bf16'] = [round(v, 2) for v in f32], [round(v, 2) for v in f16]
    found['fid_seed_std_float32'] = round(float(np.std(f32, ddof=1)), 2)
    found['fid_bf16_minus_float32'] = [round(b - f, 2) for b, f in zip(f16, f32)]
    print({k: found[k] for k in ('fid_float32', 'fid_bf16', 'fid_seed_std_float32', 'fid_bf16_minus_float32')}, flush=True)
    raw = torch.cat([x.reshape(len(x), -1).float() for x in test.xs], 1)
    k = int(test.y.max()) + 1
    for name, dims in (('raw', None), ('pca64', 64), ('pca256', 256)):
        t0 = time.perf_counter()
        x = raw if dims is None else torch.as_tensor(PCA(dims, svd_solver='randomized', random_state=0).fit_transform(raw.numpy()))
        s = kmeans_scores(x, test.y, k, 0)
        found[f'kmeans_{name}'] = dict(seconds=round(time.perf_counter() - t0, 1), **{m: round(v, 4) for m, v in s.items()})
        print(name, found[f'kmeans_{name}'], flush=True)
    print(json.dumps(found, indent=1))

if __name__ == '__main__': main()
