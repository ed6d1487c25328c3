"""``kg serve sparql``: Oxigraph's own server over the store, queried over real HTTP (SPARQL 1.1 Protocol)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg import queries as kq
from kg.errors import ServerError, StoreError
from kg.stores import oxigraph_store
from kg.stores.sparql_server import SparqlServer, port_free, query, to_result

from rdf_samples import free_port

NO_PARAMS = ["node-count", "agreement-pairs", "conflict-pairs", "stance-matrix", "issue-controversy"]


@pytest.fixture(scope="module")
def server(small_store: Path):
    with SparqlServer(small_store, free_port(), read_only=True) as srv:
        yield srv


@pytest.mark.parametrize("name", NO_PARAMS)
def test_saved_queries_over_http_give_the_embedded_rows(server: SparqlServer, small_store: Path, name: str) -> None:
    saved = kq.load(name, "sparql")
    over_http = to_result(query(server.query_url, saved.text), saved.columns)
    embedded = oxigraph_store.run_query(name, store_dir=small_store)
    assert over_http.columns == embedded.columns
    assert over_http.rows == embedded.rows and over_http.rows


def test_get_request_with_content_negotiation(server: SparqlServer) -> None:
    q = "PREFIX kg: <https://w3id.org/kg/ontology#> SELECT (COUNT(?s) AS ?n) WHERE { ?s a kg:Statement }"
    url = server.query_url + "?" + urllib.parse.urlencode({"query": q})
    req = urllib.request.Request(url, headers={"Accept": "text/csv"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/csv")
        assert resp.read().decode("utf-8").split() == ["n", "9"]


def test_default_graph_is_the_data_and_named_graphs_hold_the_ontology(server: SparqlServer) -> None:
    ask = "ASK { GRAPH <https://w3id.org/kg/ontology> { ?c a <http://www.w3.org/2002/07/owl#Class> } }"
    assert query(server.query_url, ask) == {"head": {}, "boolean": True}
    ask = "ASK { ?c a <http://www.w3.org/2002/07/owl#Class> }"
    assert query(server.query_url, ask)["boolean"] is False


def test_malformed_query_over_http(server: SparqlServer) -> None:
    with pytest.raises(ServerError, match="HTTP 400"):
        query(server.query_url, "SELECT ?x WHERE { ?x ")


def test_port_in_use_and_missing_store(server: SparqlServer, tmp_path: Path, small_store: Path) -> None:
    with pytest.raises(ServerError, match=f"port {server.port} on 127.0.0.1 is already in use"):
        SparqlServer(small_store, server.port, read_only=True).start()
    with pytest.raises(StoreError, match="no Oxigraph store here"):
        SparqlServer(tmp_path / "nowhere", free_port()).start()


def test_a_second_writer_server_on_a_locked_store(small_store: Path, tmp_path: Path) -> None:
    import shutil

    store = tmp_path / "store"
    shutil.copytree(small_store, store)
    with SparqlServer(store, free_port(), read_only=False):
        with pytest.raises(StoreError, match="locked by another process"):
            SparqlServer(store, free_port(), read_only=False).start()


def test_kg_serve_sparql_command(small_store: Path) -> None:
    """The real command in its own process: it serves until interrupted, then stops Oxigraph."""
    port = free_port()
    kg = Path(sys.executable).parent / "kg"
    proc = subprocess.Popen([str(kg), "serve", "sparql", "--store", str(small_store), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        endpoint = f"http://127.0.0.1:{port}/query"
        deadline = time.monotonic() + 30
        while True:
            try:
                result = query(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=2)
                break
            except (OSError, ServerError):
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "kg serve sparql did not come up"
                time.sleep(0.2)
        assert to_result(result).rows == [{"n": oxigraph_store.count_triples(small_store)}]
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/query" in err.decode()
    assert port_free(port), "the oxigraph server outlived kg serve sparql"
