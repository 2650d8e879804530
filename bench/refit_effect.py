"""What the refit after pruning changes, on finished runs: for each run folder, the model as trained (`load_trained`)
is selected again on the run's validation split with the run's options and seed, once without the refit and once
with it, and scored on the test split. The one the run made must reproduce its own `metrics.json`.

    python bench/refit_effect.py runs/suite/*-seed[0-9]
"""
import json, sys
from pathlib import Path

import numpy as np
import torch

from selection_draws import reselect   # bench/: the re-selection both scripts share


def scores(run:Path) -> dict:
    "ACC and clusters found without and with the refit, for one run folder (the run's own draw)."
    return dict(zip((False, True), reselect(run, [dict(refit=False), dict(refit=True)])))


if __name__ == '__main__':
    torch.set_num_threads(2)
    rows = {}
    for run in map(Path, sys.argv[1:]):
        s, m = scores(run), json.loads((run/'metrics.json').read_text())
        ran = s[(run/'refit.json').exists()]                 # the run's own selection must come back
        assert abs(ran['acc'] - m['acc']) < 1e-9 and ran['found'] == m['clusters_found'], (run, s, m['acc'])
        rows.setdefault(run.name.rsplit('-seed', 1)[0], []).append(s)
        print(f"{run.name:24s} without refit: {s[False]['found']:2d} clusters, ACC {s[False]['acc']:.3f}   "
              f"with: {s[True]['found']:2d}, ACC {s[True]['acc']:.3f}", flush=True)
    print('\n| set | runs | ACC without refit | ACC with refit | clusters found without | with |\n|---|---|---|---|---|---|')
    for name, r in rows.items():
        a0, a1 = [np.array([x[k]['acc'] for x in r]) for k in (False, True)]
        f0, f1 = ['/'.join(str(x[k]['found']) for x in r) for k in (False, True)]
        print(f'| {name} | {len(r)} | {a0.mean():.3f} ± {a0.std():.3f} | {a1.mean():.3f} ± {a1.std():.3f} | {f0} | {f1} |')
