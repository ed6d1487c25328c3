"""End to end on the sample corpus (real pipeline, real model): load into Neo4j, then every saved query gives
the same rows in Cypher on Neo4j as in SPARQL on the embedded Oxigraph store."""

from __future__ import annotations

import pytest

from kg.extracts import read_dir
from kg.graph.build import build_graph
from kg.queries import load
from kg.stores import oxigraph_store
from kg.stores.neo4j_store import connect, load_dir, run_query

pytestmark = pytest.mark.slow

NAMES = ["node-count", "agreement-pairs", "conflict-pairs", "stance-matrix", "actor-statements",
         "issue-controversy"]


@pytest.fixture(scope="module")
def loaded_sample(sample_extracts, conn, driver, tmp_path_factory):
    driver.execute_query("MATCH (n) DETACH DELETE n")
    report = load_dir(sample_extracts, conn)
    store = tmp_path_factory.mktemp("oxigraph") / "store"
    oxigraph_store.fill_from_extracts(sample_extracts, store)
    return report, store, build_graph(read_dir(sample_extracts))


def test_sample_corpus_loads_completely(loaded_sample, driver):
    report, _, g = loaded_sample
    assert report.documents == 2 and report.statements > 0
    nodes, _, _ = driver.execute_query("MATCH (n) RETURN n.id AS id")
    assert {r["id"] for r in nodes} == set(g.nodes)
    spans, _, _ = driver.execute_query(
        "MATCH (s:Statement) WHERE s.document IS NULL OR s.start IS NULL OR s.end IS NULL RETURN count(s) AS n")
    assert spans[0]["n"] == 0


@pytest.mark.parametrize("name", NAMES)
def test_cypher_and_sparql_give_the_same_rows(loaded_sample, conn, name):
    _, store, g = loaded_sample
    params = {}
    if name == "actor-statements":
        speaker = next(e.target for e in g.edges_of_type("SPOKEN_BY"))
        params = {"actor": speaker}
    driver = connect(conn)
    try:
        cypher = run_query(driver, load(name, "cypher"), params)
    finally:
        driver.close()
    sparql = oxigraph_store.run_query(name, params, store_dir=store)
    assert cypher.columns == sparql.columns
    assert cypher.sorted_rows() == sparql.sorted_rows()
    if name in ("node-count", "stance-matrix", "actor-statements"):
        assert cypher.rows, f"{name} gave no rows on the sample corpus"
