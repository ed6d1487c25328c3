"""Network-level evaluation: the stance matrix and the agreement / conflict networks that researchers
analyse, built from gold and from the extracts, and compared.

Both sides are first put in the same shape, the statement rows of ``kg.analysis.network`` (one row per
statement and issue: actor, issue, qualifier, date); the matrices and networks are then built from those
rows by the analysis functions themselves (``kg.analysis.matrix.matrix_from_rows``,
``kg.analysis.network.onemode``), so the figures describe exactly what ``kg matrix`` and ``kg network`` give.

Alignment (see ``docs/evaluation.md``, "Network-level evaluation"):

- **Actors.** A gold actor is its gold speaker name (anonymous commenters: ``anonymous-N (document)``).
  A predicted actor takes the name of the gold speaker of the statements it is matched to
  (matcher ``ggt-0.3``) when ``speakers_match`` accepts them, by majority; else, for a named actor, the
  first gold actor of the document that ``speakers_match`` accepts by name; else it keeps its own name
  (an anonymous one: ``name (document, unmatched)``) and is a spurious node.
- **Issues** (level ``issue``). Gold issues are free labels, predicted ones codebook issues: each gold
  label becomes the predicted issue most often given to its matched statements (ties: the predicted
  issue with the same label, if tied, else the first label in code-point order); a label none of whose statements is matched to a statement with an issue keeps
  its own text (and so meets a predicted issue only with the same label). Gold statements without an
  issue, and predicted ones without an issue, are not in this level.
- **Documents** (level ``document``, issue-agnostic): each statement counts once, for its document (in
  place of the issue): the actor's position towards what the document is about.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from kg.analysis.matrix import StanceMatrix, matrix_from_rows
from kg.analysis.network import (
    QUALIFIER,
    Row,
    onemode,
    parse_date,
    parse_duration,
    statement_table,
    windows,
)
from kg.errors import ConfigError, InputError
from kg.evaluation.gold import GoldDocument
from kg.evaluation.match import speakers_match
from kg.evaluation.score import ERROR_MATCHERS, DocumentResult
from kg.records import Extract

#: the statement matcher whose matches align actors and issues
ALIGN_MATCHER = ERROR_MATCHERS[0]
LEVELS = ("issue", "document")
TIES = ("congruence", "conflict")


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


# ------------------------------------------------------------------------------------------ figures
@dataclass
class SetFigures:
    """Precision and recall of a predicted set (actors, edges) against the gold set."""

    gold: int
    predicted: int
    common: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.common, self.predicted)

    @property
    def recall(self) -> float | None:
        return _ratio(self.common, self.gold)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.common, self.gold + self.predicted)

    def to_dict(self) -> dict[str, Any]:
        return {"gold": self.gold, "predicted": self.predicted, "common": self.common,
                "precision": _r(self.precision), "recall": _r(self.recall), "f1": _r(self.f1)}


@dataclass
class EdgeFigures(SetFigures):
    """Edges of a one-mode network: P/R of the edge sets and the weighted Jaccard index of the weights."""

    weighted_jaccard: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "weighted_jaccard": _r(self.weighted_jaccard)}


@dataclass
class MatrixFigures:
    """The net-position matrices (support - oppose per actor and issue) compared cell by cell.

    A cell is *present* on a side when the actor made at least one statement about the issue there (a net
    position of 0 from neutral statements, or from support and opposition that cancel, is present).
    ``union``: cells present on either side; ``common``: on both.

    - ``pearson`` / ``spearman``: correlation of the two net values over the union, an absent cell as 0;
      ``None`` when either side is constant there (or fewer than two cells).
    - ``sign_agreement``: share of union cells where sign(gold net) = sign(predicted net), an absent cell
      as 0 (so a cell only one side has agrees only when that side's net is 0).
    - ``sign_agreement_common``: the same over the common cells only (the stance question alone).
    - ``coverage``: common / gold cells (cell recall); ``cell_precision``: common / predicted cells."""

    gold: int
    predicted: int
    common: int
    union: int
    pearson: float | None
    spearman: float | None
    sign_agreement: float | None
    sign_agreement_common: float | None

    @property
    def coverage(self) -> float | None:
        return _ratio(self.common, self.gold)

    @property
    def cell_precision(self) -> float | None:
        return _ratio(self.common, self.predicted)

    def to_dict(self) -> dict[str, Any]:
        return {"gold_cells": self.gold, "predicted_cells": self.predicted, "common_cells": self.common,
                "union_cells": self.union, "pearson": _r(self.pearson), "spearman": _r(self.spearman),
                "sign_agreement": _r(self.sign_agreement),
                "sign_agreement_common": _r(self.sign_agreement_common),
                "coverage": _r(self.coverage), "cell_precision": _r(self.cell_precision)}


@dataclass
class Comparison:
    """Gold and prediction compared at one level, over the whole range or one time window."""

    level: str  # issue | document
    gold_rows: int
    predicted_rows: int
    actors: SetFigures
    matrix: MatrixFigures | None  # None when gold has no stance labels
    ties: dict[str, EdgeFigures | None]  # congruence / conflict; None without gold stance
    start: date | None = None
    stop: date | None = None
    gold_matrix: StanceMatrix | None = field(default=None, repr=False)
    predicted_matrix: StanceMatrix | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"level": self.level}
        if self.start is not None or self.stop is not None:
            out.update({"start": str(self.start), "stop": str(self.stop)})
        out.update({"gold_rows": self.gold_rows, "predicted_rows": self.predicted_rows,
                    "actors": self.actors.to_dict(),
                    "matrix": self.matrix.to_dict() if self.matrix else None,
                    **{t: (f.to_dict() if f else None) for t, f in self.ties.items()}})
        return out


def _pearson(a: np.ndarray, b: np.ndarray) -> float | None:
    if len(a) < 2 or np.std(a) == 0 or np.std(b) == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def _spearman(a: np.ndarray, b: np.ndarray) -> float | None:
    from scipy.stats import rankdata

    return _pearson(rankdata(a), rankdata(b)) if len(a) >= 2 else None


def _cells(m: StanceMatrix) -> dict[tuple[str, str], float]:
    net = m.net
    return {(a, j): float(net[i, k]) for i, a in enumerate(m.actors) for k, j in enumerate(m.issues)
            if m.statements[i, k] > 0}


def compare_matrices(gold: StanceMatrix, predicted: StanceMatrix) -> MatrixFigures:
    """Cell-wise comparison of two stance matrices' net positions (see ``MatrixFigures``)."""
    g, p = _cells(gold), _cells(predicted)
    union = sorted(set(g) | set(p))
    common = [c for c in union if c in g and c in p]
    gv = np.array([g.get(c, 0.0) for c in union])
    pv = np.array([p.get(c, 0.0) for c in union])
    agree = np.sign(gv) == np.sign(pv)
    common_agree = [np.sign(g[c]) == np.sign(p[c]) for c in common]
    return MatrixFigures(
        gold=len(g), predicted=len(p), common=len(common), union=len(union),
        pearson=_pearson(gv, pv), spearman=_spearman(gv, pv),
        sign_agreement=float(agree.mean()) if union else None,
        sign_agreement_common=float(np.mean(common_agree)) if common else None,
    )


def _edges(rows: Sequence[Row], aggregation: str) -> dict[tuple[str, str], float]:
    net = onemode(rows, aggregation=aggregation, normalization="no")
    return {(a, b): float(net.values[i, k]) for i, a in enumerate(net.rows) for k, b in enumerate(net.rows)
            if i < k and net.values[i, k] > 0}


def compare_edges(gold: dict[tuple[str, str], float], predicted: dict[tuple[str, str], float]) -> EdgeFigures:
    """Edge sets (pairs of actor labels, in label order) with their weights: P/R of the sets and the
    weighted Jaccard index sum(min) / sum(max) over the union of edges (an absent edge weighs 0)."""
    union = set(gold) | set(predicted)
    top = sum(max(gold.get(e, 0.0), predicted.get(e, 0.0)) for e in union)
    low = sum(min(gold.get(e, 0.0), predicted.get(e, 0.0)) for e in union)
    return EdgeFigures(len(gold), len(predicted), len(set(gold) & set(predicted)), _ratio(low, top))


def compare_rows(gold: Sequence[Row], predicted: Sequence[Row], *, level: str, stance: bool = True) -> Comparison:
    """Compare the matrices and networks built from two sets of statement rows with the same labels."""
    g_actors, p_actors = {r.actor for r in gold}, {r.actor for r in predicted}
    actors = SetFigures(len(g_actors), len(p_actors), len(g_actors & p_actors))
    gm, pm = matrix_from_rows(gold), matrix_from_rows(predicted)
    matrix = compare_matrices(gm, pm) if stance else None
    ties = {t: (compare_edges(_edges(gold, t), _edges(predicted, t)) if stance else None) for t in TIES}
    return Comparison(level, len(gold), len(predicted), actors, matrix, ties, gold_matrix=gm, predicted_matrix=pm)


# ---------------------------------------------------------------------------------------- alignment
def _gold_label(gold: GoldDocument, name: str) -> str:
    actor = gold.actor(name)
    return f"{actor.name} ({gold.id})" if actor.anonymous else actor.name


def _gold_actors(gold: GoldDocument) -> list:
    """The gold actors of the document, with speakers that ``actors`` does not list."""
    listed = {a.name for a in gold.actors}
    return list(gold.actors) + [gold.actor(n) for n in dict.fromkeys(s.speaker for s in gold.statements)
                                if n not in listed]


def align_actors(gold: GoldDocument, extract: Extract, matches: Sequence[tuple[int, str]]) -> tuple[dict[str, str], Counter]:
    """Predicted speaker id -> actor label (a gold label when aligned), and how each was aligned."""
    statements = {s.id: s for s in extract.statements}
    actors = {a.id: a for a in extract.actors}
    votes: dict[str, Counter] = {}
    for gi, pid in matches:
        g, p = gold.statements[gi], statements[pid]
        if speakers_match(gold.actor(g.speaker), actors[p.speaker], gold.actors):
            votes.setdefault(p.speaker, Counter())[_gold_label(gold, g.speaker)] += 1
    candidates = _gold_actors(gold)
    out: dict[str, str] = {}
    how: Counter = Counter()
    speakers = {s.speaker for s in extract.statements}
    for aid, actor in actors.items():
        if aid not in speakers:  # an actor who says nothing is in no matrix or network
            continue
        if aid in votes:
            out[aid] = min(votes[aid].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            how["by statements"] += 1
            continue
        by_name = None if actor.type == "anonymous" else next(
            (ga for ga in candidates if speakers_match(ga, actor, gold.actors)), None)
        if by_name is not None:
            out[aid] = _gold_label(gold, by_name.name)
            how["by name"] += 1
        else:
            out[aid] = f"{actor.name} ({gold.id}, unmatched)" if actor.type == "anonymous" else actor.name
            how["unmatched"] += 1
    return out, how


def align_issues(pairs: Sequence[tuple[GoldDocument, Extract, DocumentResult]]) -> tuple[dict[str, str], dict[str, dict]]:
    """Gold issue label -> predicted issue label (the one most often given to its matched statements), and
    for each gold label the votes behind it."""
    votes: dict[str, Counter] = {}
    for gold, extract, result in pairs:
        statements = {s.id: s for s in extract.statements}
        labels = {i.id: i.label for i in extract.issues}
        for gi, pid in result.matches:
            issue = gold.statements[gi].issue
            if issue is None:
                continue
            box = votes.setdefault(issue, Counter())
            for iid in statements[pid].issues:
                box[labels.get(iid, iid)] += 1
    all_labels = sorted({s.issue for g, _, _ in pairs for s in g.statements if s.issue is not None})
    mapping, detail = {}, {}
    for label in all_labels:
        box = votes.get(label, Counter())
        # most votes; ties: the predicted issue with the gold label itself, then code-point order
        ranked = sorted(box.items(), key=lambda kv: (-kv[1], kv[0] != label, kv[0]))
        mapping[label] = ranked[0][0] if ranked else label
        detail[label] = {"predicted": mapping[label], "votes": dict(ranked),
                         "gold_statements": sum(1 for g, _, _ in pairs for s in g.statements if s.issue == label)}
    return mapping, detail


def _qualifier(gold: GoldDocument, index: int, stance: str | None) -> int | None:
    if stance is None:
        return None
    if stance not in QUALIFIER:
        raise InputError(f"{gold.path}: gold statements/{index}: stance {stance!r} is not one of: "
                         f"{', '.join(QUALIFIER)}")
    return QUALIFIER[stance]


def _gold_date(extract: Extract, span: tuple[int, int] | None) -> date | None:
    """The date of the post that holds the gold statement (a thread comment), else the document's."""
    if span is not None:
        for post in extract.document.posts:
            if post.published and post.start <= span[0] < post.end:
                return parse_date(post.published, "post.published")
    return parse_date(extract.document.published, "document.published") if extract.document.published else None


@dataclass
class Aligned:
    """Gold and predicted statement rows with aligned labels, per level."""

    gold: dict[str, list[Row]]
    predicted: dict[str, list[Row]]
    issue_map: dict[str, dict]
    actor_alignment: Counter
    stance: bool  # whether the gold files label stance
    issues: bool  # whether they label issues

    @property
    def levels(self) -> tuple[str, ...]:
        return LEVELS if self.issues else tuple(lv for lv in LEVELS if lv != "issue")


def align(pairs: Sequence[tuple[GoldDocument, Extract, DocumentResult]]) -> Aligned:
    """Rows of gold and of prediction, at the levels ``issue`` and ``document``, with aligned labels."""
    mapping, detail = align_issues(pairs)
    gold_rows: dict[str, list[Row]] = {lv: [] for lv in LEVELS}
    pred_rows: dict[str, list[Row]] = {lv: [] for lv in LEVELS}
    how: Counter = Counter()
    for gold, extract, result in pairs:
        labels, counted = align_actors(gold, extract, result.matches)
        how += counted
        for s in gold.statements:
            span = result.spans.get(s.index)
            row = Row(f"gold:{gold.id}#{s.index}", gold.id, span[0] if span else -1, _gold_label(gold, s.speaker),
                      gold.id, _qualifier(gold, s.index, s.stance), _gold_date(extract, span))
            gold_rows["document"].append(row)
            if s.issue is not None:
                gold_rows["issue"].append(replace(row, issue=mapping[s.issue]))
        speaker = {s.id: s.speaker for s in extract.statements}
        pred_rows["issue"].extend(replace(r, actor=labels[speaker[r.statement]])
                                  for r in statement_table([extract]))
        doc_date = parse_date(extract.document.published, "document.published") if extract.document.published else None
        for st in extract.statements:
            when = parse_date(st.published, "statement.published") if st.published else doc_date
            pred_rows["document"].append(Row(st.id, gold.id, st.start, labels[st.speaker], gold.id,
                                             QUALIFIER[st.stance], when))
    stance = any(s.stance is not None for g, _, _ in pairs for s in g.statements)
    return Aligned(gold_rows, pred_rows, detail, how, stance, bool(gold_rows["issue"]))


# ------------------------------------------------------------------------------------------- report
@dataclass
class NetworkReport:
    matcher: str
    stance: bool  # whether the gold files label stance (else only actor figures)
    issues: bool  # whether they label issues (else no actor x issue level)
    issue_map: dict[str, dict]
    actor_alignment: Counter
    overall: dict[str, Comparison]
    window: str | None = None
    step: str | None = None
    windows: list[dict[str, Comparison]] = field(default_factory=list)
    undated: dict[str, int] = field(default_factory=dict)  # rows left out of the windows (no date)

    def to_dict(self) -> dict[str, Any]:
        return {
            "matcher": self.matcher, "gold_stance": self.stance, "gold_issues": self.issues,
            "actor_alignment": dict(self.actor_alignment), "issue_map": self.issue_map,
            "overall": {lv: c.to_dict() for lv, c in self.overall.items()},
            "window": self.window, "step": self.step,
            "undated_rows": self.undated or None,
            "windows": [{lv: c.to_dict() for lv, c in w.items()} for w in self.windows],
        }


def check_window(window: str | None, step: str | None) -> None:
    """Check ``--window`` / ``--step`` before any file is read."""
    if step is not None and window is None:
        raise ConfigError("--step needs --window (the length of each time window, e.g. 1y)")
    if window is not None:
        parse_duration(window, "--window")
        parse_duration(step or window, "--step")


def compare_networks(pairs: Sequence[tuple[GoldDocument, Extract, DocumentResult]], *, window: str | None = None,
                     step: str | None = None) -> NetworkReport:
    """Compare gold and predicted stance matrices and agreement / conflict networks, overall and per window.

    ``pairs``: each gold document with its extract and its ``DocumentResult`` (for the statement matches)."""
    check_window(window, step)
    al = align(pairs)
    overall = {lv: compare_rows(al.gold[lv], al.predicted[lv], level=lv, stance=al.stance) for lv in al.levels}
    report = NetworkReport(ALIGN_MATCHER, al.stance, al.issues, al.issue_map, al.actor_alignment, overall,
                           window, step)
    if window is None:
        return report
    dated = [r for lv in al.levels for rows in (al.gold[lv], al.predicted[lv]) for r in rows if r.date is not None]
    report.undated = {f"{side} {lv}": sum(1 for r in rows[lv] if r.date is None)
                      for side, rows in (("gold", al.gold), ("predicted", al.predicted)) for lv in al.levels}
    report.undated = {k: n for k, n in report.undated.items() if n}
    if not dated:
        raise ConfigError("--window needs dated statements, and none has a date (the extracts' "
                          "document.published, a post's or statement's published)")
    for lo, hi in windows(dated, window=window, step=step):
        part = {}
        for lv in al.levels:
            g = [r for r in al.gold[lv] if r.date is not None and lo <= r.date <= hi]
            p = [r for r in al.predicted[lv] if r.date is not None and lo <= r.date <= hi]
            part[lv] = compare_rows(g, p, level=lv, stance=al.stance)
            part[lv].start, part[lv].stop = lo, hi
        report.windows.append(part)
    return report


def write_plots(report: NetworkReport, folder: Path) -> list[Path]:
    """Side-by-side heatmaps of the gold and predicted net-position matrices, one PNG per level:
    ``FOLDER/matrix-issue.png`` and ``FOLDER/matrix-document.png``. Nothing is drawn when the gold files
    label no stance (every net position would be 0)."""
    from kg.analysis.plots import heatmap_pair

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"--plot {folder}: is a file; give a folder for the pictures")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"--plot {folder}: cannot create the folder: {exc.strerror or exc}") from None
    out: list[Path] = []
    if not report.stance:
        return out
    for lv, c in report.overall.items():
        if c.gold_matrix is None or c.predicted_matrix is None:
            continue
        what = "issues (gold issues mapped to predicted ones)" if lv == "issue" else "documents (issue-agnostic)"
        out.append(heatmap_pair(c.gold_matrix, c.predicted_matrix, folder / f"matrix-{lv}.png",
                                titles=("gold", "predicted"),
                                title=f"Net positions (support - oppose), actors x {what}; grey: no statement"))
    return out
