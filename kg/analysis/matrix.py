"""The actor x issue stance matrix: who supports or opposes what, how often, and on balance.

For each actor (at ``person`` or ``organisation`` level, see ``kg.analysis.network.statement_table``) and
issue:

- ``support``, ``oppose``, ``neutral``: the number of statements of that stance about the issue;
- ``net``: support - oppose (DNA's two-mode ``subtract``), the net position;
- ``share``: support / (support + oppose), the share of supporting statements among those that take a
  side; empty (``None``) where the actor took no side on the issue;
- ``statements``: support + oppose + neutral.

Where the actor made no statement about the issue every value is empty (NaN in ``value``, an empty cell
in CSV/TSV/XLSX, ``null`` in JSON): 0 means the actor spoke (a net position of 0 is neutral statements, or
support and opposition that cancel), not that it was silent.

Actors with fewer than ``min_statements`` statements (over all issues) are left out. Written by file
extension (``write_matrix``): ``.csv`` / ``.tsv`` (one value as a matrix, or ``value="all"`` for a long
table), ``.xlsx`` (one sheet per value plus a long sheet), ``.json`` (everything). Text cells are made safe
for spreadsheets (``kg.cells.text_cell``: no formulas, nothing XML cannot hold); numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from kg.analysis.network import Row, filter_rows, level_name, statement_table
from kg.cells import Number, cells, text_cell
from kg.errors import ConfigError
from kg.extracts import atomic_write_bytes, atomic_write_text
from kg.records import Extract

MATRIX_FORMATS = (".csv", ".tsv", ".xlsx", ".json")
VALUES = ("net", "support", "oppose", "neutral", "statements", "share")


@dataclass
class StanceMatrix:
    actors: list[str]
    issues: list[str]
    support: np.ndarray
    oppose: np.ndarray
    neutral: np.ndarray
    level: str = "person"
    evidence: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # statement ids per cell

    @property
    def net(self) -> np.ndarray:
        return self.support - self.oppose

    @property
    def statements(self) -> np.ndarray:
        return self.support + self.oppose + self.neutral

    @property
    def share(self) -> np.ndarray:
        """support / (support + oppose); NaN where the actor took no side."""
        sided = self.support + self.oppose
        out = np.full(sided.shape, np.nan)
        np.divide(self.support, sided, out=out, where=sided > 0)
        return out

    def reindex(self, actors: Sequence[str], issues: Sequence[str]) -> StanceMatrix:
        """The same counts on the grid ``actors`` x ``issues`` (labels it lacks get no statements; labels
        missing from the grid are dropped), e.g. to put two matrices side by side."""
        ai = {a: n for n, a in enumerate(self.actors)}
        ij = {j: n for n, j in enumerate(self.issues)}
        rows = [ai.get(a) for a in actors]
        cols = [ij.get(j) for j in issues]

        def grid(a: np.ndarray) -> np.ndarray:
            out = np.zeros((len(rows), len(cols)))
            for r, i in enumerate(rows):
                for c, j in enumerate(cols):
                    if i is not None and j is not None:
                        out[r, c] = a[i, j]
            return out

        evidence = {}
        for r, i in enumerate(rows):
            for c, j in enumerate(cols):
                if i is not None and j is not None and (i, j) in self.evidence:
                    evidence[(r, c)] = self.evidence[(i, j)]
        return StanceMatrix(list(actors), list(issues), grid(self.support), grid(self.oppose),
                            grid(self.neutral), self.level, evidence)

    def value(self, name: str) -> np.ndarray:
        """The values ``name`` as floats, NaN where the actor made no statement about the issue (and, for
        ``share``, where it took no side)."""
        if name not in VALUES:
            raise ConfigError(f"--value {name!r} is not one of: {', '.join(VALUES)}")
        return np.where(self.statements > 0, np.asarray(getattr(self, name), dtype=float), np.nan)

    def long_rows(self) -> list[dict]:
        """One dict per (actor, issue) with at least one statement."""
        out = []
        share = self.share
        for i, a in enumerate(self.actors):
            for j, issue in enumerate(self.issues):
                if self.statements[i, j] == 0:
                    continue
                out.append({
                    "actor": a, "issue": issue, "net": int(self.net[i, j]), "support": int(self.support[i, j]),
                    "oppose": int(self.oppose[i, j]), "neutral": int(self.neutral[i, j]),
                    "statements": int(self.statements[i, j]),
                    "share": None if np.isnan(share[i, j]) else round(float(share[i, j]), 6),
                    "evidence": self.evidence.get((i, j), []),
                })
        return out


def stance_matrix(extracts: Iterable[Extract], *, level: str = "person", min_statements: int = 1,
                  duplicates: str = "include", date_from: date | str | None = None,
                  date_to: date | str | None = None) -> StanceMatrix:
    """Actor x issue stance counts from extracts (see the module docstring)."""
    level = level_name(level)
    if min_statements < 0:  # before reading anything
        raise ConfigError(f"--min-statements {min_statements} is negative; give 0 or more")
    rows = filter_rows(statement_table(extracts, level=level), aggregation="ignore", duplicates=duplicates,
                       date_from=date_from, date_to=date_to)
    return matrix_from_rows(rows, level=level, min_statements=min_statements)


def matrix_from_rows(rows: Sequence[Row], *, level: str = "person", min_statements: int = 1) -> StanceMatrix:
    """The stance matrix of statement rows (``kg.analysis.network.statement_table``, filtered or not)."""
    if min_statements < 0:
        raise ConfigError(f"--min-statements {min_statements} is negative; give 0 or more")
    per_actor: dict[str, set[str]] = {}
    for r in rows:
        per_actor.setdefault(r.actor, set()).add(r.statement)
    actors = sorted(a for a, ids in per_actor.items() if len(ids) >= min_statements)
    keep = set(actors)
    rows = [r for r in rows if r.actor in keep]
    issues = sorted({r.issue for r in rows})
    ai = {a: n for n, a in enumerate(actors)}
    ij = {j: n for n, j in enumerate(issues)}
    counts = {1: np.zeros((len(actors), len(issues))), 0: np.zeros((len(actors), len(issues))),
              None: np.zeros((len(actors), len(issues)))}
    evidence: dict[tuple[int, int], list[str]] = {}
    for r in rows:
        cell = (ai[r.actor], ij[r.issue])
        counts[r.qualifier][cell] += 1
        evidence.setdefault(cell, []).append(r.statement)
    return StanceMatrix(actors, issues, counts[1], counts[0], counts[None], level,
                        {c: sorted(set(v)) for c, v in evidence.items()})


def similarity_order(values: np.ndarray) -> list[int]:
    """Row order that puts similar rows next to each other (average-linkage clustering, optimal leaf order)."""
    n = values.shape[0]
    if n < 3:
        return list(range(n))
    from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
    from scipy.spatial.distance import pdist

    data = np.nan_to_num(np.asarray(values, dtype=float))
    dist = pdist(data, metric="euclidean")
    if not np.any(dist):
        return list(range(n))
    tree = optimal_leaf_ordering(linkage(dist, method="average"), dist)
    return [int(i) for i in leaves_list(tree)]


# ------------------------------------------------------------------------------------------- writers
def _fmt(v: float, integer: bool) -> str:
    if v is None or np.isnan(v):
        return ""
    return Number(str(int(v)) if integer else f"{v:.6f}")


def matrix_table(labels_rows: list[str], labels_cols: list[str], values: np.ndarray) -> list[list[str]]:
    """The matrix layout of every CSV here: an empty cell then the column labels; then label, values.

    Values are written as ``kg.cells.Number`` (NaN as an empty cell), labels as they are: write the table
    with ``delimited`` (or pass each row through ``kg.cells.cells``) so labels are made safe."""
    values = np.asarray(values, dtype=float)
    finite = values[~np.isnan(values)]
    integer = bool(np.all(np.mod(finite, 1) == 0))  # integers as integers, else six decimals (as DNA)
    out = [[""] + list(labels_cols)]
    for i, label in enumerate(labels_rows):
        out.append([label] + [_fmt(v, integer) for v in values[i]])
    return out


def delimited(table: list[list], delimiter: str = ",") -> str:
    """The table as CSV (or TSV), every text cell through ``kg.cells.text_cell``."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerows(cells(row) for row in table)
    return buf.getvalue()


LONG_COLUMNS = ("actor", "issue", "net", "support", "oppose", "neutral", "statements", "share", "evidence")


def _long_table(m: StanceMatrix) -> list[list]:
    out: list[list] = [list(LONG_COLUMNS)]
    for r in m.long_rows():
        out.append([r["actor"], r["issue"], r["net"], r["support"], r["oppose"], r["neutral"], r["statements"],
                    "" if r["share"] is None else r["share"], " ".join(r["evidence"])])
    return out


def write_matrix(matrix: StanceMatrix, path: Path, *, value: str = "net") -> Path:
    """Write ``matrix`` by the extension of ``path`` (.csv, .tsv, .xlsx, .json), atomically.

    CSV/TSV: ``value`` as a matrix (actors x issues), or ``value="all"`` for a long table with every value
    and the evidence statement ids."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in MATRIX_FORMATS:
        raise ConfigError(f"--out {path}: unknown matrix format {ext or '(none)'!r}; "
                          f"use one of: {', '.join(MATRIX_FORMATS)}")
    if value != "all":
        matrix.value(value)  # checks the name
    if ext in (".csv", ".tsv"):
        table = _long_table(matrix) if value == "all" else matrix_table(matrix.actors, matrix.issues,
                                                                          matrix.value(value))
        atomic_write_text(path, delimited(table, "," if ext == ".csv" else "\t"))
    elif ext == ".json":
        text = json.dumps(matrix_to_dict(matrix), ensure_ascii=False, indent=1) + "\n"
        # a lone surrogate (from a "\\ud800" in an extracts file) cannot be UTF-8: write it as that escape
        atomic_write_bytes(path, text.encode("utf-8", "backslashreplace"))
    else:
        atomic_write_bytes(path, _xlsx(matrix))
    return path


def matrix_to_dict(m: StanceMatrix) -> dict:
    def grid(a: np.ndarray) -> list[list]:
        return [[None if np.isnan(v) else (int(v) if float(v).is_integer() else round(float(v), 6))
                 for v in row] for row in a]

    return {"level": m.level, "actors": m.actors, "issues": m.issues,
            **{name: grid(m.value(name)) for name in VALUES}, "cells": m.long_rows()}


XLSX_CELL_LIMIT = 32767  # characters Excel holds in one cell


def _xlsx_text(value: str) -> str:
    """A text cell for XLSX: ``text_cell``, and cut to Excel's 32767 characters with a note saying so (the
    evidence of a busy actor and issue can be longer; the CSV and JSON have it whole)."""
    text = text_cell(value)
    if len(text) <= XLSX_CELL_LIMIT:
        return text
    note = f" ... (cut: {len(text)} characters, Excel holds {XLSX_CELL_LIMIT}; the .csv and .json have all)"
    return text[:XLSX_CELL_LIMIT - len(note)] + note


def _xlsx_row(ws, values: list) -> None:
    """Append a row: text cells through ``_xlsx_text`` and typed as strings (``data_type`` ``s``), so that
    openpyxl never makes a formula of them; numbers as numbers; ``None`` as an empty cell."""
    ws.append([_xlsx_text(v) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _xlsx(m: StanceMatrix) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name in VALUES:
        ws = wb.create_sheet(name)
        _xlsx_row(ws, [""] + m.issues)
        for i, a in enumerate(m.actors):
            _xlsx_row(ws, [a] + [None if np.isnan(v) else (int(v) if float(v).is_integer() else float(v))
                                 for v in m.value(name)[i]])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "B2"
        ws.column_dimensions["A"].width = max([12] + [min(len(a), 50) for a in m.actors])
    ws = wb.create_sheet("long")
    for row in _long_table(m):
        _xlsx_row(ws, row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
