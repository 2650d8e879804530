"""Where our CPU-default step's time goes, layer by layer: each layer with weights of the encoder tower and of
the decoder, forward + backward on its own input as the trainer runs it (bfloat16 autocast, channels-last feature
maps), times its number of calls in one training step (2 towers x M encoders, M^2 decoder calls of B rows). The
sum is what a step would cost if everything but these layers were free: it bounds the samples/s, the fraction of
the convolution peak and, against MultiVae's measured step (bench/results.json, if present), the throughput ratio
that these networks allow on this machine.

    python bench/layers.py              # batch 128, PolyMNIST shapes, 5 modalities
"""
import argparse, json
from pathlib import Path
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from cmvae.nets import image_tower, image_decoder_net
from step import layer_step, time_steps      # bench/step.py: one layer's forward + backward; median seconds of timed calls


def rows(net:nn.Sequential, x:torch.Tensor, calls:int, name:str, input_grad:bool) -> list[dict]:
    "One row per layer of `net` that has weights, on its input when `net` runs on `x` (`input_grad`: x needs a gradient)."
    out = []
    for i, layer in enumerate(net):
        if any(True for _ in layer.parameters()):
            step = layer_step(layer, x, input_grad)
            with FlopCounterMode(display=False) as counter: step()
            out.append(dict(layer=f'{name}.{i} {type(layer).__name__} {tuple(x.shape[1:])}', calls=calls,
                            flops=counter.get_total_flops(), seconds=time_steps(step, steps=7, warmup=3)))
        with torch.no_grad(): x = layer(x)
        input_grad = True      # every later input comes from a layer with weights
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--batch-size', type=int, default=128)
    ap.add_argument('--modalities', type=int, default=5)
    args = ap.parse_args()
    torch.manual_seed(0)
    B, M = args.batch_size, args.modalities
    table = (rows(image_tower(64), torch.rand(B, 3, 28, 28), 2 * M, 'encoder tower', input_grad=False)   # the images need no gradient
             + rows(image_decoder_net(64), torch.randn(B, 64), M * M, 'decoder', input_grad=True))        # the latents do
    print(f'{"layer (input shape)":42s} {"calls":>5s} {"ms/call":>8s} {"GFLOP/s":>8s} {"ms/step":>8s}')
    for r in table:
        print(f'{r["layer"]:42s} {r["calls"]:5d} {r["seconds"] * 1e3:8.2f} {r["flops"] / r["seconds"] / 1e9:8.0f} {r["seconds"] * r["calls"] * 1e3:8.1f}')
    flops, sec = sum(r['flops'] * r['calls'] for r in table), sum(r['seconds'] * r['calls'] for r in table)
    print(f'these layers in one step of {B} samples: {flops / 1e9:.1f} GFLOP in {sec * 1e3:.0f} ms ({flops / sec / 1e9:.0f} GFLOP/s): '
          f'at most {B / sec:.0f} samples/s if nothing else took time')
    results = Path(__file__).parent / 'results.json'
    if results.exists():
        r = json.loads(results.read_text())
        peak, theirs = r['raw']['peak']['conv_peak_bf16_gflops'], r['raw']['throughput']['default']['multivae_sps_median']
        print(f'against bench/results.json ({r["machine"]["date"]}): {flops / sec / 1e9 / peak:.0%} of the bf16 conv peak ({peak} GFLOP/s), '
              f'{B / sec / theirs:.2f}x MultiVae\'s measured {theirs} samples/s')


if __name__ == '__main__':
    main()
