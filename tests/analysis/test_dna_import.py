"""``kg import dna``: DNA 3.x databases (built here) to extracts."""

from __future__ import annotations

import json
import sqlite3

import pytest

from analysis.dnadb import Doc, St, make_dna
from kg.errors import ConfigError, InputError
from kg.extracts import read_dir
from kg.importers.dna import import_dna, read_dna


def test_small_import_documents_actors_roles_issues_stances(small_dna, small_extracts):
    extracts = sorted(read_dir(small_extracts), key=lambda e: e.document.published)
    assert [e.document.published for e in extracts] == ["2005-01-03", "2005-01-05", "2005-02-10"]
    first = extracts[0]
    assert first.document.title == "Hearing 1"
    assert first.document.kind == "article"
    assert [s.stance for s in first.statements] == ["support", "oppose", "support"]
    assert [first.actor(s.speaker).name for s in first.statements] == ["A", "A", "B"]
    a = next(x for x in first.actors if x.name == "A")
    assert a.type == "person"
    assert [(r.role, r.organisation) for r in a.roles] == [("member", "OA")]
    assert sorted(i.label for i in first.issues) == ["X", "Y"]
    for ex in extracts:  # spans reproduce the text
        for s in ex.statements:
            assert ex.document.text[s.start:s.end] == s.text
    assert first.run["dna"]["document"] == 1 and first.run["importer"] == "kg.importers.dna"


def test_reimport_gives_identical_files(small_dna, small_extracts, tmp_path):
    import_dna(small_dna, tmp_path)
    for p in small_extracts.glob("*.json"):
        assert (tmp_path / p.name).read_bytes() == p.read_bytes()


def test_utf16_offsets_become_code_points_and_meta_is_kept(tmp_path):
    text = "Intro 😀 emoji. Ms Lee said taxes must rise."
    py_start = text.index("taxes")
    u16_start = py_start + 1  # the emoji is two UTF-16 code units
    length = len("taxes must rise")
    db = make_dna(tmp_path / "u.dna", [Doc("T", text, "2020-05-01", author="Reporter", section="Politics",
                                          type="news", source="Daily")],
                  [St(0, u16_start, u16_start + length, "Lee", "Party", "tax", 0)],
                  person_types={"Lee": "MP"})
    (ex,), report = read_dna(db)
    (s,) = ex.statements
    assert (s.start, s.text, s.stance) == (py_start, "taxes must rise", "oppose")
    assert ex.actors[0].roles[0].role == "MP" and ex.actors[0].roles[0].organisation == "Party"
    meta = ex.run["dna"]
    assert (meta["author"], meta["section"], meta["type"], meta["source"]) == ("Reporter", "Politics", "news", "Daily")
    assert report.statements == 1


def test_speaker_falls_back_to_organisation_and_empty_statements_are_skipped(tmp_path):
    text = "The Union said no. Someone said something."
    db = make_dna(tmp_path / "o.dna", [Doc("T", text, "2020-05-01")],
                  [St(0, 0, 18, "", "Union", "strike", 0), St(0, 19, len(text), "", "", "strike", 1),
                   St(0, 0, 4, statement_type=2)])
    (ex,), report = read_dna(db)
    (s,) = ex.statements
    assert ex.actor(s.speaker).type == "organisation" and ex.actor(s.speaker).name == "Union"
    assert report.skipped == {"statements of other statement types": 1,
                              "statements with neither person nor organization": 1}


def test_person_changing_organisation_gets_one_role_per_change(tmp_path):
    text = "One. Two. Three."
    db = make_dna(tmp_path / "r.dna", [Doc("T", text, "2020-05-01")],
                  [St(0, 0, 4, "Kim", "Old Party", "x", 1), St(0, 5, 9, "Kim", "New Party", "x", 1),
                   St(0, 10, 16, "Kim", "New Party", "x", 1)])
    (ex,), _ = read_dna(db)
    assert [(r.organisation, r.start) for r in ex.actors[0].roles] == [("Old Party", 0), ("New Party", 5)]


def test_same_span_coded_twice_keeps_both_statements(tmp_path):
    db = make_dna(tmp_path / "d.dna", [Doc("T", "Both issues here.", "2020-05-01")],
                  [St(0, 0, 4, "Kim", "P", "x", 1), St(0, 0, 4, "Kim", "P", "y", 0)])
    (ex,), _ = read_dna(db)
    assert len({s.id for s in ex.statements}) == 2


def test_not_sqlite_is_one_clear_error_and_writes_nothing(tmp_path):
    bad = tmp_path / "old.dna"
    bad.write_text("<dna>old XML</dna>")
    out = tmp_path / "out"
    with pytest.raises(InputError, match="old.dna: not a DNA 3.x database"):
        import_dna(bad, out)
    assert not out.exists()


def test_sqlite_without_dna_tables(tmp_path):
    db = tmp_path / "other.dna"
    sqlite3.connect(db).execute("CREATE TABLE x(a)").connection.close()
    with pytest.raises(InputError, match="missing table"):
        import_dna(db, tmp_path / "out")


def test_unknown_statement_type_names_the_choices(small_dna, tmp_path):
    with pytest.raises(ConfigError, match="'Quotes'.*DNA Statement"):
        import_dna(small_dna, tmp_path, statement_type="Quotes")


def test_span_outside_text_is_an_error_and_nothing_is_written(tmp_path):
    db = make_dna(tmp_path / "s.dna", [Doc("T", "short", "2020-05-01"), Doc("U", "fine text", "2020-05-02")],
                  [St(0, 0, 4, "Kim", "P", "x", 1), St(1, 0, 50, "Kim", "P", "x", 1)])
    out = tmp_path / "out"
    with pytest.raises(InputError, match="outside the document's text"):
        import_dna(db, out)
    assert not out.exists() or not list(out.iterdir())


def test_sample_database_imports_7_documents_40_statements(sample_dna, sample_dna_extracts):
    extracts = read_dir(sample_dna_extracts)
    assert len(extracts) == 7
    assert sum(len(e.statements) for e in extracts) == 40
    stances = [s.stance for e in extracts for s in e.statements]
    assert stances.count("support") + stances.count("oppose") == 40
    whitman = next(e for e in extracts if "Whitman" in e.document.title)
    assert whitman.document.published == "2005-02-02"
    person = next(a for a in whitman.actors if a.name == "Christine Todd Whitman")
    assert [(r.role, r.organisation) for r in person.roles] == [("Government", "Environmental Protection Agency")]
    data = json.loads((sample_dna_extracts / f"{whitman.document.id}.json").read_text("utf-8"))
    assert data["run"]["dna"]["author"] == "Whitman, Christine Todd"
