"""The analysis commands through Typer's CliRunner: help, files written, one-line errors, exit codes."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()

COMMANDS = [["import", "dna"], ["network"], ["matrix"], ["polarisation"]]


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_command_has_help(cmd):
    result = runner.invoke(app, cmd + ["--help"])
    assert result.exit_code == 0
    assert "--out" in result.output
    from kg.cli import cmd_analysis

    fn = {"dna": cmd_analysis.import_dna_cmd, "network": cmd_analysis.network_cmd,
          "matrix": cmd_analysis.matrix_cmd, "polarisation": cmd_analysis.polarisation_cmd}[cmd[-1]]
    assert fn.__doc__


def test_import_then_network_matrix_polarisation(small_dna, tmp_path):
    ex = tmp_path / "ex"
    r = runner.invoke(app, ["import", "dna", str(small_dna), "--out", str(ex)])
    assert r.exit_code == 0, r.output
    assert "3 documents, 7 statements" in r.output and len(list(ex.glob("*.json"))) == 3

    r = runner.invoke(app, ["network", str(ex), "--type", "onemode", "--aggregation", "conflict",
                            "--normalization", "no", "--level", "organisation", "--out", str(tmp_path / "n.csv"),
                            "--plot", str(tmp_path / "n.png")])
    assert r.exit_code == 0, r.output
    rows = list(csv.reader((tmp_path / "n.csv").open(encoding="utf-8")))
    assert rows == [["", "OA", "OB", "OC"], ["OA", "0", "1", "2"], ["OB", "1", "0", "2"], ["OC", "2", "2", "0"]]
    assert (tmp_path / "n.png").read_bytes()[:4] == b"\x89PNG"

    r = runner.invoke(app, ["network", str(ex), "--type", "twomode", "--aggregation", "subtract",
                            "--window", "30d", "--step", "30d", "--out", str(tmp_path / "w.graphml")])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in tmp_path.glob("w-*.graphml")) == ["w-1-2005-01-03.graphml",
                                                                    "w-2-2005-02-02.graphml"]

    r = runner.invoke(app, ["matrix", str(ex), "--out", str(tmp_path / "m.xlsx"), "--plot", str(tmp_path / "h.png")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "m.xlsx").stat().st_size > 0 and (tmp_path / "h.png").stat().st_size > 0

    r = runner.invoke(app, ["polarisation", str(ex), "--window", "60d", "--step", "30d",
                            "--out", str(tmp_path / "p.csv"), "--plot", str(tmp_path / "p.png")])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader((tmp_path / "p.csv").open(encoding="utf-8")))
    assert [r["start"] for r in rows] == ["2005-01-03", "2005-02-02"]

    r = runner.invoke(app, ["network", str(ex), "--type", "conflict", "--out", str(tmp_path / "c.csv")])
    assert r.exit_code == 0, r.output
    assert list(csv.reader((tmp_path / "c.csv").open(encoding="utf-8")))[0][:3] == ["source", "target", "relation"]


@pytest.mark.parametrize("args,message", [
    (["network", "{ex}", "--type", "threemode", "--out", "{tmp}/n.csv"], "--type 'threemode' is not one of"),
    (["network", "{ex}", "--type", "twomode", "--aggregation", "conflict", "--out", "{tmp}/n.csv"],
     "does not apply to a twomode network"),
    (["network", "{ex}", "--out", "{tmp}/n.pdf"], "unknown network format '.pdf'"),
    (["network", "{ex}", "--out", "{tmp}/n.csv", "--window", "month"], "--window 'month' is not a duration"),
    (["network", "{ex}", "--out", "{tmp}/n.csv", "--plot", "{tmp}/n.jpg"], "PNG"),
    (["matrix", "{tmp}/missing", "--out", "{tmp}/m.csv"], "missing: no such extracts folder"),
    (["matrix", "{ex}", "--out", "{tmp}/m.csv", "--value", "mean"], "--value 'mean' is not one of"),
    (["polarisation", "{ex}", "--out", "{tmp}/p.csv", "--from", "yesterday"], "--from 'yesterday' is not a date"),
    (["import", "dna", "{tmp}/none.dna", "--out", "{tmp}/x"], "none.dna: no such DNA database file"),
])
def test_bad_input_is_one_line_and_nonzero(small_extracts, tmp_path, args, message):
    args = [a.format(ex=small_extracts, tmp=tmp_path) for a in args]
    r = runner.invoke(app, args)
    assert r.exit_code != 0
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("kg: error:") and message in lines[0], r.output
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".csv", ".pdf", ".png", ".jpg")]
