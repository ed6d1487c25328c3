"""The core commands through Typer's CliRunner: extract, run, help texts, and bad input."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_extract_writes_one_file_per_document(tmp_path, paths):
    out = tmp_path / "x"
    result = invoke("extract", paths.article, paths.thread, "--out", out)
    assert result.exit_code == 0, result.output
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == sorted([paths.article.stem + ".json", paths.thread.stem + ".json"])
    # what the machine wrote, kept so a person's later corrections can be merged (kg.corrections)
    assert sorted(p.name for p in (out / ".kg" / "machine").iterdir()) == visible
    assert "2 document(s)" in result.output


THREAD_WITHOUT_COMMENTS = "The Mayor and policing\n\nAdded by Talk London\n\nComments (0)\n\nAvatar for -\nUp vote 0\n"


@pytest.mark.parametrize("name, content, message", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"   \n\n  ", "empty"),
    ("binary.txt", b"\x00\x01\x02\x03binary\x00", "binary"),
    ("latin1.txt", "Café au lait, said Renée.".encode("latin-1"), "UTF-8"),
    ("thread.txt", THREAD_WITHOUT_COMMENTS.encode(), "no comments"),
])
def test_bad_input_one_line_non_zero_nothing_written(tmp_path, paths, name, content, message):
    bad = tmp_path / name
    bad.write_bytes(content)
    out = tmp_path / "out"
    result = invoke("extract", paths.article, bad, "--out", out)
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert str(bad) in lines[0] and message.lower() in lines[0].lower()
    assert not out.exists() or not any(out.iterdir())


def test_unbalanced_quotes_do_not_crash(tmp_path):
    doc = tmp_path / "unbalanced.txt"
    doc.write_text("A headline\n\nJane Doe said “this never closes.\n\n“Nor does this, she said.\n\n”Stray.\n",
                   encoding="utf-8")
    result = invoke("extract", doc, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "unbalanced.json").read_text("utf-8"))
    for s in data["statements"]:
        assert data["document"]["text"][s["start"]:s["end"]] == s["text"]


def test_unknown_kind_and_missing_model(tmp_path, paths):
    result = invoke("extract", paths.article, "--out", tmp_path, "--kind", "book")
    assert result.exit_code != 0 and "--kind 'book'" in result.output
    result = invoke("extract", paths.article, "--out", tmp_path, "--model", "no_such_model_xyz")
    assert result.exit_code != 0 and "no_such_model_xyz" in result.output and "not installed" in result.output


def _commands(group: typer.Typer, prefix: str = ""):
    import typer.main

    cmd = typer.main.get_command(group)
    stack = [(prefix, cmd)]
    while stack:
        name, c = stack.pop()
        yield name, c
        for sub_name, sub in getattr(c, "commands", {}).items():
            stack.append((f"{name} {sub_name}".strip(), sub))


def test_every_command_has_help():
    names = []
    for name, cmd in _commands(app):
        if not name:
            continue
        names.append(name)
        assert (cmd.help or "").strip(), f"`kg {name}` has no help text"
        result = invoke(*name.split(), "--help")
        assert result.exit_code == 0, name
    for expected in ("run", "extract", "eval", "matrix", "network", "import dna", "export rdf", "query sparql",
                     "query cypher", "serve sparql", "neo4j start", "neo4j stop", "neo4j status", "load neo4j"):
        assert expected in names, f"`kg {expected}` is missing"


def test_a_folder_without_documents_is_an_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(b"%PDF-1.4")
    result = invoke("run", empty, "--out", tmp_path / "out")
    assert result.exit_code != 0 and "no documents found" in result.output and str(empty) in result.output
    assert not (tmp_path / "out").exists()


# Every argument of every command, as its usage line and its errors name it.
ARGUMENTS = {
    "run": ["CORPUS..."], "extract": ["INPUT..."], "review": ["EXTRACTS_DIR"],
    "eval": ["GOLD_DIR", "EXTRACTS_DIR"], "matrix": ["EXTRACTS_DIR"], "network": ["EXTRACTS_DIR"],
    "polarisation": ["EXTRACTS_DIR"], "import dna": ["FILE"], "export rdf": ["EXTRACTS_DIR"],
    "load oxigraph": ["EXTRACTS_DIR"], "load neo4j": ["EXTRACTS_DIR"], "query sparql": ["QUERY"],
    "query cypher": ["QUERY"], "serve sparql": [], "neo4j start": [], "neo4j stop": [], "neo4j status": [],
}


@pytest.mark.parametrize("name", sorted(ARGUMENTS))
def test_usage_lines_name_arguments_in_capitals(name, tmp_path, monkeypatch):
    """`kg matrix --help` says `Usage: kg matrix [OPTIONS] EXTRACTS_DIR`, as the README's table does (Typer
    0.29 printed `{extracts_dir}`), and a missing argument is named the same way."""
    monkeypatch.chdir(tmp_path)
    result = invoke(*name.split(), "--help")
    assert result.exit_code == 0, result.output
    usage = next(line for line in result.output.splitlines() if "Usage:" in line).split()
    assert usage[usage.index("Usage:") + 1:] == ["kg", *name.split(), "[OPTIONS]", *ARGUMENTS[name]], usage
    if ARGUMENTS[name]:
        result = invoke(*name.split())
        assert result.exit_code != 0
        first = ARGUMENTS[name][0].rstrip(".")
        assert f"'{first}'" in result.output or "Usage:" in result.output, result.output
        assert "{" not in result.output, result.output


def test_neo4j_stop_when_not_running_reads_well(tmp_path, monkeypatch):
    """`kg neo4j stop` on a server that is not running said "Neo4j it was not running"."""
    monkeypatch.chdir(tmp_path)
    result = invoke("neo4j", "stop", "--data-dir", "neo4j-data", "--bolt-port", "1", "--http-port", "2")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Neo4j was not running (data kept in "), result.output


def test_neo4j_data_dir_help_shows_its_default(monkeypatch):
    """The default in --data-dir's help was taken for Rich markup and vanished ("... logs) .")."""
    monkeypatch.setenv("COLUMNS", "200")
    result = invoke("neo4j", "start", "--help")
    assert result.exit_code == 0
    assert "default: ~/.local/share/kg/neo4j)." in result.output, result.output


def test_ctrl_c_says_what_it_left(tmp_path, monkeypatch):
    """Ctrl-C in a long `kg run` ended with exit 130 and not a word (Typer's own handling): say it stopped,
    that what was written is whole, and how to finish."""
    import kg.analysis.commands

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(kg.analysis.commands, "matrix_command", interrupted)
    result = invoke("matrix", "extracts", "--out", "m.csv")
    assert result.exit_code == 130
    assert [line for line in result.output.splitlines() if line.strip()] == [
        "kg: interrupted: every file written so far is whole; the rest was not done, run the command again"]


def test_a_schema_error_names_the_statement_by_its_id(tmp_path, monkeypatch, sample_extracts):
    """A hand-added statement without `target` was refused 'at statements/18' only: the researcher has to
    count; the other checks already name it (`statements/18 (st-...)`)."""
    import shutil

    monkeypatch.chdir(tmp_path)
    shutil.copytree(sample_extracts, "extracts", ignore=shutil.ignore_patterns(".*"))
    path = sorted(p for p in (tmp_path / "extracts").glob("*.json"))[0]
    data = json.loads(path.read_text("utf-8"))
    st = data["statements"][3]
    del st["target"]
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = invoke("matrix", "extracts", "--out", "m.csv")
    assert result.exit_code == 3
    assert result.output.strip() == (f"kg: error: extracts/{path.name}: schema: at statements/3 ({st['id']}): "
                                     "'target' is a required property"), result.output


@pytest.mark.parametrize("name", ["", "load", "run", "serve sparql", "query sparql"])
def test_flags_are_not_shown_as_taking_a_value(name, monkeypatch):
    """Typer 0.29 wrote `--help <bool>`, `--quiet <bool>`, `--allow-writes <bool>`: as if they took a value."""
    monkeypatch.setenv("COLUMNS", "200")
    result = invoke(*name.split(), "--help")
    assert result.exit_code == 0, result.output
    assert "--help" in result.output and "<bool>" not in result.output, result.output


@pytest.mark.parametrize("name", ["run", "eval", "extract", "serve sparql"])
def test_help_text_wraps_to_the_terminal_not_to_the_source(name, monkeypatch):
    """The docstrings' own line breaks (at ~110 characters) were kept, so an 80-column terminal showed a full
    line, then a stub of two words, and so on. A line may end only where the next word would not fit."""
    monkeypatch.setenv("COLUMNS", "80")
    out = invoke(*name.split(), "--help").output.splitlines()
    start = next(i for i, line in enumerate(out) if "Usage:" in line) + 1
    end = next(i for i, line in enumerate(out) if line.lstrip().startswith("╭"))
    text = [line.strip() for line in out[start:end]]
    for line, following in zip(text, text[1:]):
        if line and following:
            assert len(line) + 1 + len(following.split()[0]) > 76, (line, following)


def test_python_dash_m_kg_is_the_same_cli():
    """``python -m kg`` runs the CLI (scripts use it to run the checkout's own code)."""
    import subprocess
    import sys

    import kg

    out = subprocess.run([sys.executable, "-m", "kg", "--version"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert kg.__version__ in out.stdout


@pytest.mark.parametrize("actors, graph_actors, expected", [
    (40, 41, "- actors: 40 (the graph has 41: 1 more named only as a role's organisation)"),
    (40, 40, "- actors: 40\n"),
])
def test_summary_explains_actor_count(tmp_path, actors, graph_actors, expected):
    from kg.pipeline import RunResult, summary_markdown

    result = RunResult(out_dir=tmp_path, documents=1, statements=3, actors=actors, issues=1,
                       counts={"Actor": graph_actors})
    assert expected in summary_markdown(result)


# ------------------------------------------------------------------ readers and documents without statements
MUMSNET_LIKE = ("A thread\n\n(2 Posts)\npinboard Tue 14-Feb-17 10:28:09\n\nThe school will close and nobody "
                "asked the parents.\n\nbluebell Tue 14-Feb-17 10:34:42\n\nI oppose the closure of the school.\n")


def test_extract_names_readers_and_empty_documents(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "forum.txt").write_text(MUMSNET_LIKE, encoding="utf-8")
    (corpus / "blank-ish.txt").write_text("Menu\n\nHome\n", encoding="utf-8")
    out = tmp_path / "x"
    result = runner.invoke(app, ["extract", str(corpus), "--out", str(out), "-v"])
    assert result.exit_code == 0, result.output
    assert "forum: read as thread page ('name date time' lines), 2 statement(s)" in result.output
    assert "blank-ish: read as article (text), 0 statement(s)" in result.output
    assert "1 of 2 documents gave no statements: blank-ish" in result.output
    assert "2 document(s) (1 article, 1 thread page), 2 statement(s)" in result.output \
        or "2 document(s) (1 thread page, 1 article), 2 statement(s)" in result.output
    # without -v: no per-document lines, but the empty document is still reported
    quiet = runner.invoke(app, ["extract", str(corpus), "--out", str(tmp_path / "y"), "-q"])
    assert "read as" not in quiet.output and "1 of 2 documents gave no statements: blank-ish" in quiet.output


def test_run_summary_names_readers_and_empty_documents(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "forum.txt").write_text(MUMSNET_LIKE, encoding="utf-8")
    (corpus / "blank-ish.txt").write_text("Menu\n\nHome\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(corpus), "--out", str(out), "--no-store", "-q"])
    assert result.exit_code == 0, result.output
    summary = (out / "summary.md").read_text("utf-8")
    assert "## Readers" in summary and "- thread page ('name date time' lines): 1 (forum)" in summary
    assert "## Documents that gave no statements\n\n1 of 2 documents gave no statements: blank-ish" in summary


def test_thread_page_without_comments_under_kind_thread(tmp_path):
    page = tmp_path / "no-thread.txt"
    page.write_text("A page\n\nAn article with no comments at all. Nothing else.\n", encoding="utf-8")
    out = tmp_path / "x"
    result = runner.invoke(app, ["extract", str(page), "--kind", "thread", "--out", str(out)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == [f"kg: error: {page}: no comments found on this thread page (no comment headers: no author, "
                     "date or reply lines repeat on it)"]
    assert not out.exists()


@pytest.mark.parametrize("text, reported", [
    ("Buses to run again\n\nPublished 3 March 2022\n\nJane Holt said the buses would run again.", False),
    ("Buses to run again\n\nJane Holt said the buses would run again.", True),
])
def test_extract_reports_undated_articles(tmp_path, text, reported):
    src = tmp_path / "buses.txt"
    src.write_text(text, encoding="utf-8")
    result = invoke("extract", src, "--out", tmp_path / "x")
    assert result.exit_code == 0, result.output
    line = "1 document(s) without a publication date (none found in the text): buses"
    assert (line in result.output) is reported
