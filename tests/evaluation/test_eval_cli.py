"""``kg eval`` through Typer's CliRunner: output formats, --errors, --strict and bad input."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

import kg.cli.cmd_eval  # noqa: F401  (registers `kg eval` until kg/cli/__init__.py imports it)
from evalkit import P, Workspace, build_extract
from kg.cli import app
from test_eval_score import ARTICLE, G1, GOLD_ARTICLE, PERFECT, replace

runner = CliRunner()


@pytest.fixture
def scored(ws: Workspace) -> Workspace:
    """The article with G1 cut to 4 of its 10 words: found at 0.3, wrong span at 0.8."""
    ws.write_gold("art", GOLD_ARTICLE)
    ws.write_extract(build_extract("art", ARTICLE, replace(1, P(speaker="Tom Adeyemi", kind="indirect",
                                                               text="the budget protected frontline", stance="support"))))
    return ws


def test_json(scored: Workspace) -> None:
    result = runner.invoke(app, ["eval", str(scored.gold), str(scored.out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["totals"]["ggt-0.3"]["f1"] == 1.0
    assert data["totals"]["ggt-0.8"]["matched"] == 3
    assert data["totals"]["ggt-0.8"]["f1"] == 0.75
    assert "exact" not in data["totals"]
    # no roles predicted: both gold roles are missed although their actors are found
    assert {(e["type"], e["detail"]): e["count"] for e in data["errors"]} == {
        ("wrong span", "too short"): 1, ("missed role", "role differs"): 2}
    assert data["roles"] == {"gold": 2, "predicted": 0, "matched": 0, "precision": None, "recall": 0.0,
                             "f1": 0.0, "unmatched_actor_roles": 0}
    assert [d["id"] for d in data["per_document"]] == ["art"]


def test_table(scored: Workspace) -> None:
    result = runner.invoke(app, ["eval", str(scored.gold), str(scored.out)])
    assert result.exit_code == 0, result.output
    for expected in ("ggt-0.3", "ggt-0.8", "dice", "Errors by type", "wrong span", "Per document"):
        assert expected in result.stdout


def test_strict_adds_exact_matching(scored: Workspace) -> None:
    result = runner.invoke(app, ["eval", str(scored.gold), str(scored.out), "--strict", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["exact"]["matched"] == 3


def test_errors_csv(scored: Workspace) -> None:
    path = scored.root / "errors.csv"
    result = runner.invoke(app, ["eval", str(scored.gold), str(scored.out), "--errors", str(path)])
    assert result.exit_code == 0, result.output
    rows = [r for r in csv.DictReader(path.open(encoding="utf-8")) if "role" not in r["type"]]
    assert [(r["type"], r["detail"], r["gold_text"], r["predicted_text"]) for r in rows] == [
        ("wrong span", "too short", G1, "the budget protected frontline")]
    assert float(rows[0]["score"]) == pytest.approx(30 / 73, abs=1e-3)


@pytest.mark.parametrize(
    ("setup", "code", "message"),
    [
        ("no gold folder", 2, "no such gold folder"),
        ("no extracts folder", 3, "no such extracts folder"),
        ("gold without extract", 3, "no extract for document 'other'"),
        ("malformed gold JSON", 2, "gold file is not valid JSON"),
        ("gold statement without text", 2, "statements/0: needs a non-empty 'text'"),
        ("malformed extract", 3, "not valid JSON"),
    ],
)
def test_bad_input_is_one_line_and_an_exit_code(ws: Workspace, setup: str, code: int, message: str) -> None:
    gold, out = ws.gold, ws.out
    ws.write_gold("art", GOLD_ARTICLE)
    ws.write_extract(build_extract("art", ARTICLE, PERFECT))
    if setup == "no gold folder":
        gold = ws.root / "missing"
    elif setup == "no extracts folder":
        out = ws.root / "missing"
    elif setup == "gold without extract":
        ws.write_gold("other", GOLD_ARTICLE)
    elif setup == "malformed gold JSON":
        (ws.gold / "art.json").write_text("{", encoding="utf-8")
    elif setup == "gold statement without text":
        ws.write_gold("art", {"statements": [{"speaker": "X"}]})
    elif setup == "malformed extract":
        (ws.out / "art.json").write_text("{oops", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(gold), str(out)])
    assert result.exit_code == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: ") and message in lines[0]
    assert result.stdout == ""


def test_help() -> None:
    result = runner.invoke(app, ["eval", "--help"])
    assert result.exit_code == 0
    for option in ("--strict", "--json", "--errors"):
        assert option in result.stdout
