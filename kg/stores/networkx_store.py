"""The graph as a networkx ``MultiDiGraph`` (and GraphML), and the six saved queries evaluated on it in
plain Python.

This is the reference the SPARQL and Cypher versions of the saved queries (``queries/``) are checked
against: the same names, columns and rows (``queries/README.md``), computed without any query language.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable, Mapping

import networkx as nx

from kg.cells import xml_safe
from kg.errors import KGError, QueryError
from kg.graph.model import Graph
from kg.queries import QueryResult

#: Node kinds ``node-count`` reports (primary labels of the graph model).
COUNTED_LABELS = ("Actor", "Agreement", "Conflict", "Document", "Issue", "Membership", "Post", "Stance",
                  "Statement")


def to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """Nodes keep their id, properties and ``node_labels`` (primary first); edges are keyed by their type."""
    g = nx.MultiDiGraph()
    for node in graph.nodes.values():
        g.add_node(node.id, **node.props)
        g.nodes[node.id]["node_labels"] = tuple(node.labels)
    for edge in graph.edges.values():
        g.add_edge(edge.source, edge.target, key=edge.type, type=edge.type, **edge.props)
    return g


def _graphml_value(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    return value


def _xml(value: Any) -> Any:
    return xml_safe(value) if isinstance(value, str) else value


def xml_ready(g: nx.Graph) -> nx.Graph:
    """A copy of ``g`` (of the same class) whose text can be written as XML 1.0 (GraphML, GEXF): every
    string node id, edge key, attribute name and value through ``kg.cells.xml_safe`` (names from documents
    can hold control characters, U+FFFE/U+FFFF or lone surrogates, which XML cannot)."""
    out = g.__class__()
    out.graph.update({_xml(k): _xml(v) for k, v in g.graph.items()})
    for n, d in g.nodes(data=True):
        out.add_node(_xml(n), **{_xml(k): _xml(v) for k, v in d.items()})
    if g.is_multigraph():
        for u, v, key, d in g.edges(keys=True, data=True):
            out.add_edge(_xml(u), _xml(v), key=_xml(key), **{_xml(k): _xml(x) for k, x in d.items()})
    else:
        for u, v, d in g.edges(data=True):
            out.add_edge(_xml(u), _xml(v), **{_xml(k): _xml(x) for k, x in d.items()})
    return out


def write_graphml(graph: Graph, out: Path) -> Path:
    """The graph as GraphML (Gephi, yEd, networkx), atomically. Lists become ``"; "``-joined strings, the
    node labels ``node_labels`` (``"Actor; Person"``); missing values are left out; text XML cannot hold
    (control characters in names...) is written as ``\\xNN`` (``kg.cells.xml_safe``), so the file always parses."""
    from kg.extracts import atomic_write_text

    g = to_networkx(graph)
    flat = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):  # made XML-safe here rather than by a second copy (xml_ready)
        flat.add_node(_xml(n), **{_xml(k): _xml(_graphml_value(v)) for k, v in d.items() if v is not None})
    for u, v, k, d in g.edges(keys=True, data=True):
        flat.add_edge(_xml(u), _xml(v), key=_xml(k),
                      **{_xml(a): _xml(_graphml_value(b)) for a, b in d.items() if b is not None})
    try:
        atomic_write_text(Path(out), "\n".join(nx.generate_graphml(flat)) + "\n")
    except OSError as exc:
        raise KGError(f"{out}: cannot write GraphML: {exc.strerror or exc}") from None
    return Path(out)


def _nodes(g: nx.MultiDiGraph, label: str) -> list[tuple[str, dict[str, Any]]]:
    return [(n, d) for n, d in g.nodes(data=True) if d["node_labels"][0] == label]


def _out(g: nx.MultiDiGraph, node: str, type_: str) -> list[str]:
    return [t for _, t, k in g.out_edges(node, keys=True) if k == type_]


def node_count(g: nx.MultiDiGraph) -> QueryResult:
    counts = Counter(d["node_labels"][0] for _, d in g.nodes(data=True))
    rows = [{"label": label, "count": counts[label]} for label in COUNTED_LABELS if counts[label] > 0]
    return QueryResult(["label", "count"], rows)


def _pairs(g: nx.MultiDiGraph, label: str) -> QueryResult:
    rows = []
    for rid, d in _nodes(g, label):
        a, b = sorted(_out(g, rid, "BETWEEN"))
        issues = _out(g, rid, "ON_ISSUE")
        rows.append({
            "a": a, "a_name": g.nodes[a].get("name"), "b": b, "b_name": g.nodes[b].get("name"),
            "issue": issues[0] if issues else "", "mode": d["mode"], "evidence": len(set(d.get("evidence") or [])),
        })
    rows.sort(key=lambda r: (r["a"], r["b"], r["issue"], r["mode"]))
    return QueryResult(["a", "a_name", "b", "b_name", "issue", "mode", "evidence"], rows)


def _stance_counts(g: nx.MultiDiGraph) -> dict[tuple[str, str], Counter[str]]:
    out: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for sid, d in _nodes(g, "Stance"):
        for holder in _out(g, sid, "HELD_BY"):
            for issue in _out(g, sid, "TARGETS"):
                out[(holder, issue)][d["polarity"]] += 1
    return out


def stance_matrix(g: nx.MultiDiGraph) -> QueryResult:
    rows = []
    for (actor, issue), c in sorted(_stance_counts(g).items()):
        rows.append({
            "actor": actor, "actor_name": g.nodes[actor].get("name"), "issue": issue,
            "issue_label": g.nodes[issue].get("label"), "support": c["support"], "oppose": c["oppose"],
            "neutral": c["neutral"], "net": c["support"] - c["oppose"],
        })
    return QueryResult(["actor", "actor_name", "issue", "issue_label", "support", "oppose", "neutral", "net"], rows)


def actor_statements(g: nx.MultiDiGraph, actor: Any) -> QueryResult:
    actor = str(actor)
    rows = []
    for sid, d in _nodes(g, "Statement"):
        if actor in _out(g, sid, "SPOKEN_BY"):
            rows.append({"statement": sid, "document": d["document"], "start": d["start"], "end": d["end"],
                         "kind": d["kind"], "stance": d["stance"], "text": d["text"]})
    rows.sort(key=lambda r: (r["document"], r["start"]))
    return QueryResult(["statement", "document", "start", "end", "kind", "stance", "text"], rows)


def issue_controversy(g: nx.MultiDiGraph) -> QueryResult:
    by_issue: dict[str, Counter[str]] = defaultdict(Counter)
    holders: dict[str, set[str]] = defaultdict(set)
    for (actor, issue), c in _stance_counts(g).items():
        by_issue[issue].update(c)
        holders[issue].add(actor)
    rows = []
    for issue, c in by_issue.items():
        rows.append({
            "issue": issue, "issue_label": g.nodes[issue].get("label"), "actors": len(holders[issue]),
            "support": c["support"], "oppose": c["oppose"], "neutral": c["neutral"],
            "contested": min(c["support"], c["oppose"]),
        })
    rows.sort(key=lambda r: (-r["contested"], r["issue"]))
    return QueryResult(["issue", "issue_label", "actors", "support", "oppose", "neutral", "contested"], rows)


SAVED: dict[str, Callable[..., QueryResult]] = {
    "node-count": node_count,
    "agreement-pairs": lambda g: _pairs(g, "Agreement"),
    "conflict-pairs": lambda g: _pairs(g, "Conflict"),
    "stance-matrix": stance_matrix,
    "actor-statements": actor_statements,
    "issue-controversy": issue_controversy,
}


def run_query(name: str, graph: Graph | nx.MultiDiGraph, params: Mapping[str, Any] | None = None) -> QueryResult:
    """One of the saved queries, by name, evaluated on the graph in Python."""
    if name not in SAVED:
        raise QueryError(f"no saved query {name!r} for networkx; saved queries: {', '.join(sorted(SAVED))}")
    g = to_networkx(graph) if isinstance(graph, Graph) else graph
    try:
        return SAVED[name](g, **dict(params or {}))
    except TypeError:
        raise QueryError(f"query {name!r}: wrong parameters {sorted(params or {})}") from None
