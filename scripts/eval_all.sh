#!/usr/bin/env bash
# Extract the evaluation sets and score them: the loop for improving extraction.
#
#   scripts/eval_all.sh [OUT_DIR] [-- extra `kg eval` options, e.g. --strict]
#
# 1. kg extract ../shared/eval/ggt-dev/docs  -> OUT_DIR/ggt-dev/      (49 GGT articles)
#    kg extract corpus                       -> OUT_DIR/corpus/       (sample article and thread)
# 2. kg eval ../shared/eval/ggt-dev/gold OUT_DIR/ggt-dev   (GGT protocol, 0.3 and 0.8; Dice too)
#    kg eval ../shared/gold               OUT_DIR/corpus    (EXTRACTS.md Dice rule; GGT too)
#    Each writes OUT_DIR/<set>.json (the report) and OUT_DIR/<set>.errors.csv (per-statement errors),
#    and prints its tables.
# OUT_DIR defaults to a new temporary folder. The GGT texts are copyrighted: keep OUT_DIR out of the repo.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="$(cd "$ROOT/../shared" && pwd)"
OUT="${1:-$(mktemp -d "${TMPDIR:-/tmp}/kg-eval.XXXXXX")}"
shift || true
[ "${1:-}" = "--" ] && shift
EXTRA=("$@")

# shellcheck disable=SC1091
[ -f "$ROOT/.venv/bin/activate" ] && . "$ROOT/.venv/bin/activate"
mkdir -p "$OUT"

# this checkout's kg, whichever kg is on PATH (and also before kg/cli/__init__.py imports kg.cli.cmd_eval)
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
kg() { python -m kg "$@"; }
kg_eval() { python -c 'import sys, kg.cli.cmd_eval; from kg.cli import main; main(sys.argv[1:])' eval "$@"; }

run_set() {  # name docs gold
  local name="$1" docs="$2" gold="$3"
  rm -rf "${OUT:?}/$name"
  echo "== $name: kg extract $docs"
  kg extract "$docs" --out "$OUT/$name"
  kg_eval "$gold" "$OUT/$name" --json "${EXTRA[@]}" >"$OUT/$name.json"
  echo "== $name: kg eval $gold $OUT/$name"
  kg_eval "$gold" "$OUT/$name" --errors "$OUT/$name.errors.csv" "${EXTRA[@]}"
}

run_set ggt-dev "$SHARED/eval/ggt-dev/docs" "$SHARED/eval/ggt-dev/gold"
run_set corpus "$ROOT/corpus" "$SHARED/gold"

python - "$OUT" <<'EOF'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
def pct(x):
    return "  -  " if x is None else f"{100 * x:5.1f}"
print("\n== summary (micro over documents; P R F1 of statements, attributed F1, speaker accuracy)")
for name in ("ggt-dev", "corpus"):
    rep = json.loads((out / f"{name}.json").read_text())
    for m, t in rep["totals"].items():
        print(f"{name:8} {m:8} P {pct(t['precision'])}  R {pct(t['recall'])}  F1 {pct(t['f1'])}  "
              f"attr F1 {pct(t['attributed_f1'])}  speaker {pct(t['speaker_accuracy'])}  "
              f"stance {pct(t['stance_accuracy'])}  reply {pct(t['reply_accuracy'])}")
    if rep["roles"]:
        r = rep["roles"]
        print(f"{name:8} roles    P {pct(r['precision'])}  R {pct(r['recall'])}  F1 {pct(r['f1'])}")
    if rep["unlocatable"]:
        print(f"{name:8} {len(rep['unlocatable'])} gold statements not found in their document text (not scored)")
print(f"\nreports and error lists in {out}")
EOF
