"""MultiVae's CMVAE (PyPI `multivae`, a bench-only dependency) built to match one of ours: same networks
(copies of our encoder and decoder modules, same initial weights), same number of clusters and latent sizes,
same likelihood, family, beta and estimator. Used by `bench/run.py`; not part of the library."""
import torch
from torch import nn
from cmvae.model import CMVAE
from cmvae.nets import ConvTranspose2d, ToFeatureMap

try:
    from multivae.models import CMVAE as PeerCMVAE, CMVAEConfig as PeerConfig
    from multivae.models.nn.base_architectures import BaseMultilatentEncoder, BaseDecoder
    from multivae.data.datasets.base import MultimodalBaseDataset
    from pythae.models.base.base_utils import ModelOutput
except ImportError as e:
    raise ImportError("the benchmark compares against MultiVae: pip install -e '.[bench]' (or pip install multivae==1.0.3)") from e

import logging
logging.getLogger('multivae.models.cmvae.cmvae_model').setLevel(logging.WARNING)   # its pruning logs every step


class PeerEncoder(BaseMultilatentEncoder):
    "One of our two-tower encoders behind MultiVae's encoder interface (raw scales are MultiVae's 'log_covariance')."
    def __init__(self, net:nn.Module, dz:int, dw:int):
        super().__init__()
        self.net, self.latent_dim, self.style_dim = net, dz, dw

    def forward(self, x):
        z_loc, z_raw, w_loc, w_raw = self.net(x)
        return ModelOutput(embedding=z_loc, log_covariance=z_raw, style_embedding=w_loc, style_log_covariance=w_raw)


class PeerDecoder(BaseDecoder):
    "One of our decoders behind MultiVae's decoder interface."
    def __init__(self, net:nn.Module):
        super().__init__()
        self.net = net

    def forward(self, z):
        return ModelOutput(reconstruction=self.net(z))


def standard_layout(net:nn.Module) -> nn.Module:
    """`net` as a MultiVae user writes it, with plain PyTorch layers: our `ToFeatureMap` (same values, stored
    channels-last on CPU) becomes a plain `nn.Unflatten`, and our `ConvTranspose2d` (same parameters and values,
    a faster backward pass on CPU) becomes `nn.ConvTranspose2d`. Both are our optimisations (notebook 03), not
    part of the architecture. A bench-only layer with a `standard()` method is replaced by what that returns."""
    for name, child in net.named_children():
        if isinstance(child, ToFeatureMap): setattr(net, name, nn.Unflatten(1, (-1, child.h, child.w)))
        elif hasattr(child, 'standard'): setattr(net, name, child.standard())   # a bench-only layer that knows its plain form
        elif type(child) is ConvTranspose2d: child.__class__ = nn.ConvTranspose2d   # a subclass that adds no state: only forward changes
        else: standard_layout(child)
    return net

ESTIMATOR = {'elbo': 'iwae_looser', 'iwae': 'iwae_looser', 'dreg': 'dreg_looser'}   # IWAE with one sample is the ELBO
FAMILY = {'laplace': 'laplace_with_softmax', 'normal': 'normal_with_softplus'}

def names(M:int) -> list[str]: return [f'm{m}' for m in range(M)]

def peer_of(model:CMVAE) -> nn.Module:
    "A MultiVae CMVAE with `model`'s networks (copied), prior means and settings."
    c = model.config
    if c.estimator == 'elbo' and c.n_samples != 1: raise ValueError('the ELBO has one sample')
    mods = names(c.M)
    cfg = PeerConfig(n_modalities=c.M, latent_dim=c.dz, modalities_specific_dim=c.dw, input_dims={k: tuple(s) for k, s in zip(mods, c.shapes)},
                     decoders_dist={k: c.likelihood for k in mods}, decoder_dist_params={k: {'scale': c.lik_scale} for k in mods},
                     K=c.n_samples if c.estimator != 'elbo' else 1, loss=ESTIMATOR[c.estimator], beta=c.beta,
                     prior_and_posterior_dist=FAMILY[c.family], number_of_clusters=c.K)
    peer = PeerCMVAE(cfg, encoders={k: PeerEncoder(standard_layout(model.encoders.module(m)), c.dz, c.dw) for m, k in enumerate(mods)},
                     decoders={k: PeerDecoder(standard_layout(model.decoders.module(m))) for m, k in enumerate(mods)})
    with torch.no_grad():
        for k, mu in zip(range(c.K), model.prior.mu_c): peer.mean_clusters[k].copy_(mu[None])
    return peer

def peer_batch(xs:list[torch.Tensor]) -> MultimodalBaseDataset:
    "MultiVae's input for one batch: a dict of float images in [0, 1] (MultiVae's data sets hold floats)."
    return MultimodalBaseDataset(data={k: x.float() / 255 if x.dtype == torch.uint8 else x for k, x in zip(names(len(xs)), xs)},
                                 labels=torch.zeros(len(xs[0])))
