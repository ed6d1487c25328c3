"""Scoring one folder of extracts against one folder of gold files.

For every gold file, the extract ``EXTRACTS_DIR/<gold id>.json`` is read (a missing one is an error), the
gold statements are located in the extract's ``document.text`` and every statement matcher of
``kg.evaluation.match`` is run. Counts are summed over documents (micro averages). Errors, statement by
statement, are classified with the GGT matchers (0.3 for found / missed / spurious, 0.8 for wrong spans);
see ``docs/evaluation.md``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from kg import extracts as extracts_io
from kg.errors import ExtractsError
from kg.evaluation.gold import GoldActor, GoldDocument, GoldStatement, read_gold_dir
from kg.evaluation.match import (MATCHERS, Item, coverage, org_equivalents, roles_match, speakers_match,
                                 surname)
from kg.evaluation.text import content_tokens, dice, is_pronoun, name_tokens, words, Locator
from kg.records import Actor, Extract, Role, Statement

if TYPE_CHECKING:  # kg.evaluation.network imports this module
    from kg.evaluation.network import NetworkReport

DEFAULT_MATCHERS: tuple[str, ...] = ("dice", "ggt-0.3", "ggt-0.8")
STRICT_MATCHERS: tuple[str, ...] = DEFAULT_MATCHERS + ("exact",)
#: Matchers used to classify errors: found at the first, right span at the second.
ERROR_MATCHERS: tuple[str, str] = ("ggt-0.3", "ggt-0.8")
#: An unmatched prediction is a duplicate of a matched gold statement when at least this share of its words
#: are words of that gold statement (a thread page's truncated preview of a comment shown in full later).
DUPLICATE_WORD_SHARE = 0.8


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _f1(matched: int, gold: int, predicted: int) -> float | None:
    """2TP / (2TP + FP + FN) = 2 matched / (gold + predicted): the harmonic mean of P and R."""
    return 2 * matched / (gold + predicted) if gold + predicted else None


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


# ----------------------------------------------------------------------------------------------- counts
@dataclass
class Counts:
    """Counts of one statement matcher over one document or, summed, over all of them."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    attributed: int = 0  # matched with the right speaker
    stance_total: int = 0  # matched statements whose gold has a stance
    stance_correct: int = 0
    reply_total: int = 0  # matched comments (threads only)
    reply_correct: int = 0
    duplicates: int = 0
    gold_by_kind: Counter = field(default_factory=Counter)
    matched_by_kind: Counter = field(default_factory=Counter)

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.gold + other.gold, self.predicted + other.predicted, self.matched + other.matched,
            self.attributed + other.attributed, self.stance_total + other.stance_total,
            self.stance_correct + other.stance_correct, self.reply_total + other.reply_total,
            self.reply_correct + other.reply_correct, self.duplicates + other.duplicates,
            self.gold_by_kind + other.gold_by_kind, self.matched_by_kind + other.matched_by_kind,
        )

    @property
    def precision(self) -> float | None:
        return _ratio(self.matched, self.predicted)

    @property
    def recall(self) -> float | None:
        return _ratio(self.matched, self.gold)

    @property
    def f1(self) -> float | None:
        return _f1(self.matched, self.gold, self.predicted)

    @property
    def speaker_accuracy(self) -> float | None:
        return _ratio(self.attributed, self.matched)

    @property
    def attributed_precision(self) -> float | None:
        return _ratio(self.attributed, self.predicted)

    @property
    def attributed_recall(self) -> float | None:
        return _ratio(self.attributed, self.gold)

    @property
    def attributed_f1(self) -> float | None:
        return _f1(self.attributed, self.gold, self.predicted)

    @property
    def stance_accuracy(self) -> float | None:
        return _ratio(self.stance_correct, self.stance_total)

    @property
    def reply_accuracy(self) -> float | None:
        return _ratio(self.reply_correct, self.reply_total)

    def to_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold, "predicted": self.predicted, "matched": self.matched,
            "precision": _r(self.precision), "recall": _r(self.recall), "f1": _r(self.f1),
            "speaker_correct": self.attributed, "speaker_accuracy": _r(self.speaker_accuracy),
            "attributed_precision": _r(self.attributed_precision), "attributed_recall": _r(self.attributed_recall),
            "attributed_f1": _r(self.attributed_f1),
            "stance_total": self.stance_total, "stance_correct": self.stance_correct,
            "stance_accuracy": _r(self.stance_accuracy),
            "reply_total": self.reply_total, "reply_correct": self.reply_correct,
            "reply_accuracy": _r(self.reply_accuracy),
            "duplicates": self.duplicates,
            "recall_by_kind": {k: {"gold": n, "matched": self.matched_by_kind[k],
                                   "recall": _r(_ratio(self.matched_by_kind[k], n))}
                               for k, n in sorted(self.gold_by_kind.items())},
        }


@dataclass
class RoleCounts:
    gold: int = 0
    predicted: int = 0  # roles of predicted actors that match a gold actor
    matched: int = 0
    unmatched_actor_roles: int = 0  # roles of predicted actors that match no gold actor (not scored)

    def __add__(self, other: RoleCounts) -> RoleCounts:
        return RoleCounts(self.gold + other.gold, self.predicted + other.predicted, self.matched + other.matched,
                          self.unmatched_actor_roles + other.unmatched_actor_roles)

    @property
    def precision(self) -> float | None:
        return _ratio(self.matched, self.predicted)

    @property
    def recall(self) -> float | None:
        return _ratio(self.matched, self.gold)

    @property
    def f1(self) -> float | None:
        return _f1(self.matched, self.gold, self.predicted)

    def to_dict(self) -> dict[str, Any]:
        return {"gold": self.gold, "predicted": self.predicted, "matched": self.matched,
                "precision": _r(self.precision), "recall": _r(self.recall), "f1": _r(self.f1),
                "unmatched_actor_roles": self.unmatched_actor_roles}


@dataclass
class ErrorRow:
    """One error, for the error table and ``kg eval --errors FILE``."""

    document: str
    type: str
    detail: str
    gold_kind: str = ""
    gold_speaker: str = ""
    predicted_speaker: str = ""
    gold_start: int | None = None
    gold_end: int | None = None
    predicted_start: int | None = None
    predicted_end: int | None = None
    score: float | None = None
    gold_text: str = ""
    predicted_text: str = ""

    FIELDS = ("document", "type", "detail", "gold_kind", "gold_speaker", "predicted_speaker", "gold_start",
              "gold_end", "predicted_start", "predicted_end", "score", "gold_text", "predicted_text")

    def row(self) -> list[Any]:
        return [getattr(self, f) if f != "score" else (None if self.score is None else round(self.score, 3))
                for f in self.FIELDS]


@dataclass
class DocumentResult:
    id: str
    kind: str
    gold_path: Path
    extract_path: Path
    gold_statements: int
    predicted: int
    located: Counter  # how each located gold text was found: exact / normalised / folded
    unlocatable: list[str]
    counts: dict[str, Counts]
    roles: RoleCounts | None
    errors: list[ErrorRow]
    #: the statement matches of ``ERROR_MATCHERS[0]``: (gold statement index, predicted statement id)
    matches: list[tuple[int, str]] = field(default_factory=list)
    #: where each located gold statement is in the document text: gold statement index -> (start, end)
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "gold": str(self.gold_path), "extract": str(self.extract_path),
            "gold_statements": self.gold_statements, "located": dict(self.located),
            "unlocatable": len(self.unlocatable), "predicted": self.predicted,
            "scores": {m: c.to_dict() for m, c in self.counts.items()},
            "roles": self.roles.to_dict() if self.roles else None,
        }


@dataclass
class Report:
    gold_dir: Path
    extracts_dir: Path
    matchers: tuple[str, ...]
    documents: list[DocumentResult]
    network: NetworkReport | None = None  # gold vs predicted matrices and networks (``evaluate`` fills it)

    def totals(self) -> dict[str, Counts]:
        out = {m: Counts() for m in self.matchers}
        for d in self.documents:
            for m in self.matchers:
                out[m] = out[m] + d.counts[m]
        return out

    def role_totals(self) -> RoleCounts | None:
        scored = [d.roles for d in self.documents if d.roles is not None]
        if not scored:
            return None
        total = RoleCounts()
        for r in scored:
            total = total + r
        return total

    @property
    def errors(self) -> list[ErrorRow]:
        return [e for d in self.documents for e in d.errors]

    def error_counts(self) -> list[tuple[str, str, int]]:
        """``(type, detail, count)``, most frequent type first, then most frequent detail."""
        by_type = Counter(e.type for e in self.errors)
        by_detail = Counter((e.type, e.detail) for e in self.errors)
        return sorted(((t, d, n) for (t, d), n in by_detail.items()),
                      key=lambda x: (-by_type[x[0]], x[0], -x[2], x[1]))

    @property
    def unlocatable(self) -> list[tuple[str, str]]:
        return [(d.id, t) for d in self.documents for t in d.unlocatable]

    def to_dict(self) -> dict[str, Any]:
        roles = self.role_totals()
        located: Counter = Counter()
        for d in self.documents:
            located += d.located
        return {
            "gold": str(self.gold_dir),
            "extracts": str(self.extracts_dir),
            "documents": len(self.documents),
            "matchers": {m: MATCHERS[m].description for m in self.matchers},
            "error_matchers": list(ERROR_MATCHERS),
            "gold_statements": sum(d.gold_statements for d in self.documents),
            "located": dict(located),
            "unlocatable": [{"document": doc, "text": text} for doc, text in self.unlocatable],
            "totals": {m: c.to_dict() for m, c in self.totals().items()},
            "roles": roles.to_dict() if roles else None,
            "errors": [{"type": t, "detail": d, "count": n} for t, d, n in self.error_counts()],
            "per_document": [d.to_dict() for d in self.documents],
            **({"network": self.network.to_dict()} if self.network is not None else {}),
        }


# ------------------------------------------------------------------------------------ speaker errors
def _paragraph_context(text: str, start: int, end: int) -> str:
    """The paragraph(s) around a span, with the span itself blanked out."""
    p_start = text.rfind("\n", 0, start) + 1
    p_end = text.find("\n", end)
    p_end = len(text) if p_end < 0 else p_end
    return text[p_start:start] + " " * (end - start) + text[end:p_end]


def _mentioned(mention: str, context: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(mention) + r"(?!\w)", context, re.IGNORECASE) is not None


def speaker_error_detail(text: str, span: tuple[int, int], gold: GoldActor, pred: Actor) -> str:
    """Why a speaker may have gone wrong, from how the gold speaker is mentioned around the quote.

    ``unattributed`` (predicted anonymous/unnamed), ``organisation`` (either side is one), then, by the first
    kind of the gold speaker's mentions found in the quote's paragraph: ``name`` (full name), ``surname``,
    ``nominal`` (another alias: "the mayor"), ``pronoun`` (a pronoun alias of the gold speaker: "he");
    ``distant`` when the paragraph mentions the gold speaker in none of these ways."""
    if pred.type == "anonymous" or not name_tokens(pred.name):
        return "unattributed"
    if gold.type == "organisation" or pred.type == "organisation":
        return "organisation"
    context = _paragraph_context(text, *span)
    last = surname(gold.name)
    names = [gold.name] + [a for a in gold.aliases if not is_pronoun(a) and len(name_tokens(a)) > 1
                           and last in name_tokens(a)]
    if any(_mentioned(n, context) for n in names):
        return "name"
    if last and _mentioned(last, context):
        return "surname"
    if any(_mentioned(a, context) for a in gold.aliases if not is_pronoun(a)):
        return "nominal"
    if any(_mentioned(a, context) for a in gold.aliases if is_pronoun(a)):
        return "pronoun"
    return "distant"


def author_error_detail(gold: GoldActor, pred: Actor) -> str:
    if gold.anonymous:
        return "anonymous as named"
    if pred.type == "anonymous":
        return "named as anonymous"
    return "other name"


# ------------------------------------------------------------------------------------------- documents
def _word_share(part: str, whole: str) -> float:
    wp = words(part)
    return len(wp & words(whole)) / len(wp) if wp else 0.0


def _duplicate_of(pred: Item, matched_gold: Iterable[Item], matcher: str, text: str) -> Item | None:
    """The matched gold statement an unmatched prediction repeats: one the matcher would have paired it
    with, or whose words are mostly its words (Dice >= 0.5, or 80% of the prediction's words); else None."""
    m = MATCHERS[matcher]
    for g in matched_gold:
        if m.accepts(m.score(g, pred, text)):
            return g
        if dice(g.text, pred.text) >= 0.5 or (
            len(words(pred.text)) >= 3 and _word_share(pred.text, g.text) >= DUPLICATE_WORD_SHARE
        ):
            return g
    return None


def _is_duplicate(pred: Item, matched_gold: Iterable[Item], matcher: str, text: str) -> bool:
    return _duplicate_of(pred, matched_gold, matcher, text) is not None


def _role_key(r: Role) -> tuple[frozenset[str], tuple[str, ...]]:
    return frozenset(content_tokens(r.role)), name_tokens(r.organisation or "")


def score_roles(gold: GoldDocument, extract: Extract) -> tuple[RoleCounts, list[ErrorRow]]:
    """Roles of gold actors vs roles of the predicted actors that match them by name or alias."""
    equivalents = org_equivalents(gold.actors)
    counts = RoleCounts(gold=sum(len(a.roles) for a in gold.actors))
    pred_roles: list[tuple[Actor, Role]] = []
    for pa in extract.actors:
        seen, uniq = set(), []
        for r in pa.roles:
            if _role_key(r) not in seen:
                seen.add(_role_key(r))
                uniq.append(r)
        if any(speakers_match(ga, pa, gold.actors) for ga in gold.actors):
            pred_roles.extend((pa, r) for r in uniq)
        else:
            counts.unmatched_actor_roles += len(uniq)
    counts.predicted = len(pred_roles)
    taken: set[int] = set()
    errors = []
    for ga in gold.actors:
        actor_found = any(speakers_match(ga, pa, gold.actors) for pa in extract.actors)
        for gr in ga.roles:
            hit = next((i for i, (pa, pr) in enumerate(pred_roles)
                        if i not in taken and speakers_match(ga, pa, gold.actors) and roles_match(gr, pr, equivalents)), None)
            if hit is None:
                errors.append(ErrorRow(gold.id, "missed role", "role differs" if actor_found else "actor not found",
                                       gold_speaker=ga.name,
                                       gold_text=f"{gr.role} | {gr.organisation or ''}"))
            else:
                taken.add(hit)
    counts.matched = len(taken)
    for i, (pa, pr) in enumerate(pred_roles):
        if i not in taken:
            errors.append(ErrorRow(gold.id, "spurious role", "matched actor", predicted_speaker=pa.name,
                                   predicted_text=f"{pr.role} | {pr.organisation or ''}"))
    return counts, errors


def _counts(gold: GoldDocument, located: Sequence[tuple[GoldStatement, Item]], preds: Sequence[Statement],
            items: Sequence[Item], pairs: Sequence[tuple[int, int, float]], actors: dict[str, Actor],
            matcher: str, text: str) -> Counts:
    c = Counts(gold=len(located), predicted=len(preds))
    c.gold_by_kind.update(g.kind for g, _ in located)
    matched_pred_of_gold = {located[gi][0].index: preds[pi].id for gi, pi, _ in pairs}
    for gi, pi, _ in pairs:
        g, p = located[gi][0], preds[pi]
        c.matched += 1
        c.matched_by_kind[g.kind] += 1
        if speakers_match(gold.actor(g.speaker), actors[p.speaker], gold.actors):
            c.attributed += 1
        if g.stance is not None:
            c.stance_total += 1
            c.stance_correct += p.stance == g.stance
        if gold.kind == "thread":
            c.reply_total += 1
            expected = None if g.reply_to is None else matched_pred_of_gold.get(g.reply_to, "(unmatched parent)")
            c.reply_correct += p.reply_to == expected
    taken = {pi for _, pi, _ in pairs}
    matched_gold = [located[gi][1] for gi, _, _ in pairs]
    c.duplicates = sum(1 for pi, it in enumerate(items) if pi not in taken and _is_duplicate(it, matched_gold, matcher, text))
    return c


def _errors(gold: GoldDocument, text: str, located: Sequence[tuple[GoldStatement, Item]],
            preds: Sequence[Statement], items: Sequence[Item], actors: dict[str, Actor],
            found: Sequence[tuple[int, int, float]], exact: Sequence[tuple[int, int, float]]) -> list[ErrorRow]:
    rows: list[ErrorRow] = []
    found_by_gold = {gi: (pi, s) for gi, pi, s in found}
    exact_golds = {gi for gi, _, _ in exact}
    pred_of_gold_index = {located[gi][0].index: preds[pi].id for gi, pi, _ in found}

    def row(type_: str, detail: str, g: GoldStatement | None, gi: Item | None, p: Statement | None,
            score: float | None) -> ErrorRow:
        return ErrorRow(
            gold.id, type_, detail, gold_kind=g.kind if g else "", gold_speaker=g.speaker if g else "",
            predicted_speaker=actors[p.speaker].name if p else "",
            gold_start=gi.start if gi else None, gold_end=gi.end if gi else None,
            predicted_start=p.start if p else None, predicted_end=p.end if p else None, score=score,
            gold_text=g.text if g else "", predicted_text=p.text if p else "",
        )

    for n, (g, gi) in enumerate(located):
        if n not in found_by_gold:
            best = max(((coverage(gi, it), k) for k, it in enumerate(items)), default=(0.0, None))
            p = preds[best[1]] if best[1] is not None and best[0] > 0 else None
            detail = ("no overlap" if p is None else
                      "merged" if MATCHERS[ERROR_MATCHERS[0]].accepts(best[0]) else "overlap <= 30%")
            rows.append(row(f"missed {g.kind}", detail, g, gi, p, best[0]))
            continue
        pi, s = found_by_gold[n]
        p, it = preds[pi], items[pi]
        if n not in exact_golds:
            inside = gi.start <= it.start and it.end <= gi.end
            rows.append(row("wrong span", "too short" if inside else "shifted", g, gi, p, s))
        ga, pa = gold.actor(g.speaker), actors[p.speaker]
        if not speakers_match(ga, pa, gold.actors):
            if gold.kind == "thread":
                rows.append(row("wrong author", author_error_detail(ga, pa), g, gi, p, s))
            else:
                rows.append(row("wrong speaker", speaker_error_detail(text, (gi.start, gi.end), ga, pa), g, gi, p, s))
        if g.stance is not None and p.stance != g.stance:
            rows.append(row("wrong stance", f"{g.stance} as {p.stance}", g, gi, p, s))
        if gold.kind == "thread":
            expected = None if g.reply_to is None else pred_of_gold_index.get(g.reply_to)
            if p.reply_to != expected or (g.reply_to is not None and expected is None):
                detail = ("should be top-level" if g.reply_to is None else
                          "missing reply" if p.reply_to is None else "other parent")
                rows.append(row("wrong reply_to", detail, g, gi, p, s))
    taken = {pi for _, pi, _ in found}
    matched_gold = [located[gi][1] for gi, _, _ in found]
    for pi, (p, it) in enumerate(zip(preds, items)):
        if pi in taken:
            continue
        dup = _duplicate_of(it, matched_gold, ERROR_MATCHERS[0], text)
        if dup is not None:
            split = min(dup.end, it.end) > max(dup.start, it.start)
            rows.append(row("duplicate", "split" if split else "repeat", None, None, p, None))
        else:
            rows.append(row("spurious", p.kind, None, None, p, None))
    return rows


def evaluate_document(gold: GoldDocument, extract: Extract, *, matchers: Sequence[str] = DEFAULT_MATCHERS,
                      extract_path: Path | None = None) -> DocumentResult:
    """Score one extract against its gold file."""
    text = extract.document.text
    where = extract_path or extract.document.id
    if not text:
        raise ExtractsError(f"{where}: document.text is empty; kg eval needs the text the offsets refer to "
                            f"(re-run `kg extract`)")
    locator = Locator(text)
    located: list[tuple[GoldStatement, Item]] = []
    unlocatable: list[GoldStatement] = []
    how: Counter = Counter()
    for g in gold.statements:
        found = locator.locate(g.text)
        if found is None:
            unlocatable.append(g)
        else:
            how[found[0]] += 1
            s, e = found[1]
            located.append((g, Item(s, e, text[s:e])))
    preds = sorted(extract.statements, key=lambda st: (st.start, st.end, st.id))
    items = [Item(p.start, p.end, p.text) for p in preds]
    gold_items = [it for _, it in located]
    actors = {a.id: a for a in extract.actors}
    pairs = {m: MATCHERS[m].match(gold_items, items, text) for m in dict.fromkeys((*matchers, *ERROR_MATCHERS))}
    counts = {m: _counts(gold, located, preds, items, pairs[m], actors, m, text) for m in matchers}
    errors = [ErrorRow(gold.id, "unlocatable gold", "not in document text", gold_speaker=g.speaker,
                       gold_text=g.text, gold_kind=g.kind)
              for g in unlocatable]
    errors += _errors(gold, text, located, preds, items, actors, pairs[ERROR_MATCHERS[0]], pairs[ERROR_MATCHERS[1]])
    roles = None
    if gold.annotates_roles:
        roles, role_errors = score_roles(gold, extract)
        errors += role_errors
    return DocumentResult(
        id=gold.id, kind=gold.kind, gold_path=gold.path, extract_path=Path(where),
        gold_statements=len(gold.statements), predicted=len(preds), located=how, unlocatable=[g.text for g in unlocatable],
        counts=counts, roles=roles, errors=errors,
        matches=[(located[gi][0].index, preds[pi].id) for gi, pi, _ in pairs[ERROR_MATCHERS[0]]],
        spans={g.index: (it.start, it.end) for g, it in located},
    )


def evaluate(gold_dir: Path, extracts_dir: Path, *, strict: bool = False, window: str | None = None,
             step: str | None = None) -> Report:
    """Score ``extracts_dir/<id>.json`` against every gold file of ``gold_dir``.

    Every gold file needs its extract: a missing one is an ``ExtractsError`` naming both files. ``strict``
    adds the ``exact`` matcher (same span once quotation marks and punctuation are trimmed). The report's
    ``network`` compares the stance matrix and the agreement / conflict networks of gold and prediction
    (``kg.evaluation.network``), overall and, with ``window`` (e.g. ``1y``) and ``step``, per time window."""
    from kg.evaluation.network import compare_networks, check_window

    check_window(window, step)
    gold_dir, extracts_dir = Path(gold_dir), Path(extracts_dir)
    golds = read_gold_dir(gold_dir)
    if not extracts_dir.is_dir():
        raise ExtractsError(f"{extracts_dir}: no such extracts folder; run `kg extract INPUT... --out {extracts_dir}`")
    matchers = STRICT_MATCHERS if strict else DEFAULT_MATCHERS
    pairs = []
    for g in golds:
        path = extracts_io.path_for(extracts_dir, g.id)
        if not path.is_file():
            raise ExtractsError(f"{g.path}: no extract for document {g.id!r}: expected {path}; "
                                f"run `kg extract` on its source with --out {extracts_dir}")
        pairs.append((g, path, extracts_io.read(path)))
    documents = [evaluate_document(g, x, matchers=matchers, extract_path=p) for g, p, x in pairs]
    report = Report(gold_dir, extracts_dir, matchers, documents)
    report.network = compare_networks([(g, x, d) for (g, _p, x), d in zip(pairs, documents)],
                                      window=window, step=step)
    return report
