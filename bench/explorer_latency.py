"""Latency of the cluster explorer (notebook 12) on a run folder: opening it, moving the number-of-clusters slider,
picking a cluster (first time: samples drawn and refined; again: cached), the latent map and cross-modal generation.

    python bench/explorer_latency.py runs/polymnist-quick-seed0 [--n 2000] [--root data]

Each figure is the wall time of the handler the widget calls (what a user waits for, less the browser's drawing)."""
import argparse, statistics, time
import matplotlib; matplotlib.use('Agg')
from cmvae.explore import RunExplorer, ExplorerUI

def seconds(action) -> float:
    t0 = time.perf_counter(); action(); return time.perf_counter() - t0

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('run'); p.add_argument('--n', type=int, default=2000); p.add_argument('--root', default=None)
    a = p.parse_args()
    t_open = seconds(lambda: globals().update(ex=RunExplorer(a.run, a.n, root=a.root)))
    t_ui = seconds(lambda: globals().update(ui=ExplorerUI(ex)))
    print(f'{ex}\nopen (load, encode {len(ex.ds)} items): {t_open:.2f} s; widgets built and first drawn: {t_ui:.2f} s')
    slider = []
    for k in [k for k in ex.steps if k != ex.chosen][:12]:
        def move(k=k): ui.k.value = k
        slider.append(seconds(move))
    print(f'slider moved to {len(slider)} steps: median {statistics.median(slider):.2f} s, max {max(slider):.2f} s '
          '(the curve, confusion, counts, cluster list and line; the map when it shows clusters)')
    ui.k.value = ex.chosen
    clusters = [c for _, c in ui.cluster.options]
    first = [seconds(lambda c=c: setattr(ui.cluster, 'value', c)) for c in clusters[1:6]]
    again = [seconds(lambda c=c: setattr(ui.cluster, 'value', c)) for c in clusters[1:6]]
    print(f'pick a cluster, first time (draw {ui.n} samples per modality' + (', refine them' if ex.dcmvae else '')
          + f'): median {statistics.median(first):.2f} s; again (cached): median {statistics.median(again):.2f} s')
    t_colour = seconds(lambda: setattr(ui.colour, 'value', 'label' if 'label' in ui.colour.options else 'cluster'))
    t_tsne = seconds(lambda: setattr(ui.method, 'value', 'tsne'))
    t_pca = seconds(lambda: setattr(ui.method, 'value', 'pca'))
    print(f'map: recolour {t_colour:.2f} s, t-SNE first time {t_tsne:.2f} s, back to PCA {t_pca:.2f} s')
    cross = [seconds(lambda i=i: setattr(ui.item, 'value', i)) for i in (1, 2, 3)]
    print(f'cross-modal, new item: median {statistics.median(cross):.2f} s')

if __name__ == '__main__': main()
