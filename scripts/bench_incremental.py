#!/usr/bin/env python3
"""Incremental rebuilds: a first `kg run`, a second on the unchanged corpus, one with one document changed,
and one with --force, each a whole `kg run` process on the same corpus and output folder.

    python scripts/bench_incremental.py [DOCS_DIR] [--copies N] [--store] [--json]

DOCS_DIR defaults to ../shared/eval/ggt-dev/docs (skipped with a message when absent). ``--copies N`` replicates
the documents N times under other file names (other document ids), for a bigger corpus. The corpus is copied
to a temporary folder first; "one changed" appends a sentence to one document of that copy.

Each run is timed on the wall clock and on CPU time (the child process's user + system), and its own report
of what it parsed is read from its stderr ("kg: N document(s) parsed, M unchanged and reused"). The machine
may be shared: the 1-minute load average is printed with the results. Targets (issue 17): the unchanged
rebuild <= 10% of the first run; the one-changed run about one document's work (plus the outputs, which are
built again from all extracts whenever any changed).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DOCS = ROOT.parent / "shared" / "eval" / "ggt-dev" / "docs"
TARGET = 0.10
_PARSED = re.compile(r"kg: (\d+) document\(s\) parsed, (\d+) unchanged and reused")


def _kg_run(corpus: Path, out: Path, *extra: str) -> dict:
    cmd = [sys.executable, "-c", "import sys; from kg.cli import main; sys.argv[0] = 'kg'; main()",
           "run", str(corpus), "--out", str(out), *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"kg run failed ({proc.returncode}): {proc.stderr.strip().splitlines()[-1:]}")
    m = _PARSED.search(proc.stderr)
    return {"wall_s": round(wall, 2),
            "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2),
            "parsed": int(m.group(1)) if m else None, "reused": int(m.group(2)) if m else None,
            "load1": round(os.getloadavg()[0], 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docs", nargs="?", type=Path, default=DEFAULT_DOCS, help="folder of documents")
    ap.add_argument("--copies", type=int, default=1, help="replicate the documents N times (default 1)")
    ap.add_argument("--store", action="store_true", help="fill the Oxigraph store too (kg run's default)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    if not args.docs.is_dir():
        print(f"{args.docs}: no such folder (the shared data is not here); nothing measured", file=sys.stderr)
        return 0
    files = sorted(p for p in args.docs.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        print(f"{args.docs}: no documents", file=sys.stderr)
        return 2
    extra = [] if args.store else ["--no-store"]
    with tempfile.TemporaryDirectory(prefix="kg-bench-incremental-") as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
        corpus.mkdir()
        for k in range(args.copies):
            for p in files:
                name = p.name if k == 0 else f"{p.stem}-copy{k}{p.suffix}"
                shutil.copy(p, corpus / name)
        n_docs = len(files) * args.copies
        rows = {}
        print(f"{n_docs} documents; runs: first, unchanged, one changed, --force", file=sys.stderr)
        rows["first"] = _kg_run(corpus, out, *extra)
        rows["unchanged"] = _kg_run(corpus, out, *extra)
        changed = corpus / files[len(files) // 2].name
        changed.write_text(changed.read_text("utf-8") + "\nA spokesperson said the plan would be reviewed.\n",
                           "utf-8")
        rows["one changed"] = _kg_run(corpus, out, *extra)
        rows["force"] = _kg_run(corpus, out, "--force", *extra)
    first = rows["first"]
    for r in rows.values():
        r["wall_vs_first"] = round(r["wall_s"] / first["wall_s"], 3)
        r["cpu_vs_first"] = round(r["cpu_s"] / first["cpu_s"], 3)
    per_doc = first["cpu_s"] / n_docs
    report = {"documents": n_docs, "docs": str(args.docs), "copies": args.copies, "store": args.store,
              "cpu_count": os.cpu_count(), "runs": rows, "target_unchanged_vs_first": TARGET,
              "met": rows["unchanged"]["wall_vs_first"] <= TARGET and rows["unchanged"]["cpu_vs_first"] <= TARGET,
              "first_cpu_per_document_s": round(per_doc, 3),
              "one_changed_extra_cpu_vs_unchanged_s": round(rows["one changed"]["cpu_s"]
                                                            - rows["unchanged"]["cpu_s"], 2)}
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print("| run | parsed | reused | wall s | CPU s | wall / first | CPU / first | load (1 min) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name, r in rows.items():
            print(f"| {name} | {r['parsed']} | {r['reused']} | {r['wall_s']} | {r['cpu_s']} | {r['wall_vs_first']} "
                  f"| {r['cpu_vs_first']} | {r['load1']} |")
        print(f"\n{n_docs} documents; first run {per_doc:.3f} CPU s per document; unchanged rebuild "
              f"<= {TARGET:.0%} of the first: {'met' if report['met'] else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
