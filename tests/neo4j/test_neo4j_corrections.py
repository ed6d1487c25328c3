"""A person's corrections reach Neo4j: corrected statements carry which fields a person decided, and who."""

from __future__ import annotations

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
