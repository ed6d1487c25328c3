"""End to end on the real model: the sample corpus against its hand-made gold (tests/data/gold)."""

from __future__ import annotations

import json
import shutil


from kg.evaluation import evaluate
from kg.extracts import read_dir
from kg.pipeline import extract_paths



def _score(tmp_path, extracts_dir, gold_file):
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    shutil.copy(gold_file, gold_dir / gold_file.name)
    return evaluate(gold_dir, extracts_dir)


def test_article_against_gold(tmp_path, sample_extracts, paths):
    report = _score(tmp_path, sample_extracts, paths.gold / (paths.article.stem + ".json"))
    dice = report.totals()["dice"]
    assert dice.f1 >= 0.90, dice.to_dict()  # issue 2 asks >= 0.85
    assert dice.attributed_f1 >= 0.90, dice.to_dict()
    assert dice.stance_accuracy >= 0.80, dice.to_dict()
    assert report.role_totals().f1 >= 0.85


def test_thread_every_comment_once_with_its_author(tmp_path, sample_extracts, paths):
    report = _score(tmp_path, sample_extracts, paths.gold / (paths.thread.stem + ".json"))
    dice = report.totals()["dice"]
    gold = json.loads((paths.gold / (paths.thread.stem + ".json")).read_text("utf-8"))
    assert dice.gold == len(gold["statements"]) == 30
    assert dice.predicted == 30 and dice.matched == 30 and dice.duplicates == 0
    assert dice.speaker_accuracy == 1.0
    assert dice.reply_accuracy >= 0.9


def test_thread_structure(sample_extracts):
    (thread,) = [e for e in read_dir(sample_extracts) if e.document.kind == "thread"]
    assert thread.document.published == "2016-10-25"
    assert all(s.kind == "comment" for s in thread.statements)
    names = [a.name for a in thread.actors]
    assert "Talk London Team" in names and "Tiger" in names
    anon = sorted((a for a in thread.actors if a.type == "anonymous"), key=lambda a: int(a.name.split("-")[1]))
    assert [a.name for a in anon] == [f"anonymous-{n}" for n in range(1, len(anon) + 1)]
    texts = [s.text for s in thread.statements]
    assert len(set(texts)) == len(texts)
    assert not any("Show full comment" in t or "Show less of comment" in t for t in texts)
    relations = {s.reply_relation for s in thread.statements if s.reply_to}
    assert {"agree", "disagree"} <= relations


def test_same_input_gives_byte_identical_files(tmp_path, sample_extracts, paths):
    extract_paths([paths.article, paths.thread], tmp_path)
    for path in sorted(sample_extracts.glob("*.json")):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes()


def test_every_edge_traces_back_to_text(sample_graph, sample_extracts):
    texts = {e.document.id: e.document.text for e in read_dir(sample_extracts)}
    assert sample_graph.edges
    for edge in sample_graph.edges.values():
        p = edge.props
        if p.get("derived"):
            assert p["evidence"], edge
            for sid in p["evidence"]:
                st = sample_graph.nodes[sid].props
                assert texts[st["document"]][st["start"]:st["end"]] == st["text"]
        else:
            assert p["document"] in texts, edge
            if p.get("start") is not None:
                assert 0 <= p["start"] < p["end"] <= len(texts[p["document"]])


def test_agreement_and_conflict_are_derived(sample_graph):
    agreements = list(sample_graph.by_label("Agreement"))
    conflicts = list(sample_graph.by_label("Conflict"))
    assert agreements and conflicts
    modes = {n.props["mode"] for n in agreements + conflicts}
    assert modes == {"positional", "interactional"}


def test_shipped_extracts_are_current(tmp_path, paths, monkeypatch):
    """extracts/ holds the sample corpus's extracts as golden files (made from the project folder with
    `kg extract corpus --out extracts`); after a change to extraction, review the diff and refresh them."""
    monkeypatch.chdir(paths.root)
    extract_paths([paths.article.relative_to(paths.root), paths.thread.relative_to(paths.root)], tmp_path)
    shipped = paths.root / "extracts"
    names = sorted(p.name for p in shipped.glob("*.json"))
    assert names == sorted(p.name for p in tmp_path.glob("*.json"))
    for name in names:
        assert (shipped / name).read_bytes() == (tmp_path / name).read_bytes(), (
            f"extracts/{name} is stale: run `kg extract corpus --out extracts` and review the diff")
