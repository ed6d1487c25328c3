#!/usr/bin/env bash
# Score the thread reader on one split of the thread dev set (devsets/threads), the README's commands:
#
#   scripts/eval_threads.sh tune|heldback [OUT_DIR]
#
# 1. copy the split's pages and gold into OUT_DIR/{pages,gold}  (kg eval takes a gold folder)
# 2. kg extract OUT_DIR/pages --out OUT_DIR/extracts -v         (no --kind: detection is part of the test)
# 3. kg eval OUT_DIR/gold OUT_DIR/extracts (tables), --json > OUT_DIR/eval.json, and the per-page report
# 4. one line with the figures the issue names, counting gold comments the reader left out of the document
#    text (kg eval calls them "unlocatable") as missed.
# Score heldback only once, at the end, and report it apart from tune (devsets/threads/README.md).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SPLIT="${1:?usage: scripts/eval_threads.sh tune|heldback [OUT_DIR]}"
OUT="${2:-$(mktemp -d "${TMPDIR:-/tmp}/kg-threads-$SPLIT.XXXXXX")}"
DEVSET="$ROOT/devsets/threads"
# shellcheck disable=SC1091
[ -f "$ROOT/.venv/bin/activate" ] && . "$ROOT/.venv/bin/activate"
rm -rf "${OUT:?}/pages" "$OUT/gold" "$OUT/extracts"
mkdir -p "$OUT/pages" "$OUT/gold"
tail -n +2 "$DEVSET/sources.tsv" | while IFS=$'\t' read -r id _addr _site _layout _title _ret split _rest; do
  if [ "$split" = "$SPLIT" ]; then
    cp "$DEVSET/pages/$id.txt" "$OUT/pages/"
    cp "$DEVSET/gold/$id.json" "$OUT/gold/"
  fi
done
kg_eval() { python -c 'import sys, kg.cli.cmd_eval; from kg.cli import main; main(sys.argv[1:])' eval "$@"; }
kg extract "$OUT/pages" --out "$OUT/extracts" -v
kg_eval "$OUT/gold" "$OUT/extracts"
kg_eval "$OUT/gold" "$OUT/extracts" --json >"$OUT/eval.json"
python "$ROOT/scripts/thread_devset.py" report "$OUT/eval.json"
python - "$OUT/eval.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
d = r["totals"]["dice"]
gold = r["gold_statements"]
print(f"{sys.argv[1]}: dice matcher: found {d['matched']} of {gold} gold comments (recall {d['matched'] / gold:.3f}; "
      f"kg eval, unlocatable gold left out: {d['recall']:.3f}), precision {d['precision']:.3f} "
      f"({d['predicted'] - d['matched']} taken that are no comment), authors {d['speaker_correct']}/{d['matched']}, "
      f"parents {d['reply_correct']}/{d['reply_total']}, duplicates {d['duplicates']}")
PY
echo "figures: $OUT/eval.json"
