#!/usr/bin/env python3
"""Throughput of `kg extract --stance model|lexicon` against plain spaCy `nlp.pipe`, each a whole process.

    python scripts/bench_stance.py [DOCS_DIR] [--reps 3] [--json]

DOCS_DIR defaults to ../shared/eval/ggt-dev/docs (49 news texts). Three sides, each run as its own process
(interpreter start, imports, model loading and all, as a user runs them), alternately REPS times after one
untimed warm-up round (file caches):

* baseline: ``python -c``: ``spacy.load(kg's model)``, read the documents as ``kg.ingest`` does, ``list(nlp.pipe(texts))``;
* lexicon: ``kg extract DOCS_DIR --out TMP --stance lexicon``;
* model: ``kg extract DOCS_DIR --out TMP --stance model`` (the learned stance model, onnxruntime).

Each run is timed on two clocks: wall time and the CPU time of the child process (user + system, all threads).
The machine is shared, so wall time swings with other users' load. Reported: the median seconds of each side,
docs/s, and the ratio baseline time / side time (>= 0.8 is the target for ``model``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DOCS = ROOT.parent / "shared" / "eval" / "ggt-dev" / "docs"
TARGET = 0.8

BASELINE = """
import sys, spacy
from kg.extract.nlp import model_name
from kg.ingest import read_documents
from pathlib import Path
texts = [d.text for d in read_documents([Path(sys.argv[1])])]
nlp = spacy.load(model_name(None))
for _ in nlp.pipe(texts):
    pass
"""


KG = "import sys; from kg.cli import main; sys.argv[0] = 'kg'; sys.exit(main())"


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docs", nargs="?", type=Path, default=DEFAULT_DOCS)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("KG_STANCE", None)
    py = sys.executable
    n_docs = sum(1 for p in args.docs.iterdir() if p.is_file())
    with tempfile.TemporaryDirectory(prefix="kg-bench-stance-") as tmp:
        sides = {
            "baseline": lambda k: [py, "-c", BASELINE, str(args.docs)],
            "lexicon": lambda k: [py, "-c", KG, "extract", str(args.docs), "--out", f"{tmp}/lex{k}",
                                  "--stance", "lexicon"],
            "model": lambda k: [py, "-c", KG, "extract", str(args.docs), "--out", f"{tmp}/model{k}",
                                "--stance", "model"],
        }
        for cmd in sides.values():  # warm-up round, not timed
            run(cmd("w"), env)
        times: dict[str, dict[str, list[float]]] = {s: {"wall": [], "cpu": []} for s in sides}
        for rep in range(args.reps):
            for name, cmd in sides.items():
                wall, cpu = run(cmd(rep), env)
                times[name]["wall"].append(wall)
                times[name]["cpu"].append(cpu)
                print(f"rep {rep + 1}/{args.reps} {name}: wall {wall:.2f}s cpu {cpu:.2f}s", file=sys.stderr)
    result = {"docs_dir": str(args.docs), "documents": n_docs, "reps": args.reps, "sides": {}}
    for name, t in times.items():
        result["sides"][name] = {c: {"median_s": statistics.median(v), "docs_per_s": n_docs / statistics.median(v),
                                     "ratio_to_baseline": statistics.median(times["baseline"][c]) / statistics.median(v)}
                                 for c, v in t.items()}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{n_docs} documents from {args.docs}, {args.reps} reps, whole processes, medians")
        print("| side | wall s | docs/s (wall) | ratio (wall) | CPU s | ratio (CPU) |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, r in result["sides"].items():
            print(f"| {name} | {r['wall']['median_s']:.2f} | {r['wall']['docs_per_s']:.2f} | "
                  f"{r['wall']['ratio_to_baseline']:.2f} | {r['cpu']['median_s']:.2f} | "
                  f"{r['cpu']['ratio_to_baseline']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
