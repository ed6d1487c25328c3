"""The RDF commands through Typer's CliRunner on ``kg.cli.app``: output formats, help, and bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.stores import networkx_store

runner = CliRunner()
COMMANDS = [["export", "rdf"], ["load", "oxigraph"], ["query", "sparql"], ["serve", "sparql"]]


@pytest.mark.parametrize("cmd", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_every_command_has_help(cmd: list[str]) -> None:
    result = runner.invoke(app, [*cmd, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output and len(result.output.splitlines()) > 5
    from kg.cli import cmd_rdf  # the docstring is the command's help

    assert all(f.__doc__ for f in (cmd_rdf.export_rdf_cmd, cmd_rdf.load_oxigraph_cmd, cmd_rdf.query_sparql_cmd,
                                   cmd_rdf.serve_sparql_cmd))


def test_load_then_query_in_every_format(small_extracts: Path, small_graph, tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = runner.invoke(app, ["load", "oxigraph", str(small_extracts), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert f"filled {store}: 625 triples" in result.output
    expected = networkx_store.run_query("stance-matrix", small_graph)

    result = runner.invoke(app, ["query", "sparql", "stance-matrix", "--store", str(store), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == {"columns": expected.columns, "rows": expected.rows}

    result = runner.invoke(app, ["query", "sparql", "stance-matrix", "--store", str(store), "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == expected.columns and len(rows) == len(expected.rows) + 1
    assert rows[1] == [str(expected.rows[0][c]) for c in expected.columns]

    result = runner.invoke(app, ["query", "sparql", "stance-matrix", "--store", str(store)])
    assert result.exit_code == 0
    assert "actor_name" in result.stdout and "Ken Marsh" in result.stdout
    assert f"{len(expected.rows)} row(s)" in result.stdout


def test_query_with_a_parameter(small_store: Path) -> None:
    result = runner.invoke(app, ["query", "sparql", "actor-statements", "--param", "actor=ken-marsh",
                                 "--store", str(small_store), "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [r["text"] for r in rows] == ["The plan lacks detail."]


@pytest.mark.parametrize("args,code,message", [
    (["query", "sparql", "no-such-query"], 4,
     "no saved sparql query or file 'no-such-query'; saved queries: actor-statements, agreement-pairs"),
    (["query", "sparql", "node-count", "--param", "actor=x"], 4,
     "query 'node-count': unknown parameter 'actor'; it takes no parameters"),
    (["query", "sparql", "actor-statements", "--param", "who=x"], 4,
     "query 'actor-statements': unknown parameter 'who'; it takes actor"),
    (["query", "sparql", "actor-statements", "--param", "actor"], 2, "--param 'actor': expected KEY=VALUE"),
    (["query", "sparql", "node-count", "--format", "xml"], 4, "unknown format 'xml'; one of table, csv, json"),
])
def test_bad_query_input(small_store: Path, args: list[str], code: int, message: str) -> None:
    result = runner.invoke(app, [*args, "--store", str(small_store)])
    assert result.exit_code == code
    assert message in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("kg: error: ")


def test_malformed_query_file(small_store: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE { ?x ", encoding="utf-8")
    result = runner.invoke(app, ["query", "sparql", str(bad), "--store", str(small_store)])
    assert result.exit_code == 4
    assert f"kg: error: {bad}: malformed SPARQL: error at" in result.output


def test_missing_store(tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "sparql", "node-count", "--store", str(tmp_path / "gone")])
    assert result.exit_code == 5
    assert "gone: no Oxigraph store here; fill one with `kg run CORPUS --out OUT`" in result.output
    result = runner.invoke(app, ["serve", "sparql", "--store", str(tmp_path / "gone")])
    assert result.exit_code == 5
    assert "no Oxigraph store here" in result.output


def test_load_into_a_locked_store(small_extracts: Path, small_store: Path, tmp_path: Path) -> None:
    import shutil

    from kg.stores.sparql_server import SparqlServer

    from rdf_samples import free_port

    store = tmp_path / "store"
    shutil.copytree(small_store, store)
    with SparqlServer(store, free_port(), allow_writes=True):
        result = runner.invoke(app, ["load", "oxigraph", str(small_extracts), "--store", str(store)])
    assert result.exit_code == 5
    assert "the store is locked by another process (is `kg serve sparql` running on it?" in result.output


def test_serve_on_a_port_in_use(small_store: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = runner.invoke(app, ["serve", "sparql", "--store", str(small_store), "--port", str(port)])
    assert result.exit_code == 6
    assert f"port {port} on 127.0.0.1 is already in use; give another --port" in result.output


def test_every_command_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "rdf.md").read_text(encoding="utf-8")
    for cmd in COMMANDS:
        assert f"kg {' '.join(cmd)}" in docs, f"docs/rdf.md does not show `kg {' '.join(cmd)}`"


def test_option_defaults_are_the_library_defaults() -> None:
    import typer.main

    from kg.stores.oxigraph_store import DEFAULT_STORE
    from kg.stores.sparql_server import DEFAULT_PORT

    root = typer.main.get_command(app)
    for group, name in (("query", "sparql"), ("serve", "sparql"), ("load", "oxigraph")):
        cmd = root.commands[group].commands[name]
        store = next(p for p in cmd.params if p.name == "store")
        assert Path(store.default) == DEFAULT_STORE
    port = next(p for p in root.commands["serve"].commands["sparql"].params if p.name == "port")
    assert port.default == DEFAULT_PORT
