"""Build the docs site's pages without Quarto, for a machine that cannot install it.

`python tools/build_site.py [--out _site_local] [--only NAME ...] [--no-execute] [--assets DIR]`

Every page of nbs/sidebar.yml (the reading order Quarto reads too), in that order, becomes one HTML file by
nbconvert, under OUT/nbs/ with the folders of nbs/ (so links between notebooks keep working), each with a
sidebar linking all pages; OUT/index.html lists them. Notebooks run first, as nbdev_test runs them (cells with
`#| eval: false`, a settings.ini tst_flags word or `nbdev_export()` are skipped and keep their stored outputs),
in their own folder, and the widget state is saved so ipywidgets render in the static page; --no-execute
renders the stored outputs. Cells are shown as nbdev's docs show them: `#| hide` cells dropped, `#|` lines
removed. Pages load require.js, the widget renderer and MathJax from CDNs, or with --assets (default
_site_assets/ where it exists; tools/fetch_site_assets.sh fills it) from a copy inside the site, for offline use.
The site is built in a temporary folder and renamed into place, so OUT is never half written.
"""
import argparse, base64, configparser, html, mimetypes, re, shutil, signal, sys, tempfile, time
from dataclasses import dataclass
from pathlib import Path

import nbformat, yaml
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html
from nbconvert.preprocessors import CellExecutionError, ExecutePreprocessor

TOP = Path(__file__).resolve().parent.parent
NBS = TOP/'nbs'
WIDGET_VIEW, WIDGET_STATE = 'application/vnd.jupyter.widget-view+json', 'application/vnd.jupyter.widget-state+json'
MATHJAX_CONFIG = '?config=TeX-AMS_CHTML-full,Safe'      # what nbconvert's default MathJax URL asks for

def fail(msg):
    "Stop with a one-line message on stderr, named after the command (check_site uses these functions too)."
    sys.exit(f'{Path(sys.argv[0]).stem}: {msg}')

def rel(path):
    "`path` relative to the repository where it is inside it, for messages."
    return path.relative_to(TOP) if path.is_relative_to(TOP) else path

# ---------------------------------------------------------------------------------------------- the pages

@dataclass
class Page:
    name: str             # path under nbs/ without .ipynb: 'index', '04_prior', 'tutorials/02_own_data'
    section: str | None   # the sidebar section ('Tutorials'), None at the top level
    nb: Path              # the notebook
    title: str = ''       # its `# Title`, as Quarto shows it (the name while there is no notebook)
    desc: str = ''        # its `> description` line

    @property
    def html(self): return Path('nbs')/f'{self.name}.html'     # inside the site

def _title_cell(nb):
    "`(title, description)` from the first markdown cell's `# Title` and `> description` lines."
    for cell in nb.cells:
        if cell.cell_type == 'markdown':
            lines = cell.source.splitlines()
            title = next((l[2:].strip() for l in lines if l.startswith('# ')), None)
            desc = next((l[2:].strip() for l in lines if l.startswith('> ')), '')
            return title, desc
    return None, ''

def read_pages(nbs=NBS):
    "The pages of `nbs`/sidebar.yml (Quarto's `website.sidebar.contents`), in order, sections flattened."
    sidebar = nbs/'sidebar.yml'
    def walk(entries, section):
        for e in entries:
            if isinstance(e, dict) and 'contents' in e: yield from walk(e['contents'], e.get('section'))
            elif isinstance(e, (str, dict)):
                href = e if isinstance(e, str) else e.get('href', '')
                if not href.endswith('.ipynb'): fail(f'{sidebar}: entry {e!r} is not a notebook (.ipynb)')
                p = Page(href[:-len('.ipynb')], section, nbs/href)
                title, p.desc = _title_cell(nbformat.read(p.nb, as_version=4)) if p.nb.exists() else (None, '')
                p.title = title or p.name
                yield p
            else: fail(f'{sidebar}: cannot read entry {e!r}')
    try: contents = yaml.safe_load(sidebar.read_text())['website']['sidebar']['contents']
    except (OSError, KeyError, TypeError, yaml.YAMLError) as e:
        fail(f'cannot read website.sidebar.contents from {sidebar}: {e}')
    return list(walk(contents, None))

def select(pages, names):
    "The pages called `names` (full name, or a stem that names one page), in reading order."
    chosen = set()
    for n in names:
        n = n.removesuffix('.ipynb').removeprefix('nbs/')
        hits = [p.name for p in pages if n in (p.name, Path(p.name).name)]
        if len(hits) != 1:
            problem = 'ambiguous' if hits else 'unknown'
            fail(f'{problem} page {n!r}; the pages are: {" ".join(p.name for p in pages)}')
        chosen.add(hits[0])
    return [p for p in pages if p.name in chosen]

def settings():
    "settings.ini's [DEFAULT] section."
    cfg = configparser.ConfigParser(); cfg.read(TOP/'settings.ini')
    return cfg['DEFAULT']

def check_sources(pages, nbs, cfg):
    "Warn about notebooks the sidebar misses and a navbar repository link that is not settings.ini's git_url."
    listed = {p.nb for p in pages}
    for nb in sorted(nbs.glob('*.ipynb')) + sorted(nbs.glob('tutorials/*.ipynb')):
        if nb not in listed: print(f'build_site: warning: {rel(nb)} is not in {rel(nbs/"sidebar.yml")}')
    navbar = yaml.safe_load((TOP/'_quarto.yml').read_text())['website']['navbar']
    hrefs = [i.get('href') for i in navbar.get('right', []) + navbar.get('left', [])]
    if cfg['git_url'] not in hrefs: print(f'build_site: warning: _quarto.yml navbar does not link {cfg["git_url"]}')

# ---------------------------------------------------------------------- running and cleaning a notebook

def directives(cell):
    "nbdev's `#| key: value` lines at the top of a code cell, as {key: value} ('' for a bare flag)."
    found = {}
    for line in cell.source.splitlines():
        m = re.match(r'#\|\s*([\w-]+):?\s*(.*)', line)
        if not m: break
        found[m[1]] = m[2].strip().lower()
    return found

class NbdevExecute(ExecutePreprocessor):
    "Runs a notebook as nbdev_test does: the cells it skips are not run and keep their stored outputs."
    skip_flags = set()     # settings.ini tst_flags
    def preprocess_cell(self, cell, resources, index):
        d = directives(cell) if cell.cell_type == 'code' else {}
        if d.get('eval') == 'false' or self.skip_flags & d.keys() or 'nbdev_export(' in cell.source:
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

def for_docs(nb):
    "The notebook as nbdev's docs show it: hidden cells dropped, `#|` lines removed, echo/output options applied."
    has_state = WIDGET_STATE in nb.metadata.get('widgets', {})
    cells = []
    for cell in nb.cells:
        if cell.cell_type != 'code': cells.append(cell); continue
        d = directives(cell)
        if 'hide' in d or d.get('include') == 'false': continue
        cell.source = re.sub(r'\A(?:#\|.*\n?)+', '', cell.source)
        if not cell.source.strip() and not cell.outputs: continue    # a cell of directives only (default_exp)
        if d.get('echo') == 'false': cell.setdefault('transient', {})['remove_source'] = True
        if d.get('output') == 'false': cell.outputs = []
        for out in cell.outputs:          # without saved state a widget view renders nothing: show its text instead
            if not has_state and WIDGET_VIEW in out.get('data', {}): del out['data'][WIDGET_VIEW]
        cells.append(cell)
    nb.cells = cells
    return nb

# ------------------------------------------------------------------------------------------- the HTML

CSS = """
body { margin: 0; }
nav.site { position: fixed; top: 0; left: 0; bottom: 0; width: 15rem; overflow-y: auto; padding: 1rem;
  box-sizing: border-box; background: #f7f7f9; border-right: 1px solid #ddd; font: 14px/1.4 sans-serif; }
nav.site a { color: #2c6fbb; text-decoration: none; } nav.site a:hover { text-decoration: underline; }
nav.site .site-title { font-size: 1.3rem; font-weight: bold; display: block; margin-bottom: .3rem; }
nav.site ol { list-style: none; padding: 0; margin: .5rem 0; } nav.site li { margin: .25rem 0; }
nav.site li.current > * { font-weight: bold; color: #000; } nav.site .missing { color: #999; }
nav.site .section { margin-top: 1rem; font-weight: bold; text-transform: uppercase; font-size: 12px; color: #666; }
.site-main { margin-left: 15rem; padding: 1rem 2rem; max-width: 70rem; }
.site-main p.description { color: #555; margin-top: 0; }
body.site-contents { font: 15px/1.5 sans-serif; }
.site-main .jp-InputArea-editor { overflow-x: auto; }   /* long code lines scroll instead of being cut */
"""

# Marks each <img> with the width it decoded to, so tools/check_site.py can tell a figure from a broken one.
# `PAGE.html?cell=cell-id=...` shows only that cell (check_site's screenshot of a page's widgets, which sit far
# below the top).
MARK_IMAGES = """<script>window.addEventListener('load', () => document.querySelectorAll('img').forEach(
  i => i.setAttribute('data-decoded-width', i.naturalWidth)));
const only = new URLSearchParams(location.search).get('cell');
if (only) window.addEventListener('DOMContentLoaded', () => document.querySelectorAll('.jp-Cell').forEach(
  c => { if (c.id !== only) c.style.display = 'none'; }));</script>"""

# nbconvert's lab page with the site's sidebar first in <body> and its CSS in <head>.
PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block extra_css %}<style>{{ resources.site_css }}</style>{% endblock extra_css %}
{% block body_header %}{{ super() }}{{ resources.site_nav }}<div class="site-main">{% endblock body_header %}
{% block body_footer %}</div>{{ super() }}{% endblock body_footer %}
"""

def nav(pages, current, root, built, cfg):
    "The sidebar: the site's title, the repository, and every page in order (`root`: the way up to the site)."
    items, section = [], None
    for p in pages:
        if p.section != section:
            section = p.section
            items.append(f'</ol><p class="section">{html.escape(section or "")}</p><ol>')
        cls = ' class="current"' if p.name == current else ''
        text = html.escape(p.title)
        link = (f'<a href="{root}{p.html.as_posix()}">{text}</a>' if p.name in built
                else f'<span class="missing" title="not built">{text}</span>')
        items.append(f'<li{cls}>{link}</li>')
    return (f'<nav class="site"><a class="site-title" href="{root}index.html">{html.escape(cfg["title"])}</a>'
            f'<a href="{html.escape(cfg["git_url"])}">the repository</a><ol>{"".join(items)}</ol></nav>'
            + MARK_IMAGES)

def exporter(root, assets):
    "nbconvert's HTML exporter with the site's template, loading scripts from the site's copy or the CDNs."
    ex = HTMLExporter(extra_loaders=[DictLoader({'site.html.j2': PAGE_TEMPLATE})], template_file='site.html.j2')
    ex.embed_images = True                 # attachments and markdown images beside the notebook become data: URIs
    ex.exclude_input_prompt = ex.exclude_output_prompt = True     # no In [3]:, as on the Quarto site
    ex.html_manager_semver_range = '^1.0'  # the CDN's renderer for ipywidgets 8 (its default '*' may be a later major)
    if assets:
        ex.require_js_url = f'{root}_assets/require.js'
        ex.widget_renderer_url = f'{root}_assets/html-manager/embed-amd.js'
        if (assets/'mathjax').exists(): ex.mathjax_url = f'{root}_assets/mathjax/MathJax.js{MATHJAX_CONFIG}'
    return ex

def render(page, pages, built, cfg, assets, execute, timeout):
    "The HTML of `page`, its notebook run first when `execute`."
    nb = nbformat.read(page.nb, as_version=4)
    if execute:
        run = NbdevExecute(timeout=timeout, store_widget_state=True)
        run.skip_flags = set(cfg.get('tst_flags', '').split())
        run.preprocess(nb, {'metadata': {'path': str(page.nb.parent)}})      # cwd: the notebook's folder
    nb.metadata['title'] = page.title
    root = '../' * len(page.html.parts[:-1])
    resources = {'metadata': {'name': page.name, 'path': str(page.nb.parent)},
                 'site_css': CSS, 'site_nav': nav(pages, page.name, root, built, cfg)}
    body, _ = exporter(root, assets).from_notebook_node(for_docs(nb), resources=resources)
    # links between notebooks point at their pages, as Quarto rewrites them
    body = re.sub(r'href="(?![a-z]+:)([^"#]*?)\.ipynb(#[^"]*)?"', r'href="\1.html\2"', body)
    return embed_images(body, page.nb.parent)

def embed_images(body, folder):
    "Inline the image files <img> tags name relative to `folder` (nbconvert's embed_images refuses `../x.png`)."
    def data_uri(m):
        f = (folder/html.unescape(m[2])).resolve()
        if not (f.is_file() and f.is_relative_to(TOP)): return m[0]      # left as it is: check_site reports it
        mime = mimetypes.guess_type(f.name)[0] or 'application/octet-stream'
        return f'{m[1]}data:{mime};base64,{base64.b64encode(f.read_bytes()).decode()}"'
    return re.sub(r'(<img\b[^>]*?\ssrc=")(?![a-z]+:)([^"]+)"', data_uri, body)

def contents_page(pages, built, cfg):
    "OUT/index.html: every page in order, with its one-line description."
    rows, section = [], None
    for p in pages:
        if p.section != section:
            section = p.section; rows.append(f'<h2>{html.escape(section)}</h2>')
        if not p.nb.exists(): rows.append(f'<p class="missing">{p.name}: no notebook yet</p>'); continue
        name = html.escape(p.title)
        link = f'<a href="{p.html.as_posix()}">{name}</a>' if p.name in built else f'{name} <i>(not built)</i>'
        rows.append(f'<p><b>{link}</b> <code>{p.name}</code></p>{markdown2html(p.desc)}')
    title = html.escape(cfg['title'])
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title><style>{CSS}</style>'
            f'</head><body class="site-contents">{nav(pages, None, "", built, cfg)}<div class="site-main">'
            f'<h1>{title}</h1><p class="description">{html.escape(cfg["description"])}</p>{"".join(rows)}'
            '</div></body></html>')

# -------------------------------------------------------------------------------------------- building

def assets_dir(arg, cdn):
    "The folder of offline scripts to copy into the site, or None for the CDNs; checks what it must hold."
    d = Path(arg) if arg else TOP/'_site_assets'
    if cdn or (not arg and not d.exists()): return None
    for f in ('require.js', 'html-manager/embed-amd.js'):
        if not (d/f).exists(): fail(f'{d/f} is missing: run tools/fetch_site_assets.sh {d}')
    return d

def build(out, only, execute, assets, timeout, allow_missing, nbs=NBS):
    "Write the site of `nbs` to `out` through a temporary folder; returns the names of the pages written."
    cfg, pages = settings(), read_pages(nbs)
    todo = select(pages, only) if only else pages
    missing = " ".join(str(rel(p.nb)) for p in todo if not p.nb.exists())
    if missing and not allow_missing:
        fail(f'{rel(nbs/"sidebar.yml")} lists notebooks that do not exist: {missing} '
             '(--allow-missing builds the others)')
    if missing: print(f'build_site: warning: skipped, no notebook yet: {missing}')
    todo = [p for p in todo if p.nb.exists()]
    check_sources(pages, nbs, cfg)
    out = out.resolve()
    tmp = Path(tempfile.mkdtemp(prefix=f'.{out.name}-', dir=out.parent))
    try:
        if only and out.exists(): shutil.copytree(out, tmp, dirs_exist_ok=True)   # keep the pages not rebuilt
        built = {p.name for p in pages if (tmp/p.html).exists()} | {p.name for p in todo}
        if assets: shutil.copytree(assets, tmp/'_assets', dirs_exist_ok=True)
        print(f'build_site: {len(todo)} pages, {"executed" if execute else "stored outputs"}, '
              f'scripts from {rel(assets.resolve()) if assets else "the CDNs"}')
        for p in todo:
            t0 = time.time()
            try: body = render(p, pages, built, cfg, assets, execute, timeout)
            except CellExecutionError as e:
                tb = re.sub(r'\x1b\[[0-9;]*m', '', str(e))      # the kernel's traceback, without terminal colours
                fail(f'{p.name}: a cell failed, the site is left as it was:\n{tb}')
            (tmp/p.html).parent.mkdir(parents=True, exist_ok=True)
            (tmp/p.html).write_text(body)
            print(f'  {p.name:32} {time.time() - t0:6.1f} s  {len(body) // 1024:6} KB')
        (tmp/'index.html').write_text(contents_page(pages, built, cfg))
        old = out.with_name(f'.{out.name}-old')
        shutil.rmtree(old, ignore_errors=True)
        if out.exists(): out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally: shutil.rmtree(tmp, ignore_errors=True)
    return [p.name for p in todo]

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', default=str(TOP/'_site_local'), help='the site folder (default _site_local)')
    ap.add_argument('--only', nargs='+', metavar='NAME', help='build these pages, keep the others already built')
    ap.add_argument('--no-execute', action='store_true', help='render the stored outputs instead of running')
    ap.add_argument('--assets', help='folder from tools/fetch_site_assets.sh (default _site_assets/ if present)')
    ap.add_argument('--cdn', action='store_true', help='load the scripts from their CDNs even if _site_assets/ exists')
    ap.add_argument('--timeout', type=int, default=600, help='seconds a cell may run (default 600)')
    ap.add_argument('--allow-missing', action='store_true', help='skip sidebar notebooks that do not exist yet')
    ap.add_argument('--nbs', default=str(NBS), help='the notebooks folder, with its sidebar.yml (default nbs/)')
    a = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # so a killed build still removes its temporary folder
    t0 = time.time()
    names = build(Path(a.out), a.only, not a.no_execute, assets_dir(a.assets, a.cdn), a.timeout, a.allow_missing,
                  Path(a.nbs).resolve())
    out = rel(Path(a.out).resolve())
    print(f'build_site: {len(names)} pages in {out}/ in {time.time() - t0:.0f} s; open {out}/index.html')

if __name__ == '__main__': main()
