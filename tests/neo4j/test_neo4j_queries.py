"""The six saved Cypher queries through ``kg query cypher`` on the real server, checked against the extracts."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict

import pytest
from neo4j_samples import article, thread
from typer.testing import CliRunner

from kg.cli import app
from kg.graph.build import build_graph
from kg.queries import available, load
from kg.stores.neo4j_store import load_dir

runner = CliRunner()
NAMES = ["node-count", "agreement-pairs", "conflict-pairs", "stance-matrix", "actor-statements",
         "issue-controversy"]


@pytest.fixture(scope="module")
def loaded(conn, tmp_path_factory, driver):
    from kg import extracts as kx

    driver.execute_query("MATCH (n) DETACH DELETE n")
    out = tmp_path_factory.mktemp("query-extracts")
    for ex in (article(), thread()):
        kx.write(ex, out)
    load_dir(out, conn)
    return build_graph([article(), thread()])


def run(cli_env, *args: str):
    result = runner.invoke(app, ["query", "cypher", *args], env=cli_env)
    assert result.exit_code == 0, result.output
    return result.stdout


def rows(cli_env, *args: str) -> list[dict]:
    data = json.loads(run(cli_env, *args, "--format", "json"))
    assert set(data) == {"columns", "rows"}
    assert all(list(r) == data["columns"] for r in data["rows"])
    return data["rows"]


def test_every_saved_query_has_a_header_matching_its_result(loaded, cli_env):
    assert set(NAMES) <= set(available("cypher"))
    for name in NAMES:
        q = load(name, "cypher")
        assert q.name == name and q.purpose and q.columns
        args = ["--param", "actor=ken-marsh"] if name == "actor-statements" else []
        data = json.loads(run(cli_env, name, *args, "--format", "json"))
        assert data["columns"] == q.columns


def test_node_count(loaded, cli_env):
    got = {r["label"]: r["count"] for r in rows(cli_env, "node-count")}
    want: dict[str, int] = defaultdict(int)
    for n in loaded.nodes.values():
        want[n.label] += 1
    assert got == dict(want)
    assert list(got) == sorted(got)


def test_stance_matrix_counts_stances_by_polarity(loaded, cli_env):
    got = rows(cli_env, "stance-matrix")
    want: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for ex in (article(), thread()):
        for s in ex.statements:
            for issue in s.issues:
                want[(s.speaker, issue)][s.stance] += 1
    assert [(r["actor"], r["issue"]) for r in got] == sorted(want)
    for r in got:
        w = want[(r["actor"], r["issue"])]
        assert (r["support"], r["oppose"], r["neutral"]) == (w["support"], w["oppose"], w["neutral"])
        assert r["net"] == w["support"] - w["oppose"]
    ken = next(r for r in got if r["actor"] == "ken-marsh" and r["issue"] == "police-plan")
    assert ken["actor_name"] == "Ken Marsh" and ken["issue_label"] == "the police and crime plan"


@pytest.mark.parametrize("kind,name", [("Agreement", "agreement-pairs"), ("Conflict", "conflict-pairs")])
def test_pairs_list_every_derived_relation_with_its_evidence(loaded, cli_env, kind, name):
    got = rows(cli_env, name)
    want = sorted((n.props["actor_a"], n.props["actor_b"], n.props["issue"] or "", n.props["mode"],
                   len(n.props["evidence"])) for n in loaded.by_label(kind))
    assert [(r["a"], r["b"], r["issue"], r["mode"], r["evidence"]) for r in got] == want
    assert all(r["a"] < r["b"] and r["a_name"] and r["b_name"] for r in got)
    if kind == "Conflict":
        assert ("ken-marsh", "susan-hall", "police-plan", "positional", 2) in want
        assert any(r["mode"] == "interactional" for r in got)


def test_actor_statements_takes_the_actor_as_a_parameter(loaded, cli_env):
    got = rows(cli_env, "actor-statements", "--param", "actor=sam-smith")
    (s,) = [x for x in thread().statements if x.speaker == "sam-smith"]
    assert got == [{"statement": s.id, "document": "plan-thread", "start": s.start, "end": s.end,
                    "kind": "comment", "stance": "oppose", "text": s.text}]
    # a value that looks like Cypher is only ever a value
    assert rows(cli_env, "actor-statements", "--param", "actor=x' OR 1=1 //") == []


def test_issue_controversy_ranks_contested_issues_first(loaded, cli_env):
    got = rows(cli_env, "issue-controversy")
    assert [r["issue"] for r in got] == ["police-funding", "police-plan", "victims"]
    plan = got[1]
    assert (plan["actors"], plan["support"], plan["oppose"], plan["neutral"], plan["contested"]) == (3, 2, 1, 0, 1)


def test_csv_and_table_formats(loaded, cli_env):
    table = run(cli_env, "node-count")
    assert "Statement" in table and "row(s)" in table
    parsed = list(csv.reader(io.StringIO(run(cli_env, "stance-matrix", "--format", "csv"))))
    assert parsed[0] == load("stance-matrix", "cypher").columns
    assert len(parsed) == 1 + len(rows(cli_env, "stance-matrix"))


def test_a_query_file_runs_too(loaded, cli_env, tmp_path):
    f = tmp_path / "mine.cypher"
    f.write_text("// name: mine\n// params: doc\n// columns: n\n"
                 "MATCH (s:Statement {document: $doc}) RETURN count(s) AS n\n")
    assert rows(cli_env, str(f), "--param", "doc=plan-article") == [{"n": 3}]


@pytest.mark.parametrize("args,fragment,code", [
    (["no-such-query"], "no saved cypher query", 4),
    (["actor-statements"], "needs --param actor", 4),
    (["node-count", "--param", "x=1"], "unknown parameter 'x'", 4),
    (["node-count", "--format", "xml"], "unknown --format 'xml'", 4),
    (["actor-statements", "--param", "novalue"], "expected KEY=VALUE", 2),
])
def test_bad_query_arguments_give_one_line(loaded, cli_env, args, fragment, code):
    result = runner.invoke(app, ["query", "cypher", *args], env=cli_env)
    assert result.exit_code == code
    assert fragment in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_broken_query_file_names_the_file(loaded, cli_env, tmp_path):
    f = tmp_path / "broken.cypher"
    f.write_text("MATCH (n RETURN n\n")
    result = runner.invoke(app, ["query", "cypher", str(f)], env=cli_env)
    assert result.exit_code == 4
    assert str(f) in result.stderr and "rejected the query" in result.stderr
