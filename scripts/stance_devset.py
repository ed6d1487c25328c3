#!/usr/bin/env python3
"""The policy-domain stance dev set (devsets/stance-policy/): check it, and score kg's lexicon stance on it.

    python scripts/stance_devset.py check [DIR]
    python scripts/stance_devset.py baseline [DIR] [--model NAME] [--json]

``check`` verifies every label row against the saved texts: the fields and their values, ``text ==
texts/<doc>.txt[start:end]``, the context is an exact substring of the document that contains the span, the
row's split and area agree with ``sources.tsv``, no span is labelled twice; and that ``sources.tsv`` and
``texts/`` list the same documents. It prints one line per problem and exits 1 if there is any.

``baseline`` runs kg's current lexicon stance, ``kg.extract.stance.score_stance``, on each labelled statement:
the statement's context is parsed with kg's spaCy pipeline and the statement's span inside it is scored
(no reporting frame, no proponent flag, no cue: the dev set gives the statement, not the extraction). The
function takes no target, so the gold target is not used. It prints accuracy and macro-F1 over support /
oppose / neutral for all rows, per split, per area and for the ``harder`` rows, beside the majority-class
baseline (the most frequent label of the tune split, predicted everywhere).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT / "devsets" / "stance-policy"

LABELS = ("support", "oppose", "neutral")
PROPOSITION_LABELS = ("agree", "disagree", "neutral")
KINDS = ("direct", "indirect", "comment", "claim")
SPLITS = ("tune", "heldback")
SOURCE_COLUMNS = ("slug", "split", "area", "kind", "outlet", "site", "title", "title_from", "date", "url", "retrieved",
                  "chars")
TITLE_FROM = ("page", "url", "none")  # the headline as the stored text shows it, words of the URL, no title
FIELDS = {  # field -> allowed types
    "doc": (str,), "start": (int,), "end": (int,), "text": (str,), "context": (str,),
    "speaker": (str, type(None)), "kind": (str,), "target": (str,), "proposition": (str,), "label": (str,),
    "proposition_label": (str,), "area": (str,), "harder": (bool,), "note": (str,), "split": (str,),
}


def read_sources(root: Path) -> dict[str, dict[str, str]]:
    with open(root / "sources.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return {r["slug"]: r for r in rows}


def read_texts(root: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((root / "texts").glob("*.txt"))}


def read_labels(root: Path) -> list[tuple[int, object]]:
    """(line number, parsed row or the JSON error message) for each non-empty line of labels.jsonl."""
    out: list[tuple[int, object]] = []
    with open(root / "labels.jsonl", encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                out.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                out.append((n, f"not JSON: {exc}"))
    return out


def check(root: Path = DEFAULT_DIR) -> list[str]:
    """Every problem in the dev set at ``root``, one message each (empty: the set is consistent)."""
    problems: list[str] = []
    try:
        sources = read_sources(root)
    except (OSError, csv.Error) as exc:
        return [f"{root / 'sources.tsv'}: cannot read: {exc}"]
    texts = read_texts(root)
    with open(root / "sources.tsv", encoding="utf-8", newline="") as fh:
        header = tuple(next(csv.reader(fh, delimiter="\t")))
    if header != SOURCE_COLUMNS:
        problems.append(f"sources.tsv: columns {header}, expected {SOURCE_COLUMNS}")
    for slug, src in sources.items():
        if slug not in texts:
            problems.append(f"sources.tsv: {slug}: no texts/{slug}.txt")
        elif src.get("chars") and src["chars"] != str(len(texts[slug])):
            problems.append(f"sources.tsv: {slug}: chars {src['chars']} but the text has {len(texts[slug])}")
        if src.get("split") not in SPLITS:
            problems.append(f"sources.tsv: {slug}: split {src.get('split')!r}, expected one of {SPLITS}")
        if src.get("title_from") not in TITLE_FROM:
            problems.append(f"sources.tsv: {slug}: title_from {src.get('title_from')!r}, expected one of {TITLE_FROM}")
        elif src["title_from"] == "page" and slug in texts and src["title"] not in texts[slug]:
            problems.append(f"sources.tsv: {slug}: title_from page but the title is not in the text")
        for col in ("area", "outlet", "url", "retrieved"):
            if not (src.get(col) or "").strip():
                problems.append(f"sources.tsv: {slug}: empty {col}")
    for slug in texts:
        if slug not in sources:
            problems.append(f"texts/{slug}.txt: not listed in sources.tsv")
    seen: set[tuple[str, int, int]] = set()
    for n, row in read_labels(root):
        where = f"labels.jsonl:{n}"
        if not isinstance(row, dict):
            problems.append(f"{where}: {row}")
            continue
        bad = False
        for field, types in FIELDS.items():
            if field not in row:
                problems.append(f"{where}: missing field {field!r}")
                bad = True
            elif not isinstance(row[field], types) or (types == (int,) and isinstance(row[field], bool)):
                problems.append(f"{where}: {field} is {type(row[field]).__name__}, expected {types[0].__name__}")
                bad = True
        extra = set(row) - set(FIELDS)
        if extra:
            problems.append(f"{where}: unknown fields {sorted(extra)}")
        if bad:
            continue
        for field, allowed in (("kind", KINDS), ("label", LABELS), ("proposition_label", PROPOSITION_LABELS),
                               ("split", SPLITS)):
            if row[field] not in allowed:
                problems.append(f"{where}: {field} {row[field]!r}, expected one of {allowed}")
        for field in ("target", "proposition", "area"):
            if not row[field].strip():
                problems.append(f"{where}: empty {field}")
        if (row["label"] == "neutral") != (row["proposition_label"] == "neutral"):
            problems.append(f"{where}: label {row['label']} but proposition_label {row['proposition_label']}")
        doc = row["doc"]
        if doc not in texts:
            problems.append(f"{where}: doc {doc!r} has no texts/{doc}.txt")
            continue
        if doc in sources:
            for field in ("split", "area"):
                if row[field] != sources[doc][field]:
                    problems.append(f"{where}: {field} {row[field]!r} but sources.tsv says {sources[doc][field]!r}")
        text, s, e = texts[doc], row["start"], row["end"]
        if not 0 <= s < e <= len(text):
            problems.append(f"{where}: offsets {s}:{e} outside {doc} (length {len(text)})")
            continue
        if text[s:e] != row["text"]:
            problems.append(f"{where}: text {row['text'][:40]!r} != {doc}[{s}:{e}] {text[s:e][:40]!r}")
        if row["text"] not in row["context"]:
            problems.append(f"{where}: context does not contain the text")
        elif context_start(text, row) is None:
            problems.append(f"{where}: context is not the document's text around {s}:{e}")
        key = (doc, s, e)
        if key in seen:
            problems.append(f"{where}: span {doc} {s}:{e} labelled twice")
        seen.add(key)
    return problems


def context_start(text: str, row: dict) -> int | None:
    """Where the row's context starts in its document, such that the statement's span lies inside it."""
    ctx, s, e = row["context"], row["start"], row["end"]
    i = text.find(ctx)
    while i >= 0:
        if i <= s and e <= i + len(ctx):
            return i
        i = text.find(ctx, i + 1)
    return None


def scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    """Accuracy and macro-F1 over support / oppose / neutral (a class absent from gold and prediction is skipped)."""
    n = len(gold)
    acc = sum(g == p for g, p in zip(gold, pred)) / n if n else 0.0
    f1s = []
    for c in LABELS:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        if tp + fp + fn == 0:
            continue
        f1s.append(2 * tp / (2 * tp + fp + fn))
    return {"n": n, "accuracy": acc, "macro_f1": sum(f1s) / len(f1s) if f1s else 0.0}


def predict(root: Path = DEFAULT_DIR, model: str | None = None) -> list[dict]:
    """Each label row with ``pred``: kg's lexicon stance of the statement read in its context."""
    from kg.extract import nlp as nlp_mod
    from kg.extract.lexicon import lexicons
    from kg.extract.stance import score_stance

    nlp, lex, texts = nlp_mod.load(model), lexicons(), read_texts(root)
    rows = [row for _, row in read_labels(root)]
    offsets = [context_start(texts[r["doc"]], r) for r in rows]
    for row, doc, c0 in zip(rows, nlp.pipe(r["context"] for r in rows), offsets):
        s, e = row["start"] - c0, row["end"] - c0
        result = score_stance(doc, s, e, lex)
        row["pred"] = result.polarity
        row["pred_score"] = result.score
    return rows


def baseline(root: Path = DEFAULT_DIR, model: str | None = None) -> dict:
    rows = predict(root, model)
    tune = [r["label"] for r in rows if r["split"] == "tune"]
    majority = Counter(tune).most_common(1)[0][0]
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups["all"].append(r)
        groups[f"split={r['split']}"].append(r)
        groups[f"area={r['area']}"].append(r)
        if r["harder"]:
            groups["harder=true"].append(r)
        else:
            groups["harder=false"].append(r)
    table = {}
    for name in sorted(groups, key=lambda g: (g != "all", not g.startswith("split"), g)):
        gold = [r["label"] for r in groups[name]]
        table[name] = {"lexicon": scores(gold, [r["pred"] for r in groups[name]]),
                       "majority": scores(gold, [majority] * len(gold)),
                       "gold": dict(Counter(gold))}
    confusion = Counter((r["label"], r["pred"]) for r in rows)
    return {"majority_class": majority, "table": table,
            "confusion": {g: {p: confusion[(g, p)] for p in LABELS} for g in LABELS}}


def markdown(result: dict) -> str:
    lines = ["| rows | n | lexicon accuracy | lexicon macro-F1 | majority accuracy | majority macro-F1 |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, t in result["table"].items():
        lx, mj = t["lexicon"], t["majority"]
        lines.append(f"| {name} | {lx['n']} | {lx['accuracy']:.3f} | {lx['macro_f1']:.3f} | "
                     f"{mj['accuracy']:.3f} | {mj['macro_f1']:.3f} |")
    lines += ["", f"Majority class (of the tune split): {result['majority_class']}.", "",
              "Confusion (rows gold, columns lexicon):", "",
              "| gold \\ lexicon | " + " | ".join(LABELS) + " |", "|---|" + "---:|" * len(LABELS)]
    for g, preds in result["confusion"].items():
        lines.append(f"| {g} | " + " | ".join(str(preds[p]) for p in LABELS) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="verify every label row against the saved texts")
    c.add_argument("dir", nargs="?", type=Path, default=DEFAULT_DIR)
    b = sub.add_parser("baseline", help="score kg's lexicon stance and the majority class")
    b.add_argument("dir", nargs="?", type=Path, default=DEFAULT_DIR)
    b.add_argument("--model", default=None, help="spaCy pipeline (default: kg's)")
    b.add_argument("--json", action="store_true", help="print JSON instead of a Markdown table")
    args = ap.parse_args(argv)
    if args.command == "check":
        problems = check(args.dir)
        for p in problems:
            print(p, file=sys.stderr)
        n = len(read_labels(args.dir)) if (args.dir / "labels.jsonl").exists() else 0
        print(f"{args.dir}: {n} labels, {len(read_texts(args.dir))} texts, "
              f"{len(problems)} problem{'s' * (len(problems) != 1)}")
        return 1 if problems else 0
    problems = check(args.dir)
    if problems:
        print(f"{args.dir}: {len(problems)} problems; run `check` first", file=sys.stderr)
        return 1
    result = baseline(args.dir, args.model)
    print(json.dumps(result, indent=2) if args.json else markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
