"""The generality suite: multi-view data sets built offline from what the installed packages ship, each in the npz
format, and the default command run on every one of them with K = 3 x the true number of classes.

    python bench/suite.py                      # build the sets (once), run seed 0 on each, write the table
    python bench/suite.py --seeds 0,1,2        # three seeds per set: the table gives mean and spread
    python bench/suite.py --sets digits,wine   # some of the sets
    python bench/suite.py --build-only         # only write the npz files

Every set is small enough that the suite at one seed runs in about ten minutes on a 2-core CPU. Results go to
`<out>/suite.json` (every run's metrics) and `<out>/suite.md` (the table). The K-means floor is K-means with the
true k (10 restarts) on the test split's views concatenated, every feature z-scored on that split (pixels too):
the number a clustering method must beat. `kmeans_latent` is K-means with the true k on CMVAE's latent means, the
ceiling the mixture prior should reach.
"""
from __future__ import annotations
import argparse, json, os, platform, shutil, subprocess, sys, time
from pathlib import Path

import numpy as np

K_FACTOR = 3     # clusters trained with: 3 x the truth, so that selection has to prune
SEED = 20261201  # of every set's draws (`build`)


# ---------------------------------------------------------------------------------------------------------------
# The sets. Each builder returns (dict of arrays in the npz format, a one-line description).

def _views_of_columns(X:np.ndarray, groups:list[slice]) -> dict:
    return {f'x{m}': X[:, g].astype(np.float32) for m, g in enumerate(groups)}

def _split_60_20_20(n:int, rng) -> np.ndarray:
    "A 60/20/20 train/valid/test split for the small sets, so that the test split is not a handful of items."
    split = np.zeros(n, np.int64)
    order = rng.permutation(n)
    split[order[int(0.6 * n):int(0.8 * n)]], split[order[int(0.8 * n):]] = 1, 2
    return split

def digits(rng):
    "scikit-learn's 8x8 digits (1,797 items, 10 classes): the left and the right half of each image, as raw 0..16 vectors."
    from sklearn.datasets import load_digits
    d = load_digits()
    img = d.images.astype(np.float32)
    return dict(x0=img[:, :, :4].reshape(len(img), -1), x1=img[:, :, 4:].reshape(len(img), -1), y=d.target,
                split=_split_60_20_20(len(img), rng))

def wine(rng):
    "scikit-learn's wine (178 items, 3 classes): 13 chemical measures as two views (6 + 7) of raw units (proline ~1000)."
    from sklearn.datasets import load_wine
    d = load_wine()
    return dict(**_views_of_columns(d.data, [slice(0, 6), slice(6, 13)]), y=d.target, split=_split_60_20_20(len(d.target), rng))

def cancer(rng):
    "scikit-learn's breast cancer (569 items, 2 classes): the 10 means, 10 standard errors, 10 worst values, raw."
    from sklearn.datasets import load_breast_cancer
    d = load_breast_cancer()
    return dict(**_views_of_columns(d.data, [slice(0, 10), slice(10, 20), slice(20, 30)]), y=d.target,
                split=_split_60_20_20(len(d.target), rng))

def _scales_latent(rng, n=3000, k=8, d_latent=4):
    "The 8 cluster means in a 4-d latent, each item's cluster y and its latent point u (spread 0.6 about its mean)."
    means = rng.normal(0, 2.0, (k, d_latent))
    y = rng.integers(0, k, n)
    return means, y, means[y] + rng.normal(0, 0.6, (n, d_latent))

def _scales_raw(rng, n=3000, k=8, d_latent=4):
    "Synthetic: 8 clusters in a 4-d latent, seen through three non-linear views of 6, 60 and 240 features."
    means, y, u = _scales_latent(rng, n, k, d_latent)
    views = {}
    for m, (dim, scale) in enumerate(((6, 1e-3), (60, 1.0), (240, 1e3))):
        A = rng.normal(0, 1 / np.sqrt(d_latent), (d_latent, dim))
        b = rng.normal(0, 1.0, dim)
        views[f'x{m}'] = (scale * (np.tanh(u @ A + b) + rng.normal(0, 0.3, (n, dim)))).astype(np.float32)
    return dict(**views, y=y)

def scales(rng):
    "Synthetic mixture, 3,000 items, 8 clusters: views of 6, 60 and 240 features at scales 1e-3, 1 and 1e3 (raw)."
    return _scales_raw(rng)

def scales_std(rng):
    "The same items as `scales`, every feature z-scored beforehand: its result must match `scales`'."
    a = _scales_raw(rng)
    for m in range(3):
        x = a[f'x{m}']
        a[f'x{m}'] = ((x - x.mean(0)) / x.std(0)).astype(np.float32)
    return a

def _mnist(root):
    from cmvae.data import load_mnist
    return load_mnist(root)

def _same_class_partner(y, rng):
    "For each item, another item of the same class (a permutation within each class)."
    partner = np.empty_like(y)
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        partner[idx] = rng.permutation(idx)
    return partner

def mnist2v(rng, root='data', n=6000):
    "Two-view MNIST as in the multi-view literature (6,000 items, 10 classes): a rotated digit, and another digit of the class with noise."
    from scipy.ndimage import rotate
    mn = _mnist(root)
    pick = rng.choice(60_000, n, replace=False)
    x, y = mn.x_train[pick], mn.y_train[pick].astype(np.int64)
    angles = rng.uniform(-45, 45, n)
    x0 = np.stack([rotate(img, a, reshape=False, order=1) for img, a in zip(x, angles)])
    other = x[_same_class_partner(y, rng)].astype(np.float32)
    x1 = np.clip(other + rng.uniform(0, 255, other.shape) * 0.5, 0, 255).astype(np.uint8)
    return dict(x0=x0[:, None].astype(np.uint8), x1=x1[:, None], y=y)

def mnist5_mixed(rng, root='data', n=5000):
    "MNIST 0-4 (5,000 items, 5 classes), mixed views: a 28x28 image, and a 64-feature vector (another digit of the class pooled to 8x8, noisy, raw 0..255)."
    mn = _mnist(root)
    keep = np.flatnonzero(mn.y_train < 5)
    pick = rng.choice(keep, n, replace=False)
    x, y = mn.x_train[pick], mn.y_train[pick].astype(np.int64)
    other = x[_same_class_partner(y, rng)][:, 2:26, 2:26].astype(np.float32)        # 24x24 -> 8x8 by 3x3 means
    pooled = other.reshape(n, 8, 3, 8, 3).mean((2, 4)).reshape(n, 64)
    x1 = pooled + rng.normal(0, 40, pooled.shape)
    return dict(x0=x[:, None], x1=x1.astype(np.float32), y=y)

SETS = dict(digits=digits, wine=wine, cancer=cancer, scales=scales, scales_std=scales_std, mnist2v=mnist2v,
            mnist5_mixed=mnist5_mixed)


def scales_ceiling(path:Path) -> float:
    """ACC of the Bayes classifier that knows the true cluster means and each test item's true latent point u (its
    nearest mean): no method that sees only the views can be expected to beat it (the clusters overlap)."""
    from cmvae.data import default_split, SPLIT_CODES
    means, y, u = _scales_latent(np.random.default_rng(SEED))          # the draws `build` made, in the same order
    assert (y == np.load(path)['y']).all(), 'the set on disk was not built by this code'
    test = default_split(len(y), 0) == SPLIT_CODES['test']
    nearest = ((u[test, None, :] - means[None]) ** 2).sum(-1).argmin(1)
    return float((nearest == y[test]).mean())                          # the clusters are the classes: no matching

CEILINGS = dict(scales=scales_ceiling, scales_std=scales_ceiling)    # sets whose generative model is known

def build(name:str, root:str) -> Path:
    "Write the set `name` as `<root>/suite/<name>.npz` (atomically, once) and return its path."
    path = Path(root)/'suite'/f'{name}.npz'
    if path.exists(): return path
    path.parent.mkdir(parents=True, exist_ok=True)
    builder = SETS[name]
    rng = np.random.default_rng(SEED)
    kwargs = dict(root=root) if 'root' in builder.__code__.co_varnames else {}
    arrays = builder(rng, **kwargs)
    tmp = path.with_suffix('.tmp.npz')
    np.savez(tmp, **arrays)
    os.replace(tmp, path)
    return path


# ---------------------------------------------------------------------------------------------------------------
# The K-means floor and one run of the default command.

def kmeans_floor(path:Path, seed:int=0) -> dict:
    "K-means with the true k on the test split: views concatenated, every feature z-scored (constant ones dropped)."
    from sklearn.cluster import KMeans
    from cmvae.data import load_npz
    from cmvae.metrics import clustering_scores
    import torch
    test = load_npz(path, 'test')
    X = np.concatenate([x.reshape(len(x), -1).float().numpy() for x in test.xs], 1)
    sd = X.std(0)
    X = (X[:, sd > 0] - X.mean(0)[sd > 0]) / sd[sd > 0]
    k = int(test.y.max()) + 1
    pred = KMeans(k, n_init=10, random_state=seed).fit_predict(X)
    return clustering_scores(test.y, torch.from_numpy(pred))

def run_one(path:Path, seed:int, out:Path, extra:list[str], repo:str|None) -> dict:
    "The default command on `path` with K = 3 x the truth: its metrics, wall time and return code."
    y = np.load(path)['y']
    k = int(y.max()) + 1
    cmd = [sys.executable, '-m', 'cmvae.train', '--data', f'npz:{path}', '--clusters', str(K_FACTOR * k),
           '--seed', str(seed), '--out', str(out), '--no-fid', *extra]
    env = dict(os.environ, **({'PYTHONPATH': repo} if repo else {}))
    t0 = time.time()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=repo or None)
    wall = time.time() - t0
    (out.parent/f'{out.name}.log').write_text(done.stdout + done.stderr)
    metrics = json.loads((out/'metrics.json').read_text()) if done.returncode == 0 else {}
    return dict(metrics=metrics, wall_seconds=wall, returncode=done.returncode, k=k, command=' '.join(cmd),
                error=done.stderr.strip().splitlines()[-1] if done.returncode else None)


# ---------------------------------------------------------------------------------------------------------------
# The table.

def _mean_spread(vals:list[float]) -> str:
    vals = [v for v in vals if v is not None]
    if not vals: return '—'
    if len(vals) == 1: return f'{vals[0]:.3f}'
    return f'{np.mean(vals):.3f} ± {np.std(vals):.3f}'

def table(results:dict) -> str:
    "The suite as a markdown table: one row per set, mean ± std over seeds."
    head = ('| set | k | K | clusters found | ACC | NMI | ARI | K-means floor ACC | ACC − floor | K-means latent ACC | '
            'ACC before selection | ceiling ACC | steps | wall s |\n|' + '---|' * 14)
    rows = [head]
    for name, r in results.items():
        runs = [x for x in r['runs'] if x['returncode'] == 0]
        if not runs:
            rows.append(f"| {name} | {r['k']} | {K_FACTOR * r['k']} | failed: {r['runs'][0]['error']} |" + ' |' * 10)
            continue
        get = lambda key: [x['metrics'].get(key) for x in runs]
        found = '/'.join(str(v) for v in get('clusters_found'))
        gain = [a - r['floor']['acc'] for a in get('acc')]
        rows.append(f"| {name} | {r['k']} | {K_FACTOR * r['k']} | {found} | {_mean_spread(get('acc'))} | "
                    f"{_mean_spread(get('nmi'))} | {_mean_spread(get('ari'))} | {r['floor']['acc']:.3f} | "
                    f"{_mean_spread(gain)} | {_mean_spread(get('kmeans_latent_acc'))} | "
                    f"{_mean_spread(get('acc_all_clusters'))} | {_mean_spread([r.get('ceiling')])} | "
                    f"{runs[0]['metrics'].get('steps')} | "
                    f"{np.mean([x['wall_seconds'] for x in runs]):.0f} |")
    return '\n'.join(rows)

def machine() -> str:
    try: cpu = next(l.split(':', 1)[1].strip() for l in subprocess.run(['lscpu'], capture_output=True, text=True)
                    .stdout.splitlines() if l.startswith('Model name'))
    except Exception: cpu = platform.processor()
    return f'{cpu}, {os.cpu_count()} cores'

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--sets', default=','.join(SETS), help='comma-separated set names')
    p.add_argument('--seeds', default='0', help='comma-separated seeds')
    p.add_argument('--root', default='data', help='data root: the sets are written under <root>/suite')
    p.add_argument('--out', default='runs/suite', help='folder of the runs and of suite.json / suite.md')
    p.add_argument('--repo', default=None, help='run the cmvae of this checkout (PYTHONPATH), e.g. an older commit')
    p.add_argument('--build-only', action='store_true', help='only write the npz files')
    p.add_argument('extra', nargs='*', help='options passed to every run after --, e.g. -- --steps 3000')
    args = p.parse_args(argv)
    names, seeds = args.sets.split(','), [int(s) for s in args.seeds.split(',')]
    if unknown := set(names) - set(SETS): p.error(f'unknown sets {sorted(unknown)}: choose from {list(SETS)}')
    root, out = Path(args.root).resolve(), Path(args.out).resolve()
    paths = {n: build(n, str(root)) for n in names}
    if args.build_only: return
    out.mkdir(parents=True, exist_ok=True)
    results, t0 = {}, time.time()
    for name in names:
        floor = kmeans_floor(paths[name])
        runs = []
        for s in seeds:
            run_dir = out/f'{name}-seed{s}'
            if (run_dir/'metrics.json').exists(): shutil.rmtree(run_dir)     # a finished run is run again
            runs.append(run_one(paths[name], s, run_dir, args.extra, args.repo))
            m = runs[-1]['metrics']
            print(f"{name} seed {s}: found {m.get('clusters_found')} of {m.get('clusters_trained')}, ACC {m.get('acc')}, "
                  f"floor {floor['acc']:.3f}, latent {m.get('kmeans_latent_acc')}, {runs[-1]['wall_seconds']:.0f} s"
                  + (f"  ERROR {runs[-1]['error']}" if runs[-1]['error'] else ''), flush=True)
        ceiling = CEILINGS[name](paths[name]) if name in CEILINGS else None
        results[name] = dict(k=runs[0]['k'], floor=floor, ceiling=ceiling, runs=runs, description=SETS[name].__doc__)
    info = dict(machine=machine(), date=time.strftime('%Y-%m-%d'), seeds=seeds, extra=args.extra, repo=args.repo,
                total_seconds=time.time() - t0)
    (out/'suite.json').write_text(json.dumps(dict(info=info, results=results), indent=1))
    md = (f"{info['date']}, {info['machine']}, seeds {seeds}, `python bench/suite.py --seeds {args.seeds}`"
          f"{' -- ' + ' '.join(args.extra) if args.extra else ''}; whole suite {info['total_seconds']:.0f} s\n\n"
          + table(results) + '\n')
    (out/'suite.md').write_text(md)
    print(md)

if __name__ == '__main__': main()
