"""The network-level figures of `kg eval` as Markdown tables, for benchmarks/network-eval.md.

    python scripts/network_eval.py GOLD_DIR EXTRACTS_DIR [--window 1y] [--name NAME]

Runs the same library call as `kg eval` (kg.evaluation.evaluate) and prints, per level (actor x issue,
actor x document), the actor, stance-matrix and congruence / conflict figures; with --window also one row
per window that holds statements. Prints the commit and date it ran on.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.errors import KGError
from kg.evaluation import evaluate


def fmt(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "-"
    return f"{100 * x:.1f}" if pct else f"{x:.2f}"


def row(name: str, c) -> str:
    m = c.matrix
    cells = [name, c.level, f"{c.gold_rows}/{c.predicted_rows}",
             f"{fmt(c.actors.precision, True)} / {fmt(c.actors.recall, True)}"]
    if m is None:
        cells += ["-"] * 5
    else:
        cells += [f"{m.gold}/{m.predicted}/{m.common}", fmt(m.coverage, True), f"{fmt(m.pearson)} / {fmt(m.spearman)}",
                  fmt(m.sign_agreement, True), fmt(m.sign_agreement_common, True)]
    for tie in ("congruence", "conflict"):
        e = c.ties[tie]
        cells.append("-" if e is None else
                     f"{fmt(e.precision, True)} / {fmt(e.recall, True)} ({e.gold}/{e.predicted}), wJ {fmt(e.weighted_jaccard)}")
    return "| " + " | ".join(cells) + " |"


HEADER = ("| set / window | level | rows g/p | actor P / R | cells g/p/both | coverage | pearson / spearman "
          "| sign agr. | sign agr. both | congruence P / R (edges g/p), wJ | conflict P / R (edges g/p), wJ |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold")
    ap.add_argument("extracts")
    ap.add_argument("--window")
    ap.add_argument("--step")
    ap.add_argument("--name", default=None)
    a = ap.parse_args(argv)
    try:
        report = evaluate(Path(a.gold), Path(a.extracts), window=a.window, step=a.step)
    except KGError as exc:
        print(f"network_eval: {exc}", file=sys.stderr)
        return 2
    net = report.network
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    name = a.name or Path(a.extracts).name
    print(f"{name}: {len(report.documents)} documents; commit {commit}; "
          f"{datetime.now(timezone.utc):%Y-%m-%d}; gold stance: {net.stance}, gold issues: {net.issues}; "
          f"actors aligned: {dict(net.actor_alignment)}\n")
    print(HEADER)
    for c in net.overall.values():
        print(row(name, c))
    for part in net.windows:
        for c in part.values():
            if c.gold_rows or c.predicted_rows:
                print(row(f"{c.start}..{c.stop}", c))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
