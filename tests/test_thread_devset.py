"""The thread dev set (devsets/threads/) is sound, and its checker catches a corrupted copy."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "devsets" / "threads"


def _load_checker():
    spec = importlib.util.spec_from_file_location("thread_devset", ROOT / "scripts" / "thread_devset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


td = _load_checker()


def test_devset_passes_check(capsys):
    assert td.check_dir(DEVSET) == []
    assert td.main(["check", str(DEVSET)]) == 0
    assert "OK" in capsys.readouterr().out


def test_devset_shape():
    sources = td.read_sources(DEVSET)
    assert 16 <= len(sources) <= 24
    sites = {r["site"] for r in sources.values()}
    held = {r["site"] for r in sources.values() if r["split"] == "heldback"}
    assert len(sites) >= 8
    assert 0.25 <= len(held) / len(sites) <= 0.45


def test_stats_runs(capsys):
    assert td.main(["stats", str(DEVSET)]) == 0
    out = capsys.readouterr().out
    assert "| tune |" in out and "| heldback |" in out


def _copy(tmp_path: Path) -> Path:
    d = tmp_path / "threads"
    shutil.copytree(DEVSET, d)
    return d


def _edit_gold(d: Path, doc_id: str, edit) -> None:
    path = d / "gold" / f"{doc_id}.json"
    gold = json.loads(path.read_text(encoding="utf-8"))
    edit(gold)
    path.write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")


def _set(key, value, index):
    def edit(gold):
        gold["statements"][index][key] = value
    return edit


def _rename_speaker(gold):
    # the second anonymous commenter becomes anonymous-7: the numbering no longer follows appearance
    for a in gold["actors"]:
        if a["name"] == "anonymous-2":
            a["name"] = "anonymous-7"
    for s in gold["statements"]:
        if s["speaker"] == "anonymous-2":
            s["speaker"] = "anonymous-7"


CORRUPTIONS = [
    ("text not on the page", "lemmy-world-carbon-tax", _set("text", "Why not tax AC only heat pumps?!", 1),
     "not an exact substring"),
    ("edited text", "redcafe-uk-policing", _set("text", "He was African.  Libya is in Africa.", 1),
     "not an exact substring"),
    ("comments out of page order", "hamidarshat-ct-bus-fares",
     _set("text", "I think people would be significantly more in favor of fare free buses", 2), "only before"),
    ("reply to a later comment", "lemmy-world-carbon-tax", _set("reply_to", 5, 2), "not the index of an earlier"),
    ("reply to itself", "petitiononline-school-finish-time", _set("reply_to", 1, 1), "not the index of an earlier"),
    ("unknown speaker", "mumsnet-school-closure-consultation", _set("speaker", "Anasnake", 1), "is not an actor"),
    ("anonymous numbering", "redlib-worldnews-stop-and-search", _rename_speaker, "not numbered in order"),
    ("bad date", "mumsnet-school-closure-consultation", _set("published", "14-Feb-17", 0), "not YYYY-MM-DD"),
    ("opening post not first", "veganforum-public-forum-council", _set("opening", True, 1), "only the first"),
]


@pytest.mark.parametrize("what, doc_id, edit, message", CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_corrupted_copy_fails(tmp_path, capsys, what, doc_id, edit, message):
    d = _copy(tmp_path)
    assert td.check_dir(d) == []
    _edit_gold(d, doc_id, edit)
    problems = td.check_dir(d)
    assert problems and any(message in p and doc_id in p for p in problems), problems
    assert td.main(["check", str(d)]) == 1
    assert message in capsys.readouterr().out


def test_edited_page_fails(tmp_path):
    d = _copy(tmp_path)
    page = d / "pages" / "mumsnet-school-closure-consultation.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("School is to close.", "School is to shut."),
                    encoding="utf-8")
    problems = td.check_dir(d)
    assert any("bytes" in p for p in problems) or any("not an exact substring" in p for p in problems)
    assert any("mumsnet-school-closure-consultation.json" in p and "not an exact substring" in p for p in problems)


def test_site_split_across_both_splits_fails(tmp_path):
    d = _copy(tmp_path)
    tsv = d / "sources.tsv"
    lines = tsv.read_text(encoding="utf-8").splitlines()
    lines = [ln.replace("\ttune\t", "\theldback\t") if ln.startswith("isidewith-police-funding-2\t") else ln
             for ln in lines]
    tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = td.check_dir(d)
    assert any("isidewith.com" in p and "both splits" in p for p in problems)
