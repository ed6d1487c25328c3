"""Polarisation as DNA defines it (``dna_polarization``, quality "absdiff"), and its series over time.

Take the congruence network Con and the conflict network Cfl (one-mode, ``average`` normalisation) and a
membership of the n actors in K clusters of equal size (sizes differ by at most one). With n_c the size
of cluster c, W = sum_c n_c (n_c - 1) ordered within-cluster pairs, B = n (n - 1) - W and |X|_1 the sum
of absolute entries:

    E_con(c)   = (n_c (n_c - 1) / W) * |Con|_1 / W            expected congruence inside cluster c
    E_cfl(c,d) = (n_c n_d / B) * |Cfl|_1 / B                  expected conflict between clusters c and d
    Q = 1/2 [ sum_{i != j, same cluster} (|Con_ij - E_con| + |Cfl_ij|)
            + sum_{i != j, different clusters} (|Con_ij| + |Cfl_ij - E_cfl|) ] / (|Con|_1 + |Cfl|_1)

The polarisation score is the maximum of Q over memberships. DNA searches for it greedily (swaps) or with a
genetic algorithm; here every balanced membership is tried when there are few (exact), otherwise a greedy
swap search is run from several seeded starts (deterministic).

A window (or date range) without statements has no score (``None``, an empty cell in the CSV, a gap in the
plot); one with statements but no ties, or with no more actors than clusters, scores 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from math import comb
from typing import Iterable

import numpy as np

from kg.analysis.network import (
    Network,
    filter_rows,
    level_name,
    onemode,
    parse_date,
    statement_table,
    windows,
)
from kg.errors import ConfigError
from kg.records import Extract

EXHAUSTIVE_LIMIT = 20000  # balanced memberships tried exhaustively up to this many


@dataclass
class PolarisationPoint:
    start: date | None
    stop: date | None
    score: float | None  # max Q, in [0, 1]; 0 for a window without ties, None for one without statements
    actors: list[str] = field(default_factory=list)
    clusters: list[int] = field(default_factory=list)  # cluster of each actor
    statements: int = 0
    exact: bool = True  # exhaustive search (True) or greedy (False)

    @property
    def middle(self) -> date | None:
        if self.start is None or self.stop is None:
            return self.start or self.stop
        return self.start + (self.stop - self.start) / 2


def quality(membership: np.ndarray, con: np.ndarray, cfl: np.ndarray, k: int) -> float:
    """Q of one membership (cluster index per actor), normalised to [0, 1] by |Con|_1 + |Cfl|_1."""
    membership = np.asarray(membership)
    con, cfl = np.asarray(con, dtype=float), np.asarray(cfl, dtype=float)
    n = len(membership)
    norm_con, norm_cfl = np.abs(con).sum(), np.abs(cfl).sum()
    total = norm_con + norm_cfl
    if n < 2 or total == 0:
        return 0.0
    sizes = np.bincount(membership, minlength=k).astype(float)
    within_pairs = float((sizes * (sizes - 1)).sum())
    between_pairs = n * (n - 1) - within_pairs
    same = membership[:, None] == membership[None, :]
    off = ~np.eye(n, dtype=bool)
    e_con = np.zeros((n, n))
    if within_pairs > 0:
        per_cluster = sizes * (sizes - 1) / within_pairs * norm_con / within_pairs
        e_con = per_cluster[membership][:, None] * np.ones(n)[None, :]
    e_cfl = np.zeros((n, n))
    if between_pairs > 0:
        e_cfl = np.outer(sizes[membership], sizes[membership]) / between_pairs * norm_cfl / between_pairs
    inside = same & off
    between = ~same
    q = (np.abs(con - e_con)[inside].sum() + np.abs(cfl)[inside].sum()
         + np.abs(con)[between].sum() + np.abs(cfl - e_cfl)[between].sum())
    return float(0.5 * q / total)


def _sizes(n: int, k: int) -> list[int]:
    return [n // k + (1 if c < n % k else 0) for c in range(k)]


def _balanced(n: int, k: int):
    """Every balanced membership, up to relabelling of clusters of equal size (clusters fill in order)."""
    sizes = _sizes(n, k)

    def rec(remaining: tuple[int, ...], c: int):
        if c == k - 1:
            yield {i: c for i in remaining}
            return
        first, rest = remaining[0], remaining[1:]
        # the first remaining actor always goes into cluster c: removes relabelling symmetry
        for others in combinations(rest, sizes[c] - 1):
            chosen = {first, *others}
            left = tuple(i for i in remaining if i not in chosen)
            for tail in rec(left, c + 1):
                yield {**{i: c for i in chosen}, **tail}

    for assignment in rec(tuple(range(n)), 0):
        yield np.array([assignment[i] for i in range(n)])


def _count_balanced(n: int, k: int) -> int:
    sizes, left, total = _sizes(n, k), n, 1
    for s in sizes[:-1]:
        total *= comb(left - 1, s - 1)
        left -= s
    return total


def best_membership(con: np.ndarray, cfl: np.ndarray, *, k: int = 2, seed: int = 1,
                    restarts: int = 20) -> tuple[float, np.ndarray, bool]:
    """(max Q, membership, exact?) over balanced memberships of the actors into ``k`` clusters."""
    n = len(con)
    if k < 2:
        raise ConfigError(f"--clusters {k} is too small; polarisation needs at least 2 clusters")
    if n <= k:
        return 0.0, np.arange(n), True
    if _count_balanced(n, k) <= EXHAUSTIVE_LIMIT:
        best_q, best_m = -1.0, np.arange(n)
        for m in _balanced(n, k):
            q = quality(m, con, cfl, k)
            if q > best_q + 1e-12:
                best_q, best_m = q, m
        return best_q, best_m, True
    rng = np.random.default_rng(seed)
    base = np.repeat(np.arange(k), _sizes(n, k))
    best_q, best_m = -1.0, np.arange(n)
    for _ in range(restarts):
        m = rng.permutation(base)
        q = quality(m, con, cfl, k)
        improved = True
        while improved:
            improved = False
            for i in range(n):
                for j in range(i + 1, n):
                    if m[i] == m[j]:
                        continue
                    m[i], m[j] = m[j], m[i]
                    q2 = quality(m, con, cfl, k)
                    if q2 > q + 1e-12:
                        q, improved = q2, True
                    else:
                        m[i], m[j] = m[j], m[i]
        if q > best_q:
            best_q, best_m = q, m.copy()
    return best_q, best_m, False


def polarisation_of(con: Network, cfl: Network, *, k: int = 2) -> PolarisationPoint:
    if k < 2:
        raise ConfigError(f"--clusters {k} is too small; polarisation needs at least 2 clusters")
    if con.statements == 0:  # nothing said in the window: no score rather than a made-up 0
        return PolarisationPoint(con.start, con.stop, None, statements=0)
    q, m, exact = best_membership(con.values, cfl.values, k=k)
    return PolarisationPoint(con.start, con.stop, q, list(con.rows), [int(c) for c in m],
                             statements=con.statements, exact=exact)


def polarisation(extracts: Iterable[Extract], *, level: str = "organisation", k: int = 2,
                 duplicates: str = "include", date_from: date | str | None = None,
                 date_to: date | str | None = None) -> PolarisationPoint:
    """The polarisation score of the whole range (or ``date_from``..``date_to``)."""
    level = level_name(level)
    rows = filter_rows(statement_table(extracts, level=level), aggregation="subtract", duplicates=duplicates,
                       date_from=date_from, date_to=date_to)
    point = _point(rows, k, level)
    point.start = parse_date(date_from) or point.start
    point.stop = parse_date(date_to) or point.stop
    return point


def _point(rows, k: int, level: str) -> PolarisationPoint:
    con = onemode(rows, aggregation="congruence", normalization="average", level=level)
    cfl = onemode(rows, aggregation="conflict", normalization="average", level=level)
    return polarisation_of(con, cfl, k=k)


def polarisation_series(extracts: Iterable[Extract], *, window: str, step: str | None = None,
                        level: str = "organisation", k: int = 2, duplicates: str = "include",
                        date_from: date | str | None = None, date_to: date | str | None = None
                        ) -> list[PolarisationPoint]:
    """One polarisation score per moving window (see ``kg.analysis.network.windows``); a window without
    statements gets the score ``None``."""
    level = level_name(level)
    rows = filter_rows(statement_table(extracts, level=level), aggregation="subtract", duplicates=duplicates,
                       date_from=date_from, date_to=date_to)
    out = []
    for lo, hi in windows(rows, window=window, step=step, date_from=date_from, date_to=date_to):
        point = _point([r for r in rows if r.date is not None and lo <= r.date <= hi], k, level)
        point.start, point.stop = lo, hi
        out.append(point)
    return out
