"""The real sample gold (../shared/gold) against extracts built from it, whole and perturbed.

Expected figures are counted by hand from the gold files: the article has 20 statements (Ken Marsh 5,
Cressida Dick 2) and 7 roles; the thread has 30 comments, 10 of them replies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evalkit import P, Workspace, build_extract
from kg.evaluation import evaluate

ROOT = Path(__file__).resolve().parents[2]
SHARED_GOLD = ROOT.parent / "shared" / "gold"
CORPUS = ROOT / "corpus"
ARTICLE = "police-professional-2022-03-24-police-and-crime-plan"
THREAD = "talk-london-mayor-and-policing-2016"


def from_gold(ws: Workspace, doc_id: str, *, drop_speaker: str | None = None, rename: tuple[str, str] | None = None,
              no_replies: bool = False, no_roles: bool = False) -> None:
    gold = json.loads((SHARED_GOLD / f"{doc_id}.json").read_text(encoding="utf-8"))
    text = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    types = {a["name"]: a["type"] for a in gold["actors"]}
    kept = [s for s in gold["statements"] if s["speaker"] != drop_speaker]
    preds = []
    for s in kept:
        speaker = rename[1] if rename and s["speaker"] == rename[0] else s["speaker"]
        parent = s.get("reply_to")
        preds.append(P(speaker=speaker, text=s["text"], kind=s["kind"], stance=s["stance"] or "neutral",
                       actor_type=types.get(speaker, "person"),
                       reply_to=None if no_replies or parent is None else kept.index(gold["statements"][parent])))
    roles = {} if no_roles else {a["name"]: [(r["role"], r["organisation"]) for r in a["roles"]]
                                 for a in gold["actors"] if a["roles"]}
    ws.write_extract(build_extract(doc_id, text, preds, kind=gold.get("kind", "article"), roles=roles))


@pytest.fixture
def sample(ws: Workspace) -> Workspace:
    assert SHARED_GOLD.is_dir(), f"{SHARED_GOLD}: the team's sample gold is missing"
    ws.gold = SHARED_GOLD
    return ws


# name, options, dice (gold, predicted, matched, attributed), roles (gold, predicted, matched), replies right
CASES = [
    ("as gold", {}, (50, 50, 50, 50), (7, 7, 7), 30),
    ("Ken Marsh dropped", {"drop_speaker": "Ken Marsh"}, (50, 45, 45, 45), (7, 7, 7), 30),
    ("Cressida Dick's quotes given to Sadiq Khan", {"rename": ("Cressida Dick", "Sadiq Khan")},
     (50, 50, 50, 48), (7, 7, 7), 30),
    ("no roles, no replies", {"no_roles": True, "no_replies": True}, (50, 50, 50, 50), (7, 0, 0), 20),
]


@pytest.mark.parametrize(("name", "options", "statements", "roles", "replies"), CASES, ids=[c[0] for c in CASES])
def test_sample_gold(sample: Workspace, name, options, statements, roles, replies) -> None:
    from_gold(sample, ARTICLE, **options)
    from_gold(sample, THREAD, **options)
    report = evaluate(sample.gold, sample.out)
    assert report.unlocatable == []
    for matcher in ("dice", "ggt-0.3", "ggt-0.8"):
        c = report.totals()[matcher]
        assert (c.gold, c.predicted, c.matched, c.attributed) == statements, matcher
        assert (c.reply_total, c.reply_correct) == (30, replies)
        assert c.stance_accuracy == 1.0
    r = report.role_totals()
    assert (r.gold, r.predicted, r.matched) == roles
