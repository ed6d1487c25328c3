"""Presenting a ``Report``: rich tables for the terminal and the per-statement error list as CSV.

Nothing here prints: ``tables`` returns renderables, the command line prints them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rich.table import Table

from kg.cells import cells
from kg.errors import ConfigError
from kg.evaluation.match import MATCHERS
from kg.evaluation.score import ErrorRow, Report
from kg.extracts import atomic_write_text


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def errors_csv(rows: list[ErrorRow]) -> str:
    """The rows as CSV; text cells (speakers, statement text) made safe for spreadsheets (``kg.cells``)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(ErrorRow.FIELDS)
    for r in rows:
        w.writerow(cells("" if v is None else v for v in r.row()))
    return buf.getvalue()


def write_errors(report: Report, path: Path) -> Path:
    """Write every error of the report, one row per statement (or role), as CSV."""
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"--errors {path}: is a folder; give a file name such as errors.csv")
    try:
        atomic_write_text(path, errors_csv(report.errors))
    except OSError as exc:
        raise ConfigError(f"--errors {path}: cannot write: {exc.strerror or exc}") from None
    return path


def tables(report: Report) -> list[Table]:
    """The summary (one row per statement matcher), roles, errors by type and the per-document table."""
    out = []
    totals = report.totals()
    located = sum(sum(d.located.values()) for d in report.documents)
    gold_n = sum(d.gold_statements for d in report.documents)
    t = Table(title=f"Statements: {len(report.documents)} documents, {gold_n} gold statements "
                    f"({located} located, {gold_n - located} unlocatable and not scored)")
    for col in ("matcher", "gold", "pred", "matched", "P", "R", "F1", "speaker acc", "attr P", "attr R",
                "attr F1", "stance acc (n)", "reply acc (n)", "dupl."):
        t.add_column(col, justify="left" if col == "matcher" else "right")
    for m, c in totals.items():
        t.add_row(MATCHERS[m].name, str(c.gold), str(c.predicted), str(c.matched), _pct(c.precision),
                  _pct(c.recall), _pct(c.f1), _pct(c.speaker_accuracy), _pct(c.attributed_precision),
                  _pct(c.attributed_recall), _pct(c.attributed_f1),
                  f"{_pct(c.stance_accuracy)} ({c.stance_total})",
                  f"{_pct(c.reply_accuracy)} ({c.reply_total})" if c.reply_total else "-", str(c.duplicates))
    t.caption = "; ".join(f"{m}: {MATCHERS[m].description}" for m in totals)
    out.append(t)

    kinds = sorted({k for c in totals.values() for k in c.gold_by_kind})
    if kinds:
        k = Table(title="Recall by gold kind")
        k.add_column("matcher")
        for kind in kinds:
            k.add_column(f"{kind} (n={next(iter(totals.values())).gold_by_kind[kind]})", justify="right")
        for m, c in totals.items():
            k.add_row(m, *(_pct(c.matched_by_kind[kind] / c.gold_by_kind[kind]) if c.gold_by_kind[kind] else "-"
                           for kind in kinds))
        out.append(k)

    roles = report.role_totals()
    if roles is not None:
        r = Table(title="Roles (documents whose gold annotates roles)")
        for col in ("gold", "pred", "matched", "P", "R", "F1", "roles of unmatched actors"):
            r.add_column(col, justify="right")
        r.add_row(str(roles.gold), str(roles.predicted), str(roles.matched), _pct(roles.precision),
                  _pct(roles.recall), _pct(roles.f1), str(roles.unmatched_actor_roles))
        out.append(r)

    e = Table(title="Errors by type", caption="statements classified with ggt-0.3; wrong span: found at 0.3, "
                                               "not at 0.8; --errors FILE lists them")
    e.add_column("type")
    e.add_column("detail")
    e.add_column("count", justify="right")
    for type_, detail, n in report.error_counts():
        e.add_row(type_, detail, str(n))
    if not report.errors:
        e.add_row("(none)", "", "0")
    out.append(e)

    d = Table(title="Per document")
    for col in ("document", "kind", "gold", "unloc.", "pred", "F1 dice", "F1 0.3", "F1 0.8", "attr F1 0.3",
                "speaker acc 0.3", "role F1"):
        d.add_column(col, justify="left" if col in ("document", "kind") else "right")
    for doc in report.documents:
        c3, c8, cd = doc.counts.get("ggt-0.3"), doc.counts.get("ggt-0.8"), doc.counts.get("dice")
        d.add_row(doc.id, doc.kind, str(doc.gold_statements), str(len(doc.unlocatable)), str(doc.predicted),
                  _pct(cd.f1 if cd else None), _pct(c3.f1 if c3 else None), _pct(c8.f1 if c8 else None),
                  _pct(c3.attributed_f1 if c3 else None), _pct(c3.speaker_accuracy if c3 else None),
                  _pct(doc.roles.f1) if doc.roles else "-")
    out.append(d)
    return out
