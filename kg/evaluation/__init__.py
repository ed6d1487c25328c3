"""Scoring extracts against gold files: statements (Gender Gap Tracker protocol and the word-set Dice rule),
speakers, roles, stance, thread replies, and an error list for error analysis.

``evaluate(gold_dir, extracts_dir)`` returns a ``Report``; ``docs/evaluation.md`` describes every figure.
"""

from __future__ import annotations

from pathlib import Path

from kg.evaluation.gold import GoldDocument, read_gold, read_gold_dir
from kg.evaluation.match import MATCHERS, speakers_match
from kg.evaluation.report import tables, write_errors
from kg.evaluation.score import Counts, DocumentResult, ErrorRow, Report, evaluate_document
from kg.evaluation.score import evaluate as _evaluate

__all__ = [
    "Counts", "DocumentResult", "ErrorRow", "GoldDocument", "MATCHERS", "Report", "evaluate",
    "evaluate_document", "read_gold", "read_gold_dir", "speakers_match", "tables", "write_errors",
]


def evaluate(gold_dir: Path, extracts_dir: Path, *, strict: bool = False, errors_csv: Path | None = None,
             window: str | None = None, step: str | None = None) -> Report:
    """Score ``extracts_dir/<id>.json`` against each gold file of ``gold_dir``; with ``errors_csv``, also
    write the per-statement error list there. ``strict`` adds exact-span matching (see ``kg eval --help``).
    ``report.network`` compares the stance matrix and agreement / conflict networks of gold and prediction,
    overall and, with ``window`` (and ``step``), per time window (``kg.evaluation.network``)."""
    report = _evaluate(gold_dir, extracts_dir, strict=strict, window=window, step=step)
    if errors_csv is not None:
        write_errors(report, errors_csv)
    return report
