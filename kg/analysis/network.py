"""Discourse networks as the Discourse Network Analyzer (DNA 3.1) defines them, from extracts.

The steps follow DNA's exporter:

1. ``statement_table``: one row per (statement, issue) with the actor at the chosen level, the issue label,
   the qualifier (1 support, 0 oppose, ``None`` neutral) and the date.
2. ``filter_rows``: dates (``date_from``/``date_to``, inclusive), then duplicates: a row is dropped when an
   earlier kept row has the same actor, issue and (unless the aggregation is ``ignore``) qualifier in the
   same document / ISO calendar week / calendar month / calendar year / whole range.
3. ``twomode`` / ``onemode``: with x_ijk the number of rows where actor i refers to issue j with qualifier
   k and a_i = sum_jk x_ijk (DESIGN.md):

   - two-mode: ``ignore`` sum_k x_ijk; ``subtract`` support - oppose; ``combine`` 1 support only,
     2 oppose only, 3 both; normalisation ``activity`` divides row i by a_i, ``prominence`` column j by
     sum_ik x_ijk.
   - one-mode (diagonal 0): ``ignore`` sum_j (sum_k x_ijk)(sum_k x_i'jk); ``congruence``
     sum_jk x_ijk x_i'jk; ``conflict`` sum_jk x_ijk x_i'j(1-k); ``subtract`` congruence - conflict;
     normalisation ``average`` w / ((a_i + a_i')/2), ``jaccard`` w / (m10 + m01 + m11), ``cosine``
     w / (a_i a_i'); a zero denominator gives 0.

Neutral statements have no DNA qualifier value: they count for ``ignore`` (as a level of their own) and are
left out of every other aggregation. Labels are sorted by code point, as DNA sorts them.
Every cell keeps its evidence: the ids of the statements behind it.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Sequence

import numpy as np

from kg.errors import ConfigError
from kg.records import Actor, Extract, Statement

LEVELS = ("person", "organisation")
LEVEL_ALIASES = {"organization": "organisation"}  # DNA's spelling
NETWORK_TYPES = ("twomode", "onemode")
TWOMODE_AGGREGATIONS = ("ignore", "subtract", "combine")
ONEMODE_AGGREGATIONS = ("ignore", "congruence", "conflict", "subtract")
AGGREGATIONS = ("ignore", "congruence", "conflict", "subtract", "combine")
TWOMODE_NORMALIZATIONS = ("no", "activity", "prominence")
ONEMODE_NORMALIZATIONS = ("no", "average", "jaccard", "cosine")
NORMALIZATIONS = ("no", "average", "jaccard", "cosine", "activity", "prominence")
DUPLICATES = ("include", "document", "week", "month", "year", "acrossrange")

QUALIFIER = {"support": 1, "oppose": 0, "neutral": None}


@dataclass(frozen=True)
class Row:
    """One statement about one issue, at the chosen actor level."""

    statement: str  # statement id
    document: str
    start: int
    actor: str  # label at the chosen level (person name or organisation name)
    issue: str  # issue label
    qualifier: int | None  # 1 support, 0 oppose, None neutral
    date: date | None


@dataclass
class Network:
    """A network matrix with its labels, settings and the statements behind each cell."""

    rows: list[str]
    columns: list[str]
    values: np.ndarray
    type: str  # twomode | onemode
    aggregation: str
    normalization: str
    level: str
    start: date | None = None  # the period the network covers (inclusive)
    stop: date | None = None
    statements: int = 0  # rows (statement x issue) used
    evidence: dict[tuple[int, int], list[str]] = field(default_factory=dict)

    @property
    def integer(self) -> bool:
        return bool(np.all(np.equal(np.mod(self.values, 1), 0)))

    def cell(self, row: str, column: str) -> float:
        return float(self.values[self.rows.index(row), self.columns.index(column)])


# ------------------------------------------------------------------------------------------- checks
def check_choice(name: str, value: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ConfigError(f"{name} {value!r} is not one of: {', '.join(choices)}")
    return value


def level_name(level: str) -> str:
    """The actor level: ``person`` or ``organisation`` (DNA's spelling ``organization`` is accepted too)."""
    level = LEVEL_ALIASES.get(level, level)
    if level not in LEVELS:
        raise ConfigError(f"--level {level!r} is not one of: {', '.join(LEVELS)} "
                          "(or organization, DNA's spelling)")
    return level


def parse_date(value: str | date | None, name: str = "date") -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{name} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2005-02-01") from None


# ---------------------------------------------------------------------------------- statement table
def statement_organisation(actor: Actor, statement: Statement) -> str | None:
    """The organisation a statement speaks for, for ``--level organisation``.

    The organisation of the speaker's role whose evidence starts closest at or before the statement (so a
    person who changes organisation is counted for the right one), else the first role with an
    organisation, else the speaker itself if it is an organisation, else ``None`` (the statement is left
    out at organisation level, as DNA leaves out statements with an empty organisation)."""
    best = None
    for r in actor.roles:
        if r.organisation and r.start is not None and r.start <= statement.start:
            if best is None or (best.start or 0) <= r.start:
                best = r
    if best is not None:
        return best.organisation
    for r in actor.roles:
        if r.organisation:
            return r.organisation
    if actor.type == "organisation":
        return actor.name
    return None


def statement_table(extracts: Iterable[Extract], *, level: str = "person") -> list[Row]:
    """One ``Row`` per (statement, issue) of the extracts, sorted by date, document and position.

    Actors are labelled by name (``person``) or by ``statement_organisation`` (``organisation``).
    Anonymous commenters are labelled "name (document id)" when the extracts hold more than one thread
    with anonymous commenters, since they are only the same person within their thread."""
    level = level_name(level)
    extracts = list(extracts)
    # anonymous commenters exist only within their thread: with several threads, name them with it
    anonymous_docs = {ex.document.id for ex in extracts if any(a.type == "anonymous" for a in ex.actors)}
    qualify = len(anonymous_docs) > 1
    rows: list[Row] = []
    for ex in extracts:
        actors = {a.id: a for a in ex.actors}
        issues = {i.id: i.label for i in ex.issues}
        doc_date = parse_date(ex.document.published, "document.published") if ex.document.published else None
        for s in ex.statements:
            actor = actors[s.speaker]
            label: str | None
            if level == "person":
                label = f"{actor.name} ({ex.document.id})" if qualify and actor.type == "anonymous" else actor.name
            else:
                label = statement_organisation(actor, s)
            if not label:
                continue
            when = parse_date(s.published, "statement.published") if s.published else doc_date
            for iid in s.issues:
                rows.append(Row(s.id, ex.document.id, s.start, label, issues.get(iid, iid),
                                QUALIFIER[s.stance], when))
    rows.sort(key=lambda r: (r.date or date.min, r.document, r.start, r.statement, r.issue))
    return rows


def _period(row: Row, duplicates: str) -> object:
    d = row.date
    if duplicates == "document":
        return row.document
    if duplicates == "acrossrange":
        return None
    if d is None:
        return ("undated",)
    if duplicates == "year":
        return d.year
    if duplicates == "month":
        return (d.year, d.month)
    iso = d.isocalendar()  # week: ISO weeks, Monday to Sunday, as DNA's UK calendar weeks
    return (iso[0], iso[1])


def filter_rows(rows: Sequence[Row], *, aggregation: str = "ignore", duplicates: str = "include",
                date_from: date | str | None = None, date_to: date | str | None = None) -> list[Row]:
    """Keep the rows in the date range (inclusive) and drop duplicates as DNA does.

    Undated rows are kept only when no date range is given. Neutral rows are dropped unless the
    aggregation is ``ignore``."""
    check_choice("duplicates", duplicates, DUPLICATES)
    check_choice("aggregation", aggregation, AGGREGATIONS)
    lo, hi = parse_date(date_from, "--from"), parse_date(date_to, "--to")
    if lo and hi and lo > hi:
        raise ConfigError(f"--from {lo} is after --to {hi}; give the earlier date first")
    kept: list[Row] = []
    seen: set[tuple] = set()
    for r in rows:
        if lo or hi:
            if r.date is None or (lo and r.date < lo) or (hi and r.date > hi):
                continue
        if r.qualifier is None and aggregation != "ignore":
            continue
        if duplicates != "include":
            key = (r.actor, r.issue, None if aggregation == "ignore" else r.qualifier, _period(r, duplicates))
            if key in seen:
                continue
            seen.add(key)
        kept.append(r)
    return kept


# ----------------------------------------------------------------------------------------- matrices
def _array(rows: Sequence[Row], aggregation: str) -> tuple[list[str], list[str], np.ndarray, dict]:
    """x[i, j, k] with k = 0 oppose, 1 support, 2 neutral (neutral only for ``ignore``)."""
    actors = sorted({r.actor for r in rows})
    issues = sorted({r.issue for r in rows})
    ai = {a: n for n, a in enumerate(actors)}
    ij = {j: n for n, j in enumerate(issues)}
    levels = 3 if aggregation == "ignore" else 2
    x = np.zeros((len(actors), len(issues), levels))
    who: dict[tuple[int, int, int], list[str]] = {}
    for r in rows:
        k = 2 if r.qualifier is None else r.qualifier
        if k >= levels:
            continue
        i, j = ai[r.actor], ij[r.issue]
        x[i, j, k] += 1
        who.setdefault((i, j, k), []).append(r.statement)
    return actors, issues, x, who


def twomode(rows: Sequence[Row], *, aggregation: str = "ignore", normalization: str = "no",
            level: str = "person") -> Network:
    """Actor x issue network (rows: actors, columns: issues)."""
    check_choice("two-mode aggregation", aggregation, TWOMODE_AGGREGATIONS)
    check_choice("two-mode normalization", normalization, TWOMODE_NORMALIZATIONS)
    if aggregation == "combine" and normalization != "no":
        raise ConfigError(f"normalization {normalization!r} cannot be combined with aggregation 'combine' "
                          "(its values 1, 2, 3 are categories, not counts); use --normalization no")
    rows = [r for r in rows if aggregation == "ignore" or r.qualifier is not None]
    actors, issues, x, who = _array(rows, aggregation)
    counts = x.sum(axis=2)
    if aggregation == "ignore":
        m = counts.copy()
    elif aggregation == "subtract":
        m = x[:, :, 1] - x[:, :, 0]
    else:  # combine: DNA's lexical rank of (support present, oppose present) over levels (0, 1)
        m = (x[:, :, 0] > 0) * 2.0 + (x[:, :, 1] > 0) * 1.0
    if normalization == "activity":
        m = _divide(m, counts.sum(axis=1)[:, None])
    elif normalization == "prominence":
        m = _divide(m, counts.sum(axis=0)[None, :])
    evidence: dict[tuple[int, int], list[str]] = {}
    for (i, j, _k), ids in who.items():
        evidence.setdefault((i, j), []).extend(ids)
    evidence = {c: sorted(set(ids)) for c, ids in evidence.items() if m[c] != 0}
    return Network(actors, issues, m, "twomode", aggregation, normalization, level,
                   *_span(rows), statements=len(rows), evidence=evidence)


def onemode(rows: Sequence[Row], *, aggregation: str = "ignore", normalization: str = "no",
            level: str = "person") -> Network:
    """Actor x actor network: ties from shared issues, weighted as DNA weighs them."""
    check_choice("one-mode aggregation", aggregation, ONEMODE_AGGREGATIONS)
    check_choice("one-mode normalization", normalization, ONEMODE_NORMALIZATIONS)
    rows = [r for r in rows if aggregation == "ignore" or r.qualifier is not None]
    actors, issues, x, who = _array(rows, aggregation)
    n = len(actors)
    flat = x.reshape(n, x.shape[1] * x.shape[2])  # (actor, issue*level); also for an empty window
    if aggregation == "ignore":
        c = x.sum(axis=2)
        w = c @ c.T
    else:
        con = flat @ flat.T
        swapped = x[:, :, ::-1].reshape(flat.shape)
        cfl = flat @ swapped.T
        w = {"congruence": con, "conflict": cfl, "subtract": con - cfl}[aggregation]
    a = flat.sum(axis=1)
    if normalization == "average":
        w = _divide(w, (a[:, None] + a[None, :]) / 2)
    elif normalization == "cosine":
        w = _divide(w, a[:, None] * a[None, :])
    elif normalization == "jaccard":
        present = flat > 0
        m10 = flat @ (~present).T  # i's counts where i' has none
        m01 = (~present).astype(float) @ flat.T  # i''s counts where i has none
        m11 = flat @ flat.T  # products where both > 0 (products vanish elsewhere)
        w = _divide(w, m10 + m01 + m11)
    w = np.array(w, dtype=float)
    np.fill_diagonal(w, 0.0)
    evidence = _onemode_evidence(x, who, aggregation, w)
    return Network(actors, list(actors), w, "onemode", aggregation, normalization, level,
                   *_span(rows), statements=len(rows), evidence=evidence)


def _onemode_evidence(x: np.ndarray, who: dict, aggregation: str, w: np.ndarray) -> dict:
    """For each nonzero tie (i < i'), the statements of both actors on the issues (and levels) behind it."""
    out: dict[tuple[int, int], list[str]] = {}
    n, nj, nk = x.shape
    for i in range(n):
        for i2 in range(i + 1, n):
            if w[i, i2] == 0 and w[i2, i] == 0:
                continue
            ids: set[str] = set()
            for j in range(nj):
                for k in range(nk):
                    partners: Sequence[int]
                    if aggregation == "ignore":
                        partners = range(nk)
                    elif aggregation == "congruence":
                        partners = (k,)
                    elif aggregation == "conflict":
                        partners = (1 - k,)
                    else:
                        partners = (0, 1)
                    for k2 in partners:
                        if x[i, j, k] > 0 and x[i2, j, k2] > 0:
                            ids.update(who[(i, j, k)])
                            ids.update(who[(i2, j, k2)])
            out[(i, i2)] = sorted(ids)
    return out


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num, den = np.broadcast_arrays(np.asarray(num, dtype=float), np.asarray(den, dtype=float))
    out = np.zeros(num.shape)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _span(rows: Sequence[Row]) -> tuple[date | None, date | None]:
    dates = [r.date for r in rows if r.date is not None]
    return (min(dates), max(dates)) if dates else (None, None)


# ------------------------------------------------------------------------------------- time windows
_DURATION = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$")
UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}


def parse_duration(value: str, name: str = "--window") -> tuple[int, str]:
    """``"30d"`` -> ``(30, "d")``; units d (days), w (weeks), m (calendar months), y (years)."""
    m = _DURATION.match(value or "")
    if not m or int(m.group(1)) < 1:
        raise ConfigError(f"{name} {value!r} is not a duration; write a positive number and a unit: "
                          "d (days), w (weeks), m (months), y (years), e.g. 30d or 2w")
    return int(m.group(1)), m.group(2)


def add_duration(d: date, amount: int, unit: str) -> date:
    if unit == "d":
        return d + timedelta(days=amount)
    if unit == "w":
        return d + timedelta(weeks=amount)
    months = amount * (12 if unit == "y" else 1)
    y, mo = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, mo + 1
    return date(year, month, min(d.day, monthrange(year, month)[1]))


def windows(rows: Sequence[Row], *, window: str, step: str | None = None, date_from: date | str | None = None,
            date_to: date | str | None = None) -> list[tuple[date, date]]:
    """Moving windows ``[start, stop]`` (both inclusive) of length ``window``, moved by ``step``.

    The first window starts at ``date_from`` (default: the first dated row); windows are made while
    their start is not after ``date_to`` (default: the last dated row). ``step`` defaults to ``window``
    (windows that touch but do not overlap)."""
    size = parse_duration(window, "--window")
    stride = parse_duration(step or window, "--step")
    dates = sorted(r.date for r in rows if r.date is not None)
    lo = parse_date(date_from, "--from") or (dates[0] if dates else None)
    hi = parse_date(date_to, "--to") or (dates[-1] if dates else None)
    if lo is None or hi is None:
        raise ConfigError("time windows need dated statements, and none of the statements has a date "
                          "(document.published or statement.published)")
    out: list[tuple[date, date]] = []
    n = 0
    start = lo
    while start <= hi:
        out.append((start, add_duration(start, *size) - timedelta(days=1)))
        n += 1
        start = add_duration(lo, stride[0] * n, stride[1])
        if n > 100_000:
            raise ConfigError(f"--step {step!r} makes more than 100000 windows; choose a longer step")
    return out


def build_network(rows: Sequence[Row], *, type: str = "twomode", aggregation: str = "ignore",
                  normalization: str = "no", level: str = "person") -> Network:
    check_choice("--type", type, NETWORK_TYPES)
    if type == "twomode":
        return twomode(rows, aggregation=aggregation, normalization=normalization, level=level)
    return onemode(rows, aggregation=aggregation, normalization=normalization, level=level)


def network(extracts: Iterable[Extract], *, type: str = "twomode", aggregation: str = "ignore",
            normalization: str = "no", level: str = "person", duplicates: str = "include",
            date_from: date | str | None = None, date_to: date | str | None = None) -> Network:
    """One DNA network from extracts (the whole date range, or ``date_from``..``date_to``).

    The defaults are DNA's (two-mode, qualifier ignored, no normalisation, duplicates included)."""
    _check_settings(type, aggregation, normalization)
    level = level_name(level)
    rows = filter_rows(statement_table(extracts, level=level), aggregation=aggregation, duplicates=duplicates,
                       date_from=date_from, date_to=date_to)
    net = build_network(rows, type=type, aggregation=aggregation, normalization=normalization, level=level)
    net.start = parse_date(date_from) or net.start
    net.stop = parse_date(date_to) or net.stop
    return net


def network_series(extracts: Iterable[Extract], *, window: str, step: str | None = None, type: str = "twomode",
                   aggregation: str = "ignore", normalization: str = "no", level: str = "person",
                   duplicates: str = "include", date_from: date | str | None = None,
                   date_to: date | str | None = None) -> list[Network]:
    """One network per moving window. Duplicates are dropped over the whole range first (as DNA does).

    A window without statements gives an empty network (no rows, no columns)."""
    _check_settings(type, aggregation, normalization)
    level = level_name(level)
    rows = filter_rows(statement_table(extracts, level=level), aggregation=aggregation, duplicates=duplicates,
                       date_from=date_from, date_to=date_to)
    out = []
    for lo, hi in windows(rows, window=window, step=step, date_from=date_from, date_to=date_to):
        part = [r for r in rows if r.date is not None and lo <= r.date <= hi]
        net = build_network(part, type=type, aggregation=aggregation, normalization=normalization, level=level)
        net.start, net.stop = lo, hi
        out.append(net)
    return out


def _check_settings(type: str, aggregation: str, normalization: str) -> None:
    check_choice("--type", type, NETWORK_TYPES)
    aggs = TWOMODE_AGGREGATIONS if type == "twomode" else ONEMODE_AGGREGATIONS
    norms = TWOMODE_NORMALIZATIONS if type == "twomode" else ONEMODE_NORMALIZATIONS
    if aggregation not in aggs:
        raise ConfigError(f"--aggregation {aggregation!r} does not apply to a {type} network; "
                          f"choose one of: {', '.join(aggs)}")
    if normalization not in norms:
        raise ConfigError(f"--normalization {normalization!r} does not apply to a {type} network; "
                          f"choose one of: {', '.join(norms)}")
