"""How far a run moves when its input moves by one float32 ulp: the yardstick for "raw and standardised agree".

    python bench/ulp_twin.py data/suite/scales_std.npz --seeds 0,1,2 [--out runs/ulp] [-- OPTIONS for every run]

Writes a twin of the set with every float feature moved to the next float32 up (`np.nextafter`; a relative change
of about 1e-7, what storing z-scores in float32 already does to them), runs the suite's command (`bench/suite.py`'s
`run_one`: K = 3x the truth, `--no-fid`) on the set and on its twin for each seed, and prints ACC and clusters
found side by side. Standardised, about half the twin's values differ from the set's by one ulp (a third of
`scales`' from `scales_std`'s): the gap between twins is what rounding alone does to a run.
"""
import argparse, sys
from pathlib import Path

import numpy as np

from suite import run_one


def write_twin(path:Path) -> Path:
    "The set with each float array one float32 ulp up, beside it (`<name>_ulp.npz`)."
    arrays = dict(np.load(path))
    twin = {k: np.nextafter(v, np.float32(np.inf)).astype(v.dtype) if v.dtype == np.float32 else v
            for k, v in arrays.items()}
    out = path.with_name(f'{path.stem}_ulp.npz')
    np.savez(out, **twin)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('set', type=Path); p.add_argument('--seeds', default='0,1,2'); p.add_argument('--out', default='runs/ulp')
    argv = sys.argv[1:]
    cut = argv.index('--') if '--' in argv else len(argv)    # after --: options for every run
    a, options = p.parse_args(argv[:cut]), argv[cut + 1:]
    twin, out = write_twin(a.set), Path(a.out)
    print('seed  ACC set  ACC twin  |diff|  clusters set/twin')
    gaps = []
    for seed in map(int, a.seeds.split(',')):
        got = [run_one(path, seed, out/f'{path.stem}-seed{seed}', options, None)['metrics'] for path in (a.set, twin)]
        gaps.append(abs(got[0]['acc'] - got[1]['acc']))
        print(f"{seed:4d}  {got[0]['acc']:.3f}    {got[1]['acc']:.3f}     {gaps[-1]:.3f}   "
              f"{got[0]['clusters_found']}/{got[1]['clusters_found']}", flush=True)
    print(f'mean |ACC difference| between twins: {np.mean(gaps):.3f}')


if __name__ == '__main__': main()
