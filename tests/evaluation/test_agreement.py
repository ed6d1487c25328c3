"""Agreement between coders (``kg eval A B`` on two extracts folders): Krippendorff's alpha against the
published worked example, statement pairing as a table, and the command on real extracts."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.evaluation.agreement import krippendorff_alpha, pair_statements
from kg.records import Statement

runner = CliRunner()
N = None

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example with four coders, twelve
# units and missing values: nominal 0.743, ordinal 0.815, interval 0.849.
EXAMPLE = list(zip(
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
))


@pytest.mark.parametrize("units, level, order, expected", [
    (EXAMPLE, "nominal", None, 0.743),
    (EXAMPLE, "ordinal", None, 0.815),
    (EXAMPLE, "interval", None, 0.849),
    ([("a", "a"), ("b", "b"), ("c", "c")], "nominal", None, 1.0),  # perfect agreement
    ([("a", "b"), ("b", "a")], "nominal", None, -0.5),  # systematic disagreement: below zero
    ([("support", "oppose"), ("oppose", "oppose"), ("neutral", "neutral"), ("support", "support")], "ordinal",
     ("oppose", "neutral", "support"), 0.417),  # worked by hand: 1 - 7 * 50 / 600
    # a disagreement to a neighbouring value costs less on the ordinal scale than one that skips "neutral"
    ([("support", "neutral"), ("oppose", "oppose"), ("neutral", "neutral"), ("support", "support")], "ordinal",
     ("oppose", "neutral", "support"), 0.790),  # 1 - 7 * 18 / 600
    ([("a", N), (N, "b")], "nominal", None, None),  # nothing pairable
    ([("a", "a"), ("a", "a")], "nominal", None, 1.0),  # one category only
])
def test_krippendorff_alpha(units, level, order, expected):
    got = krippendorff_alpha(units, level, order=order)
    assert (got is None) if expected is None else got == pytest.approx(expected, abs=5e-4)


def _st(start: int, end: int) -> Statement:
    return Statement(id=f"st-{start}-{end}", speaker="x", text="t" * (end - start), start=start, end=end,
                     kind="direct")


@pytest.mark.parametrize("a, b, expected", [
    ([(0, 10)], [(0, 10)], [((0, 10), (0, 10))]),
    ([(0, 10)], [(2, 10)], [((0, 10), (2, 10))]),  # overlap 0.8
    ([(0, 10)], [(5, 20)], []),  # overlap 0.25: two different units
    ([(0, 10)], [(10, 20)], []),  # touching, not overlapping
    ([(0, 10), (12, 20)], [(0, 20)], [((0, 10), (0, 20))]),  # one statement pairs once, the larger overlap
    ([(0, 10), (20, 30)], [(21, 30), (0, 9)], [((0, 10), (0, 9)), ((20, 30), (21, 30))]),
])
def test_pair_statements(a, b, expected):
    pairs = pair_statements([_st(*s) for s in a], [_st(*s) for s in b])
    assert [((x.start, x.end), (y.start, y.end)) for x, y in pairs] == expected


def test_agreement_between_two_folders(tmp_path, sample_extracts):
    a, b = tmp_path / "coder-a", tmp_path / "coder-b"
    shutil.copytree(sample_extracts, a)
    shutil.copytree(sample_extracts, b)
    res = runner.invoke(app, ["eval", str(a), str(b), "--json"])
    assert res.exit_code == 0, res.output
    same = json.loads(res.stdout)
    assert same["statements"]["agreement"] == 1.0
    assert all(f["percent"] == 1.0 for f in same["fields"].values())
    assert same["fields"]["stance"]["alpha"] in (1.0, None)

    # coder b flips two stances and drops one statement of the article
    path = next(p for p in b.glob("*.json") if "police-professional" in p.name)
    data = json.loads(path.read_text("utf-8"))
    flip = {"support": "oppose", "oppose": "support", "neutral": "oppose"}
    for s in data["statements"][:2]:
        s["stance"] = flip[s["stance"]]
    dropped = data["statements"].pop(2)
    data["statements"] = [s for s in data["statements"] if s.get("reply_to") != dropped["id"]]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    res = runner.invoke(app, ["eval", str(a), str(b), "--json"])
    assert res.exit_code == 0, res.output
    r = json.loads(res.stdout)
    n_a, n_b = r["statements"]["a"], r["statements"]["b"]
    assert n_a == n_b + 1 and r["statements"]["paired"] == n_b
    assert r["fields"]["stance"]["compared"] == n_b and r["fields"]["stance"]["agreed"] == n_b - 2
    assert r["fields"]["stance"]["alpha"] < 1.0
    assert r["fields"]["speaker"]["percent"] == 1.0
    table = runner.invoke(app, ["eval", str(a), str(b)])
    assert table.exit_code == 0 and "Krippendorff" in table.stdout


def test_agreement_bad_input(tmp_path, sample_extracts):
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(sample_extracts, a)
    b.mkdir()
    other = json.loads(next(a.glob("*.json")).read_text("utf-8"))
    other["document"]["id"] = "another-document"
    (b / "another-document.json").write_text(json.dumps(other), encoding="utf-8")
    res = runner.invoke(app, ["eval", str(a), str(b)])
    assert res.exit_code != 0 and "no document is in both folders" in res.stderr
    assert "Traceback" not in res.output
    res = runner.invoke(app, ["eval", str(a), str(a), "--strict"])
    assert res.exit_code != 0 and "--strict" in res.stderr
