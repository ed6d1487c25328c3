"""Each saved query gives the same rows in SPARQL (embedded Oxigraph) and in Cypher (the real Neo4j server),
on the same extracts: the small RDF fixtures and the sample corpus.

Runs on the session's real Neo4j Community server (``conn`` in tests/conftest.py), the one the Neo4j tests use.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import queries as kq
from kg.extracts import read_dir
from kg.graph.build import build_graph
from kg.stores import oxigraph_store
from kg.stores.neo4j_store import Connection, load_extracts, query_cypher

pytestmark = pytest.mark.neo4j
SAVED = ["node-count", "agreement-pairs", "conflict-pairs", "stance-matrix", "issue-controversy"]


def _load_both(extracts_dir: Path, conn: Connection, store: Path) -> None:
    from neo4j import GraphDatabase

    with GraphDatabase.driver(conn.uri, auth=(conn.user, conn.password)) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
    extracts = read_dir(extracts_dir)
    load_extracts(extracts, conn)
    oxigraph_store.fill(build_graph(extracts), store, extracts=extracts)


def _compare(conn: Connection, store: Path, name: str, params: dict | None = None) -> int:
    sparql = oxigraph_store.run_query(name, params, store_dir=store)
    cypher = query_cypher(name, dict(params or {}), conn)
    assert sparql.columns == cypher.columns == kq.load(name, "cypher").columns
    assert sparql.rows == cypher.rows, name
    return len(sparql.rows)


def test_small_extracts_same_rows_in_sparql_and_cypher(conn: Connection, small_extracts: Path,
                                                       tmp_path: Path) -> None:
    store = tmp_path / "store"
    _load_both(small_extracts, conn, store)
    for name in SAVED:
        assert _compare(conn, store, name) > 0
    for actor in ("ken-marsh", "jane-doe", "nobody"):
        _compare(conn, store, "actor-statements", {"actor": actor})


@pytest.mark.slow
def test_sample_corpus_same_rows_in_sparql_and_cypher(conn: Connection, sample_extracts: Path,
                                                      sample_graph, tmp_path: Path) -> None:
    store = tmp_path / "store"
    _load_both(sample_extracts, conn, store)
    for name in SAVED:
        assert _compare(conn, store, name) > 0
    speakers = sorted({e.target for e in sample_graph.edges_of_type("SPOKEN_BY")})
    for actor in speakers:
        assert _compare(conn, store, "actor-statements", {"actor": actor}) > 0
