"""Extracts built by hand for the export tests: one sentence per statement, actors named as the test needs
(formula-like names, control characters), so the analysis sees exactly those names."""

from __future__ import annotations

from typing import NamedTuple

from kg.ids import actor_id, issue_id, statement_id
from kg.records import Actor, Document, Extract, Issue, Role, Statement


class Said(NamedTuple):
    speaker: str
    organisation: str | None
    issue: str
    stance: str  # support | oppose | neutral
    text: str | None = None  # the sentence (default: a neutral one naming its position in the article)


def article(doc_id: str, published: str | None, said: list[Said]) -> Extract:
    """An article whose text is one sentence per statement; each speaker a person, member of its
    organisation (role evidence: its first statement)."""
    sentences, starts, pos = [], [], 0
    for n, s in enumerate(said):
        sentence = s.text or f"Someone spoke about matter {n + 1} ({s.stance})."
        sentences.append(sentence)
        starts.append(pos)
        pos += len(sentence) + 1
    text = " ".join(sentences)
    actors: dict[str, Actor] = {}
    issues: dict[str, Issue] = {}
    statements = []
    for s, sentence, start in zip(said, sentences, starts):
        aid = actor_id(s.speaker, "person")
        actor = actors.setdefault(aid, Actor(aid, s.speaker, "person"))
        if s.organisation and not actor.roles:
            actor.roles.append(Role("member", s.organisation, start, start + len(sentence)))
        iid = issue_id(s.issue)
        issues.setdefault(iid, Issue(iid, s.issue))
        end = start + len(sentence)
        statements.append(Statement(statement_id(doc_id, start, end), aid, sentence, start, end, "indirect",
                                    issues=[iid], stance=s.stance, confidence=0.9, cue="said"))
    doc = Document(doc_id, f"{doc_id}.txt", "article", text, doc_id, published)
    return Extract(doc, sorted(actors.values(), key=lambda a: a.id), sorted(issues.values(), key=lambda i: i.id),
                   statements)
