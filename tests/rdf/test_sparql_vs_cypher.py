"""Each saved query gives the same rows in SPARQL (embedded Oxigraph) and in Cypher (the real Neo4j server),
on the same extracts: the small RDF fixtures and the sample corpus.

Starts its own real Neo4j Community server (``kg.stores.neo4j_server``, jars from Maven Central, cached),
module-scoped, on free ports in a temporary folder; it is stopped when the module ends.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from kg import queries as kq
from kg.extracts import read_dir
from kg.graph.build import build_graph
from kg.stores import neo4j_server as ns
from kg.stores import oxigraph_store
from kg.stores.neo4j_store import Connection, load_extracts, query_cypher

from rdf_samples import free_port

pytestmark = pytest.mark.neo4j
SAVED = ["node-count", "agreement-pairs", "conflict-pairs", "stance-matrix", "issue-controversy"]


@pytest.fixture(scope="module")
def neo4j(tmp_path_factory: pytest.TempPathFactory):
    bolt, http = free_port(), free_port()
    while http == bolt:
        http = free_port()
    settings = ns.ServerSettings(data=tmp_path_factory.mktemp("neo4j-rdf"), bolt_port=bolt, http_port=http,
                                 heap="512m", pagecache="64m")
    password = "t-" + secrets.token_urlsafe(12)
    ns.start(settings, password=password)
    try:
        yield Connection(uri=settings.bolt_uri, user="neo4j", password=password, database="neo4j")
    finally:
        ns.stop(settings)


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


def test_small_extracts_same_rows_in_sparql_and_cypher(neo4j: Connection, small_extracts: Path,
                                                       tmp_path: Path) -> None:
    store = tmp_path / "store"
    _load_both(small_extracts, neo4j, store)
    for name in SAVED:
        assert _compare(neo4j, store, name) > 0
    for actor in ("ken-marsh", "jane-doe", "nobody"):
        _compare(neo4j, store, "actor-statements", {"actor": actor})


@pytest.mark.slow
def test_sample_corpus_same_rows_in_sparql_and_cypher(neo4j: Connection, sample_extracts: Path,
                                                      sample_graph, tmp_path: Path) -> None:
    store = tmp_path / "store"
    _load_both(sample_extracts, neo4j, store)
    for name in SAVED:
        assert _compare(neo4j, store, name) > 0
    speakers = sorted({e.target for e in sample_graph.edges_of_type("SPOKEN_BY")})
    for actor in speakers:
        assert _compare(neo4j, store, "actor-statements", {"actor": actor}) > 0
