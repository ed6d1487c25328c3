"""Agreement between two coders: two folders of extracts of the same documents (two people, or a person and
the machine), compared the way content analysts report inter-coder reliability.

Statements are units the coders find themselves, so they are first paired: within a document, two statements
are the same unit when their character spans overlap by at least ``MIN_OVERLAP`` (intersection over union),
each statement in at most one pair, the largest overlaps first. Then:

- **statements**: how far the coders found the same units (pairs / mean count, i.e. F1 with either as reference);
- **speakers**, **kind**, **issues**, **stance** on the paired statements: percent agreement, and Krippendorff's
  alpha (nominal; stance also ordinal, oppose < neutral < support). Issues compare as sets (exact agreement and
  mean Jaccard); their alpha takes each statement's sorted issue set as one nominal value.

``krippendorff_alpha`` is the general coefficient (any number of coders, missing values, nominal / ordinal /
interval distances), computed from the coincidence matrix as in Krippendorff (2011), *Computing
Krippendorff's Alpha-Reliability*.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import permutations
from pathlib import Path
from typing import Any, Hashable, Sequence

from kg.errors import InputError
from kg.extracts import read_dir
from kg.records import Extract, Statement

MIN_OVERLAP = 0.5  # span intersection over union for two coders' statements to count as one unit
STANCE_ORDER = ("oppose", "neutral", "support")
LEVELS = ("nominal", "ordinal", "interval")


def krippendorff_alpha(units: Sequence[Sequence[Hashable | None]], level: str = "nominal",
                       order: Sequence[Hashable] | None = None) -> float | None:
    """Krippendorff's alpha for ``units``: one sequence per unit with each coder's value (``None`` where the
    coder gave none). ``level`` is nominal, ordinal (values ranked by ``order``, default sorted) or interval
    (numeric values). Units with fewer than two values are not pairable and are left out. ``None`` when
    nothing is pairable; 1.0 when every pairable value is the same (no disagreement possible or observed)."""
    if level not in LEVELS:
        raise ValueError(f"level {level!r}: one of {', '.join(LEVELS)}")
    coincidence: defaultdict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for a, b in permutations(values, 2):
            coincidence[(a, b)] += 1.0 / (m - 1)
    if not coincidence:
        return None
    n_c: defaultdict[Hashable, float] = defaultdict(float)
    for (a, _b), w in coincidence.items():
        n_c[a] += w
    n = sum(n_c.values())
    values = list(order) if order is not None else sorted(n_c, key=lambda v: (str(type(v)), v))
    missing = [v for v in n_c if v not in values]
    if missing:
        raise ValueError(f"values {missing!r} are not in the given order {list(values)!r}")
    rank = {v: i for i, v in enumerate(values)}

    def delta(a: Hashable, b: Hashable) -> float:
        if a == b:
            return 0.0
        if level == "nominal":
            return 1.0
        if level == "interval":
            return (float(a) - float(b)) ** 2  # type: ignore[arg-type]
        lo, hi = sorted((rank[a], rank[b]))
        between = sum(n_c[values[g]] for g in range(lo, hi + 1))
        return (between - (n_c[values[lo]] + n_c[values[hi]]) / 2.0) ** 2

    observed = sum(w * delta(a, b) for (a, b), w in coincidence.items())
    expected = sum(n_c[a] * n_c[b] * delta(a, b) for a in n_c for b in n_c)
    if expected == 0:
        return 1.0
    return 1.0 - (n - 1) * observed / expected


def _overlap(a: Statement, b: Statement) -> float:
    inter = min(a.end, b.end) - max(a.start, b.start)
    if inter <= 0:
        return 0.0
    return inter / (max(a.end, b.end) - min(a.start, b.start))


def pair_statements(a: Sequence[Statement], b: Sequence[Statement],
                    min_overlap: float = MIN_OVERLAP) -> list[tuple[Statement, Statement]]:
    """Pairs of the two coders' statements that are one unit: overlap >= ``min_overlap``, largest first,
    each statement in at most one pair (ties broken by position, so the result is deterministic)."""
    candidates = sorted(
        ((_overlap(x, y), i, j) for i, x in enumerate(a) for j, y in enumerate(b)
         if x.start < y.end and y.start < x.end),
        key=lambda t: (-t[0], t[1], t[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for ov, i, j in candidates:
        if ov < min_overlap or i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((a[i], b[j]))
    return sorted(pairs, key=lambda p: (p[0].start, p[0].end))


@dataclass
class FieldAgreement:
    name: str
    compared: int
    agreed: int
    alpha: float | None
    alpha_ordinal: float | None = None
    mean_jaccard: float | None = None

    @property
    def percent(self) -> float | None:
        return self.agreed / self.compared if self.compared else None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"compared": self.compared, "agreed": self.agreed, "percent": _r(self.percent),
                             "alpha": _r(self.alpha)}
        if self.alpha_ordinal is not None:
            d["alpha_ordinal"] = _r(self.alpha_ordinal)
        if self.mean_jaccard is not None:
            d["mean_jaccard"] = _r(self.mean_jaccard)
        return d


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


@dataclass
class AgreementReport:
    coder_a: str
    coder_b: str
    documents: int
    statements_a: int
    statements_b: int
    paired: int
    fields: list[FieldAgreement] = field(default_factory=list)
    only_a: list[str] = field(default_factory=list)  # document ids only one coder has (left out)
    only_b: list[str] = field(default_factory=list)

    @property
    def unit_agreement(self) -> float | None:
        total = self.statements_a + self.statements_b
        return 2 * self.paired / total if total else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "coder_a": self.coder_a, "coder_b": self.coder_b, "documents": self.documents,
            "statements": {"a": self.statements_a, "b": self.statements_b, "paired": self.paired,
                           "agreement": _r(self.unit_agreement), "min_overlap": MIN_OVERLAP},
            "fields": {f.name: f.to_dict() for f in self.fields},
            "only_in_a": self.only_a, "only_in_b": self.only_b,
        }


def _field(name: str, pairs: list[tuple[Any, Any]], *, ordinal: Sequence[Hashable] | None = None
           ) -> FieldAgreement:
    units = [[a, b] for a, b in pairs]
    return FieldAgreement(
        name=name, compared=len(pairs), agreed=sum(1 for a, b in pairs if a == b),
        alpha=krippendorff_alpha(units, "nominal"),
        alpha_ordinal=krippendorff_alpha(units, "ordinal", order=ordinal) if ordinal else None)


def compare(extracts_a: Sequence[Extract], extracts_b: Sequence[Extract], *, coder_a: str = "a",
            coder_b: str = "b", where_a: str = "a", where_b: str = "b") -> AgreementReport:
    """Agreement between two coders' extracts of the same documents (matched by document id; a document must
    have the same text in both)."""
    by_a = {e.document.id: e for e in extracts_a}
    by_b = {e.document.id: e for e in extracts_b}
    common = sorted(set(by_a) & set(by_b))
    if not common:
        raise InputError(f"{where_a} and {where_b}: no document is in both folders (extracts are matched by "
                         f"document id); compare two codings of the same documents")
    speakers, kinds, issues, stances = [], [], [], []
    jaccards = []
    n_a = n_b = n_pairs = 0
    for doc_id in common:
        ea, eb = by_a[doc_id], by_b[doc_id]
        if ea.document.text_sha256 != eb.document.text_sha256:
            raise InputError(f"{where_a} and {where_b}: document {doc_id!r} has a different text in each folder; "
                             f"agreement needs both coders to code the same text")
        pairs = pair_statements(ea.statements, eb.statements)
        n_a += len(ea.statements)
        n_b += len(eb.statements)
        n_pairs += len(pairs)
        for sa, sb in pairs:
            speakers.append((sa.speaker, sb.speaker))  # actor ids derive from names: same name, same id
            kinds.append((sa.kind, sb.kind))
            ia, ib = tuple(sorted(sa.issues)), tuple(sorted(sb.issues))
            issues.append((ia, ib))
            union = set(ia) | set(ib)
            jaccards.append(len(set(ia) & set(ib)) / len(union) if union else 1.0)
            stances.append((sa.stance, sb.stance))
    fields = [
        _field("speaker", speakers), _field("kind", kinds), _field("issues", issues),
        _field("stance", stances, ordinal=STANCE_ORDER),
    ]
    fields[2].mean_jaccard = sum(jaccards) / len(jaccards) if jaccards else None
    return AgreementReport(
        coder_a=coder_a, coder_b=coder_b, documents=len(common), statements_a=n_a, statements_b=n_b,
        paired=n_pairs, fields=fields, only_a=sorted(set(by_a) - set(by_b)), only_b=sorted(set(by_b) - set(by_a)))


def compare_dirs(dir_a: Path, dir_b: Path) -> AgreementReport:
    """``compare`` on two extracts folders (each file checked against the contract first)."""
    return compare(read_dir(Path(dir_a)), read_dir(Path(dir_b)), coder_a=str(dir_a), coder_b=str(dir_b),
                   where_a=str(dir_a), where_b=str(dir_b))


def holds_extracts(folder: Path) -> bool:
    """Whether ``folder`` (or a file) holds extracts (the full contract: a document with a text hash) rather
    than gold files; decided by its first JSON file."""
    folder = Path(folder)
    files = [folder] if folder.is_file() else sorted(p for p in folder.glob("*.json") if not p.name.startswith("."))
    if not files:
        return False
    try:
        data = json.loads(files[0].read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and isinstance(data.get("document"), dict) and "text_sha256" in data["document"]


def agreement_table(report: AgreementReport) -> Any:
    """The report as a rich table (the command line prints it)."""
    from rich.table import Table

    def pct(x: float | None) -> str:
        return "-" if x is None else f"{100 * x:.1f}"

    def num(x: float | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    t = Table(title=f"Agreement between coders: {report.coder_a} vs {report.coder_b} "
                    f"({report.documents} document(s))")
    for col in ("what", "compared", "agreement %", "Krippendorff's alpha", "note"):
        t.add_column(col, justify="left" if col in ("what", "note") else "right")
    t.add_row("statements (units)", f"{report.statements_a} / {report.statements_b}", pct(report.unit_agreement),
              "-", f"{report.paired} paired at span overlap >= {MIN_OVERLAP}")
    for f in report.fields:
        note = ""
        if f.alpha_ordinal is not None:
            note = f"ordinal alpha {num(f.alpha_ordinal)} (oppose < neutral < support)"
        if f.mean_jaccard is not None:
            note = f"issue sets; mean Jaccard {num(f.mean_jaccard)}"
        t.add_row(f.name, str(f.compared), pct(f.percent), num(f.alpha), note)
    if report.only_a or report.only_b:
        t.caption = (f"left out: {len(report.only_a)} document(s) only in {report.coder_a}, "
                     f"{len(report.only_b)} only in {report.coder_b}")
    return t
