"""Fixtures of the Neo4j tests over the session's real server (``neo4j_server``/``conn`` in tests/conftest.py),
and small extracts written with the real ``kg.extracts.write``."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from neo4j_samples import article, thread

from kg import extracts as kx
from kg.records import Extract


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

