"""Issue 15, items 11 and 21 (matrix part): empty windows, empty matrix cells, DNA's spelling of --level.

- ``kg polarisation`` (and ``kg network --window``) crashed whenever a window held no statements, e.g. on
  the sample corpus with the README's ``--window 30d --step 7d``: an empty window now gives a row without
  a score.
- ``kg matrix`` wrote 0 both for "no statement" and for a neutral net position: now an empty cell (JSON
  null, XLSX empty) for no statement, 0 only where the actor spoke and its support and opposition cancel
  (or it was neutral); the heatmap shows no-statement cells grey.
- ``--level organization`` (DNA's spelling) is accepted wherever ``--level`` is.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from analysis.handmade import Said, article
from kg import extracts as extracts_io
from kg.analysis.matrix import stance_matrix, write_matrix
from kg.analysis.polarisation import polarisation, polarisation_series
from kg.cli import app
from kg.extracts import read_dir

runner = CliRunner()


def invoke(*args) -> object:
    return runner.invoke(app, [str(a) for a in args])


def read(path: Path, delimiter: str = ",") -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


# ------------------------------------------------------------------------------------- empty windows
@pytest.mark.slow
@pytest.mark.parametrize("extra", [[], ["--level", "organisation"], ["--level", "organization"]])
def test_polarisation_on_the_sample_corpus_with_the_readme_flags(sample_extracts, tmp_path, extra):
    out = tmp_path / "p.csv"
    r = invoke("polarisation", sample_extracts, "--window", "30d", "--step", "7d", *extra, "--out", out,
               "--plot", tmp_path / "p.png")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    empty = [x for x in rows if x["statements"] == "0"]
    scored = [x for x in rows if x["score"]]
    assert empty and all((x["score"], x["search"], x["clusters"], x["actors"]) == ("", "", "", "0") for x in empty)
    assert scored
    assert all(0 <= float(x["score"]) <= 1 and int(x["statements"]) > 0 for x in scored)
    assert len(empty) + len(scored) == len(rows)
    assert "empty: no statements" in r.output or "none has statements" in r.output
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ["--type", "onemode", "--aggregation", "subtract", "--normalization", "average"],
    ["--type", "onemode"],
    ["--type", "twomode", "--aggregation", "subtract"],
])
def test_network_windows_on_the_sample_corpus(sample_extracts, tmp_path, args):
    r = invoke("network", sample_extracts, *args, "--window", "30d", "--step", "7d", "--out", tmp_path / "w.csv",
               "--plot", tmp_path / "w.png")
    assert r.exit_code == 0, r.output
    files = sorted(tmp_path.glob("w-*.csv"))
    assert len(files) > 100
    sizes = [len(read(f)) for f in files]
    assert min(sizes) == 1 and max(sizes) > 2  # empty windows: just the header cell; others a matrix


def test_empty_window_has_no_score(small_extracts):
    # the small corpus is dated 2005-01-03, 2005-01-05 and 2005-02-10: the 7-day windows between are empty
    points = polarisation_series(read_dir(small_extracts), window="7d")
    by_start = {str(p.start): p for p in points}
    assert by_start["2005-01-03"].score is not None and by_start["2005-01-03"].statements == 5
    empty = by_start["2005-01-10"]
    assert (empty.score, empty.statements, empty.actors, empty.clusters) == (None, 0, [], [])
    assert by_start["2005-02-07"].score is not None


def test_date_range_without_statements_has_no_score(small_extracts, tmp_path):
    p = polarisation(read_dir(small_extracts), date_from="2005-01-10", date_to="2005-01-20")
    assert p.score is None and p.statements == 0
    r = invoke("polarisation", small_extracts, "--from", "2005-01-10", "--to", "2005-01-20",
               "--out", tmp_path / "p.csv")
    assert r.exit_code == 0, r.output
    (row,) = csv.DictReader((tmp_path / "p.csv").open(encoding="utf-8"))
    assert (row["start"], row["score"], row["statements"]) == ("2005-01-10", "", "0")
    assert "none has statements" in r.output


def test_window_with_statements_but_one_actor_still_scores_zero():
    solo = article("solo", "2022-03-01", [Said("A", None, "X", "support"), Said("A", None, "Y", "oppose")])
    p = polarisation([solo], level="person")
    assert p.statements == 2 and p.score == 0.0 and p.actors == ["A"]


# ---------------------------------------------------------------------------------- matrix: empty cells
# A: X support + X oppose (net 0: cancel), nothing on Y;  B: X neutral only (net 0), Y support;  C: Y oppose
CELLS = [Said("A", "OA", "X", "support"), Said("A", "OA", "X", "oppose"), Said("B", "OB", "X", "neutral"),
         Said("B", "OB", "Y", "support"), Said("C", "OC", "Y", "oppose")]
EXPECTED = {  # value -> rows (A, B, C) x (X, Y); None: no statement
    "net": [[0, None], [0, 1], [None, -1]],
    "support": [[1, None], [0, 1], [None, 0]],
    "neutral": [[0, None], [1, 0], [None, 0]],
    "statements": [[2, None], [1, 1], [None, 1]],
    "share": [[0.5, None], [None, 1], [None, 0]],
}


@pytest.fixture(scope="module")
def cells_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cells")
    extracts_io.write(article("cells", "2022-03-01", CELLS), out)
    return out


def as_text(rows: list[list]) -> list[list[str]]:
    """Integers as integers; a matrix with other values has six decimals in every cell (as DNA)."""
    decimals = any(isinstance(v, float) and not v.is_integer() for row in rows for v in row)
    return [["" if v is None else f"{v:.6f}" if decimals else str(v) for v in row] for row in rows]


@pytest.mark.parametrize("value", list(EXPECTED))
@pytest.mark.parametrize("ext,delimiter", [(".csv", ","), (".tsv", "\t")])
def test_matrix_csv_tsv_empty_for_no_statement(cells_dir, tmp_path, value, ext, delimiter):
    r = invoke("matrix", cells_dir, "--value", value, "--out", tmp_path / f"m{ext}")
    assert r.exit_code == 0, r.output
    rows = read(tmp_path / f"m{ext}", delimiter)
    assert rows[0] == ["", "X", "Y"]
    assert [r[1:] for r in rows[1:]] == as_text(EXPECTED[value])


def test_matrix_xlsx_and_json_empty_for_no_statement(cells_dir, tmp_path):
    from openpyxl import load_workbook

    assert invoke("matrix", cells_dir, "--out", tmp_path / "m.xlsx").exit_code == 0
    assert invoke("matrix", cells_dir, "--out", tmp_path / "m.json").exit_code == 0
    wb = load_workbook(tmp_path / "m.xlsx")
    data = json.loads((tmp_path / "m.json").read_text("utf-8"))
    for value, expected in EXPECTED.items():
        got = [[c.value for c in row[1:]] for row in wb[value].iter_rows(min_row=2)]
        assert got == expected, value
        assert data[value] == expected, value
    long = {(c["actor"], c["issue"]): c["net"] for c in data["cells"]}
    assert long == {("A", "X"): 0, ("B", "X"): 0, ("B", "Y"): 1, ("C", "Y"): -1}


def test_matrix_value_is_nan_only_where_nothing_was_said(cells_dir):
    m = stance_matrix(read_dir(cells_dir))
    np.testing.assert_array_equal(m.value("net"), [[0, np.nan], [0, 1], [np.nan, -1]])
    np.testing.assert_array_equal(m.net, [[0, 0], [0, 1], [0, -1]])  # the raw counts stay counts


def _grey_pixels(png: Path) -> int:
    from matplotlib.image import imread

    rgb = imread(png)[:, :, :3]
    return int(np.all(np.abs(rgb - 0xD4 / 255) < 0.01, axis=2).sum())


def test_heatmap_no_statement_is_grey_and_zero_is_not(cells_dir, small_extracts, tmp_path):
    from kg.analysis.plots import heatmap

    gaps = heatmap(stance_matrix(read_dir(cells_dir)), tmp_path / "gaps.png")
    full = heatmap(stance_matrix(read_dir(small_extracts)), tmp_path / "full.png")  # every cell said
    assert _grey_pixels(full) < 500 < 5000 < _grey_pixels(gaps)  # (a few grey pixels of anti-aliased text)


def test_pipeline_matrix_file_writes_empty_cells(cells_dir, tmp_path):
    # what kg run writes as stance-matrix.csv (kg.pipeline.run calls write_matrix with the defaults)
    rows = read(write_matrix(stance_matrix(read_dir(cells_dir)), tmp_path / "stance-matrix.csv"))
    assert rows[1:] == [["A", "0", ""], ["B", "0", "1"], ["C", "", "-1"]]


# ----------------------------------------------------------------------------------- --level spelling
LEVEL_COMMANDS = [
    ["matrix", "{ex}", "--out", "{out}/m.csv"],
    ["matrix", "{ex}", "--out", "{out}/m.json"],
    ["network", "{ex}", "--type", "twomode", "--out", "{out}/n.csv"],
    ["network", "{ex}", "--type", "onemode", "--aggregation", "conflict", "--out", "{out}/n.csv"],
    ["network", "{ex}", "--type", "onemode", "--window", "30d", "--out", "{out}/n.graphml"],
    ["polarisation", "{ex}", "--out", "{out}/p.csv"],
]


@pytest.mark.parametrize("cmd", LEVEL_COMMANDS, ids=lambda c: " ".join(c[:3]))
def test_level_organization_is_organisation(small_extracts, tmp_path, cmd):
    outputs = {}
    for level in ("organisation", "organization"):
        out = tmp_path / level
        r = invoke(*[a.format(ex=small_extracts, out=out) for a in cmd], "--level", level)
        assert r.exit_code == 0, r.output
        outputs[level] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert outputs["organisation"] == outputs["organization"]
    text = b"".join(outputs["organization"].values())
    assert b"OA" in text and b"organization" not in text  # organisations, and the level as one spelling


@pytest.mark.parametrize("level,message", [
    ("organizations", "--level 'organizations' is not one of: person, organisation (or organization"),
    ("org", "--level 'org' is not one of"),
    ("Organisation", "--level 'Organisation' is not one of"),
    ("", "--level '' is not one of"),
])
@pytest.mark.parametrize("cmd", [LEVEL_COMMANDS[0], LEVEL_COMMANDS[2], LEVEL_COMMANDS[5]], ids=lambda c: c[0])
def test_bad_level_is_one_line(small_extracts, tmp_path, cmd, level, message):
    r = invoke(*[a.format(ex=small_extracts, out=tmp_path) for a in cmd], "--level", level)
    assert r.exit_code == 2
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("kg: error:") and message in lines[0], r.output
    assert not list(tmp_path.iterdir())


def test_ties_need_person_level_in_either_spelling(small_extracts, tmp_path):
    r = invoke("network", small_extracts, "--type", "conflict", "--level", "organization", "--out", tmp_path / "c.csv")
    assert r.exit_code == 2 and "use --level person" in r.output
