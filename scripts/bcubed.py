"""B-cubed F1 of "one actor per person across the corpus" (issue 12, item 4).

The items are the gold statements of named gold speakers (a gold speaker whose name is a name: it starts with
a capital letter and is not a description such as "a spokesperson" or "Some voters") that kg's statement
matcher (``ggt-0.3`` by default, ``kg.evaluation.match``) pairs with a predicted statement. Gold clusters:
the items grouped by the gold speaker's name across documents. Predicted clusters: the same items grouped by
the predicted speaker's actor id, before and after the corpus-level resolution (``kg.graph.resolve``: kg's
proposals and the actor file EXTRACTS_DIR/actors.yaml if there is one).

    python scripts/bcubed.py GOLD_DIR EXTRACTS_DIR [--matcher ggt-0.3] [--json]

Prints one line per setting (before, after): items, precision, recall, F1; and with ``--errors`` the gold
speakers split over several predicted actors and the predicted actors shared by several gold speakers.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Hashable, Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.errors import KGError  # noqa: E402

_NOT_NAMES = frozenset("a an the some many several other others one two three four five six most all few this these "
                       "those he she they it we i you his her their".split())


def named(name: str) -> bool:
    """A gold speaker written as a name ("Doug McCallum", "TransLink"), not a description ("observers")."""
    words = name.split()
    return bool(words) and words[0][:1].isupper() and words[0].lower() not in _NOT_NAMES


def bcubed(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of two clusterings of the same items (``gold[i]``, ``pred[i]``: the
    cluster of item i)."""
    n = len(gold)
    if n == 0:
        return 0.0, 0.0, 0.0
    both: dict[tuple[Hashable, Hashable], int] = defaultdict(int)
    g_size: dict[Hashable, int] = defaultdict(int)
    p_size: dict[Hashable, int] = defaultdict(int)
    for g, p in zip(gold, pred):
        both[(g, p)] += 1
        g_size[g] += 1
        p_size[p] += 1
    precision = sum(both[(g, p)] / p_size[p] for g, p in zip(gold, pred)) / n
    recall = sum(both[(g, p)] / g_size[g] for g, p in zip(gold, pred)) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def items(gold_dir: Path, extracts_dir: Path, matcher: str = "ggt-0.3") -> tuple[list[str], list[str], list[str], list]:
    """For each matched statement of a named gold speaker: its gold speaker, its predicted speaker id, its
    document; and the extracts read."""
    from kg import extracts as extracts_io
    from kg.evaluation.gold import read_gold_dir
    from kg.evaluation.match import MATCHERS, Item
    from kg.evaluation.text import Locator

    golds = read_gold_dir(gold_dir)
    extracts = extracts_io.read_dir(extracts_dir)
    by_id = {ex.document.id: ex for ex in extracts}
    gold_keys: list[str] = []
    pred_ids: list[str] = []
    docs: list[str] = []
    for g in golds:
        ex = by_id.get(g.id)
        if ex is None:
            raise KGError(f"{g.path}: no extract for document {g.id!r} in {extracts_dir}")
        text = ex.document.text
        locator = Locator(text)
        located = []
        for st in g.statements:
            found = locator.locate(st.text)
            if found is not None:
                s, e = found[1]
                located.append((st, Item(s, e, text[s:e])))
        preds = sorted(ex.statements, key=lambda st: (st.start, st.end, st.id))
        pairs = MATCHERS[matcher].match([it for _, it in located], [Item(p.start, p.end, p.text) for p in preds], text)
        for gi, pi, _ in pairs:
            st = located[gi][0]
            if not named(st.speaker):
                continue
            gold_keys.append(" ".join(st.speaker.split()).casefold())
            pred_ids.append(preds[pi].speaker)
            docs.append(g.id)
    return gold_keys, pred_ids, docs, extracts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("extracts_dir", type=Path)
    ap.add_argument("--matcher", default="ggt-0.3")
    ap.add_argument("--json", action="store_true", help="one JSON object instead of lines")
    ap.add_argument("--errors", action="store_true", help="list the split and shared clusters after resolution")
    ap.add_argument("--ceiling", action="store_true",
                    help="also score a perfect corpus-level pass: each (document, predicted actor) group of "
                         "statements joined to the group of its most frequent gold speaker (what is left is "
                         "in-document speaker errors)")
    args = ap.parse_args(argv)
    from kg.graph.resolve import resolve

    try:
        gold, pred, docs, extracts = items(args.gold_dir, args.extracts_dir, args.matcher)
        res = resolve(extracts, args.extracts_dir)
    except KGError as exc:
        print(f"bcubed: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    after = [res.canonical(p, d) for p, d in zip(pred, docs)]
    out = {"items": len(gold), "gold_speakers": len(set(gold)), "documents": len(set(docs)),
           "merged_ids": res.merged}
    for label, clusters in (("before", pred), ("after", after)):
        p, r, f = bcubed(gold, clusters)
        out[label] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                      "predicted_actors": len(set(clusters))}
    if args.ceiling:
        groups: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for g, p, d in zip(gold, pred, docs):
            groups[(d, p)][g] += 1
        best = [groups[(d, p)].most_common(1)[0][0] for p, d in zip(pred, docs)]
        p, r, f = bcubed(gold, best)
        out["ceiling"] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                          "predicted_actors": len(set(best))}
    if args.json:
        print(json.dumps(out, indent=1))
    else:
        print(f"{out['items']} matched statements of {out['gold_speakers']} named gold speakers in "
              f"{out['documents']} documents ({args.matcher}); {res.merged} actor id(s) merged")
        for label in ("before", "after", "ceiling"):
            if label not in out:
                continue
            o = out[label]
            print(f"{label:6}  B-cubed P {o['precision']:.4f}  R {o['recall']:.4f}  F1 {o['f1']:.4f}  "
                  f"({o['predicted_actors']} predicted actors)")
    if args.errors:
        split: dict[str, set[str]] = defaultdict(set)
        shared: dict[str, set[str]] = defaultdict(set)
        for g, p, d in zip(gold, after, docs):  # noqa: B007
            split[g].add(p)
            shared[p].add(g)
        for g, ps in sorted(split.items()):
            if len(ps) > 1:
                print(f"split   {g}: {', '.join(sorted(ps))}")
        for p, gs in sorted(shared.items()):
            if len(gs) > 1:
                print(f"shared  {p}: {', '.join(sorted(gs))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
