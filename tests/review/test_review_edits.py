"""The review workspace's edits as tables: each edit on a small extracts file, what it must change, and the
edits that would break the contract (with the message they give). Every result is checked against the
contract, and the input is never changed."""

from __future__ import annotations

import copy
import json

import pytest

from kg import extracts as kx
from kg.corrections import merge
from kg.errors import ExtractsError
from kg.ids import statement_id
from kg.records import Extract
from kg.review import edits as ke
from review_samples import AT, BY, TEXT, _span, extract

def st(data: dict, sid: str) -> dict:
    return next(s for s in data["statements"] if s["id"] == sid)


def mark(machine):
    return {"by": BY, "at": AT, "machine": machine}


NEW_SID = statement_id("doc", *_span("Bob Ray"))

# (name, edit, check of the result)
POSITIVE = [
    ("stance", lambda d: ke.set_stance(d, "st-b", "oppose", by=BY, at=AT),
     lambda d: st(d, "st-b")["stance"] == "oppose" and st(d, "st-b")["corrected"] == {"stance": mark("neutral")}
     and st(d, "st-b")["reviewed"] == {"by": BY, "at": AT}),
    ("stance unchanged: no mark", lambda d: ke.set_stance(d, "st-a", "support", by=BY, at=AT),
     lambda d: "corrected" not in st(d, "st-a") and st(d, "st-a")["reviewed"]["by"] == BY),
    ("stance set back to the machine's: mark gone",
     lambda d: ke.set_stance(ke.set_stance(d, "st-b", "oppose", by=BY, at=AT), "st-b", "neutral", by=BY, at=AT),
     lambda d: st(d, "st-b")["stance"] == "neutral" and "corrected" not in st(d, "st-b")),
    ("stance twice: the machine's value kept",
     lambda d: ke.set_stance(ke.set_stance(d, "st-b", "oppose", by=BY, at=AT), "st-b", "support", by=BY, at=AT),
     lambda d: st(d, "st-b")["corrected"]["stance"]["machine"] == "neutral"),
    ("speaker", lambda d: ke.set_speaker(d, "st-c", "ann-lee", by=BY, at=AT),
     lambda d: st(d, "st-c")["speaker"] == "ann-lee" and st(d, "st-c")["corrected"]["speaker"] == mark("cat-poe")),
    ("create actor", lambda d: ke.create_actor(d, "  Dan  Day ", "organisation"),
     lambda d: {"id": "dan-day", "name": "Dan Day", "type": "organisation", "aliases": [], "roles": []}
     in d["actors"]),
    ("create anonymous actor: id local to the document", lambda d: ke.create_actor(d, "a reader", "anonymous"),
     lambda d: any(a["id"].startswith("anon-") and a["name"] == "a reader" for a in d["actors"])),
    ("issues from the file", lambda d: ke.set_issues(d, "st-c", [], by=BY, at=AT),
     lambda d: st(d, "st-c")["issues"] == [] and st(d, "st-c")["corrected"]["issues"] == mark(["plan"])),
    ("issues from the codebook join the file",
     lambda d: ke.set_issues(d, "st-c", ["plan", "pay"], by=BY, at=AT, known={"pay": "police pay"}),
     lambda d: st(d, "st-c")["issues"] == ["plan", "pay"] and {"id": "pay", "label": "police pay"} in d["issues"]),
    ("kind", lambda d: ke.set_kind(d, "st-a", "direct", by=BY, at=AT),
     lambda d: st(d, "st-a")["kind"] == "direct" and st(d, "st-a")["corrected"]["kind"] == mark("indirect")),
    ("span", lambda d: ke.set_span(d, "st-a", *_span("plan is good"), by=BY, at=AT),
     lambda d: st(d, "st-a")["text"] == "plan is good" and st(d, "st-a")["id"] == "st-a"
     and set(st(d, "st-a")["corrected"]) == {"start", "text"}),  # the end did not move
    ("add statement", lambda d: ke.add_statement(d, *_span("Bob Ray"), "bob-ray", by=BY, at=AT, stance="oppose"),
     lambda d: st(d, NEW_SID)["text"] == "Bob Ray" and st(d, NEW_SID)["stance"] == "oppose"
     and st(d, NEW_SID)["kind"] == "direct" and st(d, NEW_SID)["published"] == "2022-03-24"
     and st(d, NEW_SID)["corrected"] == {"statement": mark(None)}
     and [s["start"] for s in d["statements"]] == sorted(s["start"] for s in d["statements"])),
    ("edit an added statement: one mark only",
     lambda d: ke.set_stance(ke.add_statement(d, *_span("Bob Ray"), "bob-ray", by=BY, at=AT), NEW_SID, "support",
                             by=BY, at=AT),
     lambda d: st(d, NEW_SID)["corrected"] == {"statement": mark(None)} and st(d, NEW_SID)["stance"] == "support"),
    ("delete: replies to it become top-level", lambda d: ke.delete_statement(d, "st-a"),
     lambda d: [s["id"] for s in d["statements"]] == ["st-b", "st-c"] and st(d, "st-b")["reply_to"] is None
     and st(d, "st-b")["reply_relation"] is None),
    ("merge actors", lambda d: ke.merge_actors(d, "ann-lee", "cat-poe", by=BY, at=AT),
     lambda d: "cat-poe" not in {a["id"] for a in d["actors"]} and st(d, "st-c")["speaker"] == "ann-lee"
     and st(d, "st-c")["corrected"]["speaker"] == mark("cat-poe")
     and d["actors"][0]["aliases"] == ["Cat Poe", "Ms Poe"] and d["actors"][0]["roles"][0]["role"] == "chair"),
    ("mark one statement reviewed", lambda d: ke.mark_reviewed(d, "st-b", by=BY, at=AT),
     lambda d: st(d, "st-b")["reviewed"] == {"by": BY, "at": AT} and "reviewed" not in st(d, "st-a")
     and "reviewed" not in d["document"] and "corrected" not in st(d, "st-b")),
    ("mark the document reviewed: every statement too", lambda d: ke.mark_reviewed(d, by=BY, at=AT),
     lambda d: d["document"]["reviewed"] == {"by": BY, "at": AT} and all(s.get("reviewed") for s in d["statements"])),
    ("unmark the document", lambda d: ke.mark_reviewed(ke.mark_reviewed(d, by=BY, at=AT), by=BY, at=AT,
                                                       reviewed=False),
     lambda d: "reviewed" not in d["document"]),
    ("unmark a statement", lambda d: ke.mark_reviewed(ke.mark_reviewed(d, "st-a", by=BY, at=AT), "st-a", by=BY,
                                                      at=AT, reviewed=False),
     lambda d: "reviewed" not in st(d, "st-a")),
    ("apply: the request form", lambda d: ke.apply(d, "set_stance", {"statement": "st-c", "stance": "support"},
                                                   by=BY, at=AT),
     lambda d: st(d, "st-c")["stance"] == "support"),
    ("apply: add with issues", lambda d: ke.apply(d, "add_statement", {"start": 0, "end": 7, "speaker": "ann-lee",
                                                                        "issues": ["plan"]}, by=BY, at=AT),
     lambda d: st(d, statement_id("doc", 0, 7))["issues"] == ["plan"]),
]


@pytest.mark.parametrize("name,edit,ok", POSITIVE, ids=[p[0] for p in POSITIVE])
def test_edit(name, edit, ok):
    data = extract()
    before = copy.deepcopy(data)
    out = edit(data)
    assert data == before, "an edit must not change its input"
    kx.check(out, "result")
    # and the file kg writes holds the same (reviewed and corrected survive the records)
    assert json.loads(kx.dumps(Extract.from_dict(out))) == out
    assert ok(out)


# (name, edit, a piece of the message)
NEGATIVE = [
    ("unknown stance", lambda d: ke.set_stance(d, "st-a", "maybe", by=BY, at=AT), "stance 'maybe'"),
    ("unknown statement", lambda d: ke.set_stance(d, "st-x", "oppose", by=BY, at=AT), "statement 'st-x'"),
    ("unknown actor", lambda d: ke.set_speaker(d, "st-a", "zed", by=BY, at=AT), "actor 'zed' is not an actor"),
    ("actor without a name", lambda d: ke.create_actor(d, "  ", "person"), "needs a name"),
    ("actor of no type", lambda d: ke.create_actor(d, "Dan", "robot"), "actor type 'robot'"),
    ("actor already there", lambda d: ke.create_actor(d, "Ann Lee", "person"), "already exists"),
    ("unknown issue", lambda d: ke.set_issues(d, "st-a", ["pay"], by=BY, at=AT), "issue 'pay' is not"),
    ("issues not a list", lambda d: ke.set_issues(d, "st-a", "plan", by=BY, at=AT), "a list of issue ids"),
    ("unknown kind", lambda d: ke.set_kind(d, "st-a", "rumour", by=BY, at=AT), "kind 'rumour'"),
    ("span reversed", lambda d: ke.set_span(d, "st-a", 10, 5, by=BY, at=AT), "outside the document's text"),
    ("span past the end", lambda d: ke.set_span(d, "st-a", 5, len(TEXT) + 1, by=BY, at=AT), "outside"),
    ("span of white space", lambda d: ke.set_span(d, "st-a", 7, 8, by=BY, at=AT), "only white space"),
    ("span with white space at an edge", lambda d: ke.set_span(d, "st-a", 7, 12, by=BY, at=AT), "white space"),
    ("span onto another statement", lambda d: ke.set_span(d, "st-a", *_span("little"), by=BY, at=AT),
     "already statement 'st-c'"),
    ("span not numbers", lambda d: ke.set_span(d, "st-a", "1", 5, by=BY, at=AT), "whole numbers"),
    ("add over an existing statement", lambda d: ke.add_statement(d, *_span("little"), "cat-poe", by=BY, at=AT),
     "already statement"),
    ("add by an unknown speaker", lambda d: ke.add_statement(d, 0, 7, "zed", by=BY, at=AT), "actor 'zed'"),
    ("add with an unknown issue", lambda d: ke.add_statement(d, 0, 7, "ann-lee", by=BY, at=AT, issues=["x"]),
     "issue 'x'"),
    ("delete unknown", lambda d: ke.delete_statement(d, "st-x"), "statement 'st-x'"),
    ("merge with itself", lambda d: ke.merge_actors(d, "ann-lee", "ann-lee", by=BY, at=AT), "with itself"),
    ("merge unknown", lambda d: ke.merge_actors(d, "ann-lee", "zed", by=BY, at=AT), "actor 'zed'"),
    ("review unknown statement", lambda d: ke.mark_reviewed(d, "st-x", by=BY, at=AT), "statement 'st-x'"),
    ("apply: unknown op", lambda d: ke.apply(d, "rm_rf", {}, by=BY, at=AT), "unknown edit 'rm_rf'"),
    ("apply: missing argument", lambda d: ke.apply(d, "set_stance", {"statement": "st-a"}, by=BY, at=AT),
     "missing stance"),
    ("apply: unknown argument", lambda d: ke.apply(d, "delete_statement", {"statement": "st-a", "path": "/etc"},
                                                   by=BY, at=AT), "unknown path"),
    ("no text to review", lambda d: ke.set_span({**d, "document": {**d["document"], "text": ""}}, "st-a", 0, 3,
                                                by=BY, at=AT), "has no text"),
]


@pytest.mark.parametrize("name,edit,message", NEGATIVE, ids=[n[0] for n in NEGATIVE])
def test_edit_refused(name, edit, message):
    data = extract()
    before = copy.deepcopy(data)
    with pytest.raises(ExtractsError, match=message.replace("(", r"\(")):
        edit(data)
    assert data == before


def test_workspace_edits_survive_the_merge_with_their_marks():
    """What the workspace saves is what kg.corrections merges: the marks it wrote are kept as they are, the
    reviewed marks ride along without becoming corrections."""
    base = extract()
    current = ke.set_stance(base, "st-b", "oppose", by=BY, at=AT)
    current = ke.mark_reviewed(current, by=BY, at=AT)
    merged, report = merge(base, current, extract(), at="2030-01-01T00:00:00Z", by="someone")
    kx.check(merged, "merged")
    assert st(merged, "st-b")["stance"] == "oppose"
    assert st(merged, "st-b")["corrected"] == {"stance": mark("neutral")}
    assert st(merged, "st-a")["reviewed"] == {"by": BY, "at": AT} and "corrected" not in st(merged, "st-a")
    assert merged["document"]["reviewed"] == {"by": BY, "at": AT}
    assert report.kept_fields == 1  # the stance; review marks are kept, not counted as corrections
