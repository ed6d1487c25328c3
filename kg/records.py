"""Every record that crosses a stage boundary, in one module.

Records carry document ids and character offsets (code points into the document's normalised text, end
excluded), never spaCy objects, so they serialise to the extracts files (see ``kg.extracts``) and every
edge of the graph can be traced back to the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from kg.ids import sha256_text

DocumentKind = Literal["article", "thread"]
ActorType = Literal["person", "organisation", "anonymous"]
StatementKind = Literal["direct", "indirect", "comment"]
Polarity = Literal["support", "oppose", "neutral"]

DOCUMENT_KINDS: tuple[str, ...] = ("article", "thread")
ACTOR_TYPES: tuple[str, ...] = ("person", "organisation", "anonymous")
STATEMENT_KINDS: tuple[str, ...] = ("direct", "indirect", "comment")
POLARITIES: tuple[str, ...] = ("support", "oppose", "neutral")


# --------------------------------------------------------------------------------------------- ingest
@dataclass
class Post:
    """One comment of a thread: where it sits in the document text, who wrote it, what it answers."""

    index: int
    start: int
    end: int
    author: str | None = None  # display name as shown; None for an anonymous commenter
    author_type: ActorType = "anonymous"
    published: str | None = None
    reply_to: int | None = None  # index of the parent post
    opening: bool = False  # the thread's opening post


@dataclass
class Document:
    """A news article or a comment thread, with its normalised text."""

    id: str
    source: str
    kind: DocumentKind
    text: str
    title: str | None = None
    published: str | None = None
    posts: list[Post] = field(default_factory=list)
    # a person marked the whole document reviewed: {"by": who, "at": ISO time}; None: not (yet)
    reviewed: dict[str, Any] | None = None
    # which reader made it ("article (text)", "thread page ('u/name date' headers)"); not written to extracts
    reader: str | None = field(default=None, compare=False)
    # repairable problems the reader fixed, one line each naming the file (shown once, not saved)
    warnings: list[str] = field(default_factory=list, compare=False)

    @property
    def text_sha256(self) -> str:
        return sha256_text(self.text)


# -------------------------------------------------------------------------------------------- extract
@dataclass
class Role:
    """A role an actor holds: ``chairman`` of ``Metropolitan Police Federation``; offsets of the evidence."""

    role: str
    organisation: str | None = None
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "organisation": self.organisation, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Role:
        return cls(d["role"], d.get("organisation"), d.get("start"), d.get("end"))


@dataclass
class Actor:
    id: str
    name: str
    type: ActorType
    aliases: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "aliases": list(self.aliases),
            "roles": [r.to_dict() for r in self.roles],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Actor:
        return cls(d["id"], d["name"], d["type"], list(d.get("aliases", [])),
                   [Role.from_dict(r) for r in d.get("roles", [])])


@dataclass
class Issue:
    id: str
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Issue:
        return cls(d["id"], d["label"])


@dataclass
class Evidence:
    """A cue in the text that supports a stance or an issue label (``"rightly prioritises"``)."""

    start: int
    end: int
    cue: str
    polarity: Polarity | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "cue": self.cue, "polarity": self.polarity}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        return cls(d["start"], d["end"], d["cue"], d.get("polarity"))


@dataclass
class Statement:
    id: str
    speaker: str  # actor id
    text: str
    start: int
    end: int
    kind: StatementKind
    issues: list[str] = field(default_factory=list)  # issue ids
    stance: Polarity = "neutral"
    target: str | None = None
    confidence: float = 0.5
    reply_to: str | None = None  # statement id
    cue: str | None = None  # reporting verb or construction ("said", "according to", "comment")
    post: int | None = None  # index of the post in a thread
    published: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    reply_relation: Literal["agree", "disagree"] | None = None  # a reply's relation to its parent
    stance_probability: float | None = None  # the stance model's calibrated probability of ``stance``
    # fields a person decided: {field: {"by": who, "at": ISO time, "machine": the machine's value}};
    # "statement" for a statement a person added. Empty: every field is the machine run's (``Extract.run``).
    corrected: dict[str, dict[str, Any]] = field(default_factory=dict)
    # a person checked this statement (``kg review``): {"by": who, "at": ISO time}; None: not (yet)
    reviewed: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {
            "id": self.id,
            "speaker": self.speaker,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "issues": list(self.issues),
            "stance": self.stance,
            "target": self.target,
            "confidence": round(float(self.confidence), 4),
            "reply_to": self.reply_to,
            "cue": self.cue,
            "post": self.post,
            "published": self.published,
            "evidence": [e.to_dict() for e in self.evidence],
            "reply_relation": self.reply_relation,
        }
        if self.stance_probability is not None:
            d["stance_probability"] = round(float(self.stance_probability), 4)
        if self.corrected:
            d["corrected"] = {k: dict(v) for k, v in sorted(self.corrected.items())}
        if self.reviewed:
            d["reviewed"] = dict(self.reviewed)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Statement:
        return cls(
            id=d["id"], speaker=d["speaker"], text=d["text"], start=d["start"], end=d["end"],
            kind=d["kind"], issues=list(d.get("issues", [])), stance=d.get("stance") or "neutral",
            target=d.get("target"), confidence=float(d.get("confidence", 0.5)),
            reply_to=d.get("reply_to"), cue=d.get("cue"), post=d.get("post"),
            published=d.get("published"),
            evidence=[Evidence.from_dict(e) for e in d.get("evidence", [])],
            reply_relation=d.get("reply_relation"),
            stance_probability=d.get("stance_probability"),
            corrected={k: dict(v) for k, v in (d.get("corrected") or {}).items()},
            reviewed=dict(d["reviewed"]) if d.get("reviewed") else None,
        )


@dataclass
class Extract:
    """Everything extracted from one document: the unit of ``extracts/<document id>.json``."""

    document: Document
    actors: list[Actor] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    run: dict[str, Any] = field(default_factory=dict)  # software version, model, codebook

    def actor(self, actor_id: str) -> Actor:
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)

    def to_dict(self) -> dict[str, Any]:
        doc = self.document
        out: dict[str, Any] = {
            "document": {
                "id": doc.id,
                "source": doc.source,
                "kind": doc.kind,
                "title": doc.title,
                "published": doc.published,
                "text_sha256": doc.text_sha256,
                "text": doc.text,
                "posts": [
                    {
                        "index": p.index, "start": p.start, "end": p.end, "author": p.author,
                        "author_type": p.author_type, "published": p.published,
                        "reply_to": p.reply_to, "opening": p.opening,
                    }
                    for p in doc.posts
                ],
            },
            "run": dict(self.run),
            "actors": [a.to_dict() for a in self.actors],
            "issues": [i.to_dict() for i in self.issues],
            "statements": [s.to_dict() for s in self.statements],
        }
        if doc.reviewed:
            out["document"]["reviewed"] = dict(doc.reviewed)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Extract:
        dd = d["document"]
        posts = [
            Post(index=p["index"], start=p["start"], end=p["end"], author=p.get("author"),
                 author_type=p.get("author_type", "anonymous"), published=p.get("published"),
                 reply_to=p.get("reply_to"), opening=bool(p.get("opening", False)))
            for p in dd.get("posts", [])
        ]
        document = Document(id=dd["id"], source=dd["source"], kind=dd["kind"], text=dd.get("text", ""),
                            title=dd.get("title"), published=dd.get("published"), posts=posts,
                            reviewed=dict(dd["reviewed"]) if dd.get("reviewed") else None)
        return cls(
            document=document,
            actors=[Actor.from_dict(a) for a in d.get("actors", [])],
            issues=[Issue.from_dict(i) for i in d.get("issues", [])],
            statements=[Statement.from_dict(s) for s in d.get("statements", [])],
            run=dict(d.get("run", {})),
        )
