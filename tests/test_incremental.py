"""Incremental rebuilds (issue 17, item 2): a document unchanged since its last extraction is not parsed again.

Counted through the numbers a run reports (``parsed`` / ``reused``), never by timing. Real model, real files:
the sample corpus's article and thread, and a short article written here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import cache as kc
from kg import pipeline
from kg.cli import app
from kg.extract.settings import settings, settings_key
from kg.records import Document, Post

runner = CliRunner()

SHORT = ("Council plan\n\nAnn Lee, the chair of the residents' association, said the new policing plan is a good "
         "step for the town. Bob Ray said the plan is a mistake and should be dropped.\n")


@pytest.fixture
def corpus(tmp_path, paths) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(paths.article, folder)
    shutil.copy(paths.thread, folder)
    (folder / "short.txt").write_text(SHORT, "utf-8")
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.json"))}


# ----------------------------------------------------------------------------------------- the keys
BASE = Document(id="d", source="d.txt", kind="article", text="Ann said yes.", title="T", published="2020-01-02",
                posts=[])


def _changed(field: str, value) -> Document:
    d = Document(**{**BASE.__dict__, "posts": list(BASE.posts)})
    setattr(d, field, value)
    return d


@pytest.mark.parametrize("document, same", [
    (_changed("text", "Ann said yes."), True),  # an equal document: the same key
    (_changed("source", "d.txt"), True),
    (_changed("text", "Ann said no."), False),  # the text
    (_changed("kind", "thread"), False),  # the reader's kind
    (_changed("title", "Other"), False),
    (_changed("published", "2020-01-03"), False),
    (_changed("source", "elsewhere/d.txt"), False),  # the source is written into the extract
    (_changed("posts", [Post(index=0, start=0, end=4, author="Ann")]), False),  # the reader's posts
])
def test_document_key_follows_the_document(document, same):
    assert (kc.document_key("s", document) == kc.document_key("s", BASE)) is same
    assert kc.document_key("other settings", document) != kc.document_key("s", BASE)


@pytest.mark.parametrize("change, same", [
    (lambda cb: {}, True),  # the same settings twice
    (lambda cb: {"stance": "lexicon"}, True),  # the default, named
    (lambda cb: {"stance": "model"}, False),
    (lambda cb: {"codebook": str(cb)}, False),  # another codebook
    (lambda cb: {"model": str(_pipeline_folder())}, False),  # the pipeline named by its folder (conservative)
])
def test_settings_key_follows_the_options(tmp_path, monkeypatch, change, same):
    monkeypatch.delenv("KG_STANCE", raising=False)
    monkeypatch.delenv("KG_MODEL", raising=False)
    cb = tmp_path / "codebook.yaml"
    cb.write_text("issues:\n  - {id: plan, label: the plan, cues: [plan]}\n", "utf-8")
    other = settings_key(settings(**change(cb)))
    assert (other == settings_key(settings())) is same


def _pipeline_folder() -> Path:
    import spacy.util

    from kg.extract.settings import DEFAULT_MODEL

    return next(spacy.util.get_package_path(DEFAULT_MODEL).glob("*/meta.json")).parent


def test_an_unknown_pipeline_is_refused_before_any_work(tmp_path, corpus):
    from kg.errors import ConfigError

    with pytest.raises(ConfigError, match="kg_no_such_model"):
        pipeline.extract_inputs([corpus], tmp_path / "ex", model="kg_no_such_model")
    assert not (tmp_path / "ex").exists()


def test_settings_key_follows_the_codebook_content(tmp_path):
    cb = tmp_path / "codebook.yaml"
    cb.write_text("issues:\n  - {id: plan, label: the plan, cues: [plan]}\n", "utf-8")
    first = settings_key(settings(codebook=str(cb)))
    assert settings_key(settings(codebook=str(cb))) == first
    cb.write_text("issues:\n  - {id: plan, label: the plan, cues: [plan, scheme]}\n", "utf-8")
    assert settings_key(settings(codebook=str(cb))) != first


# ------------------------------------------------------------------------------------- whole runs
def test_second_extract_parses_nothing_and_writes_the_same_files(corpus, tmp_path):
    out = tmp_path / "ex"
    first = pipeline.extract_inputs([corpus], out)
    assert (first.parsed, first.reused) == (3, 0)
    before = _files(out)
    second = pipeline.extract_inputs([corpus], out)
    assert (second.parsed, second.reused) == (0, 3)
    assert _files(out) == before
    assert [e.document.id for e in second.extracts] == [e.document.id for e in first.extracts]
    forced = pipeline.extract_inputs([corpus], out, cache=False)  # --force
    assert (forced.parsed, forced.reused) == (3, 0)
    assert _files(out) == before  # byte for byte what the cached run wrote


def test_a_changed_document_alone_is_parsed_again(corpus, tmp_path):
    out = tmp_path / "ex"
    pipeline.extract_inputs([corpus], out)
    (corpus / "short.txt").write_text(SHORT.replace("Bob Ray", "Cat Poe"), "utf-8")
    again = pipeline.extract_inputs([corpus], out)
    assert (again.parsed, again.reused) == (1, 2)
    short = json.loads((out / "short.json").read_text("utf-8"))
    assert "Cat Poe" in {a["name"] for a in short["actors"]}
    assert "Bob Ray" not in {a["name"] for a in short["actors"]}
    # what it wrote is what a run from scratch writes
    fresh = tmp_path / "fresh"
    pipeline.extract_inputs([corpus], fresh)
    assert _files(out) == _files(fresh)


@pytest.mark.parametrize("options", [
    {"codebook": "own"},
    {"stance": "model"},
])
def test_changed_options_parse_every_document_again(corpus, tmp_path, options):
    out = tmp_path / "ex"
    pipeline.extract_inputs([corpus], out)
    if options.get("codebook") == "own":
        cb = tmp_path / "codebook.yaml"
        cb.write_text("issues:\n  - {id: plan, label: the plan, cues: [plan]}\n", "utf-8")
        options = {"codebook": str(cb)}
    again = pipeline.extract_inputs([corpus], out, **options)
    assert (again.parsed, again.reused) == (3, 0)
    assert (pipeline.extract_inputs([corpus], out, **options).parsed) == 0  # and then it is cached under them
    assert pipeline.extract_inputs([corpus], out).parsed == 3  # back to the defaults: the cache follows


def _truncate(p: Path) -> None:
    p.write_bytes(p.read_bytes()[:200])


def _garbage_head(p: Path) -> None:
    p.write_bytes(b"not json\n" + p.read_bytes().partition(b"\n")[2])


def _edit_body(p: Path) -> None:
    p.write_bytes(p.read_bytes().replace(b'"stance": "', b'"stance": "x', 1).replace(b'"Bob Ray"', b'"Bob Raz"'))


def _empty(p: Path) -> None:
    p.write_bytes(b"")


def _valid_but_broken(p: Path) -> None:  # checksum right, extract against the contract (a statement off its text)
    head, _, body = p.read_bytes().partition(b"\n")
    data = json.loads(body)
    data["statements"][0]["text"] = "something else"
    body = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    meta = json.loads(head)
    import hashlib

    meta["sha256"] = hashlib.sha256(body).hexdigest()
    p.write_bytes(json.dumps(meta).encode() + b"\n" + body)


@pytest.mark.parametrize("corrupt, why", [
    (_truncate, "checksum"),
    (_garbage_head, "first line is not JSON"),
    (_edit_body, "checksum"),
    (_empty, "first line is not JSON"),
    (_valid_but_broken, "statements"),
])
def test_a_corrupt_cache_entry_is_ignored_and_rebuilt(corpus, tmp_path, corrupt, why):
    out = tmp_path / "ex"
    pipeline.extract_inputs([corpus], out)
    before = _files(out)
    entry = kc.entry_path(out, "short")
    corrupt(entry)
    lines: list[str] = []
    again = pipeline.extract_inputs([corpus], out, notice=lines.append)
    assert (again.parsed, again.reused) == (1, 2)
    assert len(lines) == 1 and str(entry) in lines[0] and "corrupt cache entry" in lines[0] and why in lines[0]
    assert _files(out) == before
    assert pipeline.extract_inputs([corpus], out).parsed == 0  # the entry was written anew


def test_a_hand_correction_survives_a_cached_rebuild(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("KG_CODER", "ann")
    out = tmp_path / "ex"
    pipeline.extract_inputs([corpus], out)
    path = out / "short.json"
    data = json.loads(path.read_text("utf-8"))
    st = data["statements"][0]
    new = "oppose" if st["stance"] != "oppose" else "support"
    st["stance"] = new
    deleted = data["statements"].pop()["id"]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    lines: list[str] = []
    again = pipeline.extract_inputs([corpus], out, notice=lines.append)
    assert (again.parsed, again.reused) == (0, 3)
    kept = json.loads(path.read_text("utf-8"))
    first = {s["id"]: s for s in kept["statements"]}[st["id"]]
    assert first["stance"] == new and first["corrected"]["stance"]["by"] == "ann"
    assert deleted not in {s["id"] for s in kept["statements"]}
    assert any("short: kept 1 corrected field(s)" in line for line in lines)
    # the same as a run that parses everything again makes of the corrected file
    cached = path.read_bytes()
    assert pipeline.extract_inputs([corpus], out, cache=False).parsed == 3
    assert path.read_bytes() == cached


def test_a_broken_hand_edit_stops_the_run_before_any_parsing(corpus, tmp_path):
    out = tmp_path / "ex"
    pipeline.extract_inputs([corpus], out)
    (out / "short.json").write_text("{ broken", "utf-8")
    before = _files(out / ".kg" / "machine")
    from kg.errors import ExtractsError

    # a pipeline that does not exist would fail the parsing: the file is named first, so it was checked first
    with pytest.raises(ExtractsError, match="short.json: cannot be read as JSON"):
        pipeline.extract_inputs([corpus], out, model="kg_no_such_model", cache=False)
    assert _files(out / ".kg" / "machine") == before


def test_second_run_rebuilds_nothing(corpus, tmp_path):
    out = tmp_path / "out"
    first = pipeline.run([corpus], out, store=False)
    assert (first.parsed, first.reused, first.outputs_rebuilt) == (3, 0, True)
    outputs = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    second = pipeline.run([corpus], out, store=False)
    assert (second.parsed, second.reused, second.outputs_rebuilt) == (0, 3, False)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == outputs
    assert (second.counts, second.agreements, second.conflicts) == (first.counts, first.agreements, first.conflicts)
    (out / "graph.ttl").unlink()  # an output gone: built again
    third = pipeline.run([corpus], out, store=False)
    assert (third.parsed, third.outputs_rebuilt) == (0, True)
    assert (out / "graph.ttl").read_bytes() == outputs["graph.ttl"]
    (out / ".kg" / kc.RUN_FILE).write_text("{", "utf-8")  # a corrupt run record: reported, rebuilt
    lines: list[str] = []
    fourth = pipeline.run([corpus], out, store=False, notice=lines.append)
    assert fourth.outputs_rebuilt and any("corrupt run record" in line for line in lines)
    (corpus / "short.txt").write_text(SHORT.replace("good step", "bad step"), "utf-8")
    fifth = pipeline.run([corpus], out, store=False)
    assert (fifth.parsed, fifth.reused, fifth.outputs_rebuilt) == (1, 2, True)


@pytest.mark.parametrize("flag", [[], ["--force"], ["--no-cache"]])
def test_cli_reports_what_it_parsed(corpus, tmp_path, flag):
    out = tmp_path / "ex"
    assert runner.invoke(app, ["extract", str(corpus), "--out", str(out), "-q"]).exit_code == 0
    res = runner.invoke(app, ["extract", str(corpus), "--out", str(out), "-q", *flag])
    assert res.exit_code == 0, res.output
    parsed = 3 if flag else 0
    assert f"({parsed} parsed, {3 - parsed} unchanged and reused)" in res.stdout
