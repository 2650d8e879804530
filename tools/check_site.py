"""Check the pages tools/build_site.py wrote, as a browser shows them.

`python tools/check_site.py [--site _site_local] [PAGE ...]` (default: every page built, in reading order)

Each page is opened in headless Chromium, which runs its scripts (widget renderer, MathJax) for a virtual
time budget; in the DOM it leaves, every figure of the page must have decoded (an <img> with a data: or file
source, wider than 0), and every widget view must have rendered (html-manager fills a `widget-subarea` per
view; one left empty, or none at all, means the state or the renderer was missing). A screenshot per page goes
to SITE/_screenshots/PAGE.png. Exits 1 naming each page and what it misses. Slow (seconds a page), so it is
not part of nbdev_test.
"""
import argparse, os, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_site import NBS, TOP, WIDGET_VIEW, read_pages, select   # the reading order and page names, from nbs/sidebar.yml

VIEW = '<script type="application/vnd.jupyter.widget-view+json">'
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync', '--hide-scrollbars']   # no network, no GPU, no root

def find_chromium():
    "The Chromium (or Chrome) to drive: $CHROMIUM, else the first on PATH."
    names = [os.environ['CHROMIUM']] if 'CHROMIUM' in os.environ else [
        'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']
    found = next((p for n in names if (p := shutil.which(n))), None)
    if not found: sys.exit(f'check_site: chromium not found ({" ".join(names)}): install it '
                           '(Debian: apt-get install chromium) or set CHROMIUM=/path/to/chrome')
    return found

def chromium(exe, url, *args, budget_ms=10000):
    "Run headless Chromium on `url` with `args`; returns its stdout (the DOM for --dump-dom)."
    cmd = [exe, *CHROMIUM_FLAGS, f'--virtual-time-budget={budget_ms}', *args, url]
    with tempfile.TemporaryDirectory() as profile:      # a fresh profile: nothing cached from an earlier run
        try: r = subprocess.run(cmd + [f'--user-data-dir={profile}'], capture_output=True, text=True,
                                timeout=budget_ms / 1000 + 120)
        except subprocess.TimeoutExpired: raise RuntimeError('chromium did not finish in time')
    if r.returncode: raise RuntimeError(f'chromium exited {r.returncode}: {r.stderr.strip().splitlines()[-1:]}')
    return r.stdout

def figures(static, dom, page_file):
    "What is wrong with the page's figures ('' if nothing): sources that are empty, or images that did not decode."
    srcs = re.findall(r'<img\b[^>]*?\ssrc="([^"]*)"', static)
    for src in srcs:
        if src.startswith('data:'):
            if len(src.partition(',')[2]) < 20: return f'an empty figure (src {src[:40]!r})'
        elif not src or re.match(r'[a-z]+://', src) or not (page_file.parent/src).exists():
            return f'a figure with a source that is not data: or a file of the site: {src[:80]!r}'
    # build_site marks every <img> there at load time with the width it decoded to (widget images come later)
    widths = [int(w) for w in re.findall(r'data-decoded-width="(\d+)"', dom)]
    if len(widths) < len(srcs) or 0 in widths:
        return f'{sum(w > 0 for w in widths)} of {len(srcs)} figures decoded'
    return ''

def widgets(static, dom):
    "What is wrong with the page's widgets ('' if nothing): views without a rendered widget."
    views = static.count(VIEW)
    if not views: return ''
    rendered = len(re.findall(r'class="widget-subarea"[^>]*>\s*<(?!/div)', dom))
    if rendered < views:
        src = re.search(r"widgetRendererSrc = '([^']*)'", static)
        renderer = src[1] if src else 'none: the page has no widget state'
        return f'{rendered} of {views} widget views rendered (renderer {renderer}; offline, build with --assets DIR)'
    return ''

def last_widget_cell(static):
    "The id of the last cell whose output is a widget view ('cell-id=...'), None on a page without one."
    views = [m.start() for m in re.finditer(re.escape(WIDGET_VIEW), static)]
    cells = [(m.start(), m[1]) for m in re.finditer(r'id="(cell-id=[\w-]+)"', static)]
    before = [cid for pos, cid in cells if views and pos < views[-1]]
    return before[-1] if before else None

def check(exe, site, page, budget_ms):
    "One line on what `page` misses ('' if nothing); writes its screenshot."
    f = site/page.html
    static, url = f.read_text(), f.resolve().as_uri()
    dom = chromium(exe, url, '--dump-dom', budget_ms=budget_ms)
    shot = site/'_screenshots'/f'{page.name}.png'
    shot.parent.mkdir(parents=True, exist_ok=True)
    chromium(exe, url, f'--screenshot={shot}', '--window-size=1200,2000', budget_ms=budget_ms)
    cell = last_widget_cell(static)
    if cell:    # the page's top rarely shows its widgets: a second screenshot of the last of them alone
        chromium(exe, f'{url}?cell={cell}', f'--screenshot={shot.with_name(shot.stem + "-widgets.png")}',
                 '--window-size=1200,2000', budget_ms=budget_ms)
    return '; '.join(m for m in (figures(static, dom, f), widgets(static, dom)) if m)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('pages', nargs='*', metavar='PAGE', help='page names (default: every page built)')
    ap.add_argument('--site', default=str(TOP/'_site_local'), help='the site folder (default _site_local)')
    ap.add_argument('--budget', type=int, default=10000, help="ms of virtual time for a page's scripts")
    ap.add_argument('--nbs', default=str(NBS), help='the notebooks folder the site was built from (default nbs/)')
    a = ap.parse_args(argv)
    site = Path(a.site)
    if not (site/'index.html').exists():
        sys.exit(f'check_site: no site in {site}/: run python tools/build_site.py first')
    pages = read_pages(Path(a.nbs).resolve())
    pages = select(pages, a.pages) if a.pages else [p for p in pages if (site/p.html).exists()]
    unbuilt = [p.name for p in pages if not (site/p.html).exists()]
    if unbuilt:
        sys.exit(f'check_site: not built in {site}/: {" ".join(unbuilt)} (python tools/build_site.py --only ...)')
    exe, failed = find_chromium(), []
    for p in pages:
        t0 = time.time()
        try: msg = check(exe, site, p, a.budget)
        except RuntimeError as e: msg = str(e)
        print(f'  {p.name:32} {time.time() - t0:5.1f} s  {msg or "ok"}')
        if msg: failed.append(f'check_site: {p.name}: {msg}')
    if failed: sys.exit('\n'.join(failed))
    print(f'check_site: {len(pages)} pages ok; screenshots in {site}/_screenshots/')

if __name__ == '__main__': main()
