"""How far the throughput ratio to MultiVae depends on the architecture, why the CPU-default nets stop well short
of 3x on this machine, and what the nets that pass 3x cost.

A training step's time is each library's fixed cost (everything but the networks: data preparation, likelihoods,
prior, posteriors, optimiser) plus the time of its networks' layers. This script measures:

1. The fixed cost of a step of each library, with *null networks* that do almost no arithmetic (an encoder that
   averages each image to one pixel before its linear head, a decoder that paints one linear output over the
   image), alternated A B A B as `run.py` times its steps.
2. A catalogue of the blocks 28x28 image VAEs are built from (3x3 and strided convolutions, transposed
   convolutions, nearest upsampling followed by a convolution, linear layers; each with its activation), forward
   and backward at batch 128. Ours at the fastest of bf16/float32 x channels-last/standard layout (the best we
   could pick per block), MultiVae's as its users run them: plain PyTorch layers, float32, standard layout. FLOPs
   are the plain layers'. Two rows time the CPU-default decoder's transposed convolutions computed exactly as
   plain convolutions at the lower resolution (`SubpixelConvTranspose2d`, bench-only, checked at start).
3. Whole steps (alternated pairs) of both with the CPU-default networks and with five architectures built from
   the blocks MultiVae runs slowest (nearest upsampling + 3x3 convolutions in the decoder; 3x3 convolutions and
   average pooling in the encoder): the ratio, our samples/s and our fraction of the bf16 peak. Four of them end
   the decoder with `SubpixelUpsampleConv`, a bench-only layer that computes upsampling + 3x3 convolution at the
   lower resolution (exact, checked at start; MultiVae runs the plain pair). With it upsampling decoders pass 3x
   and 40% of the peak; but the default command trained with each found 7, 9, 6 or 37 clusters instead of 10
   (README), so the default keeps its decoder.
   `bench/decoder_trial.py` runs the default command with these nets.

A step's ratio lies between the fixed costs' ratio and its layers' ratio, weighted by our time in each.

    python bench/architectures.py     # 3.5-6 minutes; the peak comes from bench/results.json if present, else is measured
"""
import argparse, copy, json, statistics, sys
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from cmvae.nets import Act, ConvTranspose2d, FlatDecoder, ModalityNets, ToFeatureMap, TwoTowerEncoder, image_decoder_net, image_tower
from peer import standard_layout
from run import conv_peak, our_model, our_step, peer_step, random_batch, seconds_per_step
from step import layer_step, step_flops, time_steps


# ---------------------------------------------------------------- 1. fixed costs, with null networks
class Paint(nn.Module):
    "(N, C) -> (N, C, H, W): each channel's value at every pixel (a decoder output with no arithmetic)."
    def __init__(self, size:int): super().__init__(); self.size = size
    def forward(self, x): return x[:, :, None, None].expand(-1, -1, self.size, self.size).contiguous()

def null_tower(d_out:int, channels:int) -> nn.Module:
    return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, d_out))

def null_decoder(d_in:int, channels:int) -> nn.Module:
    return nn.Sequential(nn.Linear(d_in, channels), Paint(28))

def with_nets(model, tower, decoder_net):
    "`model` with every encoder made of two `tower(d_out, channels)` and every decoder `decoder_net(d_in, channels)`."
    c = model.config
    model.encoders = ModalityNets([lambda s=s: TwoTowerEncoder(tower(2 * c.dz, s[0]), tower(2 * c.dw, s[0])) for s in c.shapes])
    model.decoders = ModalityNets([lambda s=s: FlatDecoder(decoder_net(c.dz + c.dw, s[0])) for s in c.shapes])
    model.encoders.vmap = model.decoders.vmap = None      # one call per network on CPU, as CMVAE sets it
    return model

def alternated(tower, decoder_net, B:int, pairs:int, steps:int) -> dict:
    "Seconds per step of ours (bf16, as the trainer runs it) and of MultiVae with these networks, in alternated pairs."
    xs, make = random_batch(B), lambda variant: with_nets(our_model('default', variant), tower, decoder_net)
    ours, theirs = our_step(make('bf16'), xs, 'bf16'), peer_step(make('fp32'), xs)
    for _ in range(3): ours(); theirs()
    o, t = zip(*[(seconds_per_step(ours, steps), seconds_per_step(theirs, steps)) for _ in range(pairs)])
    return dict(ours_s=statistics.median(o), multivae_s=statistics.median(t), ratio=statistics.median(b / a for a, b in zip(o, t)),
                flops=step_flops(make('fp32'), xs))

def fixed_costs(B:int, pairs:int, steps:int) -> dict:
    "A step of each library with null networks: what it costs besides its networks."
    r = alternated(null_tower, null_decoder, B, pairs, steps)
    print(f'fixed cost of a step of {B}: ours {r["ours_s"] * 1e3:.1f} ms, MultiVae {r["multivae_s"] * 1e3:.1f} ms '
          f'({r["multivae_s"] / r["ours_s"]:.2f}x; medians of {pairs} alternated pairs; {r["flops"] / B / 1e9:.3f} GFLOP per sample)', flush=True)
    return r


# ---------------------------------------------------------------- 2. the catalogue of blocks
def conv3(cin, cout, act=True): return [nn.Conv2d(cin, cout, 3, padding=1)] + ([Act()] if act else [])
def down(cin, cout): return [nn.Conv2d(cin, cout, 4, stride=2, padding=1), Act()]
def up(cin, cout, act=True): return [ConvTranspose2d(cin, cout, 4, stride=2, padding=1)] + ([Act()] if act else [])
def resize(cin, cout, act=True): return [nn.Upsample(scale_factor=2)] + conv3(cin, cout, act)

# Layers that double the side, computed at the lower resolution ("sub-pixel"): each output phase (a, b) of
# pixel (2i + a, 2j + b) is a 3x3 convolution of the input around (i, j), so one convolution to 4x the channels,
# whose maps are then interleaved, computes the layer exactly.
def upsample_phase_taps(w:torch.Tensor, dim:int) -> tuple[torch.Tensor, torch.Tensor]:
    """3x3 kernels' taps along `dim` as seen from output rows (or columns) 2i and 2i+1 of 2x nearest upsampling
    followed by them: row 2i reads input rows i-1, i, i; row 2i+1 reads i, i, i+1."""
    before, centre, after = w.unbind(dim)
    zero = torch.zeros_like(centre)
    return torch.stack([before, centre + after, zero], dim), torch.stack([zero, before + centre, after], dim)

def transposed_phase_taps(w:torch.Tensor, dim:int) -> tuple[torch.Tensor, torch.Tensor]:
    """4x4 kernels' taps along `dim` of a transposed convolution with stride 2 and padding 1 (input row r adds to
    output rows 2r - 1 + k), as 3-tap kernels over input rows i-1, i, i+1: row 2i takes taps 3 and 1, row 2i+1 taps 2 and 0."""
    k0, k1, k2, k3 = w.unbind(dim)
    zero = torch.zeros_like(k0)
    return torch.stack([k3, k1, zero], dim), torch.stack([zero, k2, k0], dim)

def interleaved_conv(x:torch.Tensor, weight:torch.Tensor, bias:torch.Tensor, phase_taps) -> torch.Tensor:
    "(N, Cin, H, W) -> (N, C, 2H, 2W): one 3x3 convolution to the four phases' channels (a, b, c), interleaved."
    kernels = torch.cat([k for rows in phase_taps(weight, -2) for k in phase_taps(rows, -1)])   # (4C, Cin, 3, 3)
    y = F.conv2d(x, kernels, bias.repeat(4), padding=1)
    (N, _, H, W), C = y.shape, weight.shape[0]
    return y.unflatten(1, (2, 2, C)).permute(0, 3, 4, 1, 5, 2).reshape(N, C, 2 * H, 2 * W)

def sharing_parameters(plain:nn.Module, layer:nn.Module) -> nn.Module:
    "`plain` with `layer`'s weight and bias (the same tensors): a bench-only layer's plain form."
    plain.weight, plain.bias = layer.weight, layer.bias
    return plain

class SubpixelUpsampleConv(nn.Conv2d):
    """2x nearest upsampling then a 3x3 convolution (an `nn.Conv2d`'s parameters), computed at the input's
    resolution. Same FLOPs, a map 4x smaller, 4x the output channels: 2.6-3.7x faster in bf16 on this CPU for a
    64 -> 3 output layer (the catalogue below), slower for wide ones. `standard()`: the plain pair with the same
    parameters, as MultiVae runs it."""
    def __init__(self, cin:int, cout:int): super().__init__(cin, cout, 3, padding=1)
    def forward(self, x): return interleaved_conv(x, self.weight, self.bias, upsample_phase_taps)

    def standard(self) -> nn.Module:
        return nn.Sequential(nn.Upsample(scale_factor=2), sharing_parameters(nn.Conv2d(self.in_channels, self.out_channels, 3, padding=1), self))

class SubpixelConvTranspose2d(nn.ConvTranspose2d):
    """`nn.ConvTranspose2d(cin, cout, 4, stride=2, padding=1)` computed at the input's resolution: 2.25x its FLOPs
    (the 3x3 kernels hold zeros), but a plain convolution. Tried to speed up the CPU-default decoder; the catalogue
    times it. `standard()`: the transposed convolution with the same parameters."""
    def __init__(self, cin:int, cout:int): super().__init__(cin, cout, 4, stride=2, padding=1)
    def forward(self, x): return interleaved_conv(x, self.weight.transpose(0, 1), self.bias, transposed_phase_taps)

    def standard(self) -> nn.Module:
        return sharing_parameters(nn.ConvTranspose2d(self.in_channels, self.out_channels, 4, stride=2, padding=1), self)

def check_subpixel():
    "The bench-only layers compute what their plain forms compute (outputs and all gradients)."
    torch.manual_seed(0)
    for layer in (SubpixelUpsampleConv(8, 3), SubpixelConvTranspose2d(8, 3)):
        x, results = torch.randn(2, 8, 7, 7, requires_grad=True), []
        for net in (layer, layer.standard()):
            layer.zero_grad(); x.grad = None
            y = net(x); (y * torch.linspace(-1, 1, y.numel()).view(y.shape)).sum().backward()
            results.append([y, x.grad, layer.weight.grad, layer.bias.grad])
        for a, b in zip(*results): torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)

# (name, layers, input shape without the batch, whether the input needs a gradient: not for the images)
CATALOGUE = [
    ('conv3x3 3->32 @28 (first)', conv3(3, 32), (3, 28, 28), False),
    ('conv4x4/2 3->32 @28 (first)', down(3, 32), (3, 28, 28), False),
    ('conv4x4/2 3->64 @28 (first)', down(3, 64), (3, 28, 28), False),
    ('conv4x4/2 32->64 @14', down(32, 64), (32, 14, 14), True),
    ('conv4x4/2 64->128 @14', down(64, 128), (64, 14, 14), True),
    ('conv3x3 32->32 @28', conv3(32, 32), (32, 28, 28), True),
    ('conv3x3 32->32 @14', conv3(32, 32), (32, 14, 14), True),
    ('conv3x3 64->64 @14', conv3(64, 64), (64, 14, 14), True),
    ('conv3x3 64->32 @14', conv3(64, 32), (64, 14, 14), True),
    ('conv3x3 64->64 @7', conv3(64, 64), (64, 7, 7), True),
    ('conv3x3 64->128 @7', conv3(64, 128), (64, 7, 7), True),
    ('conv3x3 128->128 @7', conv3(128, 128), (128, 7, 7), True),
    ('convT4x4/2 64->32 @7', up(64, 32), (64, 7, 7), True),
    ('convT4x4/2 64->64 @7', up(64, 64), (64, 7, 7), True),
    ('convT4x4/2 128->64 @7', up(128, 64), (128, 7, 7), True),
    ('convT4x4/2 64->32 @7 (sub-pixel)', [SubpixelConvTranspose2d(64, 32), Act()], (64, 7, 7), True),
    ('convT4x4/2 32->3 @14 (last)', up(32, 3, act=False), (32, 14, 14), True),
    ('convT4x4/2 32->3 @14 (last, sub-pixel)', [SubpixelConvTranspose2d(32, 3)], (32, 14, 14), True),
    ('convT4x4/2 64->3 @14 (last)', up(64, 3, act=False), (64, 14, 14), True),
    ('up+conv3x3 64->64 @7', resize(64, 64), (64, 7, 7), True),
    ('up+conv3x3 64->32 @7', resize(64, 32), (64, 7, 7), True),
    ('up+conv3x3 32->32 @14', resize(32, 32), (32, 14, 14), True),
    ('up+conv3x3 32->3 @14 (last)', resize(32, 3, act=False), (32, 14, 14), True),
    ('conv3x3 32->3 @28 (last)', conv3(32, 3, act=False), (32, 28, 28), True),
    ('up+conv3x3 64->3 @14 (last)', resize(64, 3, act=False), (64, 14, 14), True),
    ('up+conv3x3 64->3 @14 (last, sub-pixel)', [SubpixelUpsampleConv(64, 3)], (64, 14, 14), True),
    ('linear 64->3136', [nn.Linear(64, 3136), Act()], (64,), True),
    ('linear 3136->128', [nn.Linear(3136, 128)], (3136,), True),
]
OURS = [('bf16', True), ('bf16', False), ('fp32', True), ('fp32', False)]   # (precision, channels-last)

def catalogue(B:int, steps:int) -> list[dict]:
    "Each block, forward + backward at batch `B`: FLOPs, our best time (and how), MultiVae's time."
    rows = []
    print(f'{"block (input)":30s} {"ours ms":>8s} {"how":>8s} {"GFLOP/s":>8s} {"MultiVae ms":>11s} {"GFLOP/s":>8s} {"ratio":>6s}')
    for name, layers, shape, input_grad in CATALOGUE:
        torch.manual_seed(0)
        net, x = nn.Sequential(*layers), torch.randn(B, *shape)
        plain = standard_layout(copy.deepcopy(net))     # plain PyTorch layers, as MultiVae runs them; their FLOPs count
        with FlopCounterMode(display=False) as counter: layer_step(plain, x, input_grad, False, False)()
        time = lambda bf16, cl: time_steps(layer_step(net, x, input_grad, bf16, cl), steps=steps, warmup=3)
        ours = {f'{p}{" CL" if cl else ""}': time(p == 'bf16', cl) for p, cl in OURS}
        how = min(ours, key=ours.get)
        flops, t_ours = counter.get_total_flops(), ours[how]
        t_theirs = time_steps(layer_step(plain, x, input_grad, False, False), steps=steps, warmup=3)
        rows.append(dict(block=name, flops=flops, ours_s=t_ours, ours_how=how, multivae_s=t_theirs))
        print(f'{name:30s} {t_ours * 1e3:8.2f} {how:>8s} {flops / t_ours / 1e9:8.0f} {t_theirs * 1e3:11.2f} '
              f'{flops / t_theirs / 1e9:8.0f} {t_theirs / t_ours:6.2f}', flush=True)
    return rows


# ---------------------------------------------------------------- 3. whole steps of five architectures
def pooling_tower(d_out:int, channels:int) -> nn.Module:
    "3x3 convolutions (C -> 32 -> 64 -> 64) with 2x2 average pooling between them, 28 -> 14 -> 7, then the linear head."
    return nn.Sequential(*conv3(channels, 32), nn.AvgPool2d(2), *conv3(32, 64), nn.AvgPool2d(2), *conv3(64, 64),
                         nn.Flatten(), nn.Linear(64 * 49, d_out))

def upsampling_decoder(d_in:int, channels:int, mid:int, subpixel:bool=True, conv_at_7:bool=False) -> nn.Module:
    """Linear -> 64x7x7 (-> 3x3 conv 64 -> 64 if `conv_at_7`, the CPU-default decoder's depth), nearest upsampling
    + 3x3 conv 64 -> `mid`, then the same to C: computed at 14x14 (`SubpixelUpsampleConv`) if `subpixel`, else as
    the plain pair."""
    out = [SubpixelUpsampleConv(mid, channels)] if subpixel else resize(mid, channels, act=False)
    return nn.Sequential(nn.Linear(d_in, 64 * 49), ToFeatureMap(7, 7), Act(), *(conv3(64, 64) if conv_at_7 else []),
                         *resize(64, mid), *out)

def upsampling_output_decoder(d_in:int, channels:int) -> nn.Sequential:
    "The CPU-default decoder with its last transposed convolution replaced by upsampling + 3x3 conv 32 -> C (sub-pixel)."
    net = image_decoder_net(d_in, channels)
    net[-1] = SubpixelUpsampleConv(32, channels)
    return net

# The default command trained with each but the second (README) found 10 clusters with the first, 7, 9, 6 and 37 with the last four.
ARCHITECTURES = {
    'CPU-default (strided and transposed 4x4 convs)': (image_tower, image_decoder_net),
    'pooling encoder, resize-conv decoder at 64 channels': (pooling_tower, lambda d, c: upsampling_decoder(d, c, 64, subpixel=False)),
    'CPU-default encoder, upsampling decoder 64-32-C (sub-pixel output)': (image_tower, lambda d, c: upsampling_decoder(d, c, 32)),
    'CPU-default encoder, upsampling decoder 64-64-C (sub-pixel output)': (image_tower, lambda d, c: upsampling_decoder(d, c, 64)),
    'pooling encoder, upsampling decoder 64-64-C (sub-pixel output)': (pooling_tower, lambda d, c: upsampling_decoder(d, c, 64)),
    'CPU-default nets, upsampling output layer (sub-pixel)': (image_tower, upsampling_output_decoder),
}

def architectures(B:int, pairs:int, steps:int, peak:float) -> list[dict]:
    rows = []
    for name, (tower, decoder_net) in ARCHITECTURES.items():
        r = alternated(tower, decoder_net, B, pairs, steps)
        r.update(architecture=name, ours_sps=B / r['ours_s'], multivae_sps=B / r['multivae_s'], peak_fraction=r['flops'] / r['ours_s'] / 1e9 / peak)
        rows.append(r)
        print(f'{name:52s} {r["flops"] / B / 1e9:5.2f} GFLOP/sample  ours {r["ours_sps"]:6.1f} samples/s ({r["peak_fraction"]:.0%} of the peak)  '
              f'MultiVae {r["multivae_sps"]:6.1f}  ratio {r["ratio"]:.2f}', flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--batch-size', type=int, default=128)
    ap.add_argument('--pairs', type=int, default=5, help='alternated pairs for the fixed costs and for each architecture (3 timed steps each)')
    ap.add_argument('--steps', type=int, default=7, help='timed steps per measurement (the median is used)')
    args = ap.parse_args()
    check_subpixel()
    results = HERE / 'results.json'
    if results.exists():
        peak = json.loads(results.read_text())['raw']['peak']['conv_peak_bf16_gflops']
        print(f'bf16 conv peak from bench/results.json: {peak} GFLOP/s')
    else: peak = conv_peak(smoke=False)['conv_peak_bf16_gflops']
    fixed = fixed_costs(args.batch_size, args.pairs, args.steps)
    rows = catalogue(args.batch_size, args.steps)
    archs = architectures(args.batch_size, args.pairs, 3, peak)
    out = HERE / 'architectures.json'
    out.write_text(json.dumps(dict(batch_size=args.batch_size, threads=torch.get_num_threads(), peak_bf16_gflops=peak,
                                   fixed=fixed, catalogue=rows, architectures=archs), indent=1))
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
