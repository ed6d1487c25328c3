"""The actor x issue stance matrix and its files."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from kg.analysis.matrix import stance_matrix, write_matrix, similarity_order
from kg.errors import ConfigError
from kg.extracts import read_dir


@pytest.fixture(scope="module")
def small(small_extracts):
    return read_dir(small_extracts)


def test_counts_net_share(small):
    m = stance_matrix(small)
    assert (m.actors, m.issues) == (["A", "B", "C"], ["X", "Y"])
    np.testing.assert_array_equal(m.support, [[2, 0], [1, 1], [0, 0]])
    np.testing.assert_array_equal(m.oppose, [[0, 1], [0, 0], [1, 1]])
    np.testing.assert_array_equal(m.net, [[2, -1], [1, 1], [-1, -1]])
    np.testing.assert_array_equal(m.share, [[1, 0], [1, 1], [0, 0]])
    assert len(m.evidence[(0, 0)]) == 2


def test_min_statements_and_level(small):
    assert stance_matrix(small, min_statements=3).actors == ["A"]
    assert stance_matrix(small, level="organisation").actors == ["OA", "OB", "OC"]
    with pytest.raises(ConfigError, match="level 'org'.*person, organisation"):
        stance_matrix(small, level="org")


def test_csv_layout_and_long_table(small, tmp_path):
    m = stance_matrix(small)
    rows = list(csv.reader((write_matrix(m, tmp_path / "m.csv")).open(encoding="utf-8")))
    assert rows == [["", "X", "Y"], ["A", "2", "-1"], ["B", "1", "1"], ["C", "-1", "-1"]]
    rows = list(csv.reader(write_matrix(m, tmp_path / "m.tsv", value="share").open(encoding="utf-8"),
                           delimiter="\t"))
    assert rows[1] == ["A", "1", "0"]
    rows = list(csv.DictReader(write_matrix(m, tmp_path / "l.csv", value="all").open(encoding="utf-8")))
    a_x = next(r for r in rows if r["actor"] == "A" and r["issue"] == "X")
    assert (a_x["net"], a_x["support"], a_x["share"], len(a_x["evidence"].split())) == ("2", "2", "1.0", 2)


def test_json_and_xlsx(small, tmp_path):
    from openpyxl import load_workbook

    m = stance_matrix(small)
    data = json.loads(write_matrix(m, tmp_path / "m.json").read_text("utf-8"))
    assert data["net"] == [[2, -1], [1, 1], [-1, -1]] and data["issues"] == ["X", "Y"]
    wb = load_workbook(write_matrix(m, tmp_path / "m.xlsx"))
    assert wb.sheetnames == ["net", "support", "oppose", "neutral", "statements", "share", "long"]
    assert [c.value for c in wb["net"][2]] == ["A", 2, -1]


def test_unknown_format_names_the_choices(small, tmp_path):
    with pytest.raises(ConfigError, match=r"'\.txt'.*\.csv, \.tsv, \.xlsx, \.json"):
        write_matrix(stance_matrix(small), tmp_path / "m.txt")
    assert not (tmp_path / "m.txt").exists()


def test_similarity_order_puts_alike_rows_together():
    rows = np.array([[1, 1], [-1, -1], [1, 0.9], [-1, -0.8]])
    order = similarity_order(rows)
    pos = {r: n for n, r in enumerate(order)}
    assert abs(pos[0] - pos[2]) == 1 and abs(pos[1] - pos[3]) == 1


def test_heatmap_png(small, tmp_path):
    from kg.analysis.plots import heatmap

    p = heatmap(stance_matrix(small), tmp_path / "h.png")
    assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_empty_matrix_writes_header_and_a_picture_that_says_so(small, tmp_path):
    from kg.analysis.plots import heatmap

    m = stance_matrix(small, min_statements=99)
    assert m.actors == [] and write_matrix(m, tmp_path / "e.csv").read_text().strip() in ("", '""')
    assert heatmap(m, tmp_path / "e.png").read_bytes()[:4] == b"\x89PNG"
