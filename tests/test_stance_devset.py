"""The policy stance dev set (devsets/stance-policy/) is consistent, and its checker catches a corrupted copy."""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "devsets" / "stance-policy"

_spec = importlib.util.spec_from_file_location("stance_devset", ROOT / "scripts" / "stance_devset.py")
sd = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sd)


def _rows(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line]


def test_devset_is_consistent():
    assert sd.check(DEVSET) == []


def test_devset_shape():
    rows, sources = _rows(DEVSET), sd.read_sources(DEVSET)
    assert 25 <= len(sources) <= 40
    assert len(rows) >= 300
    assert {r["doc"] for r in rows} == set(sources)  # every document is labelled
    assert len({s["area"] for s in sources.values()}) >= 6
    assert len({s["site"] for s in sources.values()}) >= 8
    assert set(Counter(r["label"] for r in rows)) == {"support", "oppose", "neutral"}
    held = {s["slug"] for s in sources.values() if s["split"] == "heldback"}
    assert 0.25 <= len(held) / len(sources) <= 0.4
    # held-back sites are held back whole: no tune document comes from them
    held_sites = {sources[d]["site"] for d in held}
    assert all(s["split"] == "heldback" for s in sources.values() if s["site"] in held_sites)


def test_cli_check_passes(capsys):
    assert sd.main(["check", str(DEVSET)]) == 0
    assert "0 problems" in capsys.readouterr().out


def _corrupt_row(field, value):
    def apply(root: Path) -> None:
        rows = _rows(root)
        i = next(k for k, r in enumerate(rows) if r["label"] != "neutral")  # a row whose proposition_label is set
        rows[i][field] = value if not callable(value) else value(rows[i])
        (root / "labels.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                           encoding="utf-8")
    return apply


def _duplicate_row(root: Path) -> None:
    lines = (root / "labels.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (root / "labels.jsonl").write_text("".join(lines + lines[5:6]), encoding="utf-8")


def _edit_text_file(root: Path) -> None:
    row = _rows(root)[0]
    path = root / "texts" / f"{row['doc']}.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:row["start"]] + "X" + text[row["start"] + 1:], encoding="utf-8")


def _bad_json(root: Path) -> None:
    with open(root / "labels.jsonl", "a", encoding="utf-8") as fh:
        fh.write("{not json\n")


def _flip_source_split(root: Path) -> None:
    path = root / "sources.tsv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[1].split("\t")
    cells[1] = "tune" if cells[1] == "heldback" else "heldback"
    lines[1] = "\t".join(cells)
    path.write_text("".join(lines), encoding="utf-8")


CORRUPTIONS = {
    "text differs from the file": _corrupt_row("text", lambda r: r["text"] + " "),
    "start shifted": _corrupt_row("start", lambda r: r["start"] + 1),
    "end past the document": _corrupt_row("end", 10**7),
    "offset as a string": _corrupt_row("start", "12"),
    "unknown label": _corrupt_row("label", "against"),
    "unknown kind": _corrupt_row("kind", "quote"),
    "harder not a boolean": _corrupt_row("harder", "yes"),
    "context without the text": _corrupt_row("context", "Nothing of the statement here."),
    "context from elsewhere": _corrupt_row("context", lambda r: r["text"] + " and more"),
    "missing target": _corrupt_row("target", ""),
    "unknown document": _corrupt_row("doc", "no-such-document"),
    "split disagrees with sources.tsv": _corrupt_row("split", lambda r: {"tune": "heldback"}.get(r["split"], "tune")),
    "neutral label, agree proposition": _corrupt_row("label", "neutral"),
    "duplicate span": _duplicate_row,
    "text file edited": _edit_text_file,
    "a line that is not JSON": _bad_json,
    "a document moved to the other split in sources.tsv only": _flip_source_split,
}


@pytest.mark.parametrize("corrupt", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_check_fails_on_a_corrupted_copy(tmp_path, corrupt, capsys):
    copy = tmp_path / "stance-policy"
    shutil.copytree(DEVSET, copy)
    assert sd.check(copy) == []
    corrupt(copy)
    assert sd.check(copy), "the corruption went unnoticed"
    assert sd.main(["check", str(copy)]) == 1
    assert "labels.jsonl" in capsys.readouterr().err


def test_scores():
    assert sd.scores(["support", "oppose"], ["support", "oppose"]) == {"n": 2, "accuracy": 1.0, "macro_f1": 1.0}
    s = sd.scores(["support", "oppose", "neutral", "oppose"], ["oppose"] * 4)
    assert s["accuracy"] == 0.5
    assert s["macro_f1"] == pytest.approx((0 + 2 * 2 / (4 + 2) + 0) / 3)
