"""Network files: CSV matrix, GraphML (Gephi), GEXF, UCINET DL; agreement/conflict ties with evidence."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from kg.analysis.exports import write_network, write_ties
from kg.analysis.network import network, network_series
from kg.analysis.ties import relation_ties
from kg.errors import ConfigError
from kg.extracts import read_dir
from kg.ids import actor_id, issue_id, statement_id
from kg.records import Actor, Document, Extract, Issue, Post, Statement


@pytest.fixture(scope="module")
def small(small_extracts):
    return read_dir(small_extracts)


def test_csv_matrix_layout(small, tmp_path):
    net = network(small, type="onemode", aggregation="subtract", normalization="average")
    (path,) = write_network(net, tmp_path / "n.csv")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == ["", "A", "B", "C"]
    assert rows[1] == ["A", "0.000000", "0.400000", "-0.400000"]
    assert [r[0] for r in rows[1:]] == ["A", "B", "C"]


def test_graphml_opens_with_labels_weights_relations_evidence(small, tmp_path):
    net = network(small, type="onemode", aggregation="subtract")
    (path,) = write_network(net, tmp_path / "n.graphml")
    g = nx.read_graphml(path)
    labels = {d["label"] for _, d in g.nodes(data=True)}
    assert labels == {"A", "B", "C"}
    by_label = {frozenset((g.nodes[u]["label"], g.nodes[v]["label"])): d for u, v, d in g.edges(data=True)}
    assert by_label[frozenset("BC")]["weight"] == -2 and by_label[frozenset("BC")]["relation"] == "conflict"
    assert by_label[frozenset("AB")]["relation"] == "agreement"
    assert len(by_label[frozenset("BC")]["evidence"].split()) == 4
    root = ET.parse(path).getroot()  # plain GraphML as Gephi reads it
    assert root.tag.endswith("graphml")


def test_twomode_gexf_and_dl(small, tmp_path):
    net = network(small, type="twomode", aggregation="subtract")
    (gexf,) = write_network(net, tmp_path / "t.gexf")
    g = nx.read_gexf(gexf)
    types = sorted(d["type"] for _, d in g.nodes(data=True))
    assert types == ["actor"] * 3 + ["issue"] * 2
    (dl,) = write_network(net, tmp_path / "t.dl")
    assert dl.read_text().splitlines() == [
        "dl nr = 3, nc = 2, format = fullmatrix", "row labels:", '"A"', '"B"', '"C"', "col labels:", '"X"', '"Y"',
        "data:", "2 -1", "1 1", "-1 -1"]


def test_series_writes_one_file_per_window(small, tmp_path):
    nets = network_series(small, window="30d", type="twomode")
    paths = write_network(nets, tmp_path / "w.csv")
    assert [p.name for p in paths] == ["w-1-2005-01-03.csv", "w-2-2005-02-02.csv"]


def test_unknown_network_format(small, tmp_path):
    with pytest.raises(ConfigError, match=r"'\.xml'.*\.csv, \.graphml, \.gexf, \.dl"):
        write_network(network(small), tmp_path / "n.xml")


def thread() -> Extract:
    """A thread: Ann supports reform; Bob replies "I agree!!"; Cy answers Bob back."""
    doc_id = "thread-1"
    parts = ["We must reform the police.", "I agree!!", "Then how do they reform???"]
    text = "\n".join(parts)
    starts = [0, len(parts[0]) + 1, len(parts[0]) + len(parts[1]) + 2]
    names = ["Ann", "Bob", "Cy"]
    actors = [Actor(actor_id(n, "person"), n, "person") for n in names]
    reform = Issue(issue_id("police reform"), "police reform")
    sts = []
    for n, (part, start) in enumerate(zip(parts, starts)):
        sts.append(Statement(
            id=statement_id(doc_id, start, start + len(part)), speaker=actors[n].id, text=part, start=start,
            end=start + len(part), kind="comment", issues=[reform.id] if n != 2 else [],
            stance=["support", "support", "neutral"][n], post=n,
            reply_to=None if n == 0 else statement_id(doc_id, starts[n - 1], starts[n - 1] + len(parts[n - 1])),
            reply_relation=[None, "agree", "disagree"][n]))
    posts = [Post(n, s, s + len(p), names[n], "person", "2016-01-0%d" % (n + 1), None if n == 0 else n - 1, n == 0)
             for n, (p, s) in enumerate(zip(parts, starts))]
    return Extract(Document(doc_id, "thread.txt", "thread", text, "Thread", "2016-01-01", posts), actors,
                   [reform], sts)


def test_agreement_and_conflict_ties_with_evidence(tmp_path):
    ex = thread()
    agree = relation_ties([ex], relation="agreement")
    modes = {(t.source, t.target, t.mode) for t in agree}
    assert ("Ann", "Bob", "positional") in modes and ("Ann", "Bob", "interactional") in modes
    conflict = relation_ties([ex], relation="conflict")
    assert [(t.source, t.target, t.mode) for t in conflict] == [("Bob", "Cy", "interactional")]
    (t,) = conflict
    assert set(t.evidence) == {ex.statements[1].id, ex.statements[2].id}
    (path,) = write_ties(conflict, tmp_path / "c.csv", relation="conflict")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert rows[0]["relation"] == "conflict" and set(rows[0]["evidence"].split()) == set(t.evidence)
    (gml,) = write_ties(agree, tmp_path / "a.graphml", relation="agreement")
    g = nx.read_graphml(gml)
    (edge,) = [d for _, _, d in g.edges(data=True)]
    assert edge["modes"] == "interactional positional" and edge["issues"] == "police reform"
    only = relation_ties([ex], relation="agreement", mode="interactional")
    assert {t.mode for t in only} == {"interactional"}
