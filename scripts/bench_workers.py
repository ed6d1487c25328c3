#!/usr/bin/env python3
"""Parallel extraction: plain spaCy `nlp.pipe` in one process against `kg extract` in one process, with
`--workers N` (spaCy's own processes) and with `--scheduler local --workers N` (a Dask local cluster), each
a whole process on the same documents; and whether all kg sides write the same extracts, byte for byte.

    python scripts/bench_workers.py [DOCS_DIR] [--workers 2] [--reps 1] [--json]

DOCS_DIR defaults to ../shared/eval/ggt-dev/docs (nothing is measured without it). The Dask side needs
`pip install 'kg[distributed]'` in the running interpreter and is left out without it. Every side is a fresh
process (model loading included, as a user sees it); wall time is the figure for parallel speed-up, CPU time
(the process and its children) shows the work. The machine may be shared: the 1-minute load average is printed
with each run; speed-ups measured under load are not those of a quiet machine. Targets (issue 17): one process
>= 0.8x plain nlp.pipe; N=2 workers >= 1.6x plain single-process nlp.pipe.
"""

from __future__ import annotations

import argparse
import importlib.util
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
KG = "import sys; from kg.cli import main; sys.argv[0] = 'kg'; main()"
BASELINE = """
import sys
import spacy
from kg.extract.settings import model_name
from kg.ingest import read_documents
texts = [d.text for d in read_documents([sys.argv[1]])]
nlp = spacy.load(model_name(None))
for _ in nlp.pipe(texts):
    pass
"""


def _timed(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[3:6])}... failed ({proc.returncode}): "
                         f"{proc.stderr.strip().splitlines()[-1:]}")
    return {"wall_s": round(wall, 2), "cpu_s": round(after.ru_utime - before.ru_utime
                                                     + after.ru_stime - before.ru_stime, 2),
            "load1": round(os.getloadavg()[0], 2)}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.json"))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docs", nargs="?", type=Path, default=DEFAULT_DOCS, help="folder of documents")
    ap.add_argument("--workers", type=int, default=2, help="processes for the parallel sides (default 2)")
    ap.add_argument("--reps", type=int, default=1, help="timed repetitions of each side (default 1)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    if not args.docs.is_dir():
        print(f"{args.docs}: no such folder (the shared data is not here); nothing measured", file=sys.stderr)
        return 0
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    py = sys.executable
    n = str(args.workers)
    with tempfile.TemporaryDirectory(prefix="kg-bench-workers-") as tmp:
        sides = {
            "nlp.pipe, 1 process": lambda k: [py, "-c", BASELINE, str(args.docs)],
            "kg extract, 1 process": lambda k: [py, "-c", KG, "extract", str(args.docs), "-q",
                                                "--out", f"{tmp}/one{k}"],
            f"kg extract --workers {n}": lambda k: [py, "-c", KG, "extract", str(args.docs), "-q",
                                                    "--workers", n, "--out", f"{tmp}/workers{k}"],
        }
        if importlib.util.find_spec("distributed") is not None:
            sides[f"kg extract --scheduler local --workers {n}"] = lambda k: [
                py, "-c", KG, "extract", str(args.docs), "-q", "--scheduler", "local", "--workers", n,
                "--out", f"{tmp}/dask{k}"]
        else:
            print("Dask is not installed: the local-cluster side is left out", file=sys.stderr)
        runs: dict[str, list[dict[str, float]]] = {s: [] for s in sides}
        for k in range(args.reps):
            for name, cmd in sides.items():
                print(f"rep {k + 1}/{args.reps}: {name}", file=sys.stderr)
                runs[name].append(_timed(cmd(k), env))
        outs = {name: Path(tmp) / f"{prefix}0" for name, prefix in
                zip(sides, ["", "one", "workers", "dask"]) if prefix}
        ref = _files(outs["kg extract, 1 process"])
        identical = {name: _files(folder) == ref for name, folder in outs.items()}
    base = statistics.median(r["wall_s"] for r in runs["nlp.pipe, 1 process"])
    rows = {}
    for name, rs in runs.items():
        wall = statistics.median(r["wall_s"] for r in rs)
        rows[name] = {"wall_s": wall, "cpu_s": statistics.median(r["cpu_s"] for r in rs),
                      "speed_vs_nlp_pipe": round(base / wall, 3), "load1": [r["load1"] for r in rs],
                      "identical_to_one_process": identical.get(name)}
    report = {"docs": str(args.docs), "documents": sum(1 for p in args.docs.iterdir() if p.is_file()),
              "workers": args.workers, "reps": args.reps, "cpu_count": os.cpu_count(), "sides": rows}
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print("| side | wall s | CPU s | speed vs nlp.pipe (wall) | same extracts | load (1 min) |")
        print("|---|---:|---:|---:|---|---|")
        for name, r in rows.items():
            same = "" if r["identical_to_one_process"] is None else ("yes" if r["identical_to_one_process"] else "NO")
            print(f"| {name} | {r['wall_s']} | {r['cpu_s']} | {r['speed_vs_nlp_pipe']} | {same} | "
                  f"{', '.join(map(str, r['load1']))} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
