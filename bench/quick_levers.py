"""How fast does CMVAE's shared latent learn the digits of PolyMNIST on a CPU, per setting?

Trains one configuration for `steps` optimiser steps and, every `eval_every` steps, prints one JSON line with
the clustering ACC of the model's own p(c|z) (`acc`), the number of clusters it uses (`n_used`), and the ACC
of K-means (k=10) on the shared-latent means (`km_acc`: how much the latent knows about the digits, whatever
the prior does), on 3,000 test tuples. This is how the deviations of the `quick` preset (notebook 10) were
chosen. Options are key=value pairs, e.g.

    python bench/quick_levers.py                                   # the paper's settings, default nets
    python bench/quick_levers.py lik=normal lik_scale=0.2 beta=0.5 B=64 lr=2e-3   # the quick preset's
    python bench/quick_levers.py lik=normal lik_scale=0.2 beta=0.5 B=64 lr=2e-3 init=gmm warm_steps=1400
"""
import json, sys, time
import numpy as np, torch
from cmvae.data import load_dataset
from cmvae.metrics import cluster_acc
from cmvae.model import CMVAE, CMVAEConfig, param_groups
from cmvae.train import epoch_batches, init_prior

DEFAULTS = dict(steps=1500, eval_every=300, threads=1, B=128, lr=1e-3, prior_lr_scale=10., beta=2.5, K=40,
                lik='laplace', lik_scale=0.75, family='laplace', klw_steps=0, init='none', warm_steps=0, seed=0)

def parse(argv):
    a = dict(DEFAULTS)
    for kv in argv:
        k, v = kv.split('=')
        if k not in a: raise SystemExit(f'unknown option {k!r}: use one of {sorted(a)}')
        a[k] = type(a[k])(v)
    return a

def main(argv):
    a = parse(argv); print(json.dumps(a), flush=True)
    torch.manual_seed(a['seed']); torch.set_num_threads(a['threads'])
    train, test = load_dataset('polymnist', 'train'), load_dataset('polymnist', 'test')
    idx = torch.arange(0, len(test), 3)[:3000]
    xs_test, y_test = [x[idx] for x in test.xs], test.y[idx]
    model = CMVAE(CMVAEConfig(train.shapes, K=a['K'], beta=a['beta'], likelihood=a['lik'], lik_scale=a['lik_scale'], family=a['family']))
    opt = torch.optim.Adam(param_groups(model, a['lr'], a['prior_lr_scale']), amsgrad=True)
    t0, step, epoch = time.time(), 0, 0
    def report():
        model.eval()
        from sklearn.cluster import KMeans
        c = model.predict(xs_test); zm = model.latent_means(xs_test)
        km = KMeans(10, n_init=3, random_state=0).fit_predict(zm.numpy())
        model.train()
        print(json.dumps(dict(step=step, epochs=round(step * a['B'] / len(train), 2), minutes=round((time.time() - t0) / 60, 2),
                              acc=round(cluster_acc(y_test, c), 4), n_used=len(c.unique()), km_acc=round(cluster_acc(y_test, km), 4))), flush=True)
    while step < a['steps']:
        for b in epoch_batches(len(train), a['B'], a['seed'], epoch):
            if step == a['warm_steps'] and a['init'] != 'none': init_prior(model, train, a['init'], a['seed'])
            model.config.beta = a['beta'] * (min(1., max(step, 1) / a['klw_steps']) if a['klw_steps'] else 1.)
            loss = model.objective([x[b] for x in train.xs]).loss
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); step += 1
            if step % a['eval_every'] == 0: report()
            if step >= a['steps']: break
        epoch += 1

if __name__ == '__main__': main(sys.argv[1:])
