"""Score kg's stance model (and the lexicon) on the stance dev set and the public test sets.

    python scripts/eval_stance.py devset [--split tune|heldback|all] [--segment text|context|short] [--target target|proposition]
    python scripts/eval_stance.py public [--data ../shared/stance-data]      # Perspectrum test, IBM Claim Stance test
    python scripts/eval_stance.py reliability [--split tune]                   # confidence bins: is a 0.8 right 8 in 10?

``devset`` reads ``devsets/stance-policy`` (``labels.jsonl``): each statement, its context paragraph and its gold
target, classified by the ONNX model (runtime ``kg.extract.stance_model``) and, for comparison, by kg's lexicon
(the same call as ``scripts/stance_devset.py baseline``). Tune only on ``--split tune``; ``heldback`` is for the
final report. ``public`` scores the support/oppose test sets: a neutral prediction counts as wrong, and the
accuracy of support vs oppose alone (argmax over the two) is given too, the figure the papers report.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import stance_devset  # noqa: E402

from kg.extract import stance_model  # noqa: E402

LABELS = ["support", "oppose", "neutral"]


def sentence_context(nlp, row: dict, text: str) -> str:
    """The sentence(s) of the row's context paragraph that hold the statement (what kg's pipeline passes)."""
    c0 = stance_devset.context_start(text, row)
    doc = nlp(row["context"])
    s, e = row["start"] - c0, row["end"] - c0
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None or not len(span):
        return row["text"]
    return row["context"][min(span[0].sent.start_char, s):max(span[-1].sent.end_char, e)]


def devset_rows(split: str) -> list[dict]:
    rows = [row for _, row in stance_devset.read_labels(stance_devset.DEFAULT_DIR)]
    return [r for r in rows if split == "all" or r["split"] == split]


def model_predictions(rows: list[dict], segment: str, target_field: str, model_dir: str | None,
                      template: str | None = None):
    from kg.extract import nlp as nlp_mod

    nlp = nlp_mod.load(None)
    texts = stance_devset.read_texts(stance_devset.DEFAULT_DIR)
    model = stance_model.load(model_dir)
    pairs = []
    for r in rows:
        ctx = sentence_context(nlp, r, texts[r["doc"]]) if segment != "text" else None
        pairs.append((stance_model.segment_a(r["text"], ctx, segment),
                      stance_model.segment_b(r[target_field], template if target_field == "target" else "{}")))
    return model.predict(pairs)


def lexicon_predictions(rows: list[dict]) -> list[str]:
    preds = {(r["doc"], r["start"], r["end"]): r["pred"] for r in stance_devset.predict(stance_devset.DEFAULT_DIR)}
    return [preds[(r["doc"], r["start"], r["end"])] for r in rows]


def confusion(gold: list[str], pred: list[str]) -> dict[str, dict[str, int]]:
    c = Counter(zip(gold, pred))
    return {g: {p: c[(g, p)] for p in LABELS} for g in LABELS}


def reliability(gold: list[str], preds) -> list[dict]:
    bins = [(0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]
    out = []
    for lo, hi in bins:
        inside = [(g, p) for g, p in zip(gold, preds) if lo <= p.probability < hi]
        if not inside:
            out.append({"bin": f"{lo:.2f}-{min(hi, 1.0):.2f}", "n": 0})
            continue
        out.append({"bin": f"{lo:.2f}-{min(hi, 1.0):.2f}", "n": len(inside),
                    "mean_probability": sum(p.probability for _, p in inside) / len(inside),
                    "accuracy": sum(g == p.label for g, p in inside) / len(inside)})
    n = len(gold)
    ece = sum(b["n"] / n * abs(b["mean_probability"] - b["accuracy"]) for b in out if b["n"])
    return out, ece


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("devset")
    d.add_argument("--split", default="tune", choices=["tune", "heldback", "all"])
    d.add_argument("--segment", default=None, choices=["text", "context", "short"])
    d.add_argument("--target", default="target", choices=["target", "proposition"])
    d.add_argument("--template", default=None, help="segment B template, e.g. 'I support {}'")
    d.add_argument("--lexicon", action="store_true", help="also score the lexicon")
    d.add_argument("--sweep", action="store_true", help="macro-F1 for neutral thresholds 0.3 .. 0.95 and argmax")
    d.add_argument("--model-dir", default=None)
    p = sub.add_parser("public")
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "stance-data")
    p.add_argument("--model-dir", default=None)
    r = sub.add_parser("reliability")
    r.add_argument("--split", default="tune", choices=["tune", "heldback", "all"])
    r.add_argument("--segment", default=None, choices=["text", "context", "short"])
    r.add_argument("--model-dir", default=None)
    r.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "stance-data")
    args = ap.parse_args(argv)

    if args.command == "devset":
        rows = devset_rows(args.split)
        gold = [r["label"] for r in rows]
        if args.target == "proposition":  # agreement with the proposition
            gold = [{"agree": "support", "disagree": "oppose"}.get(r["proposition_label"], "neutral") for r in rows]
        preds = model_predictions(rows, args.segment or stance_model.SEGMENT_A, args.target, args.model_dir,
                                  args.template)
        result = {"split": args.split, "segment": args.segment or stance_model.SEGMENT_A, "target": args.target,
                  "template": args.template or stance_model.TARGET_TEMPLATE,
                  "model": stance_devset.scores(gold, [p.label for p in preds]),
                  "model_confusion": confusion(gold, [p.label for p in preds])}
        if args.sweep:
            m = stance_model.load(args.model_dir)
            keep = m.neutral_threshold
            sweep = {}
            for t in [None] + [round(0.3 + 0.05 * i, 2) for i in range(14)]:
                m.neutral_threshold = t
                labels = [m._decide([p.probabilities[k] for k in m.labels]).label for p in preds]
                sweep[str(t)] = stance_devset.scores(gold, labels)
            m.neutral_threshold = keep
            result["sweep"] = {k: f"acc {v['accuracy']:.3f} macro-F1 {v['macro_f1']:.3f}" for k, v in sweep.items()}
        if args.lexicon:
            lx = lexicon_predictions(rows)
            result["lexicon"] = stance_devset.scores(gold, lx)
            result["lexicon_confusion"] = confusion(gold, lx)
        print(json.dumps(result, indent=1))
    elif args.command == "public":
        model = stance_model.load(args.model_dir)
        result = {}
        for name in ("perspectrum/test.jsonl", "ibm_claim_stance/test.jsonl"):
            rows = [json.loads(x) for x in (args.data / name).read_text(encoding="utf-8").splitlines() if x]
            preds = model.predict([(r["text"], r["target"]) for r in rows])
            gold = [r["label"] for r in rows]
            two = ["support" if p.probabilities["support"] >= p.probabilities["oppose"] else "oppose" for p in preds]
            result[name] = {"n": len(rows), "accuracy_3way": sum(g == p.label for g, p in zip(gold, preds)) / len(rows),
                            "accuracy_support_vs_oppose": sum(g == p for g, p in zip(gold, two)) / len(rows),
                            "predicted_neutral": sum(p.label == "neutral" for p in preds),
                            "macro_f1_support_vs_oppose": stance_devset.scores(gold, two)["macro_f1"],
                            "reliability_3way": reliability(gold, preds)}
        print(json.dumps(result, indent=1))
    else:
        rows = devset_rows(args.split)
        gold = [r["label"] for r in rows]
        preds = model_predictions(rows, args.segment or stance_model.SEGMENT_A, "target", args.model_dir)
        table, ece = reliability(gold, preds)
        print(json.dumps({"split": args.split, "bins": table, "ece": ece}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
