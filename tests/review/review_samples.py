"""A small extracts file for the review workspace's tests (three statements, three actors, one issue)."""

from __future__ import annotations

from kg.ids import sha256_text

TEXT = "Ann Lee said the plan is good. Bob Ray said it is bad. Cat Poe said little."
BY, AT = "tester", "2026-01-01T00:00:00Z"


def _span(sub: str) -> tuple[int, int]:
    start = TEXT.index(sub)
    return start, start + len(sub)


def _statement(sid: str, speaker: str, sub: str, stance: str = "neutral", reply_to: str | None = None) -> dict:
    start, end = _span(sub)
    return {"id": sid, "speaker": speaker, "text": sub, "start": start, "end": end, "kind": "indirect",
            "issues": ["plan"], "stance": stance, "target": None, "confidence": 0.6, "reply_to": reply_to,
            "cue": "say", "post": None, "published": None, "evidence": [],
            "reply_relation": "disagree" if reply_to else None}


def _actor(aid: str, name: str, aliases=(), roles=()) -> dict:
    return {"id": aid, "name": name, "type": "person", "aliases": list(aliases), "roles": list(roles)}


def extract() -> dict:
    return {
        "document": {"id": "doc", "source": "doc.txt", "kind": "article", "title": "T", "published": "2022-03-24",
                     "text_sha256": sha256_text(TEXT), "text": TEXT, "posts": []},
        "run": {"kg": "test"},
        "actors": [_actor("ann-lee", "Ann Lee"), _actor("bob-ray", "Bob Ray"),
                   _actor("cat-poe", "Cat Poe", ["Ms Poe"], [{"role": "chair", "organisation": "X", "start": None,
                                                             "end": None}])],
        "issues": [{"id": "plan", "label": "the plan"}],
        "statements": [_statement("st-a", "ann-lee", "the plan is good", "support"),
                       _statement("st-b", "bob-ray", "it is bad", reply_to="st-a"),
                       _statement("st-c", "cat-poe", "little")],
    }
