"""The store-neutral graph: typed nodes and edges that every back end (networkx, RDF, Neo4j) consumes.

Node labels and relationship types are the property-graph form of the ontology (``ontology/kg.ttl``):

    (:Statement)-[:SPOKEN_BY]->(:Actor)            speaker   (prov:wasAttributedTo)
    (:Statement)-[:FROM_DOCUMENT]->(:Document)     source    (prov:wasQuotedFrom), with start/end
    (:Statement)-[:IN_POST]->(:Post)               the comment a statement is
    (:Statement)-[:ABOUT]->(:Issue)
    (:Statement)-[:REPLY_TO]->(:Statement)
    (:Post)-[:IN_THREAD]->(:Document)   (:Post)-[:REPLY_TO]->(:Post)   (:Post)-[:CREATED_BY]->(:Actor)
    (:Actor)-[:HAS_MEMBERSHIP]->(:Membership)-[:IN_ORGANISATION]->(:Organization)   roles (org:Membership)
    (:Stance)-[:EXPRESSED_IN]->(:Statement)  (:Stance)-[:HELD_BY]->(:Actor)  (:Stance)-[:TARGETS]->(:Issue)
    (:Actor)-[:SUPPORTS|OPPOSES {derived: true}]->(:Issue)                   shortcut edges
    (:Agreement|:Conflict)-[:BETWEEN]->(:Actor) x2, -[:ON_ISSUE]->(:Issue), -[:EVIDENCE]->(:Stance)
    (:Actor)-[:AGREES_WITH|CONFLICTS_WITH {derived: true}]->(:Actor)         shortcut edges

Every edge carries provenance: extracted edges have ``document``, ``start`` and ``end``; derived edges have
``evidence``, the ids of the statements behind them.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

ACTOR_LABELS = {"person": "Person", "organisation": "Organization", "anonymous": "Anonymous"}

NODE_LABELS = (
    "Actor", "Person", "Organization", "Anonymous", "Document", "Post", "Statement", "Issue", "Stance",
    "Membership", "Agreement", "Conflict",
)
EDGE_TYPES = (
    "SPOKEN_BY", "FROM_DOCUMENT", "IN_POST", "ABOUT", "REPLY_TO", "IN_THREAD", "CREATED_BY",
    "HAS_MEMBERSHIP", "IN_ORGANISATION", "EXPRESSED_IN", "HELD_BY", "TARGETS", "SUPPORTS", "OPPOSES",
    "BETWEEN", "ON_ISSUE", "EVIDENCE", "AGREES_WITH", "CONFLICTS_WITH",
)
_EDGE_TYPE_SET = frozenset(EDGE_TYPES)


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Building a large graph makes millions of small dicts and lists that all stay alive: Python's cyclic
    garbage collector would scan them again and again for nothing (half the time of a 100k-statement build).
    Inside this block it does not run; it is switched back on (if it was on) at the end."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@dataclass
class Node:
    id: str
    labels: tuple[str, ...]  # primary label first ("Actor", "Person")
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.labels[0]


@dataclass
class Edge:
    source: str
    type: str
    target: str
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.type, self.target)


@dataclass
class Graph:
    """Nodes by id and edges by (source, type, target): adding the same thing twice changes nothing."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)

    def add_node(self, node_id: str, labels: tuple[str, ...], **props: Any) -> Node:
        node = self.nodes.get(node_id)
        if node is None:  # ``props`` is a fresh dict made for this call: kept, not copied
            node = self.nodes[node_id] = Node(node_id, labels, props)
        else:
            for k, v in props.items():
                if v is not None or k not in node.props:
                    node.props[k] = v
        return node

    def add_edge(self, source: str, type_: str, target: str, **props: Any) -> Edge:
        if type_ not in _EDGE_TYPE_SET:
            raise ValueError(f"unknown edge type {type_!r}; one of {', '.join(EDGE_TYPES)}")
        key = (source, type_, target)
        edge = self.edges.get(key)
        if edge is None:
            edge = self.edges[key] = Edge(source, type_, target, props)
        else:
            edge.props.update(props)
        return edge

    def by_label(self, label: str) -> Iterator[Node]:
        return (n for n in self.nodes.values() if label in n.labels)

    def out_edges(self, source: str, type_: str | None = None) -> Iterator[Edge]:
        return (e for e in self.edges.values() if e.source == source and (type_ is None or e.type == type_))

    def edges_of_type(self, type_: str) -> Iterator[Edge]:
        return (e for e in self.edges.values() if e.type == type_)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for n in self.nodes.values():
            out[n.label] = out.get(n.label, 0) + 1
        for e in self.edges.values():
            out[e.type] = out.get(e.type, 0) + 1
        return out
