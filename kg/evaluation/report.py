"""Presenting a ``Report``: rich tables for the terminal and the per-statement error list as CSV.

Nothing here prints: ``tables`` returns renderables, the command line prints them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from kg.cells import cells
from kg.errors import ConfigError
from kg.evaluation.match import MATCHERS
from kg.evaluation.score import ErrorRow, Report
from kg.extracts import atomic_write_text

if TYPE_CHECKING:
    from kg.evaluation.network import NetworkReport


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
    if report.network is not None:
        out.extend(network_tables(report.network))
    return out


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _level_name(level: str) -> str:
    return {"issue": "actor x issue", "document": "actor x document"}.get(level, level)


def _pr(f) -> str:
    return "-" if f is None else f"{_pct(f.precision)} / {_pct(f.recall)}"


def _matrix_cells(c) -> list[str]:
    m = c.matrix
    cells = [str(c.gold_rows), str(c.predicted_rows), f"{c.actors.gold}/{c.actors.predicted}/{c.actors.common}",
             _pr(c.actors)]
    if m is None:
        return cells + ["-"] * 6
    return cells + [f"{m.gold}/{m.predicted}/{m.common}", _pct(m.coverage), _num(m.pearson), _num(m.spearman),
                    _pct(m.sign_agreement), _pct(m.sign_agreement_common)]


def network_tables(net: NetworkReport) -> list[Table]:
    """The "Network" section: gold and predicted stance matrices and agreement / conflict networks compared,
    overall and per time window; the gold-issue mapping. ``net`` is a ``kg.evaluation.network.NetworkReport``."""
    out = []
    aligned = ", ".join(f"{k} {n}" for k, n in sorted(net.actor_alignment.items()))
    caption = (f"Rows: statements (x issues) per level. Actors and cells: gold / predicted / both. Predicted actors "
               f"aligned to gold ones ({aligned}) and gold issues to predicted ones through the {net.matcher} "
               "statement matches. pearson, spearman: net positions (support - oppose) over the union of cells, "
               "an absent cell as 0; sign agr.: same sign of net over the union (absent = 0); sign agr. both: "
               "over the cells both have; coverage: both / gold cells.")
    if not net.stance:
        caption += " The gold files label no stance: only actor figures."
    if not net.issues:
        caption += " The gold files label no issues: no actor x issue level."
    t = Table(title="Network: actor x issue stance matrix, gold vs predicted", caption=caption)
    for col in ("level", "gold rows", "pred rows", "actors g/p/both", "actor P / R", "cells g/p/both",
                "coverage", "pearson", "spearman", "sign agr.", "sign agr. both"):
        t.add_column(col, justify="left" if col == "level" else "right")
    for lv, c in net.overall.items():
        t.add_row(_level_name(lv), *_matrix_cells(c))
    out.append(t)
    if net.stance:
        e = Table(title="Network: agreement (congruence) and conflict ties, gold vs predicted",
                  caption="DNA one-mode networks (no normalisation; neutral statements left out) built by "
                          "kg.analysis.network from both sides; an edge is a pair of actors with weight > 0; "
                          "wJ: weighted Jaccard, sum of min / sum of max weight over the union of edges")
        for col in ("level", "ties", "edges g/p/both", "P", "R", "F1", "wJ"):
            e.add_column(col, justify="left" if col in ("level", "ties") else "right")
        for lv, c in net.overall.items():
            for tie, f in c.ties.items():
                if f is None:
                    continue
                e.add_row(_level_name(lv), tie, f"{f.gold}/{f.predicted}/{f.common}", _pct(f.precision),
                          _pct(f.recall), _pct(f.f1), _num(f.weighted_jaccard))
        out.append(e)
    if net.window:
        busy = [w for w in net.windows if any(c.gold_rows or c.predicted_rows for c in w.values())]
        note = f"{len(net.windows) - len(busy)} windows without statements left out"
        if net.undated:
            note += "; undated rows in no window: " + ", ".join(f"{k} {n}" for k, n in net.undated.items())
        w = Table(title=f"Network by time window ({net.window}, step {net.step or net.window})", caption=note)
        for col in ("window", "level", "gold rows", "pred rows", "actor P / R", "pearson", "sign agr.",
                    "sign agr. both", "congruence P / R", "conflict P / R"):
            w.add_column(col, justify="left" if col in ("window", "level") else "right", no_wrap=col == "window")
        for part in busy:
            for lv, c in part.items():
                m = c.matrix
                w.add_row(f"{c.start}..{c.stop}", _level_name(lv), str(c.gold_rows), str(c.predicted_rows),
                          _pr(c.actors), _num(m.pearson) if m else "-", _pct(m.sign_agreement) if m else "-",
                          _pct(m.sign_agreement_common) if m else "-", _pr(c.ties["congruence"]),
                          _pr(c.ties["conflict"]))
        out.append(w)
    if net.issue_map:
        i = Table(title="Gold issues mapped to predicted issues (the one most often given to the gold issue's "
                        "matched statements)")
        for col in ("gold issue", "gold statements", "predicted issue", "votes"):
            i.add_column(col, justify="right" if col == "gold statements" else "left")
        for label, d in net.issue_map.items():
            votes = ", ".join(f"{k} {n}" for k, n in d["votes"].items()) or "(no matched statement with an issue)"
            i.add_row(label, str(d["gold_statements"]), d["predicted"], votes)
        out.append(i)
    return out
