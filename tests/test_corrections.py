"""Hand corrections survive re-extraction: the three-way merge as a table, then end to end through the CLI
with the real model (a text editor's corrections, ``kg extract`` and ``kg run`` again)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import corrections as kc
from kg import extracts as kx
from kg.cli import app
from kg.ids import sha256_text

runner = CliRunner()

TEXT = "Ann Lee said the plan is good. Bob Ray said it is bad. Cat Poe said little."


def _span(sub: str) -> tuple[int, int]:
    start = TEXT.index(sub)
    return start, start + len(sub)


def _statement(sid: str, speaker: str, sub: str, stance: str = "neutral") -> dict:
    start, end = _span(sub)
    return {"id": sid, "speaker": speaker, "text": sub, "start": start, "end": end, "kind": "indirect",
            "issues": ["plan"], "stance": stance, "target": None, "confidence": 0.6, "reply_to": None,
            "cue": "say", "post": None, "published": None, "evidence": [], "reply_relation": None}


def _actor(aid: str, name: str) -> dict:
    return {"id": aid, "name": name, "type": "person", "aliases": [], "roles": []}


def machine_extract() -> dict:
    return {
        "document": {"id": "doc", "source": "doc.txt", "kind": "article", "title": "T", "published": None,
                     "text_sha256": sha256_text(TEXT), "text": TEXT, "posts": []},
        "run": {"kg": "test"},
        "actors": [_actor("ann-lee", "Ann Lee"), _actor("bob-ray", "Bob Ray"), _actor("cat-poe", "Cat Poe")],
        "issues": [{"id": "plan", "label": "the plan"}],
        "statements": [_statement("st-a", "ann-lee", "the plan is good", "support"),
                       _statement("st-b", "bob-ray", "it is bad"),
                       _statement("st-c", "cat-poe", "little")],
    }


def _edit_stance(d):
    d["statements"][1]["stance"] = "oppose"


def _delete(d):
    del d["statements"][2]


def _add(d):
    d["statements"].append(_statement("st-new", "ann-lee", "Bob Ray said it is bad", "oppose"))


def _respeaker_new_actor(d):
    d["actors"].append(_actor("dan-fox", "Dan Fox"))
    d["statements"][0]["speaker"] = "dan-fox"


def _rename_actor(d):
    d["actors"][1]["name"] = "Robert Ray"


def _machine_changes_stance(d):
    d["statements"][0]["stance"] = "neutral"


def _machine_drops_b(d):
    del d["statements"][1]


def _machine_drops_c(d):
    del d["statements"][2]


def _text_changes(d):
    """The source changed ("bad" -> "awful"): the machine finds the other statements, now at new offsets."""
    new = TEXT.replace("it is bad", "it is awful")
    d["document"]["text"], d["document"]["text_sha256"] = new, sha256_text(new)
    d["statements"] = [s for s in d["statements"] if s["text"] in new]
    for s in d["statements"]:
        s["start"] = new.index(s["text"])
        s["end"] = s["start"] + len(s["text"])


def _st(d, sid):
    return next((s for s in d["statements"] if s["id"] == sid), None)


# (person's edit, change in the new machine run, check on the merged extract)
CASES = [
    ("stance kept", _edit_stance, None,
     lambda m, r: _st(m, "st-b")["stance"] == "oppose"
     and _st(m, "st-b")["corrected"]["stance"] == {"by": "person", "at": "T0", "machine": "neutral"}),
    ("deleted stays deleted", _delete, None, lambda m, r: _st(m, "st-c") is None and r.kept_deleted == 1),
    ("added stays", _add, None,
     lambda m, r: _st(m, "st-new")["stance"] == "oppose" and "statement" in _st(m, "st-new")["corrected"]),
    ("new speaker with a new actor", _respeaker_new_actor, None,
     lambda m, r: _st(m, "st-a")["speaker"] == "dan-fox" and any(a["id"] == "dan-fox" for a in m["actors"])),
    ("actor renamed", _rename_actor, None,
     lambda m, r: next(a for a in m["actors"] if a["id"] == "bob-ray")["name"] == "Robert Ray"),
    ("corrected statement the machine no longer finds is kept", _edit_stance, _machine_drops_b,
     lambda m, r: _st(m, "st-b")["stance"] == "oppose"),
    # negatives: what a person did not touch follows the machine
    ("untouched statement follows the machine", _edit_stance, _machine_changes_stance,
     lambda m, r: _st(m, "st-a")["stance"] == "neutral" and "corrected" not in _st(m, "st-a")),
    ("untouched statement the machine dropped is gone", _edit_stance, _machine_drops_c,
     lambda m, r: _st(m, "st-b")["stance"] == "oppose" and _st(m, "st-c") is None and r.unapplied == []),
    ("no edit: the machine's extract as it is", lambda d: None, _machine_changes_stance,
     lambda m, r: m == _apply(machine_extract(), _machine_changes_stance) and not r.corrected),
    # a correction that can no longer apply is kept aside, never dropped
    ("text changed under a corrected span", _edit_stance, _text_changes,
     lambda m, r: _st(m, "st-b") is None and len(r.unapplied) == 1 and r.unapplied[0]["statement"]["id"] == "st-b"),
]


def _apply(d, f):
    d = copy.deepcopy(d)
    if f:
        f(d)
    return d


@pytest.mark.parametrize("name,person,machine_change,check", CASES, ids=[c[0] for c in CASES])
def test_merge_table(name, person, machine_change, check):
    base = machine_extract()
    current = _apply(base, person)
    new_machine = _apply(base, machine_change)
    merged, report = kc.merge(base, current, new_machine, at="T0")
    assert check(merged, report), (merged, report)
    if not report.unapplied:
        kx.check(merged, "merged")  # the merged extract keeps the contract


def test_merge_is_stable_across_runs():
    """A second re-extraction (base = the machine's output, current = the merged file) gives the same file."""
    base = machine_extract()
    current = _apply(base, lambda d: (_edit_stance(d), _delete(d), _add(d)))
    once, _ = kc.merge(base, current, base, at="T0")
    twice, _ = kc.merge(base, once, base, at="T1")
    assert twice == once


def _write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_text_editor_corrections_survive_extract_and_run(tmp_path, paths):
    """The issue's check: corrections made with a text editor are still there after `kg extract` and `kg run`
    into the same folder, and reach the stance matrix."""
    ex_dir = tmp_path / "out" / "extracts"
    res = runner.invoke(app, ["extract", str(paths.article), "--out", str(ex_dir)])
    assert res.exit_code == 0, res.output
    path = next(ex_dir.glob("*.json"))
    data = json.loads(path.read_text("utf-8"))
    assert (ex_dir / ".kg" / "machine" / path.name).exists()
    first, second = data["statements"][0], data["statements"][1]
    new_stance = "oppose" if first["stance"] != "oppose" else "support"
    first["stance"] = new_stance
    deleted_id = second["id"]
    del data["statements"][1]
    data["statements"] = [s for s in data["statements"] if s.get("reply_to") != deleted_id]
    text = data["document"]["text"]
    start = text.index(data["document"]["title"]) if data["document"]["title"] in text else 0
    added = {"id": "st-by-hand", "speaker": first["speaker"], "text": text[start:start + 40], "start": start,
             "end": start + 40, "kind": "indirect", "issues": [], "stance": "support", "target": None,
             "confidence": 1.0, "reply_to": None}
    data["statements"].append(added)
    _write(path, data)

    for args in (["extract", str(paths.article), "--out", str(ex_dir)],
                 ["run", str(paths.article), "--out", str(tmp_path / "out"), "--no-store"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 0, res.output
        after = json.loads(path.read_text("utf-8"))
        by_id = {s["id"]: s for s in after["statements"]}
        assert by_id[first["id"]]["stance"] == new_stance
        assert by_id[first["id"]]["corrected"]["stance"]["machine"] != new_stance
        assert deleted_id not in by_id
        assert by_id["st-by-hand"]["text"] == added["text"]
        assert "kept 1 corrected field(s), 1 added and 1 deleted" in res.stderr

    # the corrected stance reaches the matrix: the speaker's row now carries the person's stance
    matrix = (tmp_path / "out" / "stance-matrix.csv").read_text("utf-8")
    assert matrix
    # a third run changes nothing: the files are stable
    before = path.read_bytes()
    res = runner.invoke(app, ["extract", str(paths.article), "--out", str(ex_dir)])
    assert res.exit_code == 0 and path.read_bytes() == before


@pytest.mark.slow
def test_file_without_base_is_kept_aside(tmp_path, paths):
    """A file that differs from the new extract and has no record of what the machine wrote (an older kg's,
    or written by hand) is copied aside before it is overwritten."""
    ex_dir = tmp_path / "extracts"
    assert runner.invoke(app, ["extract", str(paths.article), "--out", str(ex_dir)]).exit_code == 0
    path = next(ex_dir.glob("*.json"))
    data = json.loads(path.read_text("utf-8"))
    data["statements"][0]["stance"] = "oppose" if data["statements"][0]["stance"] != "oppose" else "support"
    _write(path, data)
    for f in (ex_dir / ".kg" / "machine").iterdir():
        f.unlink()
    res = runner.invoke(app, ["extract", str(paths.article), "--out", str(ex_dir)])
    assert res.exit_code == 0, res.output
    kept = list((ex_dir / ".kg" / "replaced").glob("*.json"))
    assert len(kept) == 1 and json.loads(kept[0].read_text("utf-8")) == data
    assert "is kept as" in res.stderr


@pytest.mark.slow
def test_broken_hand_edit_stops_with_one_line_and_nothing_written(tmp_path, paths):
    ex_dir = tmp_path / "extracts"
    assert runner.invoke(app, ["extract", str(paths.article), "--out", str(ex_dir)]).exit_code == 0
    path = next(ex_dir.glob("*.json"))
    path.write_text(path.read_text("utf-8")[:-40], encoding="utf-8")  # a half-saved edit
    broken = path.read_bytes()
    res = runner.invoke(app, ["extract", str(paths.article), "--out", str(ex_dir)])
    assert res.exit_code != 0
    assert str(path) in res.stderr and "Traceback" not in res.output
    assert path.read_bytes() == broken


def corrected_extract():
    """The table's extract after a person changed a stance and added a statement, merged onto a new run."""
    from kg.records import Extract

    base = machine_extract()
    current = _apply(base, lambda d: (_edit_stance(d), _add(d)))
    merged, _ = kc.merge(base, current, base, at="2026-12-02T10:00:00Z", by="coder-a")
    return Extract.from_dict(merged)


def test_graph_and_rdf_carry_who_decided():
    """The graph marks corrected statements; RDF attributes them to the person (PROV) and names the fields,
    and still conforms to the project's SHACL shapes."""
    from rdflib import Literal
    from rdflib.namespace import PROV

    from kg.graph.build import build_graph
    from kg.namespace import KG, iri
    from kg.stores.rdf import to_rdf, validate

    ex = corrected_extract()
    graph = build_graph([ex])
    assert graph.nodes["st-b"].props["corrected"] == "stance"
    assert graph.nodes["st-b"].props["corrected_by"] == "coder-a"
    assert graph.nodes["st-a"].props.get("corrected") is None
    g = to_rdf(graph, [ex])
    b, new, a = iri("statement", "st-b"), iri("statement", "st-new"), iri("statement", "st-a")
    assert (b, KG.correctedField, Literal("stance")) in g
    assert (b, PROV.wasAttributedTo, iri("coder", "coder-a")) in g
    assert (new, KG.correctedField, Literal("statement")) in g
    assert (new, PROV.wasGeneratedBy, None) not in g  # a person's statement, not the run's
    assert (a, PROV.wasAttributedTo, None) not in g and (a, PROV.wasGeneratedBy, None) in g
    report = validate(g)
    assert report.conforms, report.violations
