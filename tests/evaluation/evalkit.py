"""Builders for the evaluation tests: extracts and gold files written into a temporary folder from small tables."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kg import extracts
from kg.ids import actor_id, issue_id, statement_id
from kg.records import Actor, Document, Extract, Issue, Role, Statement


@dataclass
class P:
    """A predicted statement: its text (located in the document, ``nth`` occurrence) or explicit offsets."""

    speaker: str
    text: str | None = None
    start: int | None = None
    end: int | None = None
    kind: str = "direct"
    stance: str = "neutral"
    reply_to: int | None = None  # index of the parent in the same list
    nth: int = 0
    actor_type: str = "person"
    aliases: tuple[str, ...] = ()
    roles: tuple[tuple[str, str | None], ...] = ()
    issues: tuple[str, ...] = ()  # issue labels (ids made from them)


def span_of(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return at, at + len(needle)


def build_extract(doc_id: str, text: str, preds: list[P], *, kind: str = "article",
                  roles: dict[str, list[tuple[str, str | None]]] | None = None,
                  actor_types: dict[str, str] | None = None, published: str | None = None) -> Extract:
    """An extract of ``text`` with the statements ``preds``; ``roles`` gives actors (by name) roles, creating
    actors that have no statement (of the type in ``actor_types``, default person)."""
    actors: dict[str, Actor] = {}
    statements: list[Statement] = []
    issues: dict[str, Issue] = {}
    for p in preds:
        aid = actor_id(p.speaker, p.actor_type, doc_id)
        a = actors.setdefault(aid, Actor(aid, p.speaker, p.actor_type, [], []))
        a.aliases = sorted(set(a.aliases) | set(p.aliases))
        for role, org in p.roles:
            if all((r.role, r.organisation) != (role, org) for r in a.roles):
                a.roles.append(Role(role, org))
        start, end = (p.start, p.end) if p.start is not None else span_of(text, p.text, p.nth)
        sid = statement_id(doc_id, start, end)
        parent = statements[p.reply_to].id if p.reply_to is not None else None
        for label in p.issues:
            issues.setdefault(issue_id(label), Issue(issue_id(label), label))
        statements.append(Statement(sid, aid, text[start:end], start, end, p.kind, stance=p.stance,
                                    reply_to=parent, issues=[issue_id(label) for label in p.issues]))
    for name, pairs in (roles or {}).items():
        type_ = (actor_types or {}).get(name, "person")
        aid = actor_id(name, type_, doc_id)
        a = actors.setdefault(aid, Actor(aid, name, type_, [], []))
        a.roles.extend(Role(role, org) for role, org in pairs)
    doc = Document(doc_id, f"{doc_id}.txt", kind, text, published=published)
    return Extract(doc, sorted(actors.values(), key=lambda a: a.id), sorted(issues.values(), key=lambda i: i.id),
                   statements)


@dataclass
class Workspace:
    root: Path
    gold: Path = field(init=False)
    out: Path = field(init=False)

    def __post_init__(self) -> None:
        self.gold = self.root / "gold"
        self.out = self.root / "extracts"
        self.gold.mkdir()
        self.out.mkdir()

    def write_gold(self, doc_id: str, data: dict) -> Path:
        path = self.gold / f"{doc_id}.json"
        path.write_text(json.dumps({"id": doc_id, **data}), encoding="utf-8")
        return path

    def write_extract(self, extract: Extract) -> Path:
        return extracts.write(extract, self.out)
