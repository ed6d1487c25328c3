"""Samples for the RDF tests: small extracts built with kg.records (written by the fixtures in conftest.py).

One article (four speakers, roles, two issues: positional agreement and conflict) and one thread (posts,
replies that agree and disagree, anonymous commenters, a reply coded to no issue). Texts hold curly quotes
and an emoji, so offsets in code points differ from UTF-16 and UTF-8 offsets.
"""

from __future__ import annotations

import socket
from pathlib import Path

from kg import extracts as kx
from kg.ids import actor_id, statement_id
from kg.records import Actor, Document, Extract, Issue, Post, Role, Statement

ARTICLE_ID = "police-plan-2022"
THREAD_ID = "talk-policing-2016"
RUN = {"software": "kg 0.1.0", "model": "en_core_web_sm 3.8.0", "codebook": "policing"}


def _stmt(doc: Document, speaker: str, text: str, kind: str, issues: list[str], stance: str,
          **kw: object) -> Statement:
    start = doc.text.index(text)
    end = start + len(text)
    return Statement(id=statement_id(doc.id, start, end), speaker=speaker, text=text, start=start, end=end,
                     kind=kind, issues=issues, stance=stance, **kw)  # type: ignore[arg-type]


def article() -> Extract:
    text = (
        "Mayor’s plan 👮 divides London\n\n"
        "Ken Marsh, chairman of the Metropolitan Police Federation, said: “The plan lacks detail.”\n\n"
        "Sadiq Khan, the Mayor of London, said: “We will put more officers on the streets and the plan "
        "sets clear priorities.”\n\n"
        "Susan Hall said the plan was vague.\n\n"
        "The Metropolitan Police Federation said: “More police is what London needs.”\n"
    )
    doc = Document(id=ARTICLE_ID, source="corpus/police-plan-2022.txt", kind="article", text=text,
                   title="Mayor’s plan 👮 divides London", published="2022-03-24")
    ken, sadiq, susan = (actor_id(n, "person") for n in ("Ken Marsh", "Sadiq Khan", "Susan Hall"))
    mpf = actor_id("Metropolitan Police Federation", "organisation")
    r1 = text.index("chairman of the Metropolitan Police Federation")
    r2 = text.index("the Mayor of London")
    actors = [
        Actor(ken, "Ken Marsh", "person", ["Mr Marsh"],
              [Role("chairman", "Metropolitan Police Federation", r1, r1 + len("chairman of the Metropolitan Police Federation"))]),
        Actor(sadiq, "Sadiq Khan", "person", [], [Role("Mayor of London", None, r2, r2 + len("the Mayor of London"))]),
        Actor(susan, "Susan Hall", "person"),
        Actor(mpf, "Metropolitan Police Federation", "organisation", ["the Federation"]),
    ]
    issues = [Issue("plan-detail", "detail of the plan"), Issue("police-numbers", "police numbers")]
    statements = [
        _stmt(doc, ken, "The plan lacks detail.", "direct", ["plan-detail"], "oppose", confidence=0.8,
              cue="said", target="the plan"),
        _stmt(doc, sadiq, "We will put more officers on the streets and the plan sets clear priorities.", "direct",
              ["police-numbers", "plan-detail"], "support", confidence=0.7, cue="said"),
        _stmt(doc, susan, "the plan was vague", "indirect", ["plan-detail"], "oppose", confidence=0.6, cue="said"),
        _stmt(doc, mpf, "More police is what London needs.", "direct", ["police-numbers"], "support",
              confidence=0.9, cue="said"),
    ]
    return Extract(doc, actors, issues, statements, dict(RUN))


def thread() -> Extract:
    comments = [
        ("Stop and search works and should be used more.", None, None),
        ("I agree!! Stop and search keeps knives off the street.", "Jane Doe", 0),
        ("Stop and search destroys trust 😡", None, 0),
        ("Then how do they reform???", None, 2),
        ("Neutral note: the meeting is on Tuesday.", "Jane Doe", None),
    ]
    text, posts, spans = "", [], []
    authors = ["anonymous-1", "Jane Doe", "anonymous-2", "anonymous-1", "Jane Doe"]
    for i, (body, author, parent) in enumerate(comments):
        start = len(text)
        text += body
        posts.append(Post(index=i, start=start, end=len(text), author=author,
                          author_type="person" if author else "anonymous", published="2016-05-0%d" % (i + 1),
                          reply_to=parent, opening=i == 0))
        spans.append((start, len(text)))
        text += "\n\n"
    doc = Document(id=THREAD_ID, source="corpus/talk.txt", kind="thread", text=text, title="Policing in London",
                   published="2016-05-01", posts=posts)
    ids = {a: actor_id(a, "person" if a == "Jane Doe" else "anonymous", doc.id) for a in set(authors)}
    actors = [Actor(ids[a], a, "person" if a == "Jane Doe" else "anonymous") for a in sorted(set(authors))]
    issues = [Issue("stop-and-search", "stop and search"), Issue("knife-crime", "knife crime"),
              Issue("trust-in-police", "trust in the police")]
    coding = [
        (["stop-and-search"], "support", None),
        (["stop-and-search", "knife-crime"], "support", "agree"),
        (["stop-and-search", "trust-in-police"], "oppose", "disagree"),
        ([], "neutral", "disagree"),
        ([], "neutral", None),
    ]
    statements: list[Statement] = []
    for i, ((body, _, parent), (iss, stance, rel)) in enumerate(zip(comments, coding)):
        start, end = spans[i]
        statements.append(Statement(
            id=statement_id(doc.id, start, end), speaker=ids[authors[i]], text=body, start=start, end=end,
            kind="comment", issues=iss, stance=stance, confidence=0.55,  # type: ignore[arg-type]
            reply_to=statements[parent].id if parent is not None else None, cue="comment", post=i,
            published=posts[i].published, reply_relation=rel))  # type: ignore[arg-type]
    return Extract(doc, actors, issues, statements, dict(RUN))


def write_small(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    kx.write(article(), out)
    kx.write(thread(), out)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
