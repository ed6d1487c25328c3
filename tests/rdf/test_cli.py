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


# ------------------------------------------------------------ issue 15, item 16: parameters are strings unless typed
_ECHO = "# name: echo\n# params: v\n# columns: v\nSELECT ?v WHERE { }\n"


@pytest.mark.parametrize("param, expected", [
    ("v=1984", "1984"),  # an id that looks like a number stays a string
    ("v=nan", "nan"),
    ("v=infinity", "infinity"),
    ("v=-0", "-0"),
    ("v=1e3", "1e3"),
    ("v=Ken Marsh", "Ken Marsh"),
    ("v=a=b", "a=b"),
    ("v:str=5", "5"),
    ("v:int=5", 5),
    ("v:int=-12", -12),
    ("v:float=2.5", 2.5),
    ("v:bool=true", True),
    ("v:bool=No", False),
])
def test_parameters_are_strings_unless_typed(small_store: Path, tmp_path: Path, param: str, expected) -> None:
    q = tmp_path / "echo.rq"
    q.write_text(_ECHO, encoding="utf-8")
    result = runner.invoke(app, ["query", "sparql", str(q), "--param", param, "--store", str(small_store),
                                 "-f", "json"])
    assert result.exit_code == 0, result.output
    value = json.loads(result.stdout)["rows"][0]["v"]
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("params, message", [
    (["v:int=five"], "--param 'v:int=five': 'five' is not a whole number"),
    (["v:int=2.5"], "--param 'v:int=2.5': '2.5' is not a whole number"),
    (["v:float=nan"], "--param 'v:float=nan': 'nan' is not a finite number"),
    (["v:float=-inf"], "--param 'v:float=-inf': '-inf' is not a finite number"),
    (["v:bool=maybe"], "--param 'v:bool=maybe': 'maybe' is not true or false"),
    (["v:complex=1"], "--param 'v:complex=1': unknown type 'complex'; one of str, int, float, bool, e.g. --param v:int=5"),
    (["v=1", "v=2"], "--param 'v=2': 'v' is given twice"),
    (["1v=1"], "--param '1v=1': '1v' is not a valid parameter name"),
])
def test_bad_typed_parameters(small_store: Path, tmp_path: Path, params: list[str], message: str) -> None:
    q = tmp_path / "echo.rq"
    q.write_text(_ECHO, encoding="utf-8")
    args = [a for p in params for a in ("--param", p)]
    result = runner.invoke(app, ["query", "sparql", str(q), *args, "--store", str(small_store)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [f"kg: error: {message}"]


_BELOW = ("# name: below\n# purpose: the numbers below a limit\n# params: limit (int, exclusive)\n# columns: n\n"
          "SELECT ?n ?limit WHERE { VALUES ?n { 1 2 3 } FILTER (?n < ?limit) } ORDER BY ?n\n")


@pytest.mark.parametrize("param, code, expected", [
    ("limit=3", 0, [1, 2]),  # the header types it: the string is converted
    ("limit:int=3", 0, [1, 2]),
    ("limit=1", 0, []),
    ("limit=three", 4, "kg: error: query 'below', parameter 'limit' (int): 'three' is not a whole number"),
    ("limit:bool=true", 4, "kg: error: query 'below', parameter 'limit': takes an int, not True"),
])
def test_a_saved_query_that_declares_a_type_converts(small_store: Path, tmp_path: Path, param: str, code: int,
                                                     expected) -> None:
    (tmp_path / "below.rq").write_text(_BELOW, encoding="utf-8")
    result = runner.invoke(app, ["query", "sparql", "below", "--param", param, "--store", str(small_store),
                                 "-f", "json"], env={"KG_QUERIES_DIR": str(tmp_path)})
    assert result.exit_code == code, result.output
    if code == 0:
        assert [r["n"] for r in json.loads(result.stdout)["rows"]] == expected
    else:
        assert result.output.strip() == expected


@pytest.mark.parametrize("value, hint", [
    ("Ken Marsh", "kg: note: --param actor='Ken Marsh' looks like a name, but query 'actor-statements' takes an "
                  "actor id: ids are lower case with hyphens, like ken-marsh; did you mean --param actor=ken-marsh?"),
    ("Jane Doe", "did you mean --param actor=jane-doe?"),
    ("!!", "ids are lower case with hyphens, like ken-marsh\n"),
    ("nobody-at-all", None),  # an id that matches nobody: no rows, and nothing to hint
])
def test_a_name_where_an_id_is_expected_gets_a_hint(small_store: Path, value: str, hint: str | None) -> None:
    result = runner.invoke(app, ["query", "sparql", "actor-statements", "--param", f"actor={value}",
                                 "--store", str(small_store), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"] == []
    if hint is None:
        assert result.stderr == ""
    else:
        assert hint in result.stderr and len(result.stderr.splitlines()) == 1


def test_no_hint_when_the_id_is_right(small_store: Path) -> None:
    result = runner.invoke(app, ["query", "sparql", "actor-statements", "--param", "actor=ken-marsh",
                                 "--store", str(small_store)])
    assert result.exit_code == 0 and result.stderr == ""


def test_saved_cypher_queries_declare_the_same_parameter_types() -> None:
    from kg import queries as kq

    for name in kq.available("sparql"):
        assert kq.load(name, "sparql").param_types == kq.load(name, "cypher").param_types, name
    assert kq.load("actor-statements", "cypher").param_types == {"actor": "actor id"}


def test_an_issue_id_hint_gives_an_issue_example(tmp_path: Path) -> None:
    from kg import queries as kq

    q = tmp_path / "by-issue.rq"
    q.write_text("# name: by-issue\n# params: issue (issue id)\nSELECT ?issue WHERE { }\n", encoding="utf-8")
    saved = kq.load(str(q), "sparql")
    assert saved.hints({"issue": "Police Funding"}) == [
        "--param issue='Police Funding' looks like a name, but query 'by-issue' takes an issue id: ids are lower "
        "case with hyphens, like police-funding; did you mean --param issue=police-funding?"]
    assert saved.hints({"issue": "police-funding"}) == []


def test_ad_hoc_query_file_without_a_header_takes_parameters(small_extracts: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's own .rq without a `# params:` header takes any --param, typed or not, from a relative path (it
    was refused: "unknown parameter 'n'; it takes no parameters", as if it had said `params: none`)."""
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["load", "oxigraph", str(small_extracts)]).exit_code == 0  # fills out/store
    Path("mine.rq").write_text("SELECT ?n ?who WHERE { }", encoding="utf-8")
    result = runner.invoke(app, ["query", "sparql", "mine.rq", "--param", "n:int=5", "-p", "who=ken-marsh",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"] == [{"n": 5, "who": "ken-marsh"}]
    # a header that says `params: none` still refuses one
    Path("none.rq").write_text("# params: none\nSELECT ?n WHERE { }", encoding="utf-8")
    result = runner.invoke(app, ["query", "sparql", "none.rq", "--param", "n=5"])
    assert result.exit_code == 4 and "unknown parameter 'n'; it takes no parameters" in result.output


def test_booleans_in_csv_and_table_are_written_as_sparql_and_json_write_them(small_store: Path, tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """`--format csv` wrote Python's `True`; the same result in JSON is `true`, in SPARQL `true`."""
    monkeypatch.chdir(tmp_path)
    Path("ask.rq").write_text("SELECT ?b WHERE { }", encoding="utf-8")
    for fmt, expected in (("csv", "b\ntrue"), ("table", "true")):
        result = runner.invoke(app, ["query", "sparql", "ask.rq", "-p", "b:bool=true", "-f", fmt,
                                     "--store", str(small_store)])
        assert result.exit_code == 0, result.output
        assert expected in result.stdout and "True" not in result.stdout, result.stdout


def test_store_option_on_a_folder_of_other_files(small_extracts: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """`kg query sparql node-count --store extracts` suggested `kg load oxigraph EXTRACTS_DIR --store extracts`,
    which kg then refuses (the folder holds other files): say what --store takes instead."""
    import shutil

    monkeypatch.chdir(tmp_path)
    shutil.copytree(small_extracts, "extracts")
    result = runner.invoke(app, ["query", "sparql", "node-count", "--store", "extracts"])
    assert result.exit_code == 5
    assert result.output.strip() == ("kg: error: extracts: not an Oxigraph store (the folder holds other files); "
                                     "--store takes the store folder that `kg run CORPUS --out OUT` fills "
                                     "(OUT/store) or `kg load oxigraph EXTRACTS_DIR --store DIR` makes")


def test_long_work_without_a_terminal_says_its_stages(small_extracts: Path, tmp_path: Path, monkeypatch) -> None:
    """Issue 15, item 20: without a terminal, work that takes a while reports its stages as plain lines on
    stderr (here the threshold is set to 0 so that the small export counts as long); quick work stays silent."""
    from kg.cli import cmd_rdf

    quick = runner.invoke(app, ["export", "rdf", str(small_extracts), "--out", str(tmp_path / "a.ttl")])
    assert quick.exit_code == 0 and quick.stderr == ""
    monkeypatch.setattr(cmd_rdf, "PLAIN_AFTER_SECONDS", 0.0)
    slow = runner.invoke(app, ["export", "rdf", str(small_extracts), "--out", str(tmp_path / "b.ttl")])
    assert slow.exit_code == 0, slow.output
    assert slow.stderr.splitlines()[:2] == ["exporting RDF...", "building the graph of 2 document(s)..."]
