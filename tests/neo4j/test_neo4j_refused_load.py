"""A load the extracts contract refuses writes nothing: the database is exactly as before (issue 15, item 5).

Before, two files of one document (``X.json`` and a stray ``X (copy).json``) or one statement id in two files
were loaded until a constraint failed (exit 5): the document node changed and posts doubled."""

from __future__ import annotations

import json
import math

import pytest
from neo4j_samples import THREAD_ID, article, thread
from typer.testing import CliRunner

from kg import extracts as kx
from kg.cli import app
from kg.errors import ExtractsError
from kg.stores.neo4j_store import Neo4jWriter, load_dir, load_extracts

runner = CliRunner()


def snapshot(driver) -> tuple[list, list, list]:
    """Every node (labels, properties), relationship and constraint, in an order that does not depend on
    the order the database returns them."""
    nodes, _, _ = driver.execute_query("MATCH (n) RETURN elementId(n) AS e, labels(n) AS l, properties(n) AS p")
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN elementId(a) AS a, type(r) AS t, elementId(b) AS b, properties(r) AS p")
    cons, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name")
    key = lambda r: json.dumps(r.data(), sort_keys=True, default=str)  # noqa: E731
    return sorted(map(key, nodes)), sorted(map(key, rels)), sorted(map(key, cons))


@pytest.fixture
def loaded(empty_db, conn, small_extracts):
    """The database with the two small documents loaded, and its snapshot."""
    load_dir(small_extracts, conn)
    before = snapshot(empty_db)
    assert len(before[0]) > 10
    return empty_db, before


def _changed_thread() -> dict:
    data = thread().to_dict()
    data["document"]["title"] = "a changed title"
    return data


def _statement_of_thread_in_another_document() -> dict:
    data = article().to_dict()
    data["document"]["id"] = "another-article"
    data["statements"][0]["id"] = thread().statements[0].id
    return data


@pytest.mark.parametrize("files, says", [
    ({"plan-thread.json": _changed_thread(), "plan-thread (copy).json": _changed_thread()},
     f"document id {THREAD_ID!r}"),
    ({"plan-thread.json": _changed_thread(), "another-article.json": _statement_of_thread_in_another_document()},
     "statement id"),
])
def test_kg_load_neo4j_refuses_the_folder_and_writes_nothing(loaded, cli_env, tmp_path, files, says):
    driver, before = loaded
    folder = tmp_path / "refused"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["load", "neo4j", str(folder)], env=cli_env)
    assert result.exit_code == 3, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: ") and says in lines[0]
    for name in files:
        assert str(folder / name) in lines[0]
    assert snapshot(driver) == before


def _nan_confidence():
    ex = thread()
    ex.statements[1].confidence = math.nan
    return [article(), ex]


def _reply_cycle():
    ex = thread()
    ex.statements[0].reply_to = ex.statements[1].id
    return [ex]


@pytest.mark.parametrize("make, says", [
    (lambda: [article(), thread(), thread()], "document id"),
    (_nan_confidence, "statements/1/confidence"),
    (_reply_cycle, "circle"),
])
def test_a_load_of_extracts_made_in_python_is_checked_before_anything_is_written(loaded, conn, make, says):
    driver, before = loaded
    with pytest.raises(ExtractsError, match=says):
        load_extracts(make(), conn)
    assert snapshot(driver) == before


def test_the_writer_refuses_extracts_that_cannot_go_together(loaded):
    driver, before = loaded
    with pytest.raises(ExtractsError, match="document id"):
        Neo4jWriter(driver).load([thread(), article(), thread()])
    assert snapshot(driver) == before


def test_a_clean_reload_still_changes_nothing(loaded, conn, small_extracts):
    """(negative row) the same extracts again: accepted, and idempotent."""
    driver, before = loaded
    load_dir(small_extracts, conn)
    assert snapshot(driver) == before
    assert kx.read_dir(small_extracts)
