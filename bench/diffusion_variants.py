"""Three changes to D-CMVAE's denoiser tried against the library's (form 1, as DiffuseVAE), not adopted (bench/README.md).

- `residual`: the denoiser diffuses the residual r = (x0 - x_hat) / 2 (in [-1, 1]) given the reconstruction x_hat,
  and a sample is x_hat + 2 r: the digit's layout comes from CMVAE by construction, the denoiser adds what the blur
  lost (as in "deblurring via stochastic refinement", Whang et al. 2022). Sampling starts from noise.
- `guidance`: classifier-free guidance on the reconstruction: in training the condition is replaced by zeros for
  10% of the items; in sampling eps = eps(x_t, 0) + w (eps(x_t, x_hat) - eps(x_t, 0)), w from $GUIDE (default 1:
  no guidance, the conditional model alone), both predictions in one batch.
- `normcond`: the UNet reads each condition at zero mean and unit spread (`normalised`), in training and sampling,
  so that a faint cross-reconstruction is as legible to it as a sharp self-reconstruction.

Each patches the library's training objective and `DCMVAE.refine`, then runs the stage's command or
bench/diffusion_samplers.py with the patch in place:

    python bench/diffusion_variants.py residual train --stage diffusion --from runs/default --out runs/default/diffusion-residual
    python bench/diffusion_variants.py residual bench runs/default/diffusion-residual --n 500 --samplers ddim:25,ddim:10
    GUIDE=3 python bench/diffusion_variants.py guidance bench runs/default/diffusion-guidance --n 500 --samplers ddim:25@0.7
"""
import os, sys
from pathlib import Path

import torch

import cmvae.diffusion as D
from cmvae.data import to_float
from cmvae.nets import bf16_native

P_UNCOND = 0.1                                  # guidance: share of training items without their condition


def objective(model, xs, variant):
    "The library's epsilon loss with the variant's target (residual) or condition dropout (guidance)."
    conds = D.conditioning(model.cmvae, xs, model.cfg.p_cross)
    s, losses = model.schedule, {}
    for m in model.modalities:
        x0, cond = D.to_signed(to_float(xs[m], 'image')), D.to_signed(conds[m])
        if variant == 'residual': x0 = (x0 - cond) / 2
        elif variant == 'normcond': cond = normalised(cond)
        else: cond = cond * (torch.rand(len(x0), device=x0.device) >= P_UNCOND).float()[:, None, None, None]
        t, noise = torch.randint(s.T, (len(x0),), device=x0.device), torch.randn_like(x0)
        eps = model.denoisers[str(m)](s.q_sample(x0, t, noise), t, cond)
        losses[f'loss_x{m}'] = (eps.float() - noise).square().mean((1, 2, 3)).mean()
    return torch.stack(list(losses.values())).mean(), {k: v.detach() for k, v in losses.items()}


def normalised(cond, eps:float=1e-2):
    "Each condition image at zero mean and unit spread (over C, H, W): a faint digit as legible as a sharp one."
    mean, sd = cond.mean((1, 2, 3), keepdim=True), cond.std((1, 2, 3), keepdim=True)
    return (cond - mean) / (sd + eps)


def guided(net, w:float):
    "eps_u + w (eps_c - eps_u), the conditional and unconditional predictions in one batch."
    def eps(x, t, cond):
        c, u = net(torch.cat([x, x]), torch.cat([t, t]), torch.cat([cond, torch.zeros_like(cond)])).float().chunk(2)
        return u + w * (c - u)
    return eps


@torch.no_grad()
def refine(self, m, images, variant, sampler=None, steps=None, eta=None, start=None, generator=None, batch_size=500,
           progress=False):
    "`DCMVAE.refine` for the variant (its signature; `start` is ignored by `residual`, which starts from noise)."
    s = D.make_sampler(self.schedule, sampler or 'ddim', steps or 25, eta or 0.)
    net, device = self.ema[str(m)], next(self.ema.parameters()).device
    fast = torch.autocast(device.type, torch.bfloat16, enabled=bf16_native(device))
    out = []
    for b in images.split(batch_size):
        cond = D.to_signed(to_float(b, 'image', device))
        with fast:
            if variant == 'residual': x = cond + 2 * D.sample_loop(net, s, cond, generator=generator).float()
            elif variant == 'normcond':
                x = D.sample_loop(lambda x, t, c: net(x, t, normalised(c)), s, cond, generator=generator,
                                  start=self.sampling['start'] if start is None else start)
            else: x = D.sample_loop(guided(net, float(os.environ.get('GUIDE', '1'))), s, cond, generator=generator,
                                    start=start or self.sampling['start'])
        out.append(D.to_unit(x).cpu())
    return torch.cat(out)


def main():
    variant, action, *args = sys.argv[1:]
    if variant not in ('residual', 'guidance', 'normcond') or action not in ('train', 'bench'):
        sys.exit(__doc__)
    D.diffusion_objective = lambda model, xs: objective(model, xs, variant)
    D.DCMVAE.refine = lambda self, m, images, **kw: refine(self, m, images, variant, **kw)
    if action == 'train':
        import cmvae.train
        cmvae.train.main(args)
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        import diffusion_samplers
        sys.argv = ['diffusion_samplers.py', *args]
        diffusion_samplers.main()


if __name__ == '__main__': main()
