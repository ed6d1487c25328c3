"""Extracts -> the store-neutral graph (``kg.graph.model``), then derived agreement and conflict."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from kg.extracts import check_together
from kg.graph.derive import derive_relations
from kg.graph.model import ACTOR_LABELS, Graph, Node, no_gc_pauses
from kg.ids import digest, slug
from kg.records import Extract

if TYPE_CHECKING:
    from kg.graph.resolve import Resolution


def stance_id(statement_id: str, issue_id: str) -> str:
    return f"stance-{digest(statement_id, issue_id)}"


def membership_id(actor_id: str, role: str, organisation: str | None) -> str:
    return f"mem-{digest(actor_id, role.lower(), (organisation or '').lower())}"


def _add_actor(g: Graph, actor_id: str, actor_type: str, *, name: str) -> Node:
    """Add (or update) an actor node. One actor is one type: an id ever seen as an organisation (an actor
    of that type, or named as the organisation of a role) is an Organization, whatever the order of the
    documents; otherwise the first type seen stays. (The extractor may call "Labour" a person in one place
    and name it as an organisation in a role: the node is one thing, and an IN_ORGANISATION edge must end
    at an Organization.)"""
    node = g.nodes.get(actor_id)
    if node is None:
        return g.add_node(actor_id, ("Actor", ACTOR_LABELS[actor_type]), id=actor_id, name=name, type=actor_type)
    if actor_type == "organisation" and node.props.get("type") != "organisation":
        node.labels = ("Actor", ACTOR_LABELS["organisation"])
        node.props["type"] = "organisation"
    node.props["name"] = name
    return node


def _resolved_actor(g: Graph, res: Resolution | None, actor_id: str, actor_type: str, name: str,
                    document: str) -> Node:
    """The node of the actor ``actor_id`` resolves to (``kg.graph.resolve``): its id, and the name and type
    of the actor file's entry when it has them; a merged id's name becomes an alias and the id is listed in
    ``same_as``. Without a resolution (or for an id no entry names), the actor as extracted."""
    if res is None:
        return _add_actor(g, actor_id, actor_type, name=name)
    cid = res.canonical(actor_id, document)
    entry = res.entry(cid)
    if entry is None:  # as extracted (a description: one actor per document, under a local id)
        return _add_actor(g, cid, actor_type, name=name)
    kept_name = res.name(cid) or name
    node = _add_actor(g, cid, actor_type if entry.type is None else entry.type, name=kept_name)
    if entry.type is not None and node.props["type"] != entry.type:  # a person recoded it
        node.labels = ("Actor", ACTOR_LABELS[entry.type])
        node.props["type"] = entry.type
    if entry.merge:  # merged everywhere: the same actor (merged in some documents only: an alias there)
        node.props["same_as"] = sorted(entry.merge)
    node.props["resolved_by"] = entry.by
    if name != kept_name:
        node.props["aliases"] = sorted(set(node.props.get("aliases") or []) | {name})
    return node


def add_extract(g: Graph, ex: Extract, resolution: Resolution | None = None) -> None:
    """Add one document's extract to ``g``: nodes first, then the edges between them. With a ``resolution``
    (the corpus-level actor file, ``kg.graph.resolve``), each actor id is the actor it resolves to."""
    doc = ex.document
    res = resolution
    canonical = (lambda actor_id: res.canonical(actor_id, doc.id)) if res is not None else (lambda actor_id: actor_id)
    g.add_node(doc.id, ("Document",), id=doc.id, title=doc.title, source=doc.source, kind=doc.kind,
               published=doc.published, text_sha256=doc.text_sha256)
    for a in ex.actors:
        node = _resolved_actor(g, res, a.id, a.type, a.name, doc.id)
        aid = node.id
        aliases = set(node.props.get("aliases") or []) | set(a.aliases)
        node.props["aliases"] = sorted(aliases)
        for r in a.roles:
            mid = membership_id(aid, r.role, r.organisation)
            g.add_node(mid, ("Membership",), id=mid, role=r.role, organisation=r.organisation,
                       document=doc.id, start=r.start, end=r.end)
            g.add_edge(aid, "HAS_MEMBERSHIP", mid, document=doc.id, start=r.start, end=r.end)
            if r.organisation:
                org = _resolved_actor(g, res, slug(r.organisation), "organisation", r.organisation, doc.id)
                org.props.setdefault("aliases", [])
                if org.props["type"] != "organisation":  # named as an organisation: one (see _add_actor)
                    _add_actor(g, org.id, "organisation", name=org.props["name"])
                g.add_edge(mid, "IN_ORGANISATION", org.id, document=doc.id, start=r.start, end=r.end)
    for i in ex.issues:
        g.add_node(i.id, ("Issue",), id=i.id, label=i.label)

    post_ids: dict[int, str] = {}
    for p in doc.posts:
        pid = f"{doc.id}#post-{p.index}"
        post_ids[p.index] = pid
        g.add_node(pid, ("Post",), id=pid, document=doc.id, index=p.index, start=p.start, end=p.end,
                   published=p.published, opening=p.opening)
    for p in doc.posts:
        pid = post_ids[p.index]
        g.add_edge(pid, "IN_THREAD", doc.id, document=doc.id, start=p.start, end=p.end)
        if p.reply_to is not None and p.reply_to in post_ids:
            g.add_edge(pid, "REPLY_TO", post_ids[p.reply_to], document=doc.id, start=p.start, end=p.end)

    for s in ex.statements:
        speaker = canonical(s.speaker)
        span = {"document": doc.id, "start": s.start, "end": s.end}
        g.add_node(s.id, ("Statement",), id=s.id, text=s.text, kind=s.kind, document=doc.id, start=s.start,
                   end=s.end, stance=s.stance, confidence=s.confidence, target=s.target, cue=s.cue,
                   published=s.published or doc.published, reply_relation=s.reply_relation,
                   corrected=",".join(sorted(s.corrected)) or None,
                   corrected_by=",".join(sorted({c.get("by", "person") for c in s.corrected.values()})) or None)
        g.add_edge(s.id, "SPOKEN_BY", speaker, **span)
        g.add_edge(s.id, "FROM_DOCUMENT", doc.id, **span)
        if s.post is not None and s.post in post_ids:
            g.add_edge(s.id, "IN_POST", post_ids[s.post], **span)
            g.add_edge(post_ids[s.post], "CREATED_BY", speaker, **span)
        if s.reply_to is not None:
            g.add_edge(s.id, "REPLY_TO", s.reply_to, **span)
        for issue in s.issues:
            g.add_edge(s.id, "ABOUT", issue, **span)
            sid = stance_id(s.id, issue)
            strength = 0.0 if s.stance == "neutral" else 1.0
            g.add_node(sid, ("Stance",), id=sid, polarity=s.stance, strength=strength,
                       confidence=s.confidence, statement=s.id, holder=speaker, issue=issue,
                       target=s.target, document=doc.id, start=s.start, end=s.end,
                       published=s.published or doc.published)
            g.add_edge(sid, "EXPRESSED_IN", s.id, **span)
            g.add_edge(sid, "HELD_BY", speaker, **span)
            g.add_edge(sid, "TARGETS", issue, **span)


def build_graph(extracts: Iterable[Extract], *, min_net: int = 1, resolution: Resolution | None = None) -> Graph:
    """One graph from many extracts, with derived Agreement / Conflict (see ``kg.graph.derive``). With a
    ``resolution`` (``kg.graph.resolve.resolve``), one actor per person across the corpus.

    Extracts that cannot go together (one document or statement id in two of them, see
    ``kg.extracts.check_together``) raise ``ExtractsError`` before anything is built: the graph would
    silently lose a statement and gain edges from the other copy."""
    exs = sorted(extracts, key=lambda e: e.document.id)
    check_together(exs)
    g = Graph()
    with no_gc_pauses():
        for ex in exs:
            add_extract(g, ex, resolution)
        derive_relations(g, min_net=min_net)
    return g
