"""Names with characters XML 1.0 cannot hold (issue 15, item 6): GraphML, GEXF and XLSX files are written
so that they parse back, with the names kept apart and readable (``\\x00`` ...); CSV and JSON stay UTF-8;
pictures draw any name (control characters, ``$`` that matplotlib would read as mathematics).

The extracts are built as records (names come from text; the extracts contract need not accept these
characters), then go through the real writers and are read back by networkx and openpyxl."""

from __future__ import annotations

import warnings

import networkx as nx
import pytest

from analysis.handmade import Said, article
from kg.analysis.exports import write_network, write_ties
from kg.analysis.matrix import stance_matrix, write_matrix
from kg.analysis.network import network
from kg.analysis.ties import relation_ties
from kg.cells import xml_safe
from kg.graph.build import build_graph
from kg.stores.networkx_store import write_graphml

CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f", "\ufffe", "\uffff"]


def _said(surrogates: bool = True) -> list[Said]:
    out = []
    for n, ch in enumerate(CONTROLS):  # one actor per character, alternating stances on two issues
        stance = "support" if n % 2 else "oppose"
        out.append(Said(f"Actor{ch}{n}", f"Org{ch}{n}", "issue\x00one", stance))
        out.append(Said(f"Actor{ch}{n}", f"Org{ch}{n}", f"issue{ch}two", "oppose" if n % 2 else "support"))
    if surrogates:
        out.append(Said("Lone\ud800surrogate", "Org\udfff", "issue\x00one", "support"))
    return out


@pytest.fixture(scope="module")
def extracts():
    return [article("controls", "2022-03-01", _said())]


@pytest.fixture(scope="module")
def graph_extracts():
    """Without lone surrogates: the graph's ids are digests of names, which need UTF-8 (kg.ids)."""
    return [article("controls", "2022-03-01", _said(surrogates=False))]


def names(extracts) -> set[str]:
    return {a.name for ex in extracts for a in ex.actors}


@pytest.mark.parametrize("ext,reader", [(".graphml", nx.read_graphml), (".gexf", nx.read_gexf)])
@pytest.mark.parametrize("settings", [
    dict(type="twomode", aggregation="subtract"),
    dict(type="onemode", aggregation="subtract", normalization="average"),
    dict(type="onemode", aggregation="conflict", level="organisation"),
])
def test_network_xml_parses_back(extracts, tmp_path, ext, reader, settings):
    net = network(extracts, **settings)
    (path,) = write_network(net, tmp_path / f"n{ext}")
    g = reader(path)
    labels = {d["label"] for _, d in g.nodes(data=True) if d["type"] == "actor"}
    assert labels == {xml_safe(x) for x in net.rows} and len(labels) == len(net.rows) == len(set(net.rows))
    if settings.get("level") != "organisation":
        assert "Actor\\x000" in labels and "Actor\x7f32" in labels  # \x7f is XML: kept
    assert g.number_of_edges() > 0


@pytest.mark.parametrize("ext,reader", [(".graphml", nx.read_graphml), (".gexf", nx.read_gexf)])
def test_ties_xml_parses_back(graph_extracts, tmp_path, ext, reader):
    ties = relation_ties(graph_extracts, relation="conflict")
    assert ties
    (path,) = write_ties(ties, tmp_path / f"c{ext}", relation="conflict")
    g = reader(path)
    issues = " | ".join(d["issues"] for _, _, d in g.edges(data=True))
    assert "issue\\x00one" in issues


def test_matrix_xlsx_loads_back(extracts, tmp_path):
    from openpyxl import load_workbook

    m = stance_matrix(extracts)
    wb = load_workbook(write_matrix(m, tmp_path / "m.xlsx"))
    actors = [c.value for c in wb["net"]["A"][1:]]
    assert actors == [xml_safe(a) for a in m.actors]
    assert "Actor\\x000" in actors and "Lone\\ud800surrogate" in actors
    assert "issue\\x00one" in [c.value for c in wb["net"][1]]
    assert len(set(actors)) == len(CONTROLS) + 1


@pytest.mark.parametrize("ext", [".csv", ".tsv"])
def test_matrix_csv_is_utf8_even_with_lone_surrogates(extracts, tmp_path, ext):
    text = write_matrix(stance_matrix(extracts), tmp_path / f"m{ext}").read_text("utf-8")
    assert "Lone\\ud800surrogate" in text and "\x00" not in text


def test_matrix_json_keeps_lone_surrogates_as_escapes(extracts, tmp_path):
    import json

    data = json.loads(write_matrix(stance_matrix(extracts), tmp_path / "m.json").read_bytes())
    assert "Lone\ud800surrogate" in data["actors"] and "Actor\x000" in data["actors"]  # JSON holds them


def test_graph_graphml_parses_back(graph_extracts, tmp_path):
    """``kg run``'s graph.graphml (kg.stores.networkx_store.write_graphml)."""
    g = nx.read_graphml(write_graphml(build_graph(graph_extracts), tmp_path / "graph.graphml"))
    got = {d.get("name") for _, d in g.nodes(data=True)} - {None}
    assert {xml_safe(n).replace("\r", "\n") for n in names(graph_extracts)} <= got  # XML reads CR in text as LF
    assert "Actor\\x1f31" in got and "Actor\x7f32" in got and "Actor\t9" in got


@pytest.mark.parametrize("speakers", [
    ["Cost $\\frac{$ 5", "B"],  # matplotlib read $...$ as mathematics and stopped on a bad formula
    ["price $\\badcommand$", "$B$", "C$"],
    [f"Actor{ch}{n}" for n, ch in enumerate(CONTROLS)],
], ids=["bad-mathtext", "dollars", "controls"])
def test_pictures_draw_any_name(tmp_path, speakers):
    from kg.analysis.plots import heatmap, network_plot

    said = [Said(s, None, "issue $x$", "support" if n % 2 else "oppose") for n, s in enumerate(speakers)]
    said.append(Said(speakers[0], None, "issue\x00two $", "support"))
    ex = [article("pictures", "2022-03-01", said)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no missing glyphs either
        assert heatmap(stance_matrix(ex), tmp_path / "h.png").read_bytes()[:4] == b"\x89PNG"
        net = network(ex, type="onemode")
        assert network_plot(net, tmp_path / "n.png").read_bytes()[:4] == b"\x89PNG"


def test_dl_has_one_label_per_line(extracts, tmp_path):
    net = network(extracts, type="twomode")
    (path,) = write_network(net, tmp_path / "n.dl")
    lines = path.read_text("utf-8").splitlines()
    rows, cols = len(net.rows), len(net.columns)
    assert lines[0] == f"dl nr = {rows}, nc = {cols}, format = fullmatrix"
    assert lines[1] == "row labels:" and lines[2 + rows] == "col labels:" and lines[3 + rows + cols] == "data:"
    assert len(lines) == 4 + 2 * rows + cols and '"Actor 10"' in lines  # "Actor\n10": a space, one line
