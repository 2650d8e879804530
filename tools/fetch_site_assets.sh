#!/usr/bin/env bash
# Fetch, from npm, the JavaScript that static notebook pages load from CDNs, so that
# `python tools/build_site.py --assets _site_assets` makes pages that render offline:
#   require.js                  loads the widget renderer (nbconvert's pages expect an AMD loader)
#   html-manager/embed-amd.js   renders ipywidgets from the saved widget state (+ its fonts)
#   mathjax/MathJax.js          typesets the notebooks' equations (only the TeX -> CommonHTML parts)
# html-manager 1.0.x is the renderer for ipywidgets 8.1 / jupyterlab_widgets 3.0 (ipywidgets 8.1.9 says
# __html_manager_version__ = ^1.0.1); 1.0.15 asks for the same widgets base/controls as jupyterlab-manager 5.0.16.
# MathJax 2.7 because nbconvert's template configures MathJax 2. Usage: tools/fetch_site_assets.sh [DIR]
set -euo pipefail
out=${1:-_site_assets}
command -v npm >/dev/null || { echo "fetch_site_assets: npm not found (Debian: apt-get install npm)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent @jupyter-widgets/html-manager@1.0.15 requirejs@2.3.8 mathjax@2.7.9 >/dev/null
mkdir -p a/html-manager a/mathjax
tar xzf requirejs-2.3.8.tgz package/require.js && mv package/require.js a/ && rm -rf package
# the AMD bundle and the fonts it points at; not embed.js, libembed-amd.js (other builds, unused) or the maps
tar xzf jupyter-widgets-html-manager-1.0.15.tgz package/dist
rm package/dist/embed.js package/dist/libembed-amd.js package/dist/*.map
mv package/dist/* a/html-manager/ && rm -rf package
tar xzf mathjax-2.7.9.tgz package/MathJax.js package/LICENSE package/config/TeX-AMS_CHTML-full.js \
    package/config/Safe.js package/extensions package/jax/input/TeX package/jax/element \
    package/jax/output/CommonHTML package/fonts/HTML-CSS/TeX/woff
mv package/* a/mathjax/
cd - >/dev/null
# replace the folder in one step, so a failed fetch leaves the old assets in place
rm -rf "$out.old"; [ -e "$out" ] && mv "$out" "$out.old"
mv "$tmp/a" "$out" && rm -rf "$out.old"
echo "fetch_site_assets: $(du -sh "$out" | cut -f1) in $out (require.js 2.3.8, html-manager 1.0.15, MathJax 2.7.9)"
