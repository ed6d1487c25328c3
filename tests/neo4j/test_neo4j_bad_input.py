"""Bad input against the real server: one clear line, a non-zero exit, nothing half-loaded, no password shown."""

from __future__ import annotations

import json
import socket

import pytest
from neo4j_samples import article, thread
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


def node_count(driver) -> int:
    records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n")
    return records[0]["n"]


def load(env: dict[str, str], *args: str):
    return runner.invoke(app, ["load", "neo4j", *args], env=env)


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kg: error: ")
    return lines[0]


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_down(empty_db, cli_env, small_extracts):
    env = dict(cli_env, NEO4J_URI=f"bolt://127.0.0.1:{unused_port()}")
    result = load(env, str(small_extracts))
    assert result.exit_code == 5
    line = one_line(result)
    assert "cannot reach Neo4j at bolt://127.0.0.1:" in line and "kg neo4j start" in line
    assert cli_env["NEO4J_PASSWORD"] not in result.output
    assert node_count(empty_db) == 0


def test_wrong_password_is_named_but_never_shown(empty_db, cli_env, small_extracts):
    wrong = "wrong-password-for-the-test"
    result = load(dict(cli_env, NEO4J_PASSWORD=wrong), str(small_extracts))
    assert result.exit_code == 5
    line = one_line(result)
    assert "refused user 'neo4j'" in line and "NEO4J_PASSWORD" in line
    assert wrong not in result.output and cli_env["NEO4J_PASSWORD"] not in result.output
    assert node_count(empty_db) == 0


@pytest.mark.parametrize("uri", ["http://127.0.0.1:7474", "127.0.0.1:7687", "bolt://", "bolt://host:port"])
def test_wrong_uri(empty_db, cli_env, small_extracts, uri):
    result = runner.invoke(app, ["load", "neo4j", str(small_extracts), "--uri", uri], env=cli_env)
    assert result.exit_code == 5
    assert repr(uri) in one_line(result) or uri in one_line(result)
    assert node_count(empty_db) == 0


def test_unknown_database(empty_db, cli_env, small_extracts):
    result = runner.invoke(app, ["load", "neo4j", str(small_extracts), "--database", "nosuchdb"], env=cli_env)
    assert result.exit_code == 5
    assert "no database 'nosuchdb'" in one_line(result)


def test_an_invalid_file_stops_the_load_before_anything_is_written(empty_db, cli_env, write_extracts):
    folder = write_extracts(article(), thread())
    bad = folder / "zz-broken.json"
    data = json.loads((folder / "plan-thread.json").read_text())
    data["document"]["id"] = "zz-broken"
    data["statements"][0]["stance"] = "furious"
    bad.write_text(json.dumps(data))
    result = load(cli_env, str(folder))
    assert result.exit_code == 3
    line = one_line(result)
    assert str(bad) in line and "stance" in line
    assert node_count(empty_db) == 0


def test_not_json_and_missing_folder(empty_db, cli_env, tmp_path):
    (tmp_path / "x.json").write_text("{not json")
    result = load(cli_env, str(tmp_path))
    assert result.exit_code == 3 and "not valid JSON" in one_line(result)
    result = load(cli_env, str(tmp_path / "nowhere"))
    assert result.exit_code == 3 and "no such extracts folder" in one_line(result)
    assert node_count(empty_db) == 0


def test_load_prints_a_summary(empty_db, cli_env, small_extracts):
    result = load(cli_env, str(small_extracts), "--batch-size", "10")
    assert result.exit_code == 0, result.output
    assert "loaded 2 document(s), 6 statement(s)" in result.stdout
    assert cli_env["NEO4J_PASSWORD"] not in result.output


# ------------------------------------------------------------------------- issue 15, item 15: the messages
@pytest.mark.parametrize("scheme, says", [
    ("neo4j+s", "or its certificate is not trusted (a self-signed one needs neo4j+ssc)"),
    ("bolt+s", "or its certificate is not trusted (a self-signed one needs bolt+ssc)"),
    ("neo4j+ssc", "does not speak TLS"),
    ("bolt+ssc", "does not speak TLS"),
])
def test_an_encrypted_uri_against_the_plaintext_server_is_one_line(conn, cli_env, scheme, says):
    host_port = conn.uri.split("://", 1)[1]
    result = runner.invoke(app, ["query", "cypher", "node-count", "--uri", f"{scheme}://{host_port}"], env=cli_env)
    assert result.exit_code == 5
    line = one_line(result)  # the driver's own "Unable to retrieve routing information" used to come first
    assert f"a server answers there, but the encrypted ({scheme}) connection failed" in line
    assert f"use --uri bolt://{host_port}" in line and says in line


def test_an_encrypted_uri_where_nothing_listens_says_so(cli_env):
    result = runner.invoke(app, ["query", "cypher", "node-count", "--uri", f"neo4j+s://127.0.0.1:{unused_port()}"],
                           env=cli_env)
    assert result.exit_code == 5
    assert "no Neo4j server answers there" in one_line(result)


def test_a_renamed_document_id_names_the_clash_and_the_fix(empty_db, cli_env, write_extracts):
    import dataclasses

    result = load(cli_env, str(write_extracts(article(), name="before")))
    assert result.exit_code == 0, result.output
    old = article()
    renamed = dataclasses.replace(old, document=dataclasses.replace(old.document, id="plan-article-2022"))
    result = load(cli_env, str(write_extracts(renamed, name="after")))
    assert result.exit_code == 5
    line = one_line(result)
    assert "ConstraintValidationFailed" not in line
    assert "cannot load document 'plan-article-2022': its " in line
    assert "as part of document 'plan-article' (was the document id changed from 'plan-article' to " \
           "'plan-article-2022'?)" in line
    # the fix the line gives works
    fix = line.split("remove the old document from Neo4j: ", 1)[1]
    empty_db.execute_query(fix)
    result = load(cli_env, str(write_extracts(renamed, name="after")))
    assert result.exit_code == 0, result.output
    records, _, _ = empty_db.execute_query("MATCH (d:Document) RETURN collect(d.id) AS ids")
    assert records[0]["ids"] == ["plan-article-2022"]


@pytest.mark.parametrize("wrong", ["password", "neo4j", "server"])
def test_a_password_that_is_a_common_word_leaves_the_message_whole(empty_db, cli_env, small_extracts, wrong,
                                                                   tmp_path, monkeypatch):
    """The password was hidden by replacing it everywhere in the message, kg's own words too: a user who tried
    NEO4J_PASSWORD=password read "wrong user or ***", and =neo4j "the default is in docs/***.md"."""
    monkeypatch.chdir(tmp_path)
    result = load(dict(cli_env, NEO4J_PASSWORD=wrong), str(small_extracts))
    assert result.exit_code == 5
    line = one_line(result)
    assert ("wrong user or password; set NEO4J_PASSWORD to the server's password "
            "(the local dev server's default is in docs/neo4j.md)") in line
    # the user name is hidden only when it is the password itself (neo4j/neo4j)
    assert line.count("***") == (1 if wrong == "neo4j" else 0), line
    down = load(dict(cli_env, NEO4J_PASSWORD=wrong, NEO4J_URI=f"bolt://127.0.0.1:{unused_port()}"),
                str(small_extracts))
    assert "***" not in one_line(down) and "no Neo4j server answers there" in one_line(down)
