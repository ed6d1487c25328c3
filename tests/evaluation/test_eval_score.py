"""Scoring whole documents: extracts built from a small article and thread with known perturbations and
hand-computed P/R/F1, speaker, stance, reply and error counts."""

from __future__ import annotations

from collections import Counter

import pytest

from evalkit import P, Workspace, build_extract
from kg.evaluation import evaluate
from kg.evaluation.gold import GoldActor
from kg.evaluation.score import speaker_error_detail
from kg.records import Actor

ARTICLE = (
    "Funding row\n\n"
    "\u201cWe will not accept these cuts to local policing,\u201d said Jane Porter, the chair of the "
    "Northshire Police Federation.\n\n"
    "Council leader Tom Adeyemi said the budget protected frontline services and that savings were "
    "unavoidable.\n\n"
    "\u201cIt is a fair settlement for every resident,\u201d he added.\n\n"
    "Porter said officers felt let down by the decision.\n"
)
G0 = "We will not accept these cuts to local policing,"
G1 = "the budget protected frontline services and that savings were unavoidable"  # 10 words, 73 chars
G2 = "It is a fair settlement for every resident,"
G3 = "officers felt let down by the decision"
GOLD_ARTICLE = {
    "actors": [
        {"name": "Jane Porter", "type": "person", "aliases": ["Porter"],
         "roles": [{"role": "chair", "organisation": "Northshire Police Federation"}]},
        {"name": "Tom Adeyemi", "type": "person", "aliases": ["Council leader Tom Adeyemi", "he"],
         "roles": [{"role": "Council leader", "organisation": None}]},
        {"name": "Northshire Police Federation", "type": "organisation", "aliases": ["the Federation"],
         "roles": []},
    ],
    "statements": [
        {"speaker": "Jane Porter", "text": G0, "kind": "direct", "stance": "oppose"},
        {"speaker": "Tom Adeyemi", "text": G1, "kind": "indirect", "stance": "support"},
        {"speaker": "Tom Adeyemi", "text": G2, "kind": "direct", "stance": "support"},
        {"speaker": "Jane Porter", "text": G3, "kind": "indirect", "stance": "oppose"},
    ],
}
PORTER = dict(speaker="Jane Porter")
ADEYEMI = dict(speaker="Tom Adeyemi")
PERFECT = [P(text=G0, stance="oppose", **PORTER), P(text=G1, kind="indirect", stance="support", **ADEYEMI),
           P(text=G2, stance="support", **ADEYEMI), P(text=G3, kind="indirect", stance="oppose", **PORTER)]


def replace(i: int, p: P) -> list[P]:
    return PERFECT[:i] + [p] + PERFECT[i + 1:]


# name, predictions, {matcher: (predicted, matched, attributed)}, stance correct (ggt-0.3), error counts
CASES = [
    ("perfect", PERFECT, {"dice": (4, 4, 4), "ggt-0.3": (4, 4, 4), "ggt-0.8": (4, 4, 4), "exact": (4, 4, 4)},
     4, {}),
    ("drop one quote", PERFECT[:3],
     {"dice": (3, 3, 3), "ggt-0.3": (3, 3, 3), "ggt-0.8": (3, 3, 3), "exact": (3, 3, 3)},
     3, {("missed indirect", "no overlap"): 1}),
    # 4 of 10 words: 30/73 = 0.41 of the characters, Dice 2*4/14 = 0.57
    ("cut to 40% of the words", replace(1, P(text="the budget protected frontline", kind="indirect",
                                             stance="support", **ADEYEMI)),
     {"dice": (4, 4, 4), "ggt-0.3": (4, 4, 4), "ggt-0.8": (4, 3, 3), "exact": (4, 3, 3)},
     4, {("wrong span", "too short"): 1}),
    # 2 of 10 words: 10/73 = 0.14, Dice 2*2/12 = 0.33: missed, and the fragment is spurious
    ("cut to 20% of the words", replace(1, P(text="the budget", kind="indirect", stance="support", **ADEYEMI)),
     {"dice": (4, 3, 3), "ggt-0.3": (4, 3, 3), "ggt-0.8": (4, 3, 3), "exact": (4, 3, 3)},
     3, {("missed indirect", "overlap <= 30%"): 1, ("spurious", "indirect"): 1}),
    ("wrong speaker after a pronoun", replace(2, P(text=G2, stance="support", **PORTER)),
     {"dice": (4, 4, 3), "ggt-0.3": (4, 4, 3), "ggt-0.8": (4, 4, 3), "exact": (4, 4, 3)},
     4, {("wrong speaker", "pronoun"): 1}),
    ("speaker named by surname only", replace(0, P(speaker="Porter", text=G0, stance="oppose")),
     {"dice": (4, 4, 4), "ggt-0.3": (4, 4, 4), "ggt-0.8": (4, 4, 4), "exact": (4, 4, 4)}, 4, {}),
    ("organisation as speaker", replace(3, P(speaker="Northshire Police Federation", actor_type="organisation",
                                             text=G3, kind="indirect", stance="oppose")),
     {"dice": (4, 4, 3), "ggt-0.3": (4, 4, 3), "ggt-0.8": (4, 4, 3), "exact": (4, 4, 3)},
     4, {("wrong speaker", "organisation"): 1}),
    ("spurious headline", PERFECT + [P(speaker="Jane Porter", text="Funding row")],
     {"dice": (5, 4, 4), "ggt-0.3": (5, 4, 4), "ggt-0.8": (5, 4, 4), "exact": (5, 4, 4)},
     4, {("spurious", "direct"): 1}),
    # quotation marks and the comma inside the span: still the same span for `exact`
    ("quote marks included", replace(0, P(text="\u201cWe will not accept these cuts to local policing,\u201d",
                                          stance="oppose", **PORTER)),
     {"dice": (4, 4, 4), "ggt-0.3": (4, 4, 4), "ggt-0.8": (4, 4, 4), "exact": (4, 4, 4)}, 4, {}),
    # one span over G1 and G2: it covers both, matches G1 (gold order), G2 is missed
    ("two quotes merged", [PERFECT[0], P(text=G1 + ".\n\n\u201c" + G2, kind="indirect", stance="support",
                                         **ADEYEMI), PERFECT[3]],
     {"dice": (3, 3, 3), "ggt-0.3": (3, 3, 3), "ggt-0.8": (3, 3, 3), "exact": (3, 2, 2)},
     3, {("missed direct", "merged"): 1}),
    ("wrong stance", replace(0, P(text=G0, stance="support", **PORTER)),
     {"dice": (4, 4, 4), "ggt-0.3": (4, 4, 4), "ggt-0.8": (4, 4, 4), "exact": (4, 4, 4)},
     3, {("wrong stance", "oppose as support"): 1}),
    ("duplicate of a matched quote", PERFECT + [P(text="fair settlement for every resident", **ADEYEMI)],
     {"dice": (5, 4, 4), "ggt-0.3": (5, 4, 4), "ggt-0.8": (5, 4, 4), "exact": (5, 4, 4)},
     4, {("duplicate", "split"): 1}),
    ("nothing predicted", [],
     {"dice": (0, 0, 0), "ggt-0.3": (0, 0, 0), "ggt-0.8": (0, 0, 0), "exact": (0, 0, 0)},
     0, {("missed direct", "no overlap"): 2, ("missed indirect", "no overlap"): 2}),
]


def _f1(m: int, g: int, p: int) -> float | None:
    return 2 * m / (g + p) if g + p else None


@pytest.mark.parametrize(("name", "preds", "expected", "stance_ok", "errors"), CASES, ids=[c[0] for c in CASES])
def test_article_scores(ws: Workspace, name, preds, expected, stance_ok, errors) -> None:
    ws.write_gold("art", GOLD_ARTICLE)
    ws.write_extract(build_extract("art", ARTICLE, preds))
    report = evaluate(ws.gold, ws.out, strict=True)
    totals = report.totals()
    for matcher, (n_pred, matched, attributed) in expected.items():
        c = totals[matcher]
        assert (c.gold, c.predicted, c.matched, c.attributed) == (4, n_pred, matched, attributed), matcher
        assert c.precision == (matched / n_pred if n_pred else None)
        assert c.recall == matched / 4
        assert c.f1 == pytest.approx(_f1(matched, 4, n_pred))
        assert c.attributed_f1 == pytest.approx(_f1(attributed, 4, n_pred))
    c3 = totals["ggt-0.3"]
    assert c3.stance_correct == stance_ok
    statement_errors = Counter((e.type, e.detail) for e in report.errors if "role" not in e.type)
    assert statement_errors == Counter(errors)


def test_figures_of_one_case_by_hand(ws: Workspace) -> None:
    """Cut G1 to 20% of its words and add a spurious headline: 5 predicted, 3 matched at 0.3."""
    preds = replace(1, P(text="the budget", kind="indirect", **ADEYEMI)) + [P(text="Funding row", **PORTER)]
    ws.write_gold("art", GOLD_ARTICLE)
    ws.write_extract(build_extract("art", ARTICLE, preds))
    c = evaluate(ws.gold, ws.out).totals()["ggt-0.3"]
    assert (c.precision, c.recall) == (0.6, 0.75)
    assert c.f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)  # 0.6667
    assert (c.gold_by_kind["direct"], c.matched_by_kind["direct"]) == (2, 2)
    assert (c.gold_by_kind["indirect"], c.matched_by_kind["indirect"]) == (2, 1)


# name, role predictions per actor, (gold, predicted, matched)
ROLE_CASES = [
    ("both right", {"Jane Porter": [("chair", "Northshire Police Federation")],
                    "Tom Adeyemi": [("council leader", None)]}, (2, 2, 2)),
    ("organisation abbreviated", {"Jane Porter": [("Chair", "Northshire Federation")]}, (2, 1, 1)),
    ("organisation by gold alias", {"Jane Porter": [("chair", "the Federation")]}, (2, 1, 1)),
    ("organisation missing", {"Jane Porter": [("chair", None)]}, (2, 1, 0)),
    ("wrong role", {"Jane Porter": [("treasurer", "Northshire Police Federation")]}, (2, 1, 0)),
    ("one right, one extra", {"Jane Porter": [("chair", "Northshire Police Federation"), ("officer", None)]},
     (2, 2, 1)),
    ("role on an actor not in gold (not scored)", {"Sam Smith": [("chair", None)]}, (2, 0, 0)),
    ("surname-only actor", {"Porter": [("chair", "Northshire Police Federation")]}, (2, 1, 1)),
]


@pytest.mark.parametrize(("name", "roles", "expected"), ROLE_CASES, ids=[c[0] for c in ROLE_CASES])
def test_roles(ws: Workspace, name, roles, expected) -> None:
    ws.write_gold("art", GOLD_ARTICLE)
    ws.write_extract(build_extract("art", ARTICLE, PERFECT, roles=roles))
    r = evaluate(ws.gold, ws.out).role_totals()
    assert (r.gold, r.predicted, r.matched) == expected


def test_roles_are_not_scored_without_gold_roles(ws: Workspace) -> None:
    gold = {**GOLD_ARTICLE, "actors": [{**a, "roles": []} for a in GOLD_ARTICLE["actors"]]}
    ws.write_gold("art", gold)
    ws.write_extract(build_extract("art", ARTICLE, PERFECT, roles={"Jane Porter": [("chair", None)]}))
    assert evaluate(ws.gold, ws.out).role_totals() is None


# --------------------------------------------------------------------------------------------- threads
PREVIEW = "We need officers on buses after school. The top deck is chaos every afternoon..."
C0 = "We need officers on buses after school. The top deck is chaos every afternoon and drivers cannot cope."
C1 = "Thanks, we will pass this on to the transport team."
C2 = "I disagree, more police on buses would scare younger passengers."
THREAD = (f"Bus safety\n\nanonymous\n{PREVIEW}\nShow full comment\n{C0}\n\nTalk Team\n{C1}\n\n"
          f"anonymous\n{C2}\n")
GOLD_THREAD = {
    "kind": "thread",
    "actors": [{"name": "anonymous-1", "type": "anonymous"}, {"name": "Talk Team", "type": "organisation"},
               {"name": "anonymous-2", "type": "anonymous"}],
    "statements": [
        {"speaker": "anonymous-1", "text": C0, "kind": "comment", "reply_to": None},
        {"speaker": "Talk Team", "text": C1, "kind": "comment", "reply_to": 0},
        {"speaker": "anonymous-2", "text": C2, "kind": "comment", "reply_to": 0},
    ],
}
A1 = dict(speaker="anonymous-1", actor_type="anonymous", kind="comment")
A2 = dict(speaker="anonymous-2", actor_type="anonymous", kind="comment")
TEAM = dict(speaker="Talk Team", actor_type="organisation", kind="comment")
THREAD_PERFECT = [P(text=C0, **A1), P(text=C1, reply_to=0, **TEAM), P(text=C2, reply_to=0, **A2)]

# name, predictions, (predicted, matched, authors right, replies right, duplicates), error counts
THREAD_CASES = [
    ("perfect", THREAD_PERFECT, (3, 3, 3, 3, 0), {}),
    ("preview kept as a second comment",
     [P(text=PREVIEW, **A1), P(text=C0, **A1), P(text=C1, reply_to=1, **TEAM), P(text=C2, reply_to=1, **A2)],
     (4, 3, 3, 3, 1), {("duplicate", "repeat"): 1}),
    ("reply to the wrong parent", [THREAD_PERFECT[0], THREAD_PERFECT[1], P(text=C2, reply_to=1, **A2)],
     (3, 3, 3, 2, 0), {("wrong reply_to", "other parent"): 1}),
    ("reply missing", [THREAD_PERFECT[0], THREAD_PERFECT[1], P(text=C2, **A2)],
     (3, 3, 3, 2, 0), {("wrong reply_to", "missing reply"): 1}),
    ("named author taken as anonymous",
     [THREAD_PERFECT[0], P(text=C1, reply_to=0, speaker="anonymous-9", actor_type="anonymous", kind="comment"),
      THREAD_PERFECT[2]],
     (3, 3, 2, 3, 0), {("wrong author", "named as anonymous"): 1}),
    ("anonymous numbers need not agree",
     [P(text=C0, speaker="anonymous-5", actor_type="anonymous", kind="comment"),
      THREAD_PERFECT[1], THREAD_PERFECT[2]], (3, 3, 3, 3, 0), {}),
]


@pytest.mark.parametrize(("name", "preds", "expected", "errors"), THREAD_CASES, ids=[c[0] for c in THREAD_CASES])
def test_thread_scores(ws: Workspace, name, preds, expected, errors) -> None:
    ws.write_gold("th", GOLD_THREAD)
    ws.write_extract(build_extract("th", THREAD, preds, kind="thread"))
    report = evaluate(ws.gold, ws.out)
    for matcher in ("dice", "ggt-0.3", "ggt-0.8"):
        c = report.totals()[matcher]
        assert (c.predicted, c.matched, c.attributed, c.reply_correct, c.duplicates) == expected, matcher
        assert c.reply_total == c.matched == c.gold_by_kind["comment"] == 3
    assert Counter((e.type, e.detail) for e in report.errors) == Counter(errors)


# ----------------------------------------------------------------------------------- speaker errors
SPEAKER_TEXT = ("The mayor was asked about it.\n\n"
                "Asked again, \u201cwe will see,\u201d {who} said.\n")


@pytest.mark.parametrize(
    ("who", "gold", "pred", "expected"),
    [
        ("Anna Berg", GoldActor("Anna Berg", "person", ["Berg", "she"]), Actor("x", "Tom Lee", "person"), "name"),
        ("Berg", GoldActor("Anna Berg", "person", ["Berg", "she"]), Actor("x", "Tom Lee", "person"), "surname"),
        ("the councillor", GoldActor("Anna Berg", "person", ["the councillor"]), Actor("x", "Tom Lee", "person"),
         "nominal"),
        ("she", GoldActor("Anna Berg", "person", ["she"]), Actor("x", "Tom Lee", "person"), "pronoun"),
        ("somebody", GoldActor("Anna Berg", "person", ["she"]), Actor("x", "Tom Lee", "person"), "distant"),
        ("she", GoldActor("City Hall", "organisation"), Actor("x", "Tom Lee", "person"), "organisation"),
        ("she", GoldActor("Anna Berg"), Actor("x", "City Hall", "organisation"), "organisation"),
        ("she", GoldActor("Anna Berg"), Actor("x", "anonymous-1", "anonymous"), "unattributed"),
    ],
)
def test_speaker_error_detail(who: str, gold: GoldActor, pred: Actor, expected: str) -> None:
    text = SPEAKER_TEXT.format(who=who)
    start = text.index("we will see")
    assert speaker_error_detail(text, (start, start + len("we will see,")), gold, pred) == expected


def test_unlocatable_gold_is_counted_and_not_scored(ws: Workspace) -> None:
    gold = {**GOLD_ARTICLE, "statements": GOLD_ARTICLE["statements"] + [
        {"speaker": "Jane Porter", "text": "words that are not in the article", "kind": "direct"}]}
    ws.write_gold("art", gold)
    ws.write_extract(build_extract("art", ARTICLE, PERFECT))
    report = evaluate(ws.gold, ws.out)
    assert report.unlocatable == [("art", "words that are not in the article")]
    assert report.totals()["ggt-0.3"].gold == 4
    assert report.to_dict()["gold_statements"] == 5
    assert [e.type for e in report.errors if "role" not in e.type] == ["unlocatable gold"]


def test_gold_located_in_normalised_extract_text(ws: Workspace) -> None:
    """The extract's text may normalise quotes and spaces; gold written with the raw text still matches."""
    ws.write_gold("art", {**GOLD_ARTICLE, "statements": [
        {"speaker": "Jane Porter", "text": "We  will not accept\u00a0these cuts to local policing,", "kind": "direct"}]})
    ws.write_extract(build_extract("art", ARTICLE, PERFECT[:1]))
    report = evaluate(ws.gold, ws.out)
    assert report.totals()["ggt-0.8"].matched == 1
    assert dict(report.documents[0].located) == {"normalised": 1}
