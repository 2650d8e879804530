"""Selection criteria compared on trained runs, without retraining: for each run folder, the model with all its
clusters, the validation split encoded once, the pruning order of `select_clusters`, and at every step of it the
paper's score and its refinements; then the number of clusters each criterion picks and the test ACC there.

    python bench/selection_variants.py runs/suite/digits-seed0 runs/suite/mnist2v-seed0 ...
"""
import json, math, sys
from pathlib import Path

import torch

from cmvae.data import load_dataset
from cmvae.model import CMVAE
from cmvae.prune import encode_for_selection, select_clusters, masked_joint
from cmvae.metrics import clustering_scores


def curves(model, z, zs):
    "Per pruning step: active set, sum log p(z), sum H(p(c|z)) in nats, the paper's score, and joint entropies."
    sel = select_clusters(model, z, beta=2.5)
    comp = model.prior.component_log_prob(z)
    comps = model.prior.component_log_prob(zs)                   # (S, M, N, K)
    logits = model.prior.pi_logits.detach()
    out = []
    for ids, score in zip(sel.active, sel.scores):
        active = torch.zeros(model.prior.K, dtype=torch.bool); active[ids] = True
        joint = masked_joint(comp, logits, active)
        lpz = joint.logsumexp(-1)
        post = (joint - lpz[..., None]).exp()
        js = masked_joint(comps, logits, active)
        posts = (js - js.logsumexp(-1, keepdim=True)).exp()
        norm = math.log(len(ids)) if len(ids) > 1 else 1.
        H_joint = torch.special.entr(post.mean(0)).sum(-1).mean().item() / norm          # H(1/M sum_m p(c|z_m))
        H_joint_s = torch.special.entr(posts.mean((0, 1))).sum(-1).mean().item() / norm  # over S samples too
        loglik = (lpz / z.shape[-1]).mean().item()
        out.append(dict(n=len(ids), ids=ids, loglik=lpz.sum().item(), entropy=torch.special.entr(post).sum().item(),
                        paper=score, joint=2.5 * H_joint - loglik, joint_s=2.5 * H_joint_s - loglik))
    return out


def main(runs):
    for run in map(Path, runs):
        cfg = json.loads((run/'config.json').read_text())['train']
        model = CMVAE.load(run); model.prior.set_active(range(model.prior.K)); model.eval()
        valid = load_dataset(cfg['data'], 'valid', cfg.get('root', 'data'))
        test = load_dataset(cfg['data'], 'test', cfg.get('root', 'data'))
        z = encode_for_selection(model, valid, generator=torch.Generator().manual_seed(0))
        zt = encode_for_selection(model, test, use_mean=True)
        M, N, dz = z.shape
        n = M * N
        zs = torch.stack([encode_for_selection(model, valid, generator=torch.Generator().manual_seed(s))
                          for s in range(1, 9)])
        steps = curves(model, z, zs)
        crit = {
            'paper': lambda s: s['paper'],
            # ICL (Biernacki et al. 2000): -log L + entropy + BIC penalty, parameters: means and weights
            'icl': lambda s: -s['loglik'] + s['entropy'] + (s['n'] * (dz + 1) - 1) / 2 * math.log(n),
            'bic': lambda s: -s['loglik'] + (s['n'] * (dz + 1) - 1) / 2 * math.log(n),
            'joint': lambda s: s['joint'], 'joint_s8': lambda s: s['joint_s'],
        }
        k = int(test.y.max()) + 1
        line = [f'{run.name:24s} k={k} N_valid={N}']
        for name, f in crit.items():
            best = min(steps, key=f)
            model.prior.set_active(best['ids'])
            acc = clustering_scores(test.y, model.cluster_probs_at(zt).argmax(-1).cpu())['acc']
            line.append(f'{name}: {best["n"]:2d} (ACC {acc:.3f})')
        print('  '.join(line), flush=True)


if __name__ == '__main__': main(sys.argv[1:])
