"""The real Neo4j server for the Neo4j tests, and small extracts written with the real ``kg.extracts.write``.

The session starts one local Neo4j Community server (jars fetched once from Maven Central into the shared
cache) on free ports, with its data directory in a temporary folder and a random password, and stops it
at the end. Nothing here is skipped: without Java or Maven the session fails with the library's message.
"""

from __future__ import annotations

import secrets
import socket
from pathlib import Path
from typing import Callable

import pytest

from neo4j_samples import article, thread

from kg import extracts as kx
from kg.records import Extract
from kg.stores import neo4j_server as ns
from kg.stores.neo4j_store import Connection


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """A running real server: ``(settings, password)``."""
    bolt = _free_port()
    http = _free_port()
    while http == bolt:
        http = _free_port()
    settings = ns.ServerSettings(data=tmp_path_factory.mktemp("neo4j-instance"), bolt_port=bolt, http_port=http,
                                 heap="512m", pagecache="64m")
    password = "t-" + secrets.token_urlsafe(12)
    ns.start(settings, password=password)
    yield settings, password
    ns.stop(settings)


@pytest.fixture(scope="session")
def conn(neo4j_server) -> Connection:
    settings, password = neo4j_server
    return Connection(uri=settings.bolt_uri, user="neo4j", password=password, database="neo4j")


@pytest.fixture(scope="session")
def cli_env(conn) -> dict[str, str]:
    """Environment for ``CliRunner.invoke``: the test server's address and password."""
    return {"NEO4J_URI": conn.uri, "NEO4J_PASSWORD": conn.password, "NEO4J_USER": conn.user}


@pytest.fixture(scope="module")
def driver(conn):
    from neo4j import GraphDatabase

    drv = GraphDatabase.driver(conn.uri, auth=(conn.user, conn.password))
    yield drv
    drv.close()


@pytest.fixture
def empty_db(driver):
    """An empty database (constraints and indexes stay) for the test that asks for it."""
    driver.execute_query("MATCH (n) DETACH DELETE n")
    return driver


@pytest.fixture
def write_extracts(tmp_path) -> Callable[..., Path]:
    """``write_extracts(article(), thread(), name="x")`` -> a folder of extracts files written by kg."""

    def write(*exs: Extract, name: str = "extracts") -> Path:
        out = tmp_path / name
        out.mkdir(exist_ok=True)
        for old in out.glob("*.json"):
            old.unlink()
        for ex in exs:
            kx.write(ex, out)
        return out

    return write


@pytest.fixture
def small_extracts(write_extracts) -> Path:
    return write_extracts(article(), thread())


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.neo4j)

