"""Small extracts for the Neo4j tests, built with kg.records (written by the tests with kg.extracts.write)."""

from __future__ import annotations

from kg.ids import actor_id, statement_id
from kg.records import Actor, Document, Extract, Issue, Post, Role, Statement

ARTICLE_ID = "plan-article"
THREAD_ID = "plan-thread"


def _stmt(doc: Document, speaker: str, text: str, kind: str, issues: list[str], stance: str,
          **kw: object) -> Statement:
    start = doc.text.index(text)
    end = start + len(text)
    return Statement(id=statement_id(doc.id, start, end), speaker=speaker, text=text, start=start, end=end,
                     kind=kind, issues=issues, stance=stance, **kw)  # type: ignore[arg-type]


def article(variant: str = "base") -> Extract:
    """Three speakers on the plan: two for, one against; ``variant="reextracted"`` changes the last two."""
    text = (
        "London’s police plan 👮 splits opinion\n\n"
        "Ken Marsh, chairman of the Metropolitan Police Federation, said: “The plan rightly puts victims first.”\n\n"
        "Sadiq Khan said: “This plan will cut crime.”\n\n"
        "Susan Hall said: “The plan will fail victims.”\n"
    )
    doc = Document(id=ARTICLE_ID, source="tests/plan-article.txt", kind="article", text=text,
                   title="London’s police plan splits opinion", published="2022-03-24")
    ken, sadiq, susan = (actor_id(n, "person") for n in ("Ken Marsh", "Sadiq Khan", "Susan Hall"))
    actors = [
        Actor(ken, "Ken Marsh", "person", ["Mr Marsh"], [Role("chairman", "Metropolitan Police Federation")]),
        Actor(sadiq, "Sadiq Khan", "person", ["Mayor"]),
        Actor(susan, "Susan Hall", "person"),
    ]
    issues = [Issue("police-plan", "the police and crime plan"), Issue("victims", "victims")]
    statements = [
        _stmt(doc, ken, "The plan rightly puts victims first.", "direct", ["police-plan", "victims"], "support",
              confidence=0.8, cue="said"),
        _stmt(doc, sadiq, "This plan will cut crime.", "direct", ["police-plan"], "support", confidence=0.7,
              cue="said"),
        _stmt(doc, susan, "The plan will fail victims.", "direct", ["police-plan"], "oppose", confidence=0.9,
              cue="said"),
    ]
    if variant == "reextracted":
        # Sadiq Khan's quote is no longer found; Susan Hall's is now read as about victims only.
        statements = [statements[0],
                      _stmt(doc, susan, "The plan will fail victims.", "direct", ["victims"], "oppose",
                            confidence=0.6, cue="said")]
        actors = [a for a in actors if a.id != sadiq]
    return Extract(doc, actors, issues, statements, run={"software": "kg tests"})


def thread() -> Extract:
    """An opening post and two replies: one agrees, one answers back."""
    text = ("The Mayor must fund more officers.\n\n"
            "I agree!! More officers please.\n\n"
            "Then how do they reform??? Money alone fixes nothing.\n")
    p0 = text.index("The Mayor")
    p1 = text.index("I agree")
    p2 = text.index("Then how")
    posts = [Post(0, p0, p1 - 2, None, "anonymous", "2016-05-01", None, True),
             Post(1, p1, p2 - 2, None, "anonymous", "2016-05-02", 0),
             Post(2, p2, len(text) - 1, "Sam Smith", "person", "2016-05-03", 0)]
    doc = Document(id=THREAD_ID, source="tests/plan-thread.html", kind="thread", text=text,
                   title="Mayor and policing", published="2016-05-01", posts=posts)
    a1 = actor_id("anonymous-1", "anonymous", doc.id)
    a2 = actor_id("anonymous-2", "anonymous", doc.id)
    sam = actor_id("Sam Smith", "person")
    actors = [Actor(a1, "anonymous-1", "anonymous"), Actor(a2, "anonymous-2", "anonymous"),
              Actor(sam, "Sam Smith", "person")]
    issues = [Issue("police-funding", "police funding")]
    s0 = _stmt(doc, a1, "The Mayor must fund more officers.", "comment", ["police-funding"], "support",
               post=0, cue="comment")
    s1 = _stmt(doc, a2, "I agree!! More officers please.", "comment", ["police-funding"], "support",
               post=1, reply_to=s0.id, reply_relation="agree", cue="comment")
    s2 = _stmt(doc, sam, "Then how do they reform??? Money alone fixes nothing.", "comment", ["police-funding"],
               "oppose", post=2, reply_to=s0.id, reply_relation="disagree", cue="comment")
    return Extract(doc, actors, issues, [s0, s1, s2], run={"software": "kg tests"})
