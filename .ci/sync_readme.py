"""README.md is nbs/index.ipynb's markdown cells (Quarto, which nbdev_readme needs, cannot run everywhere).
`python .ci/sync_readme.py` rewrites README.md; `--check` exits 1 if it is out of date."""
import json, re, sys
from pathlib import Path

top = Path(__file__).resolve().parent.parent
HEADER = '<!-- Generated from nbs/index.ipynb by `python .ci/sync_readme.py`: edit the notebook, not this file. -->\n\n'

def readme_from_index(nb_path=top/'nbs'/'index.ipynb') -> str:
    "The markdown cells of the index notebook, joined, under a header saying where they come from."
    cells = json.loads(Path(nb_path).read_text())['cells']
    text = '\n\n'.join(''.join(c['source']).strip() for c in cells if c['cell_type'] == 'markdown')
    text = re.sub(r'\]\((?!https?:|#|/|\.\./)', '](nbs/', text)      # links are relative to nbs/ ...
    return HEADER + text.replace('](../', '](') + '\n'               # ... so ../x is x from the top

if __name__ == '__main__':
    expected, readme = readme_from_index(), top/'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text() != expected:
            sys.exit('README.md differs from nbs/index.ipynb: run `python .ci/sync_readme.py` and commit README.md')
    else: readme.write_text(expected)
