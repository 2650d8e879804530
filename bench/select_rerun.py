"""The published way of selecting clusters, kept only to be compared with `cmvae.prune.select_clusters`.

`select_clusters_rerun` prunes the prior of a copy of the model at every step and runs the whole validation split
through the encoders again before computing p(c|z); `select_clusters` encodes once and only masks log pi. With the
same draws (`same_draws=True`) both give the same curve. `bench/run.py` times the two. Run this file to check that
they agree: `python bench/select_rerun.py`.
"""
from __future__ import annotations
import copy

import torch

from cmvae.model import CMVAE
from cmvae.prune import Selection, _check_options, _sweep, encode_for_selection


@torch.no_grad()
def select_clusters_rerun(model:CMVAE, # trained model (left unchanged)
                          ds_or_xs, # validation split: a MultimodalDataset or a list of M tensors
                          generator:torch.Generator|None=None, # seeded generator for the draws
                          beta:float|None=None, entropy_norm:str='active', vote:str='majority', min_clusters:int=2,
                          batch_size:int=1024, # items per encoder call
                          use_mean:bool=False, # posterior means instead of samples
                          same_draws:bool=True, # rewind `generator` every step (else new draws, as published)
                         ) -> Selection:
    "`select_clusters`, re-encoding `ds_or_xs` with a pruned copy of `model` at every step (the published way; slow)."
    _check_options(model, entropy_norm, vote, min_clusters)
    pruned, state = copy.deepcopy(model), generator.get_state() if generator is not None else None
    def joint_of(active):
        pruned.prior.set_active(active)
        if same_draws and generator is not None: generator.set_state(state)
        z = encode_for_selection(pruned, ds_or_xs, batch_size, use_mean, generator)
        return pruned.prior.joint_log_prob(z)
    return _sweep(joint_of, model, beta, entropy_norm, vote, min_clusters)


if __name__ == '__main__':   # the check that used to live in nbs/07_prune.ipynb
    from fastcore.test import test_eq, test_close, test_fail
    from cmvae.model import CMVAEConfig
    from cmvae.prune import select_clusters
    torch.manual_seed(0)
    model = CMVAE(CMVAEConfig([(6,)] * 2, K=5, dz=3, dw=2, likelihood='normal', lik_scale=0.5))
    with torch.no_grad(): model.prior.mu_c.mul_(3)
    xs = [torch.randn(200, 6) for _ in range(2)]
    for norm, vote in (('active', 'majority'), ('K', 'mean')):
        z = encode_for_selection(model, xs, 128, generator=torch.Generator().manual_seed(0))
        fast = select_clusters(model, z, entropy_norm=norm, vote=vote)
        ref = select_clusters_rerun(model, xs, torch.Generator().manual_seed(0), entropy_norm=norm, vote=vote, batch_size=128)
        test_eq((fast.active, fast.counts, fast.best), (ref.active, ref.counts, ref.best))
        test_close(fast.scores, ref.scores, eps=1e-6)
    test_eq(model.prior.K_active, 5)
    fresh = select_clusters_rerun(model, xs, torch.Generator().manual_seed(0), batch_size=128, same_draws=False)
    assert fresh.scores[1:] != ref.scores[1:], 'new draws at each step change the curve'
    test_fail(lambda: select_clusters_rerun(model, xs, vote='x'), contains='use one of')
    print('select_clusters_rerun: same curve as select_clusters on the same draws')
