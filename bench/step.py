"""Time one CMVAE training step (forward, backward, Adam) on PolyMNIST shapes.

For the CPU-default and the published ("paper") architecture, with the modality networks run as batched
(vmapped) calls, one call per network, and as the reference Python loop of M + M^2 small calls. Prints one line per setting and, as
its last line, one JSON object with samples/second (`*_sps`) and the FLOPs of a step.

    python bench/step.py                     # batch 128, all four settings
    python bench/step.py --steps 3 --archs default
"""
import argparse, json, platform, time
import torch
from torch.utils.flop_counter import FlopCounterMode
from cmvae.model import CMVAE, CMVAEConfig


MODES = ('batched', 'per_modality', 'loop')

def set_mode(model:CMVAE, mode:str):
    """How the modality networks run. `batched`: one vmapped call for the M encoders and one for all M^2
    reconstructions. `per_modality`: one call per network (M encoder calls of B items, M decoder calls of M*B).
    `loop`: the reference, M encoder calls and M^2 decoder calls of B items each."""
    for nets in (model.encoders, model.decoders):
        nets.vmap = mode == 'batched'
        nets.__dict__.pop('forward', None)
    if mode == 'loop':   # split each decoder's input back into its M sources: M^2 small calls
        dec, M = model.decoders, model.M
        dec.forward = lambda us: [torch.cat([dec.forward_one(n, u_src) for u_src in u.chunk(M)]) for n, u in enumerate(us)]


def step_fn(model, xs):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, amsgrad=True)
    def step():
        loss = model.objective(xs).loss
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    return step


def step_flops(model, xs) -> int:
    "FLOPs of one forward + backward pass, counted by torch's FlopCounterMode."
    with FlopCounterMode(display=False) as counter:
        model.objective(xs).loss.backward()
    model.zero_grad(set_to_none=True)
    return counter.get_total_flops()


def layer_step(net:torch.nn.Module, x:torch.Tensor, input_grad:bool, bf16:bool=True, channels_last:bool=True):
    "Forward and backward of `net` on a copy of `x` (as the trainer runs it by default: bf16 autocast, channels-last maps); `input_grad`: x's gradient too."
    x = x.detach().clone()
    if channels_last and x.dim() == 4: x = x.contiguous(memory_format=torch.channels_last)
    x.requires_grad_(input_grad)
    def step():
        with torch.autocast('cpu', torch.bfloat16, enabled=bf16): y = net(x)
        y.backward(torch.ones_like(y))
    return step


def time_steps(step, steps:int, warmup:int=1) -> float:
    "Seconds per step, the median of `steps` timed steps after `warmup` untimed ones."
    for _ in range(warmup): step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter(); step(); times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--batch-size', type=int, default=128)
    ap.add_argument('--steps', type=int, default=5, help='timed steps per setting (the median is reported)')
    ap.add_argument('--paper-steps', type=int, default=2, help='timed steps for the paper architecture (slow on CPU)')
    ap.add_argument('--archs', nargs='+', default=['default', 'paper'], choices=['default', 'paper'])
    args = ap.parse_args()
    torch.manual_seed(0)
    B = args.batch_size
    xs = [torch.rand(B, 3, 28, 28) for _ in range(5)]
    result = dict(batch_size=B, threads=torch.get_num_threads(), torch=torch.__version__, machine=platform.processor() or platform.machine())
    for arch in args.archs:
        model = CMVAE(CMVAEConfig([(3, 28, 28)] * 5, arch=arch))
        flops = step_flops(model, xs)
        result[f'{arch}_gflops_per_sample'] = round(flops / B / 1e9, 3)
        for mode in MODES:
            set_mode(model, mode)
            sec = time_steps(step_fn(model, xs), args.steps if arch == 'default' else args.paper_steps)
            result[f'{arch}_{mode}_sps'] = round(B / sec, 1)
            result[f'{arch}_{mode}_gflops_per_s'] = round(flops / sec / 1e9, 1)
            print(f'{arch:8s} {mode:12s} {sec * 1000:9.1f} ms/step  {B / sec:8.1f} samples/s  {flops / sec / 1e9:6.1f} GFLOP/s (fwd+bwd FLOPs {flops / B / 1e9:.2f} G/sample)', flush=True)
    for arch in args.archs:
        for mode in MODES[:2]: result[f'{arch}_{mode}_over_loop'] = round(result[f'{arch}_{mode}_sps'] / result[f'{arch}_loop_sps'], 2)
    print(json.dumps(result))


if __name__ == '__main__':
    main()
