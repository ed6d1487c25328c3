"""``kg load neo4j --bulk`` on a real server of its own: the graph it imports is the graph a Bolt load of the
same extracts writes (every node, relationship, label and property; the saved queries answer alike), and a
bulk load into a database that is not empty is refused. Slow: a second server is started (and restarted by
the import); the session's server gets the Bolt load, over a routing ``neo4j://`` URI."""

from __future__ import annotations

import json
import secrets
import socket

import pytest
from typer.testing import CliRunner

from kg import extracts as kx
from kg.cli import app
from kg.errors import StoreError
from kg.queries import available, load
from kg.stores import neo4j_server as ns
from kg.stores.neo4j_store import Connection, load_dir, run_query

runner = CliRunner()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def bulk_server(tmp_path_factory):
    """A second local server (its own ports and data) for the bulk loads; ``(settings, password)``."""
    bolt, http = _free_port(), _free_port()
    while http == bolt:
        http = _free_port()
    settings = ns.ServerSettings(data=tmp_path_factory.mktemp("neo4j-bulk-instance"), bolt_port=bolt,
                                 http_port=http, heap="512m", pagecache="64m",
                                 extra_conf=("dbms.security.auth_max_failed_attempts=0",))
    password = "b-" + secrets.token_urlsafe(12)
    ns.start(settings, password=password)
    yield settings, password
    ns.stop(settings)


@pytest.fixture(scope="module")
def sample_dir(paths):
    folder = paths.root / "extracts"
    if not any(folder.glob("*.json")):
        pytest.skip("the repository's sample extracts (extracts/*.json) are missing")
    return folder


def _dump(driver) -> tuple[list, list]:
    nodes, _, _ = driver.execute_query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    rels, _, _ = driver.execute_query("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS type, b.id AS b, "
                                      "properties(r) AS props")
    return (sorted(json.dumps([sorted(r["labels"]), r["props"]], sort_keys=True) for r in nodes),
            sorted(json.dumps([r["a"], r["type"], r["b"], r["props"]], sort_keys=True) for r in rels))


def _answers(driver, actor: str) -> dict[str, list]:
    return {name: run_query(driver, load(name, "cypher"), {"actor": actor} if name == "actor-statements" else {}).rows
            for name in available("cypher")}


def _schema(driver) -> list:
    constraints, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name")
    indexes, _, _ = driver.execute_query("SHOW INDEXES YIELD name, state WHERE name STARTS WITH 'kg_' "
                                         "RETURN name, state ORDER BY name")
    return [r.data() for r in constraints] + [r.data() for r in indexes]


@pytest.fixture(scope="module")
def bulk_loaded(bulk_server, sample_dir):
    settings, password = bulk_server
    env = {"NEO4J_PASSWORD": password, "NEO4J_URI": settings.bolt_uri, "KG_NEO4J_DATA": str(settings.data)}
    result = runner.invoke(app, ["load", "neo4j", str(sample_dir), "--bulk"], env=env)
    return result, env


def test_bulk_load_builds_the_graph_a_bolt_load_builds(bulk_loaded, bulk_server, sample_dir, conn, empty_db):
    result, _env = bulk_loaded
    assert result.exit_code == 0, result.output
    assert "bulk-loaded 2 document(s)" in result.output
    assert "neo4j-admin import" in result.output  # progress lines (plain, not a terminal)
    # the reference: the Bolt loader over a routing URI (what clusters and Aura use) on the session server
    load_dir(sample_dir, Connection(uri=conn.uri.replace("bolt://", "neo4j://"), password=conn.password))
    settings, password = bulk_server
    actor = kx.read_dir(sample_dir)[0].statements[0].speaker
    from neo4j import GraphDatabase

    with GraphDatabase.driver(settings.bolt_uri, auth=("neo4j", password)) as bulk:
        bolt_nodes, bolt_rels = _dump(empty_db)
        bulk_nodes, bulk_rels = _dump(bulk)
        assert len(bulk_nodes) > 100 and len(bulk_rels) > 300
        assert bulk_nodes == bolt_nodes
        assert bulk_rels == bolt_rels
        answers = _answers(bulk, actor)
        assert answers == _answers(empty_db, actor)
        assert answers["actor-statements"] and answers["stance-matrix"]
        assert _schema(bulk) == _schema(empty_db)
        assert all(r["state"] == "ONLINE" for r in _schema(bulk) if "state" in r)


def test_bulk_into_a_database_that_is_not_empty_is_refused(bulk_loaded, bulk_server, sample_dir):
    _result, env = bulk_loaded
    settings, password = bulk_server
    before = ns.status(settings)
    again = runner.invoke(app, ["load", "neo4j", str(sample_dir), "--bulk"], env=env)
    assert again.exit_code == StoreError.exit_code
    lines = again.output.strip().splitlines()
    assert len(lines) == 1 and "is not empty" in lines[0] and "without --bulk" in lines[0], again.output
    after = ns.status(settings)
    assert after.running and after.pid == before.pid  # not stopped
    from neo4j import GraphDatabase

    with GraphDatabase.driver(settings.bolt_uri, auth=("neo4j", password)) as drv:
        records, _, _ = drv.execute_query("MATCH (n) RETURN count(n) AS n")
        assert records[0]["n"] > 100


def test_bulk_with_the_uri_of_another_local_server_is_refused(bulk_loaded, bulk_server, sample_dir, conn):
    _result, env = bulk_loaded
    # the session's server is local but not the one of this data directory: its files are not ours to import
    result = runner.invoke(app, ["load", "neo4j", str(sample_dir), "--bulk", "--uri", conn.uri], env=env)
    assert result.exit_code == StoreError.exit_code
    assert "is not the local server kg manages" in result.output and result.output.count("\n") == 1
