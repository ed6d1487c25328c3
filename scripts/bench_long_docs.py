#!/usr/bin/env python3
"""Extraction time and peak memory of one long document at growing sizes: does the cost grow linearly?

    python scripts/bench_long_docs.py [--sizes 75,150,300,600] [--model NAME] [--json] [--profile KB]

Each size (in KB of text, 1 KB = 1000 characters) is a document of real text: the sample article and the GGT
development texts (../shared/eval/ggt-dev/docs) one after the other, repeated as often as needed, cut at a
paragraph boundary once the size is reached. Every size runs in a fresh Python process so that its peak RSS
(``ru_maxrss``) is its own; the model is loaded before the clock starts. The time is the whole of
``kg.extract.pipeline.extract_documents`` for that one document: spaCy's parse and kg's extraction steps.

It prints, per size: CPU seconds (the process's own, ``time.process_time``: the machine may be shared, and wall
time swings with the other users' load), wall seconds, peak RSS (MB), RSS after loading the model (MB),
statements found, and the ratio of CPU time and of (peak - model) memory to the previous size's. Linear growth shows as ratios near the size ratio (2 for
the default sizes); quadratic as ratios near its square (4).

``--profile KB`` runs cProfile on one document of that size instead and prints the 25 costliest functions.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SOURCES = [ROOT / "corpus" / "police-professional-2022-03-24-police-and-crime-plan.txt",
           SHARED / "eval" / "ggt-dev" / "docs"]


def long_text(chars: int) -> str:
    """At least ``chars`` characters of real text (fewer only if the sources are missing), whole paragraphs."""
    from kg.ingest import read_documents

    texts = [d.text.strip() for d in read_documents([p for p in SOURCES if p.exists()])]
    if not texts:
        raise SystemExit(f"no source texts found under {SHARED} or {ROOT / 'corpus'}")
    parts: list[str] = []
    size = 0
    while size < chars:
        for t in texts:
            for para in t.split("\n"):
                if para.strip():
                    parts.append(para.strip())
                    size += len(parts[-1]) + 2
                    if size >= chars:
                        break
            if size >= chars:
                break
    return "\n\n".join(parts) + "\n"


def _one(kb: int, model: str | None, profile: bool) -> dict:
    import resource
    import time

    from kg.extract import nlp as nlp_mod
    from kg.extract.pipeline import extract_documents
    from kg.records import Document

    nlp_mod.load(model)
    text = long_text(kb * 1000)
    document = Document(id=f"long-{kb}kb", source="bench", kind="article", text=text,
                        title=text.split("\n", 1)[0].strip())
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0, c0 = time.perf_counter(), time.process_time()
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        ex = prof.runcall(lambda: next(extract_documents([document], model=model)))
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    else:
        ex = next(extract_documents([document], model=model))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kb": kb, "chars": len(text), "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_rss_mb": round(peak),
            "model_rss_mb": round(base), "statements": len(ex.statements)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="75,150,300,600", help="sizes in KB, comma-separated (default 75,150,300,600)")
    ap.add_argument("--model", default=None, help="spaCy model (default: kg's)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--profile", type=int, metavar="KB", help="profile one document of KB kilobytes instead")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process: one size
    args = ap.parse_args(argv)

    if args.one is not None or args.profile is not None:
        row = _one(args.one if args.one is not None else args.profile, args.model, args.profile is not None)
        print(json.dumps(row))
        return 0
    rows = []
    for kb in (int(s) for s in args.sizes.split(",") if s.strip()):
        cmd = [sys.executable, str(Path(__file__).resolve()), "--one", str(kb)]
        if args.model:
            cmd += ["--model", args.model]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        if not args.json:
            r, prev = rows[-1], rows[-2] if len(rows) > 1 else None
            ratio = f"x{r['cpu_seconds'] / prev['cpu_seconds']:.2f}" if prev and prev["cpu_seconds"] else "-"
            grown = r["peak_rss_mb"] - r["model_rss_mb"]
            mem = f"x{grown / max(1, prev['peak_rss_mb'] - prev['model_rss_mb']):.2f}" if prev else "-"
            print(f"{r['kb']:>5} KB  CPU {r['cpu_seconds']:8.2f} s ({ratio:>6})  wall {r['seconds']:8.2f} s  peak RSS {r['peak_rss_mb']:6d} MB "
                  f"(model {r['model_rss_mb']} MB; growth {mem:>6})  {r['statements']} statements", flush=True)
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
