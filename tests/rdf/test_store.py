"""The embedded Oxigraph store: filling (idempotent, atomic), the saved SPARQL queries against the same
queries evaluated on the networkx graph, parameters, and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg import queries as kq
from kg.errors import QueryError, StoreError
from kg.extracts import read_dir
from kg.graph.build import build_graph
from kg.stores import networkx_store, oxigraph_store
from kg.stores.sparql_server import SparqlServer

from rdf_samples import free_port

SAVED = ["node-count", "agreement-pairs", "conflict-pairs", "stance-matrix", "actor-statements", "issue-controversy"]
ACTORS = ["ken-marsh", "sadiq-khan", "metropolitan-police-federation", "jane-doe", "nobody-at-all"]


def test_the_six_saved_queries_exist_with_the_documented_headers() -> None:
    assert kq.available("sparql") == sorted(SAVED)
    readme = (kq.queries_dir() / "README.md").read_text(encoding="utf-8")
    for name in SAVED:
        q = kq.load(name, "sparql")
        assert q.name == name and q.purpose
        row = next(line for line in readme.splitlines() if line.startswith(f"| {name} |"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert ", ".join(q.columns) == cells[2], f"{name}: columns differ from queries/README.md"
        assert (q.params or ["none"])[0] == cells[1].split(" ")[0]


@pytest.mark.parametrize("name", [n for n in SAVED if n != "actor-statements"])
def test_saved_query_gives_the_rows_of_the_networkx_graph(small_store: Path, small_graph, name: str) -> None:
    got = oxigraph_store.run_query(name, store_dir=small_store)
    expected = networkx_store.run_query(name, small_graph)
    assert got.columns == expected.columns
    assert got.rows == expected.rows  # same rows in the same order
    assert got.rows, f"{name} returned no rows on the small graph"


@pytest.mark.parametrize("actor", ACTORS)
def test_actor_statements_matches_networkx(small_store: Path, small_graph, actor: str) -> None:
    got = oxigraph_store.run_query("actor-statements", {"actor": actor}, store_dir=small_store)
    expected = networkx_store.run_query("actor-statements", small_graph, {"actor": actor})
    assert got.columns == ["statement", "document", "start", "end", "kind", "stance", "text"]
    assert got.rows == expected.rows
    assert (len(got.rows) == 0) == (actor == "nobody-at-all")


def test_known_values(small_store: Path) -> None:
    rows = {r["label"]: r["count"] for r in oxigraph_store.run_query("node-count", store_dir=small_store).rows}
    assert rows == {"Actor": 7, "Agreement": 5, "Conflict": 8, "Document": 2, "Issue": 5, "Membership": 2,
                    "Post": 5, "Stance": 10, "Statement": 9}
    matrix = oxigraph_store.run_query("stance-matrix", store_dir=small_store).rows
    ken = next(r for r in matrix if r["actor"] == "ken-marsh")
    assert ken == {"actor": "ken-marsh", "actor_name": "Ken Marsh", "issue": "plan-detail",
                   "issue_label": "detail of the plan", "support": 0, "oppose": 1, "neutral": 0, "net": -1}
    conflicts = oxigraph_store.run_query("conflict-pairs", store_dir=small_store).rows
    assert {"a": "ken-marsh", "a_name": "Ken Marsh", "b": "sadiq-khan", "b_name": "Sadiq Khan",
            "issue": "plan-detail", "mode": "positional", "evidence": 2} in conflicts
    assert any(r["mode"] == "interactional" for r in conflicts)
    top = oxigraph_store.run_query("issue-controversy", store_dir=small_store).rows[0]
    assert top["issue"] == "plan-detail" and top["contested"] == 1 and top["actors"] == 3


def test_a_value_with_quotes_is_a_parameter_not_sparql(small_store: Path) -> None:
    # pasted into the query text this would close the string and match every actor
    evil = 'x") || true || ("'
    got = oxigraph_store.run_query("actor-statements", {"actor": evil}, store_dir=small_store)
    assert got.rows == []


def test_fill_is_idempotent_and_replaces_contents(small_extracts: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    extracts = read_dir(small_extracts)
    graph = build_graph(extracts)
    first = oxigraph_store.fill(graph, store, extracts=extracts)
    second = oxigraph_store.fill(graph, store, extracts=extracts)
    assert first.triples == second.triples == oxigraph_store.count_triples(store) > 500
    assert first.ontology_triples > 100
    # only the store (a link) and the version it points at remain beside it: no temporary or old copies
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["store", store.resolve().name])
    # refill with one document only: the other's triples are gone
    only_article = [e for e in extracts if e.document.kind == "article"]
    third = oxigraph_store.fill(build_graph(only_article), store, extracts=only_article)
    assert third.triples < first.triples == second.triples
    rows = oxigraph_store.run_query("node-count", store_dir=store).rows
    assert {r["label"] for r in rows} == {"Actor", "Agreement", "Conflict", "Document", "Issue", "Membership",
                                          "Stance", "Statement"}


@pytest.mark.parametrize("how", ["relative", "relative with ..", "absolute"])
def test_fill_through_a_relative_path_keeps_the_current_version(small_extracts: Path, tmp_path: Path,
                                                                 monkeypatch, how: str) -> None:
    """`kg run corpus --out out` names the store `out/store`, a relative path: the version just filled must
    stay (it was deleted as if stale, leaving a dangling link), and a second fill must replace it."""
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    store = {"relative": Path("out/store"), "relative with ..": Path("../work/out/store"),
             "absolute": tmp_path / "work" / "out" / "store"}[how]
    extracts = read_dir(small_extracts)
    graph = build_graph(extracts)
    for _ in range(2):
        stats = oxigraph_store.fill(graph, store, extracts=extracts)
        assert store.exists() and oxigraph_store.count_triples(store) == stats.triples > 500
        assert oxigraph_store.run_query("node-count", store_dir=store).rows
    assert sorted(p.name for p in (tmp_path / "work" / "out").iterdir()) == sorted(["store", store.resolve().name])


def test_ontology_and_scheme_are_in_named_graphs(small_store: Path) -> None:
    store = oxigraph_store.open_read_only(small_store)
    q = "ASK { GRAPH <https://w3id.org/kg/ontology> { kg:Statement a owl:Class } }"
    assert oxigraph_store.execute(store, q).rows == [{"result": True}]
    q = ("SELECT (STR(?label) AS ?l) WHERE { GRAPH ?g { ?c dcterms:identifier \"knife-crime\" ; skos:broader ?b . "
         "?b skos:prefLabel ?label } }")
    assert oxigraph_store.execute(store, q).rows == [{"l": "violent crime"}]


def test_ad_hoc_query_file_with_a_parameter(small_store: Path, tmp_path: Path) -> None:
    q = tmp_path / "who.rq"
    q.write_text("# params: issue\n# columns: actor\n"
                 "SELECT ?actor ?issue WHERE { ?s a kg:Stance ; kg:targets/dcterms:identifier ?issue ; "
                 "kg:heldBy/dcterms:identifier ?actor } ORDER BY ?actor", encoding="utf-8")
    got = oxigraph_store.run_query(str(q), {"issue": "police-numbers"}, store_dir=small_store)
    assert got.columns == ["actor"]
    assert got.rows == [{"actor": "metropolitan-police-federation"}, {"actor": "sadiq-khan"}]


# ----------------------------------------------------------------------------------- bad input
def test_unknown_query_name_lists_the_saved_ones(small_store: Path) -> None:
    with pytest.raises(QueryError) as err:
        oxigraph_store.run_query("stance-matrx", store_dir=small_store)
    assert "'stance-matrx'" in str(err.value) and "stance-matrix" in str(err.value) and "node-count" in str(err.value)


def test_unknown_parameter(small_store: Path) -> None:
    with pytest.raises(QueryError, match="unknown parameter 'actr'; it takes actor"):
        oxigraph_store.run_query("actor-statements", {"actr": "ken-marsh"}, store_dir=small_store)


def test_missing_parameter(small_store: Path) -> None:
    with pytest.raises(QueryError, match="needs the parameter 'actor'"):
        oxigraph_store.run_query("actor-statements", store_dir=small_store)


def test_malformed_query(small_store: Path, tmp_path: Path) -> None:
    q = tmp_path / "bad.rq"
    q.write_text("SELECT ?x WHERE { ?x kg:speaker }", encoding="utf-8")
    with pytest.raises(QueryError, match=r"bad\.rq: malformed SPARQL: error at 1:"):
        oxigraph_store.run_query(str(q), store_dir=small_store)


def test_header_columns_the_query_does_not_select(small_store: Path, tmp_path: Path) -> None:
    q = tmp_path / "cols.rq"
    q.write_text("# columns: a, b\nSELECT ?a WHERE { ?a a kg:Actor }", encoding="utf-8")
    with pytest.raises(QueryError, match="column\\(s\\) b that the query does not select"):
        oxigraph_store.run_query(str(q), store_dir=small_store)


def test_parameter_that_is_not_selected(small_store: Path, tmp_path: Path) -> None:
    q = tmp_path / "p.rq"
    q.write_text("# params: who\nSELECT ?s WHERE { ?s kg:speaker ?a . ?a dcterms:identifier ?who }", encoding="utf-8")
    with pytest.raises(QueryError, match="must be a variable of the SELECT clause"):
        oxigraph_store.run_query(str(q), {"who": "ken-marsh"}, store_dir=small_store)


def test_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no Oxigraph store here"):
        oxigraph_store.run_query("node-count", store_dir=tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreError, match="empty: no Oxigraph store here"):
        oxigraph_store.run_query("node-count", store_dir=tmp_path / "empty")


def test_fill_refuses_a_folder_with_other_files(small_graph, tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(StoreError, match="not an Oxigraph store; refusing to replace it"):
        oxigraph_store.fill(small_graph, folder)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_fill_of_a_store_locked_by_a_running_server(small_store: Path, small_graph, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(small_store, store)
    before = oxigraph_store.count_triples(store)
    with SparqlServer(store, free_port(), allow_writes=True):
        with pytest.raises(StoreError, match="locked by another process"):
            oxigraph_store.fill(build_graph([]), store)
        # reading still works while the server holds the store
        assert oxigraph_store.run_query("node-count", store_dir=store).rows
    assert oxigraph_store.count_triples(store) == before  # nothing was half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_values_convert_to_python(small_store: Path) -> None:
    store = oxigraph_store.open_read_only(small_store)
    q = 'SELECT (1 AS ?i) (2.5 AS ?d) (true AS ?b) ("x" AS ?s) (<http://e/x> AS ?iri) ?unbound WHERE {}'
    row = oxigraph_store.execute(store, q).rows[0]
    assert row == {"i": 1, "d": 2.5, "b": True, "s": "x", "iri": "http://e/x", "unbound": None}


def test_a_failed_fill_leaves_the_old_store_whole(small_store: Path, tmp_path: Path) -> None:
    from kg.errors import KGError
    from kg.graph.model import Graph

    store = tmp_path / "store"
    shutil.copytree(small_store, store)
    before = oxigraph_store.run_query("stance-matrix", store_dir=store).rows
    broken = Graph()
    broken.add_node("s1", ("Statement",), id="s1", text="x", kind="direct", document="d", start=0, end=1)
    broken.add_edge("s1", "SPOKEN_BY", "nobody")  # an edge to a node that is not in the graph
    with pytest.raises(KGError, match="node 'nobody' is not in the graph"):
        oxigraph_store.fill(broken, store)
    assert oxigraph_store.run_query("stance-matrix", store_dir=store).rows == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


# ------------------------------------------------------- issue 15, item 12: killed runs, concurrent readers
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

_REPO = Path(__file__).resolve().parents[2]


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    """A real second process running ``code`` with this repository's kg."""
    env = {**os.environ, "PYTHONPATH": str(_REPO)}
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def _ready(proc: subprocess.Popen[str]) -> None:
    """Wait for the process's first line, "ready"."""
    line = proc.stdout.readline() if proc.stdout else ""
    assert line.strip() == "ready", (line, proc.stderr.read() if proc.stderr else "")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


_READER = """
import sys, pathlib, collections
from kg.stores import oxigraph_store
store, stop = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
seen, errors = collections.Counter(), []
print("ready", flush=True)
for _ in range(100000):  # bounded: the test stops it with the stop file long before
    if stop.exists():
        break
    try:
        rows = oxigraph_store.run_query("node-count", store_dir=store).rows
        seen[next(r["count"] for r in rows if r["label"] == "Statement")] += 1
    except Exception as exc:  # every failure is reported, whatever its kind
        errors.append(f"{type(exc).__name__}: {exc}")
print(dict(seen))
print("\\n".join(errors[:5]) or "no errors")
"""


def test_a_reader_during_repeated_fills_sees_one_whole_version(small_extracts: Path, tmp_path: Path) -> None:
    """Before, the store folder was renamed under readers: RocksDB "Corruption" or "no Oxigraph store here"."""
    extracts = read_dir(small_extracts)
    only_article = [e for e in extracts if e.document.kind == "article"]
    graphs = [(build_graph(extracts), extracts), (build_graph(only_article), only_article)]
    store, stop = tmp_path / "store", tmp_path / "stop"
    oxigraph_store.fill(*graphs[0][:1], store, extracts=graphs[0][1])
    statements = {sum(len(e.statements) for e in exs) for _, exs in graphs}
    reader = _python(_READER, str(store), str(stop))
    try:
        _ready(reader)
        for i in range(12):
            graph, exs = graphs[i % 2]
            oxigraph_store.fill(graph, store, extracts=exs)
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    seen, errors = out.strip().splitlines()[-2:]
    assert errors == "no errors", errors
    seen_counts = eval(seen)  # a dict literal printed by the reader
    assert seen_counts and set(seen_counts) <= statements, seen_counts
    assert len(seen_counts) == 2, f"the reader did not read during the fills: {seen_counts}"
    # and nothing is left behind but the store and its current version
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["store", "stop", store.resolve().name])


_HOLD_READING = """
import sys, pathlib, time
from kg.stores import oxigraph_store
with oxigraph_store.reading(pathlib.Path(sys.argv[1])) as version:
    print("ready", flush=True)
    print(version.path, flush=True)
    sys.stdin.readline() if False else time.sleep(120)
"""

_KILLED_FILL = """
import sys, pathlib, time
from kg.stores import oxigraph_store
path, fd = oxigraph_store._new_version(pathlib.Path(sys.argv[1]))
print("ready", flush=True)
print(path, flush=True)
time.sleep(120)  # killed here, in the middle of a fill
"""


def test_leftovers_of_killed_runs_are_removed_and_a_live_process_keeps_its_own(small_graph, tmp_path: Path) -> None:
    store = tmp_path / "store"
    oxigraph_store.fill(small_graph, store)
    old = time.time() - 3600
    # (leftover, made by, kept?)
    rows: list[tuple[Path, str, bool]] = []
    # a fill that was killed while it built its version
    killed = _python(_KILLED_FILL, str(store))
    _ready(killed)
    killed_version = Path(killed.stdout.readline().strip())
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    rows.append((killed_version, "killed fill", False))
    # a fill that is still running (a live process holds its version)
    live = _python(_KILLED_FILL, str(store))
    _ready(live)
    rows.append((Path(live.stdout.readline().strip()), "live fill", True))
    # a version of a process that died before it even locked it (empty, and not new)
    bare = tmp_path / f".store.v-{_dead_pid()}-0bad0bad"
    bare.mkdir()
    os.utime(bare, (old, old))
    rows.append((bare, "empty version of a dead process", False))
    # an older kg's leftovers: .store.new-* (a store it was building), .store.old-* (the store it replaced)
    legacy_new = tmp_path / ".store.new-k1ll3d00"
    shutil.copytree(store.resolve(), legacy_new)
    (legacy_new / oxigraph_store.READERS_LOCK).unlink()
    os.utime(legacy_new, (old, old))
    rows.append((legacy_new, "older kg's killed fill", False))
    legacy_old = tmp_path / ".store.old-k1ll3d00"
    shutil.copytree(store.resolve(), legacy_old / "store")
    os.utime(legacy_old, (old, old))
    rows.append((legacy_old, "older kg's killed swap", False))
    young = tmp_path / ".store.new-y0ung000"
    young.mkdir()
    rows.append((young, "a folder an older kg may have just made", True))
    # the version a live reader (a real second process) holds
    reader = _python(_HOLD_READING, str(store))
    _ready(reader)
    read_version = Path(reader.stdout.readline().strip())
    rows.append((read_version, "version a live reader holds", True))
    try:
        oxigraph_store.fill(small_graph, store)  # a later run
        for path, what, kept in rows:
            assert path.exists() == kept, f"{what}: {'deleted' if kept else 'left behind'} ({path.name})"
        assert store.resolve() != read_version
        # the reader still reads its own version, whole
        assert oxigraph_store.count_triples(read_version) == oxigraph_store.count_triples(store)
    finally:
        for proc in (live, reader):
            proc.kill()
            proc.wait()
    oxigraph_store.fill(small_graph, store)  # once they are gone, their folders go too
    assert not read_version.exists() and not rows[1][0].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["store", store.resolve().name, young.name])


_FROZEN_WRITE = """
import os, sys, time, pathlib
from kg import extracts
os.replace = lambda *a: (print("ready", flush=True), time.sleep(120))  # stop between write and rename
extracts.atomic_write_bytes(pathlib.Path(sys.argv[1]), b"half")
"""


def test_temporary_files_of_killed_writers_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    from kg.extracts import atomic_write_text

    target = tmp_path / "doc.json"
    killed = _python(_FROZEN_WRITE, str(target))
    _ready(killed)
    live = _python(_FROZEN_WRITE, str(target))  # its own first write keeps the other's: that one still runs
    _ready(live)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    try:
        temps = {int(p.name.split(".")[3].split("-")[0]): p for p in tmp_path.glob(".doc.json.*.tmp")}
        assert set(temps) == {killed.pid, live.pid}
        old_kg = tmp_path / ".doc.json.abcd1234.tmp"  # an older kg's name (no pid): removed once it is old
        old_kg.write_text("x")
        os.utime(old_kg, (time.time() - 7200,) * 2)
        recent_old_kg = tmp_path / ".other.json.efgh5678.tmp"  # kept: its writer may still be running
        recent_old_kg.write_text("x")
        atomic_write_text(target, "whole")  # a later run's first write into the folder
        left = sorted(p.name for p in tmp_path.iterdir())
        assert left == sorted(["doc.json", temps[live.pid].name, recent_old_kg.name])
        assert target.read_text() == "whole"
    finally:
        live.kill()
        live.wait()
