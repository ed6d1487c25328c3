"""Agreement and conflict ties with their evidence, for export (``kg network --type agreement|conflict``).

The ties are derived by ``kg.graph.derive`` (never extracted): positional ties from net positions on an
issue, interactional ties from thread replies that agree with or answer back their parent. Each tie here is
one (pair of actors, issue, mode) with the ids of the statements behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from kg.analysis.network import Network, check_choice
from kg.errors import ConfigError
from kg.graph.build import build_graph
from kg.records import Extract

TIE_TYPES = ("agreement", "conflict")
MODES = ("all", "positional", "interactional")


@dataclass(frozen=True)
class Tie:
    relation: str  # agreement | conflict
    mode: str  # positional | interactional
    source: str  # actor name (the first of the pair in sort order of ids)
    target: str
    issue: str | None  # issue label, None for a reply tie without an issue
    weight: float
    evidence: tuple[str, ...]  # statement ids


def relation_ties(extracts: Iterable[Extract], *, relation: str = "agreement", mode: str = "all",
                  min_net: int = 1) -> list[Tie]:
    """Derived agreement (or conflict) ties between actors, one per (pair, issue, mode)."""
    check_choice("--type", relation, TIE_TYPES)
    check_choice("--mode", mode, MODES)
    if min_net < 1:
        raise ConfigError(f"--min-net {min_net} must be 1 or more")
    g = build_graph(list(extracts), min_net=min_net)
    label = "Agreement" if relation == "agreement" else "Conflict"
    out = []
    for node in g.by_label(label):
        p = node.props
        if mode != "all" and p["mode"] != mode:
            continue
        issue = g.nodes[p["issue"]].props.get("label") if p.get("issue") in g.nodes else p.get("issue")
        out.append(Tie(relation, p["mode"], g.nodes[p["actor_a"]].props["name"],
                       g.nodes[p["actor_b"]].props["name"], issue, float(p["weight"]), tuple(p["evidence"])))
    out.sort(key=lambda t: (t.source, t.target, t.issue or "", t.mode))
    return out


def ties_network(ties: list[Tie], *, relation: str) -> Network:
    """The ties as a symmetric actor x actor matrix (sum of weights), evidence per pair."""
    actors = sorted({t.source for t in ties} | {t.target for t in ties})
    idx = {a: n for n, a in enumerate(actors)}
    m = np.zeros((len(actors), len(actors)))
    evidence: dict[tuple[int, int], list[str]] = {}
    for t in ties:
        i, j = sorted((idx[t.source], idx[t.target]))
        m[i, j] += t.weight
        m[j, i] += t.weight
        evidence.setdefault((i, j), []).extend(t.evidence)
    return Network(actors, list(actors), m, "onemode", relation, "no", "person",
                   evidence={c: sorted(set(v)) for c, v in evidence.items()})
