"""The default command (`python -m cmvae.train`, quick preset) with the image nets of another architecture from
`bench/architectures.py`: how each run in `bench/decoder_trials_2026-11-24.json` was made.

The nets replace `image_tower` / `image_decoder_net` of `cmvae.nets` for 28x28 images with `arch='default'`;
everything else (prior, ELBO, selection, evaluation, run folder) is the trainer's own.

    python bench/decoder_trial.py 64-64-C --root R --out runs/trial-64-64-C --seed 1   # any option of cmvae.train after the name
"""
import math, sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cmvae.nets, cmvae.train
from architectures import nn, pooling_tower, upsampling_decoder, upsampling_output_decoder
from cmvae.nets import image_decoder_net, image_tower   # the library's own, kept before `install` replaces them

def at_convT_init_scale(net:nn.Sequential) -> nn.Sequential:
    "`net` with its output layer scaled to `nn.ConvTranspose2d(32, 3, 4)`'s init: fan-in 3*16 there, 32*9 for a 3x3 conv."
    with torch.no_grad():
        for p in net[-1].parameters(): p.mul_(math.sqrt(288 / 48))
    return net

# name: (encoder tower or None for the CPU-default one, decoder net), each called as f(d, channels)
NETS = {
    '64-32-C': (None, lambda d, c: upsampling_decoder(d, c, 32)),
    '64-32-C-convT-init': (None, lambda d, c: at_convT_init_scale(upsampling_decoder(d, c, 32))),
    '64-64-C': (None, lambda d, c: upsampling_decoder(d, c, 64)),
    'pooling+64-64-C': (pooling_tower, lambda d, c: upsampling_decoder(d, c, 64)),
    '64@7-32-C': (None, lambda d, c: upsampling_decoder(d, c, 32, conv_at_7=True)),
    'subpixel-output': (None, upsampling_output_decoder),
}

def install(name:str):
    "Make `cmvae.nets` build the nets `name` for 28x28 images of the default architecture."
    def replaced(library, new):
        def build(d, channels=3, size=28, arch='default'):
            return new(d, channels) if new and size == 28 and arch == 'default' else library(d, channels, size, arch)
        return build
    tower, decoder_net = NETS[name]
    cmvae.nets.image_tower, cmvae.nets.image_decoder_net = replaced(image_tower, tower), replaced(image_decoder_net, decoder_net)

def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in NETS:
        sys.exit(f'usage: python bench/decoder_trial.py NAME [cmvae.train options]; NAME one of {", ".join(NETS)}')
    install(argv[0])
    print(cmvae.nets.ImageDecoder(64, 3), flush=True)
    cmvae.train.main(argv[1:])

if __name__ == '__main__':
    main()
