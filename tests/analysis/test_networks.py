"""DNA's networks on a small database built here, against matrices computed by hand.

Data (persons A, B, C of organisations OA, OB, OC; issues X, Y; + support, - oppose):
    A: X+ X+ Y-      B: X+ Y+      C: X- Y-
so x_A = {X: (opp 0, sup 2), Y: (1, 0)}, x_B = {X: (0, 1), Y: (0, 1)}, x_C = {X: (1, 0), Y: (1, 0)};
activities a_A = 3, a_B = 2, a_C = 2.
"""

from __future__ import annotations

import numpy as np
import pytest

from kg.analysis.network import network, statement_table, filter_rows, twomode, onemode
from kg.errors import ConfigError
from kg.extracts import read_dir

T = 1 / 3
TWOMODE = {  # (aggregation, normalization) -> rows A, B, C; columns X, Y
    ("ignore", "no"): [[2, 1], [1, 1], [1, 1]],
    ("subtract", "no"): [[2, -1], [1, 1], [-1, -1]],
    ("combine", "no"): [[1, 2], [1, 1], [2, 2]],  # 1 support only, 2 oppose only, 3 both
    ("ignore", "activity"): [[2 / 3, T], [0.5, 0.5], [0.5, 0.5]],
    ("subtract", "activity"): [[2 / 3, -T], [0.5, 0.5], [-0.5, -0.5]],
    ("ignore", "prominence"): [[0.5, T], [0.25, T], [0.25, T]],  # column sums X 4, Y 3
    ("subtract", "prominence"): [[0.5, -T], [0.25, T], [-0.25, -T]],
}

# one-mode ties (AB, AC, BC); jaccard denominators: AB 1+1+2 = 4, AC 2+1+1 = 4, BC 2+2+0 = 4
ONEMODE = {
    ("ignore", "no"): (3, 3, 2),
    ("congruence", "no"): (2, 1, 0),
    ("conflict", "no"): (1, 2, 2),
    ("subtract", "no"): (1, -1, -2),
    ("ignore", "average"): (3 / 2.5, 3 / 2.5, 1),
    ("congruence", "average"): (2 / 2.5, 1 / 2.5, 0),
    ("conflict", "average"): (1 / 2.5, 2 / 2.5, 1),
    ("subtract", "average"): (1 / 2.5, -1 / 2.5, -1),
    ("ignore", "cosine"): (3 / 6, 3 / 6, 2 / 4),
    ("congruence", "cosine"): (2 / 6, 1 / 6, 0),
    ("conflict", "cosine"): (1 / 6, 2 / 6, 2 / 4),
    ("subtract", "cosine"): (1 / 6, -1 / 6, -2 / 4),
    ("ignore", "jaccard"): (3 / 4, 3 / 4, 2 / 4),
    ("congruence", "jaccard"): (2 / 4, 1 / 4, 0),
    ("conflict", "jaccard"): (1 / 4, 2 / 4, 2 / 4),
    ("subtract", "jaccard"): (1 / 4, -1 / 4, -2 / 4),
}


@pytest.fixture(scope="module")
def small(small_extracts):
    return read_dir(small_extracts)


@pytest.mark.parametrize("level,labels", [("person", ["A", "B", "C"]), ("organisation", ["OA", "OB", "OC"])])
@pytest.mark.parametrize("setting", sorted(TWOMODE))
def test_twomode_by_hand(small, setting, level, labels):
    aggregation, normalization = setting
    net = network(small, type="twomode", aggregation=aggregation, normalization=normalization, level=level)
    assert net.rows == labels and net.columns == ["X", "Y"]
    np.testing.assert_allclose(net.values, TWOMODE[setting])


@pytest.mark.parametrize("setting", sorted(ONEMODE))
def test_onemode_by_hand(small, setting):
    aggregation, normalization = setting
    net = network(small, type="onemode", aggregation=aggregation, normalization=normalization)
    ab, ac, bc = ONEMODE[setting]
    expected = np.array([[0, ab, ac], [ab, 0, bc], [ac, bc, 0]], dtype=float)
    assert net.rows == ["A", "B", "C"]
    np.testing.assert_allclose(net.values, expected)


def test_evidence_lists_the_statements_behind_a_tie(small):
    net = network(small, type="onemode", aggregation="conflict")
    ids = {s.id: (ex.actor(s.speaker).name, s.stance) for ex in small for s in ex.statements}
    # B and C conflict on X (B+ vs C-) and on Y (B+ vs C-): four statements
    ev = net.evidence[(1, 2)]
    assert sorted(ids[i] for i in ev) == [("B", "support"), ("B", "support"), ("C", "oppose"), ("C", "oppose")]
    # A-B conflict only on Y: A's oppose and B's support; not A's X statements
    assert sorted(ids[i] for i in net.evidence[(0, 1)]) == [("A", "oppose"), ("B", "support")]


def test_date_range_is_inclusive(small):
    net = network(small, type="twomode", date_from="2005-01-05", date_to="2005-01-05")
    assert (net.rows, net.columns) == (["A", "C"], ["X"])
    np.testing.assert_array_equal(net.values, [[1], [1]])


def test_bad_settings_name_the_choices(small):
    with pytest.raises(ConfigError, match="congruence.*twomode.*ignore, subtract, combine"):
        network(small, type="twomode", aggregation="congruence")
    with pytest.raises(ConfigError, match="activity.*onemode.*no, average, jaccard, cosine"):
        network(small, type="onemode", aggregation="subtract", normalization="activity")
    with pytest.raises(ConfigError, match="combine"):
        network(small, type="twomode", aggregation="combine", normalization="activity")
    with pytest.raises(ConfigError, match="level 'country'"):
        network(small, level="country")
    with pytest.raises(ConfigError, match="YYYY-MM-DD"):
        network(small, date_from="01.02.2005")
    with pytest.raises(ConfigError, match="after --to"):
        network(small, date_from="2005-03-01", date_to="2005-01-01")


# ---- duplicates: A says X+ in two documents of one ISO week; B says Y+ in two weeks of one month;
# C says Y- in February of two years; D says X+ and X- in one document.
DUP = [
    (0, "A", "OA", "X", 1), (1, "A", "OA", "X", 1),
    (2, "B", "OB", "Y", 1), (3, "B", "OB", "Y", 1),
    (2, "C", "OC", "Y", 0), (4, "C", "OC", "Y", 0),
    (0, "D", "OD", "X", 1), (0, "D", "OD", "X", 0),
]
DUP_DATES = ["2005-01-03", "2005-01-05", "2005-02-10", "2005-02-20", "2006-02-12"]


@pytest.fixture(scope="module")
def dup(tmp_path_factory):
    from analysis.conftest import corpus
    from analysis.dnadb import make_dna
    from kg.importers.dna import import_dna

    tmp = tmp_path_factory.mktemp("dup")
    docs, sts = corpus(DUP, DUP_DATES)
    import_dna(make_dna(tmp / "dup.dna", docs, sts), tmp / "ex")
    return read_dir(tmp / "ex")


@pytest.mark.parametrize("duplicates,expected", [
    # counts for (A on X, B on Y, C on Y, D on X) under ignore; D's +/- pair is one duplicate under ignore
    ("include", [2, 2, 2, 2]),
    ("document", [2, 2, 2, 1]),
    ("week", [1, 2, 2, 1]),
    ("month", [1, 1, 2, 1]),
    ("year", [1, 1, 2, 1]),
    ("acrossrange", [1, 1, 1, 1]),
])
def test_duplicates(dup, duplicates, expected):
    net = network(dup, type="twomode", aggregation="ignore", duplicates=duplicates)
    got = [net.cell("A", "X"), net.cell("B", "Y"), net.cell("C", "Y"), net.cell("D", "X")]
    assert got == expected


def test_duplicates_keep_both_qualifiers_unless_ignore(dup):
    net = network(dup, type="twomode", aggregation="combine", duplicates="document")
    assert net.cell("D", "X") == 3  # both support and oppose kept
    net = network(dup, type="twomode", aggregation="subtract", duplicates="acrossrange")
    assert net.cell("D", "X") == 0 and net.cell("A", "X") == 1


def test_neutral_statements_count_only_for_ignore(small):
    import copy

    extra = copy.deepcopy(small)
    ex = extra[0]
    s = ex.statements[0]
    s.stance = "neutral"  # A's first X+ becomes neutral
    rows = statement_table(extra)
    assert len(filter_rows(rows, aggregation="ignore")) == 7
    assert len(filter_rows(rows, aggregation="subtract")) == 6
    assert twomode(filter_rows(rows, aggregation="ignore")).cell("A", "X") == 2
    assert twomode(filter_rows(rows, aggregation="subtract"), aggregation="subtract").cell("A", "X") == 1
    con = onemode(filter_rows(rows, aggregation="congruence"), aggregation="congruence")
    assert con.cell("A", "B") == 1


def test_windows_one_network_each(small):
    from kg.analysis.network import network_series

    nets = network_series(small, window="7d", step="7d", type="twomode")
    assert [(str(n.start), str(n.stop)) for n in nets][:2] == [("2005-01-03", "2005-01-09"),
                                                             ("2005-01-10", "2005-01-16")]
    assert nets[0].statements == 5 and nets[1].statements == 0
    assert nets[-1].start <= nets[-1].stop and str(nets[-1].start) <= "2005-02-10" <= str(nets[-1].stop)
    assert sum(n.statements for n in nets) == 7
    with pytest.raises(ConfigError, match="--window '30'"):
        network_series(small, window="30")


def test_month_windows_use_calendar_months(small):
    from kg.analysis.network import windows, statement_table

    assert windows(statement_table(small), window="1m", step="1m") == [
        (__import__("datetime").date(2005, 1, 3), __import__("datetime").date(2005, 2, 2)),
        (__import__("datetime").date(2005, 2, 3), __import__("datetime").date(2005, 3, 2))]


# ---- DNA's own test-suite values on its sample database (rDNA tests/testthat/test-network.R)
def test_sample_twomode_equals_dna(sample_dna_extracts):
    net = network(read_dir(sample_dna_extracts), type="twomode", level="organisation")
    assert net.values.shape == (7, 6) and net.values.sum() == 40
    assert net.rows[0] == "Alliance to Save Energy"
    assert net.columns[0] == "CO2 legislation will not hurt the economy."
    assert net.columns[1] == "Cap and trade is the solution."  # code-point order, as DNA sorts
    ener = net.rows.index("Energy and Environmental Analysis, Inc.")
    assert list(net.values[ener, :2]) == [2, 0]
    assert (str(net.start), str(net.stop), net.statements) == ("2005-01-26", "2005-02-16", 40)


def test_sample_onemode_equals_dna(sample_dna_extracts):
    net = network(read_dir(sample_dna_extracts), type="onemode", level="organisation")
    assert net.values.shape == (7, 7) and net.values.sum() == 276
    assert net.cell("Environmental Protection Agency", "Alliance to Save Energy") == 10
    assert net.cell("Environmental Protection Agency", "Energy and Environmental Analysis, Inc.") == 2


def _anon_thread(doc_id: str):
    from kg.ids import actor_id, issue_id, statement_id
    from kg.records import Actor, Document, Extract, Issue, Statement

    text = "Cut the budget."
    a = Actor(actor_id("anonymous-1", "anonymous", doc_id), "anonymous-1", "anonymous")
    i = Issue(issue_id("budget"), "budget")
    s = Statement(statement_id(doc_id, 0, len(text)), a.id, text, 0, len(text), "comment", [i.id], "oppose")
    return Extract(Document(doc_id, f"{doc_id}.txt", "thread", text, None, "2020-01-01"), [a], [i], [s])


def test_anonymous_commenters_of_different_threads_stay_apart():
    one = statement_table([_anon_thread("t1")])
    assert [r.actor for r in one] == ["anonymous-1"]
    two = statement_table([_anon_thread("t1"), _anon_thread("t2")])
    assert sorted(r.actor for r in two) == ["anonymous-1 (t1)", "anonymous-1 (t2)"]
    assert statement_table([_anon_thread("t1")], level="organisation") == []


def test_cli_defaults_are_the_library_defaults():
    import inspect

    from kg.analysis import commands
    from kg.cli import cmd_analysis

    lib = inspect.signature(network).parameters
    cli = inspect.signature(cmd_analysis.network_cmd).parameters
    cmd = inspect.signature(commands.network_command).parameters
    for name in ("type", "aggregation", "normalization", "level", "duplicates"):
        assert cli[name].default.default == cmd[name].default == lib[name].default
    assert (lib["type"].default, lib["aggregation"].default, lib["normalization"].default) == ("twomode", "ignore", "no")
