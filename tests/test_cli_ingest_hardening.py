"""Issue 15 (items 9, 13, 18, 19, 20, 21): the extract and run commands' files, progress and version, through
Typer's CliRunner (and a real subprocess where a hang is the defect)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


ARTICLE = ("Council backs bus lane\n\nJane Doe, the council leader, said: \"The bus lane will stay because it "
           "cuts journeys.\"\n")


# ------------------------------------------------------------------------------------------ --version
def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    import kg

    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"kg {version('kg')}"
    assert version("kg") == kg.__version__  # pyproject.toml takes the version from kg/__init__.py


# ------------------------------------------------------------------------------------------ --out checked first
@pytest.mark.parametrize("command", ["extract", "run"])
def test_out_that_is_a_file_is_refused_before_any_work(tmp_path, paths, command):
    out = tmp_path / "taken"
    out.write_text("someone's notes\n", "utf-8")
    result = invoke(command, paths.article, "--out", out)
    assert result.exit_code == 2
    assert lines(result.output) == [f"kg: error: --out {out}: this is a file, not a folder; choose a folder for "
                                    "the output"]
    assert out.read_text("utf-8") == "someone's notes\n"


@pytest.mark.parametrize("args", [
    ["extract", "{article}", "--out", "/dev/null/x"],
    ["run", "{article}", "--out", "/dev/null/x"],
    ["matrix", "{extracts}", "--out", "/dev/null/x.csv"],
    ["export", "rdf", "{extracts}", "--out", "/dev/null/x.ttl"],
])
def test_out_under_a_file_is_one_line(paths, sample_extracts, args):
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    args = [a.format(article=paths.article, extracts=sample_extracts) for a in args]
    result = invoke(*args)
    assert result.exit_code != 0
    out = lines(result.output)
    assert len(out) == 1 and out[0].startswith("kg: error: ") and "/dev/null" in out[0], result.output
    assert "Traceback" not in result.output


def test_out_inside_an_input_folder_is_refused(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text(ARTICLE, "utf-8")
    for out in (texts, texts / "extracts"):
        result = invoke("extract", texts, "--out", out)
        assert result.exit_code == 2
        assert f"--out {out}: inside the input folder {texts}" in result.output
    result = invoke("run", texts, "--out", texts / "out")
    assert result.exit_code == 2 and "inside the input folder" in result.output
    assert sorted(p.name for p in texts.iterdir()) == ["a.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_named_fifo_does_not_hang(tmp_path):
    """A real process: before the fix `kg extract pipe.txt` blocked forever opening the FIFO."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        proc = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "extract", str(fifo),
                               "--out", str(tmp_path / "out")], capture_output=True, text=True, env=env,
                              timeout=120, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail("kg extract on a FIFO hangs")
    assert proc.returncode == 2
    assert lines(proc.stderr) == [f"kg: error: {fifo}: a named pipe (FIFO), not an ordinary file; kg reads "
                                  "documents from ordinary files only"]


# ------------------------------------------------------------------------------------------ folders: go on, report
def test_bad_file_in_a_folder_the_rest_is_extracted_exit_2(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE, "utf-8")
    (corpus / "b.txt").write_bytes(b"\x00\x01binary")
    (corpus / "c.csv").write_text('id,text\n1,"never closed\n2,swallowed\n', "utf-8")
    (corpus / "d.txt").write_text(ARTICLE.replace("Jane Doe", "John Roe"), "utf-8")
    out = tmp_path / "out"
    result = invoke("extract", corpus, "--out", out)
    assert result.exit_code == 2, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["a.json", "d.json"]
    errors = [line for line in lines(result.stderr) if line.startswith("kg: error: ")]
    assert errors == [
        f"kg: error: {corpus / 'b.txt'}: the file is binary (it contains NUL bytes), not text",
        f"kg: error: {corpus / 'c.csv'}: line 2: a quoted field opens here and never closes, so every row after "
        'it would be read as part of one comment; close the quote, and write a quote inside a quoted field as '
        'two ("")',
        f"kg: error: 2 of 4 files could not be read (listed above); the other 2 were extracted to {out}",
    ]
    assert "2 document(s)" in result.stdout


def test_duplicate_ids_still_refuse_before_writing(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "x").mkdir(parents=True)
    (corpus / "a.txt").write_text(ARTICLE, "utf-8")
    (corpus / "x" / "a.md").write_text(ARTICLE, "utf-8")
    (corpus / "bad.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = invoke("extract", corpus, "--out", out)
    assert result.exit_code == 2 and "document id 'a' is also the id of" in result.output
    assert not out.exists()


def test_only_bad_files_no_documents(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "b.txt").write_bytes(b"")
    (corpus / "c.pdf").write_bytes(b"%PDF-1.4\n garbage")
    result = invoke("extract", corpus, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert lines(result.output) == [
        f"kg: error: {corpus / 'b.txt'}: the file is empty",
        f"kg: error: {corpus / 'c.pdf'}: not a readable PDF (damaged or truncated: Stream has ended unexpectedly)",
        f"kg: error: {corpus}: no documents found that could be read (2 file(s) failed, listed above)",
    ]
    assert not (tmp_path / "out").exists()


def test_skipped_files_are_listed_in_one_line(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE, "utf-8")
    (corpus / "README.md").write_text("# The corpus\n\nArticles collected in 2024.\n", "utf-8")
    (corpus / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = invoke("extract", corpus, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    notes = [line for line in lines(result.stderr) if line.startswith("kg: skipped")]
    assert notes == [f"kg: skipped 2 file(s) that are not documents: {corpus / 'README.md'} (describes the folder "
                     f"(README, LICENSE...)); {corpus / 'chart.png'} (not a document format (.png))"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == ["a.json"]
    quiet = invoke("extract", corpus, "--out", tmp_path / "out2", "--quiet")
    assert quiet.exit_code == 0 and quiet.stderr.strip() == ""


def test_extracts_in_the_corpus_are_skipped_not_read(tmp_path):
    """`kg extract texts --out texts` used to be possible; its extracts then broke `kg run texts`."""
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text(ARTICLE, "utf-8")
    first = invoke("extract", texts, "--out", tmp_path / "x")
    assert first.exit_code == 0, first.output
    (texts / "a-extract.json").write_bytes((tmp_path / "x" / "a.json").read_bytes())  # as the old bug left it
    result = invoke("extract", texts, "--out", tmp_path / "y")
    assert result.exit_code == 0, result.output
    assert f"{texts / 'a-extract.json'} (a kg extracts file, not a document)" in result.stderr
    assert sorted(p.name for p in (tmp_path / "y").iterdir() if not p.name.startswith(".")) == ["a.json"]
    named = invoke("extract", texts / "a-extract.json", "--out", tmp_path / "z")
    assert named.exit_code == 2 and "this is a kg extracts file" in named.output


def test_pdf_through_the_command(tmp_path):
    sys.path.insert(0, str(ROOT / "tests" / "ingest"))
    from pdfkit import make_pdf

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(make_pdf([["Council backs bus lane", "Jane Doe, the council leader, said: \"The bus lane will "
                                                         "stay because it cuts journeys.\""]],
                             title="Bus lane report", created="D:20240102000000Z"))
    result = invoke("extract", pdf, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "report.json").read_text("utf-8"))
    assert data["document"]["title"] == "Bus lane report" and data["document"]["published"] == "2024-01-02"
    assert "The bus lane will stay" in data["document"]["text"]


# ------------------------------------------------------------------------------------------ progress
def test_progress_lines_on_stderr_when_not_a_terminal(tmp_path, paths):
    result = invoke("extract", paths.article, paths.thread, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    progress = lines(result.stderr)
    assert progress[0] == "extract 0/2" and progress[-1] == "extract 2/2", result.stderr
    assert "extract" not in result.stdout.split("->")[0] or "document(s)" in result.stdout
    quiet = invoke("extract", paths.article, "--out", tmp_path / "q", "--quiet")
    assert quiet.exit_code == 0 and quiet.stderr == ""


@pytest.mark.parametrize(("calls", "expected"), [
    # (stage, done, total, seconds since start)
    ([("extract", 0, 120, 0), *[("extract", n, 120, 0) for n in range(1, 121)]],
     ["extract 0/120", *[f"extract {n}/120" for n in range(12, 121, 12)]]),
    ([("extract", 0, 3, 0), ("extract", 1, 3, 0), ("extract", 2, 3, 0), ("extract", 3, 3, 0)],
     ["extract 0/3", "extract 1/3", "extract 2/3", "extract 3/3"]),
    # a slow stage: a line every 5 seconds even between tenths
    ([("extract", 0, 1000, 0), ("extract", 1, 1000, 6), ("extract", 2, 1000, 7), ("extract", 3, 1000, 12)],
     ["extract 0/1000", "extract 1/1000", "extract 3/1000"]),
    # one-step stages say when they start
    ([("graph", 0, 1, 0), ("graph", 1, 1, 0), ("store", 0, 1, 0), ("store", 1, 1, 0)], ["graph...", "store..."]),
    # reading is quiet unless it is slow (a bad file named on the command line gives one line, no progress)
    ([("read", 1, 3, 0), ("read", 2, 3, 0.5), ("read", 3, 3, 1)], []),
    ([("read", 1, 3, 0), ("read", 2, 3, 2.5), ("read", 3, 3, 3)], ["read 2/3", "read 3/3"]),
    ([], []),
])
def test_plain_progress_rate(calls, expected):
    from kg.cli.cmd_core import PlainProgress

    now = [0.0]
    printed: list[str] = []
    progress = PlainProgress(echo=printed.append, clock=lambda: now[0])
    for stage, done, total, t in calls:
        now[0] = t
        progress(stage, done, total)
    assert printed == expected


# ------------------------------------------------------------------------------------------ run: stale extracts
@pytest.mark.slow
def test_run_into_an_old_out_moves_stale_extracts_aside(tmp_path, paths):
    out = tmp_path / "out"
    first = invoke("run", paths.article, paths.thread, "--out", out, "--no-store")
    assert first.exit_code == 0, first.output
    corrected = out / "extracts" / f"{paths.thread.stem}.json"
    data = json.loads(corrected.read_text("utf-8"))
    data["document"]["title"] = "Corrected by hand"
    corrected.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    # a run on another corpus (here: only the article) into the same --out
    second = invoke("run", paths.article, "--out", out, "--no-store")
    assert second.exit_code == 0, second.output
    assert sorted(p.name for p in (out / "extracts").glob("*.json")) == [f"{paths.article.stem}.json"]
    stale_dirs = list((out / "extracts" / ".stale").iterdir())
    assert len(stale_dirs) == 1
    moved = stale_dirs[0] / corrected.name
    assert json.loads(moved.read_text("utf-8"))["document"]["title"] == "Corrected by hand"  # never lost
    notes = [line for line in lines(second.stderr) if line.startswith("kg: moved")]
    assert notes == [f"kg: moved 1 earlier extracts file(s) to {stale_dirs[0]}/: {corrected.name} (document not "
                     "in this run)"]
    assert f"- {corrected.name} (document not in this run)" in (out / "summary.md").read_text("utf-8")
    assert "- documents: 1" in second.stdout
    # later commands reading the folder see only this run's documents
    matrix = invoke("matrix", out / "extracts", "--out", tmp_path / "m.json")
    assert matrix.exit_code == 0, matrix.output
    from kg.extracts import read_dir

    assert [e.document.id for e in read_dir(out / "extracts")] == [paths.article.stem]


def test_extract_never_overwrites_a_hand_corrected_file(tmp_path, paths):
    out = tmp_path / "extracts"
    assert invoke("extract", paths.article, "--out", out).exit_code == 0
    target = out / f"{paths.article.stem}.json"
    original = target.read_bytes()
    # the same extraction again: identical bytes, nothing said, nothing moved
    again = invoke("extract", paths.article, "--out", out)
    assert again.exit_code == 0 and "kg: " not in again.stderr and not (out / ".stale").exists()
    assert target.read_bytes() == original
    # a person corrects the file; extracting again keeps the correction in place (kg.corrections), says so
    # even with --quiet, and later commands read the corrected file
    data = json.loads(original)
    data["document"]["title"] = "Corrected title"
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    third = invoke("extract", paths.article, "--out", out, "--quiet")
    assert third.exit_code == 0, third.output
    assert lines(third.stderr) == [f"kg: {paths.article.stem}: kept 1 corrected field(s), 0 added and 0 deleted "
                                   "statement(s)/actor(s)"]
    assert json.loads(target.read_text("utf-8"))["document"]["title"] == "Corrected title"
    assert not (out / ".stale").exists()
    from kg.extracts import read_dir

    assert [e.document.title for e in read_dir(out)] == ["Corrected title"]


def test_a_document_back_in_the_run_brings_its_set_aside_corrections_back(tmp_path, monkeypatch):
    """`kg run corpus/a.txt --out out` (trying one file) moves b's corrected extract to .stale/; the next
    `kg run corpus --out out` wrote b afresh and the person's corrections stayed behind in .stale/, unsaid."""
    monkeypatch.chdir(tmp_path)
    Path("corpus").mkdir()
    Path("corpus/a.txt").write_text("Plan for police\n\nJane Doe, a councillor, said: “We need more police "
                                    "officers on the streets.”\n", "utf-8")
    Path("corpus/b.txt").write_text("Stop and search\n\nJohn Roe, a campaigner, said: “Stop and search is "
                                    "unfair and must end.”\n", "utf-8")
    assert invoke("run", "corpus", "--out", "out", "--no-store").exit_code == 0
    b = Path("out/extracts/b.json")
    data = json.loads(b.read_text("utf-8"))
    assert data["statements"]
    machine = data["statements"][0]["stance"]
    wanted = "support" if machine != "support" else "neutral"
    data["statements"][0]["stance"] = wanted
    b.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    one = invoke("run", "corpus/a.txt", "--out", "out", "--no-store")
    assert one.exit_code == 0, one.output
    assert not b.exists()
    both = invoke("run", "corpus", "--out", "out", "--no-store")
    assert both.exit_code == 0, both.output
    st = json.loads(b.read_text("utf-8"))["statements"][0]
    assert st["stance"] == wanted and st["corrected"]["stance"]["machine"] == machine
    said = [line for line in lines(both.stderr) if line.startswith("kg: b:")]
    assert said and "out/extracts/.stale/" in said[0] and "kept 1 corrected field(s)" in " ".join(said), said
    assert not list(Path("out/extracts/.stale").glob("*/b.json"))  # brought back, not copied


def test_an_extracts_folder_given_as_the_corpus_says_so(tmp_path, monkeypatch, sample_extracts):
    """`kg run out/extracts --out out2` (the extracts for the corpus) said only "no documents found (files
    ending .txt .md .html .htm .json .csv .pdf)" of a folder full of .json files: say they are extracts."""
    import shutil

    monkeypatch.chdir(tmp_path)
    shutil.copytree(sample_extracts, "extracts")
    for command in ("run", "extract"):
        result = invoke(command, "extracts", "--out", "out2")
        assert result.exit_code == 2
        assert lines(result.output) == [
            "kg: error: extracts: no documents found (files ending .txt .md .html .htm .json .csv .pdf); its 2 "
            ".json file(s) are kg extracts files (what kg extract writes): give the folder of source documents, "
            "or give this one to the commands that read extracts (kg matrix, kg network, kg export rdf, kg load)"]
        assert not Path("out2").exists()
