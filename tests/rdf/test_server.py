"""``kg serve sparql``: Oxigraph's own server over the store, queried over real HTTP (SPARQL 1.1 Protocol)."""

from __future__ import annotations

import os
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
    with SparqlServer(small_store, free_port()) as srv:
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
        SparqlServer(small_store, server.port).start()
    with pytest.raises(StoreError, match="no Oxigraph store here"):
        SparqlServer(tmp_path / "nowhere", free_port()).start()


def test_a_second_writer_server_on_a_locked_store(small_store: Path, tmp_path: Path) -> None:
    import shutil

    store = tmp_path / "store"
    shutil.copytree(small_store, store)
    with SparqlServer(store, free_port(), allow_writes=True):
        with pytest.raises(StoreError, match="locked by another process"):
            SparqlServer(store, free_port(), allow_writes=True).start()


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


# ------------------------------------------------------------------ issue 15, item 1: read-only by default
def _http(url: str, method: str, data: bytes | None, headers: dict[str, str]) -> tuple[int, str]:
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_EVIL = {"Origin": "http://evil.example", **_FORM}
_TRIPLE = "<http://evil.example/s> <http://evil.example/p> <http://evil.example/o> ."
# (what, method, path, body, headers): every way the SPARQL 1.1 Protocol and Graph Store Protocol write
WRITES = [
    ("cross-origin form POST of an update", "POST", "/update",
     urllib.parse.urlencode({"update": f"INSERT DATA {{ {_TRIPLE} }}"}), _EVIL),
    ("form POST of DROP ALL", "POST", "/update", urllib.parse.urlencode({"update": "DROP ALL"}), _FORM),
    ("direct POST of DROP ALL", "POST", "/update", "DROP ALL", {"Content-Type": "application/sparql-update"}),
    ("Graph Store PUT of the default graph", "PUT", "/store?default", _TRIPLE, {"Content-Type": "text/turtle"}),
    ("Graph Store POST to the default graph", "POST", "/store?default", _TRIPLE, {"Content-Type": "text/turtle"}),
    ("Graph Store DELETE of the default graph", "DELETE", "/store?default", None, {}),
    ("cross-origin form POST of a query with an update", "POST", "/query",
     urllib.parse.urlencode({"query": "DROP ALL"}), _EVIL),
]


def _store_state(store: Path) -> tuple[int, list]:
    return oxigraph_store.count_triples(store), oxigraph_store.run_query("node-count", store_dir=store).rows


@pytest.mark.parametrize("what, method, path, body, headers", WRITES, ids=[w[0] for w in WRITES])
def test_default_server_refuses_every_write(small_store: Path, tmp_path: Path, what: str, method: str, path: str,
                                            body: str | None, headers: dict[str, str]) -> None:
    import shutil

    store = tmp_path / "store"
    shutil.copytree(small_store, store)
    before = _store_state(store)
    with SparqlServer(store, free_port()) as srv:
        status, text = _http(srv.url + path, method, body.encode() if body is not None else None, headers)
        assert status in (400, 403), (what, status, text)  # 400: an update is not a query
        # reads still work
        assert to_result(query(srv.query_url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")).rows == \
            [{"n": before[0]}]
    assert _store_state(store) == before, f"{what} changed the store on disk"


def test_allow_writes_is_what_lets_an_update_through(small_store: Path, tmp_path: Path) -> None:
    """The negative row of the table above: the same update succeeds when writes are asked for."""
    import shutil

    store = tmp_path / "store"
    shutil.copytree(small_store, store)
    before = _store_state(store)
    _, method, path, body, headers = WRITES[0]
    with SparqlServer(store, free_port(), allow_writes=True) as srv:
        status, text = _http(srv.url + path, method, body.encode(), headers)
        assert status in (200, 204), text
    assert oxigraph_store.count_triples(store) == before[0] + 1


def test_kg_serve_sparql_is_read_only_unless_told(small_store: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(app, ["serve", "sparql", "--help"])
    assert "--allow-writes" in result.output and "read-only" in result.output.lower()
    assert "--read-only" not in result.output


# ------------------------------------------------------------------ issue 15, item 14: signals stop the child
def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")  # a zombie nobody reaped has stopped too


def _serve(store: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "serve", "sparql",
                             "--store", str(store), "--port", str(port), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _wait_up(proc: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            query(f"http://127.0.0.1:{port}/query", "ASK {}", timeout=2)
            return
        except (OSError, ServerError):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "kg serve sparql did not come up"
            time.sleep(0.2)


@pytest.mark.parametrize("sig, extra", [
    (signal.SIGTERM, ("--allow-writes",)),
    (signal.SIGHUP, ("--allow-writes",)),
    (signal.SIGINT, ("--allow-writes",)),
    (signal.SIGTERM, ()),
    (signal.SIGKILL, ("--allow-writes",)),  # no handler can run: the kernel stops the child (Linux)
], ids=["SIGTERM-writable", "SIGHUP-writable", "SIGINT-writable", "SIGTERM-read-only", "SIGKILL-writable"])
def test_a_signal_to_kg_serve_sparql_stops_oxigraph(small_store: Path, tmp_path: Path, sig: int,
                                                     extra: tuple[str, ...]) -> None:
    import shutil

    import pyoxigraph

    store = tmp_path / "store"
    shutil.copytree(small_store, store)
    port = free_port()
    proc = _serve(store, port, *extra)
    children: list[int] = []
    try:
        _wait_up(proc, port)
        children = _children(proc.pid)
        assert len(children) == 1, children
        proc.send_signal(sig)
        proc.communicate(timeout=30)
        deadline = time.monotonic() + 15
        while not _gone(children[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(children[0]), f"oxigraph (pid {children[0]}) outlived kg serve sparql after {sig!r}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for child in children:  # an orphan of a failed run: do not leave it holding the port and the lock
            if not _gone(child):
                os.kill(child, signal.SIGKILL)
    # free once the child's sockets are closed (polled: the kernel may take a moment after a SIGKILL, and on a
    # busy machine an outgoing connection may briefly hold the same ephemeral port number)
    deadline = time.monotonic() + 15
    while not port_free(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert port_free(port)
    writable = pyoxigraph.Store(str(store))  # the lock is free again
    assert sum(1 for _ in writable.quads_for_pattern(None, None, None)) > 0
    del writable


def test_the_server_listens_on_127_0_0_1_only(server: SparqlServer) -> None:
    """127.0.0.2 is this machine too (Linux routes 127/8 to loopback): a server bound to every address
    (0.0.0.0) answers there, one bound to 127.0.0.1 does not."""
    import socket

    assert server.command()[1] == "serve-read-only"
    with socket.socket() as s:
        s.settimeout(2)
        assert s.connect_ex(("127.0.0.1", server.port)) == 0
    with socket.socket() as s:
        s.settimeout(2)
        assert s.connect_ex(("127.0.0.2", server.port)) != 0, "the server answers beyond 127.0.0.1"
