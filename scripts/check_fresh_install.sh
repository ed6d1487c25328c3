#!/usr/bin/env bash
# The README's install, checked the way a new user gets it: a FRESH virtual environment and a NON-editable
# install (`pip install .`), nothing from the developer's .venv. Then what needs the optional-looking
# dependencies: an HTML article (trafilatura -> justext -> lxml_html_clean), a PDF (pypdf), `kg --version`
# (package metadata) and the README's first command, `kg run corpus --out out`.
# Run by scripts/test.sh (so by CI) before pytest; KG_SKIP_FRESH_INSTALL=1 skips it. With pip's cache warm:
# about 60 s of CPU; 3 minutes of wall time on 2 busy cores (load 8), 75 s for install + HTML on a quiet one.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PIP_DISABLE_PIP_VERSION_CHECK=1
start=$(date +%s)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --no-compile "$root"  # non-editable; byte-compiling every dependency would double the time
kg="$tmp/venv/bin/kg"
installed=$(date +%s)

cd "$tmp"  # nothing of the source tree on sys.path: the installed package only
"$kg" --version
"$tmp/venv/bin/python" - "$root/tests/ingest" "$tmp/report.pdf" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from pdfkit import make_pdf
with open(sys.argv[2], "wb") as fh:
    fh.write(make_pdf([["Council backs bus lane", 'Jane Doe, the council leader, said: "The lane will stay."']],
                      title="Bus lane report"))
PY
"$kg" extract "$root/tests/ingest/data/good/council-budget-article.html" "$tmp/report.pdf" --out "$tmp/x" --quiet
for f in council-budget-article.json report.json; do
  [ -s "$tmp/x/$f" ] || { echo "check_fresh_install: $f was not written" >&2; exit 1; }
done
cd "$root"
"$kg" run corpus --out "$tmp/out" --quiet >/dev/null
[ -s "$tmp/out/summary.md" ] || { echo "check_fresh_install: kg run corpus wrote no summary" >&2; exit 1; }
echo "fresh non-editable install: HTML, PDF, --version and kg run corpus OK in $(( $(date +%s) - start )) s" \
  "(install $(( installed - start )) s)"
