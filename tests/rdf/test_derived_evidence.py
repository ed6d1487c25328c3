"""Derived relations keep consistent evidence: a known defect of ``kg.graph.derive`` caught by the shapes."""

from __future__ import annotations


import rdf_samples
from kg.graph.build import build_graph
from kg.stores import rdf as kgrdf


def _thread(doc_id: str):
    saved = rdf_samples.THREAD_ID
    rdf_samples.THREAD_ID = doc_id
    try:
        return rdf_samples.thread()
    finally:
        rdf_samples.THREAD_ID = saved


def test_repeated_interactional_ties_keep_consistent_evidence() -> None:
    # In this thread anonymous-2 answers anonymous-1 back, and anonymous-1 answers anonymous-2 back:
    # two disagreeing replies between the same pair on "stop and search".
    ex = _thread("t1")
    graph = build_graph([ex])
    for rel in graph.by_label("Conflict"):
        if rel.props["mode"] == "interactional":
            cited = {graph.nodes[e.target].props["statement"] for e in graph.out_edges(rel.id, "EVIDENCE")}
            assert cited <= set(rel.props["evidence"]), rel.id
    report = kgrdf.validate(kgrdf.to_rdf(graph, [ex]))
    assert report.conforms, report.text
