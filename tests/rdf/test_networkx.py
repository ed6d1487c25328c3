"""The networkx form of the graph: the reference the saved queries are checked against, and GraphML."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from kg.errors import QueryError
from kg.stores import networkx_store


def test_to_networkx_keeps_every_node_and_edge(small_graph) -> None:
    g = networkx_store.to_networkx(small_graph)
    assert g.number_of_nodes() == len(small_graph.nodes)
    assert g.number_of_edges() == len(small_graph.edges)
    assert g.nodes["ken-marsh"]["node_labels"] == ("Actor", "Person")
    assert g.nodes["plan-detail"]["label"] == "detail of the plan"  # a property named label survives
    assert set(k for _, _, k in g.out_edges("ken-marsh", keys=True)) >= {"HAS_MEMBERSHIP"}


def test_graphml_round_trip(small_graph, tmp_path: Path) -> None:
    out = networkx_store.write_graphml(small_graph, tmp_path / "g.graphml")
    h = nx.read_graphml(out)
    assert h.number_of_nodes() == len(small_graph.nodes)
    assert h.number_of_edges() == len(small_graph.edges)
    assert h.nodes["ken-marsh"]["name"] == "Ken Marsh"
    assert h.nodes["ken-marsh"]["node_labels"] == "Actor; Person"
    assert h.nodes["ken-marsh"]["aliases"] == "Mr Marsh"


def test_hand_computed_rows(small_graph) -> None:
    # the reference itself, checked by hand against the small extracts (tests/rdf/rdf_samples.py)
    matrix = networkx_store.run_query("stance-matrix", small_graph).rows
    sadiq = [r for r in matrix if r["actor"] == "sadiq-khan"]
    assert [(r["issue"], r["support"], r["oppose"], r["net"]) for r in sadiq] == [
        ("plan-detail", 1, 0, 1), ("police-numbers", 1, 0, 1)]
    agreements = networkx_store.run_query("agreement-pairs", small_graph).rows
    anon1 = "anon-e0b1339c96-anonymous-1"
    assert [(r["a"], r["b"], r["issue"], r["mode"]) for r in agreements] == [
        (anon1, "jane-doe", "knife-crime", "interactional"),  # Jane's "I agree!!" reply
        (anon1, "jane-doe", "stop-and-search", "interactional"),
        (anon1, "jane-doe", "stop-and-search", "positional"),  # both support stop and search
        ("ken-marsh", "susan-hall", "plan-detail", "positional"),  # both oppose the plan's detail
        ("metropolitan-police-federation", "sadiq-khan", "police-numbers", "positional"),
    ]
    controversy = networkx_store.run_query("issue-controversy", small_graph).rows
    assert [r["issue"] for r in controversy][:2] == ["plan-detail", "stop-and-search"]


def test_unknown_name_and_parameters(small_graph) -> None:
    with pytest.raises(QueryError, match="saved queries: actor-statements"):
        networkx_store.run_query("nope", small_graph)
    with pytest.raises(QueryError, match="wrong parameters"):
        networkx_store.run_query("node-count", small_graph, {"actor": "x"})
