"""A person's corrections reach every store: corrected statements carry which fields a person decided and
who in Neo4j, and a correction made with a text editor is in the extracts, the stance matrix, the SPARQL
store and the Cypher answers after `kg run` again (issue 14)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kg import extracts as kx
from kg.cli import app

runner = CliRunner()


def test_corrections_reach_neo4j(empty_db, cli_env, tmp_path):
    from test_corrections import corrected_extract

    out = tmp_path / "extracts"
    kx.write(corrected_extract(), out)
    res = runner.invoke(app, ["load", "neo4j", str(out)], env=cli_env)
    assert res.exit_code == 0, res.output
    rows, _, _ = empty_db.execute_query(
        "MATCH (s:Statement) RETURN s.id AS id, s.corrected AS corrected, s.corrected_by AS by ORDER BY id")
    got = {r["id"]: (r["corrected"], r["by"]) for r in rows}
    assert got["st-b"] == ("stance", "coder-a")
    assert got["st-new"] == ("statement", "coder-a")
    assert got["st-a"] == (None, None)


def _stance_of(rows, statement_id):
    return next(r["stance"] for r in rows if r["statement"] == statement_id)


@pytest.mark.slow
def test_text_editor_correction_in_matrix_sparql_and_cypher(empty_db, cli_env, tmp_path, paths, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative paths, as the README's commands use them
    article = tmp_path / "corpus" / paths.article.name
    article.parent.mkdir()
    article.write_bytes(paths.article.read_bytes())
    assert runner.invoke(app, ["run", "corpus", "--out", "out"]).exit_code == 0
    path = tmp_path / "out" / "extracts" / f"{article.stem}.json"
    data = json.loads(path.read_text("utf-8"))
    st = next(s for s in data["statements"] if s["issues"] and s["stance"] == "oppose")
    actor = next(a for a in data["actors"] if a["id"] == st["speaker"])
    st["stance"] = "support"  # a person disagrees with the machine
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    res = runner.invoke(app, ["run", "corpus", "--out", "out"])
    assert res.exit_code == 0, res.output
    assert "kept 1 corrected field(s)" in res.stderr
    after = {s["id"]: s for s in json.loads(path.read_text("utf-8"))["statements"]}
    assert after[st["id"]]["stance"] == "support"

    # the matrix: the actor's net position on the statement's issues counts the corrected stance
    assert runner.invoke(app, ["matrix", "out/extracts", "--out", "m.json"]).exit_code == 0
    matrix = json.loads((tmp_path / "m.json").read_text("utf-8"))
    stances = [s["stance"] for s in after.values() if s["speaker"] == actor["id"] and st["issues"][0] in s["issues"]]
    net = stances.count("support") - stances.count("oppose")
    row = matrix["actors"].index(actor["name"])
    col = matrix["issues"].index(next(i["label"] for i in data["issues"] if i["id"] == st["issues"][0]))
    assert matrix["net"][row][col] == net

    # SPARQL on the store `kg run` filled
    res = runner.invoke(app, ["query", "sparql", "actor-statements", "--param", f"actor={actor['id']}",
                              "--store", "out/store", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert _stance_of(json.loads(res.stdout)["rows"], st["id"]) == "support"

    # Cypher after loading the same extracts into the real Neo4j
    assert runner.invoke(app, ["load", "neo4j", "out/extracts"], env=cli_env).exit_code == 0
    res = runner.invoke(app, ["query", "cypher", "actor-statements", "--param", f"actor={actor['id']}",
                              "--format", "json"], env=cli_env)
    assert res.exit_code == 0, res.output
    assert _stance_of(json.loads(res.stdout)["rows"], st["id"]) == "support"
