"""Agreement and conflict: derived from stances, never extracted, always with their evidence.

Positional: two actors agree on an issue when their net positions (support - oppose) share a sign and both
reach ``min_net`` in size; they conflict when the signs differ. Evidence: the non-neutral stances of both.

Interactional: a reply in a thread that agrees with its parent ("I agree!!") or answers it back ("Then how
do they reform???") ties the two authors; evidence: the two statements (and their stances, if any).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from kg.graph.model import Graph
from kg.ids import digest

POLARITY_SIGN = {"support": 1, "oppose": -1, "neutral": 0}


def relation_id(kind: str, a: str, b: str, issue: str | None, mode: str, reply: str | None = None) -> str:
    """Positional ties are one per (pair, issue); interactional ties one per reply (``reply``: its statement)."""
    x, y = sorted((a, b))
    return f"{kind.lower()}-{digest(x, y, issue or '', mode, reply or '')}"


def net_positions(g: Graph) -> dict[str, dict[str, list[str]]]:
    """issue id -> actor id -> ids of that actor's non-neutral stances on it (sorted)."""
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for st in g.by_label("Stance"):
        if st.props["polarity"] != "neutral":
            out[st.props["issue"]][st.props["holder"]].append(st.id)
    return out


def _add_relation(g: Graph, kind: str, mode: str, a: str, b: str, issue: str | None,
                  stances: list[str], statements: list[str], weight: float, reply: str | None = None) -> None:
    rid = relation_id(kind, a, b, issue, mode, reply)
    x, y = (a, b) if a <= b else (b, a)
    evidence = sorted(statements)  # one list, shared by the node and its edges (never changed in place)
    g.add_node(rid, (kind,), id=rid, mode=mode, issue=issue, actor_a=x, actor_b=y, weight=weight,
               evidence=evidence, derived=True)
    g.add_edge(rid, "BETWEEN", x, derived=True, evidence=evidence)
    g.add_edge(rid, "BETWEEN", y, derived=True, evidence=evidence)
    if issue is not None:
        g.add_edge(rid, "ON_ISSUE", issue, derived=True, evidence=evidence)
    nodes = g.nodes
    for sid in stances:
        g.add_edge(rid, "EVIDENCE", sid, derived=True, evidence=[nodes[sid].props["statement"]])
    shortcut = "AGREES_WITH" if kind == "Agreement" else "CONFLICTS_WITH"
    edge = g.add_edge(x, shortcut, y, derived=True)
    props = edge.props
    if "modes" not in props:  # the pair's first tie
        props.update(issues=[issue] if issue else [], modes=[mode], evidence=evidence, weight=weight)
        return
    if issue and issue not in props["issues"]:
        props["issues"] = sorted([*props["issues"], issue])
    if mode not in props["modes"]:
        props["modes"] = sorted([*props["modes"], mode])
    props["evidence"] = sorted(set(props["evidence"]).union(statements))
    props["weight"] += weight


def derive_relations(g: Graph, *, min_net: int = 1) -> None:
    """Add Agreement / Conflict nodes and AGREES_WITH / CONFLICTS_WITH shortcut edges to ``g``."""
    positions = net_positions(g)
    for issue in sorted(positions):
        holders = positions[issue]
        net = {
            actor: sum(POLARITY_SIGN[g.nodes[s].props["polarity"]] for s in stances)
            for actor, stances in holders.items()
        }
        for a, b in combinations(sorted(holders), 2):
            if abs(net[a]) < min_net or abs(net[b]) < min_net:
                continue
            kind = "Agreement" if net[a] * net[b] > 0 else "Conflict"
            stances = sorted(holders[a] + holders[b])
            statements = [g.nodes[s].props["statement"] for s in stances]
            _add_relation(g, kind, "positional", a, b, issue, stances, statements,
                          weight=float(min(abs(net[a]), abs(net[b]))))

    speaker = {e.source: e.target for e in g.edges_of_type("SPOKEN_BY")}
    stances_of: dict[str, list[str]] = defaultdict(list)
    for st in g.by_label("Stance"):
        stances_of[st.props["statement"]].append(st.id)
    for e in sorted(g.edges_of_type("REPLY_TO"), key=lambda e: e.key):
        child = g.nodes.get(e.source)
        if child is None or "Statement" not in child.labels:
            continue
        relation = child.props.get("reply_relation")
        parent = e.target
        if relation not in ("agree", "disagree") or parent not in speaker:
            continue
        a, b = speaker[child.id], speaker[parent]
        if a == b:
            continue
        issues = sorted({g.nodes[s].props["issue"] for s in stances_of[parent] + stances_of[child.id]})
        kind = "Agreement" if relation == "agree" else "Conflict"
        for issue in issues or [None]:
            stances = sorted(s for s in stances_of[parent] + stances_of[child.id]
                             if issue is None or g.nodes[s].props["issue"] == issue)
            _add_relation(g, kind, "interactional", a, b, issue, stances, [parent, child.id], weight=1.0,
                          reply=child.id)
