"""``kg neo4j start|stop|status`` on the real server of the session, and the messages for missing tools."""

from __future__ import annotations

import os
import shutil

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.stores import neo4j_server as ns

runner = CliRunner()


def server_args(settings: ns.ServerSettings) -> list[str]:
    return ["--data-dir", str(settings.data), "--bolt-port", str(settings.bolt_port),
            "--http-port", str(settings.http_port)]


def test_status_reports_the_running_server(neo4j_server):
    settings, _ = neo4j_server
    result = runner.invoke(app, ["neo4j", "status", *server_args(settings)])
    assert result.exit_code == 0, result.output
    assert "is running" in result.stdout and settings.browser_url in result.stdout
    assert settings.bolt_uri in result.stdout


def test_start_when_running_says_so_and_prints_the_browser_address(neo4j_server):
    settings, password = neo4j_server
    result = runner.invoke(app, ["neo4j", "start", *server_args(settings)], env={"NEO4J_PASSWORD": password})
    assert result.exit_code == 0, result.output
    assert "already running" in result.stdout
    assert f"http://127.0.0.1:{settings.http_port}/browser/?dbms=neo4j://neo4j@127.0.0.1:{settings.bolt_port}" \
        in result.stdout
    assert password not in result.output
    # the session's server is on a free port, not 7687: the other commands need its address
    assert settings.bolt_port != 7687
    assert f"--uri {settings.bolt_uri}" in result.stdout


def test_data_are_kept_between_starts(neo4j_server, driver):
    settings, password = neo4j_server
    driver.execute_query("MERGE (:Issue {id: 'kept-between-starts', label: 'kept'})")
    stopped = runner.invoke(app, ["neo4j", "stop", *server_args(settings)])
    assert stopped.exit_code == 0 and "stopped" in stopped.stdout
    status = runner.invoke(app, ["neo4j", "status", *server_args(settings)])
    assert status.exit_code == 1 and "is not running" in status.stdout
    ns.start(settings, password=password)
    records, _, _ = driver.execute_query("MATCH (i:Issue {id: 'kept-between-starts'}) DETACH DELETE i RETURN count(*) AS n")
    assert records[0]["n"] == 1
    # the log names the version and never holds the password
    log = (settings.data / "logs" / "neo4j.log").read_text() + settings.log_file.read_text()
    assert ns.NEO4J_VERSION in log and password not in log
    assert password not in settings.conf_file.read_text()


def test_listens_on_localhost_only(neo4j_server):
    settings, _ = neo4j_server
    conf = settings.conf_file.read_text()
    assert f"server.bolt.listen_address=127.0.0.1:{settings.bolt_port}" in conf
    assert f"server.http.listen_address=127.0.0.1:{settings.http_port}" in conf


def test_missing_java_gives_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = runner.invoke(app, ["neo4j", "start", "--data-dir", str(tmp_path / "d"), "--bolt-port", "1",
                                 "--http-port", "2"])
    assert result.exit_code == 6
    assert "Java 17 or newer is needed" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_missing_maven_gives_a_clear_message(tmp_path, monkeypatch):
    java = shutil.which("java")
    assert java, "the Neo4j tests need Java 17 on PATH"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(os.path.realpath(java), bin_dir / "java")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("KG_NEO4J_HOME", str(tmp_path / "no-jars-yet"))
    result = runner.invoke(app, ["neo4j", "start", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 6
    assert "Maven (mvn) is needed once" in result.stderr


@pytest.mark.parametrize("args,fragment", [
    (["--bolt-port", "70000"], "is not a TCP port"),
    (["--bolt-port", "7000", "--http-port", "7000"], "must differ"),
    (["--heap", "lots"], "is not a JVM size"),
])
def test_bad_server_options(tmp_path, args, fragment):
    result = runner.invoke(app, ["neo4j", "start", "--data-dir", str(tmp_path), *args])
    assert result.exit_code == 6 and fragment in result.stderr


def test_every_neo4j_command_has_help():
    for args in (["neo4j", "start"], ["neo4j", "stop"], ["neo4j", "status"], ["load", "neo4j"],
                 ["query", "cypher"]):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0
        assert len(result.stdout.split("Usage:")[1].splitlines()) > 3


@pytest.mark.parametrize("ports", [
    [],  # only the data directory: the ports come from its conf/neo4j.conf
    ["--bolt-port", "7687", "--http-port", "7474"],  # the defaults given explicitly: still the server's own
], ids=["data-dir-only", "other-ports"])
def test_status_and_start_report_the_ports_the_server_was_started_with(neo4j_server, ports):
    settings, password = neo4j_server
    assert (settings.bolt_port, settings.http_port) != (7687, 7474)
    result = runner.invoke(app, ["neo4j", "status", "--data-dir", str(settings.data), *ports])
    assert result.exit_code == 0, result.output
    assert f"Bolt:    bolt://127.0.0.1:{settings.bolt_port}" in result.stdout
    assert f"Browser: http://127.0.0.1:{settings.http_port}/browser/" in result.stdout
    assert ":7687" not in result.stdout and ":7474" not in result.stdout
    result = runner.invoke(app, ["neo4j", "start", "--data-dir", str(settings.data), *ports],
                           env={"NEO4J_PASSWORD": password})
    assert result.exit_code == 0, result.output
    assert f"neo4j://neo4j@127.0.0.1:{settings.bolt_port}" in result.stdout and ":7687" not in result.stdout
