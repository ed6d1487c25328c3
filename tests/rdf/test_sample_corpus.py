"""End to end on the sample corpus: the real extracts (real pipeline, real spaCy model) exported, validated,
loaded into the real Oxigraph store and queried; every saved query gives the rows of the networkx graph."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from typer.testing import CliRunner

from kg.cli import app
from kg.extracts import read_dir
from kg.stores import networkx_store, oxigraph_store
from kg.stores import rdf as kgrdf

pytestmark = pytest.mark.slow
runner = CliRunner()
NO_PARAMS = ["node-count", "agreement-pairs", "conflict-pairs", "stance-matrix", "issue-controversy"]


@pytest.fixture(scope="module")
def sample_store(sample_extracts: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("sample") / "store"
    result = runner.invoke(app, ["load", "oxigraph", str(sample_extracts), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return store


def test_sample_export_conforms_to_the_shapes(sample_extracts: Path, tmp_path: Path) -> None:
    out = tmp_path / "sample.ttl"
    result = runner.invoke(app, ["export", "rdf", str(sample_extracts), "--out", str(out)])
    assert result.exit_code == 0, result.output
    g = rdflib.Graph().parse(out, format="turtle")
    assert len(g) > 1000
    report = kgrdf.validate(g)
    assert report.conforms, report.text


@pytest.mark.parametrize("name", NO_PARAMS)
def test_sample_saved_query_matches_networkx(sample_store: Path, sample_graph, name: str) -> None:
    got = oxigraph_store.run_query(name, store_dir=sample_store)
    expected = networkx_store.run_query(name, sample_graph)
    assert got.columns == expected.columns
    assert got.rows == expected.rows


def test_sample_actor_statements_for_every_actor(sample_store: Path, sample_graph) -> None:
    speakers = sorted({e.target for e in sample_graph.edges_of_type("SPOKEN_BY")})
    assert len(speakers) > 5
    for actor in speakers:
        got = oxigraph_store.run_query("actor-statements", {"actor": actor}, store_dir=sample_store)
        expected = networkx_store.run_query("actor-statements", sample_graph, {"actor": actor})
        assert got.rows == expected.rows and got.rows, actor


def test_sample_statements_reproduce_the_document_text(sample_store: Path, sample_extracts: Path) -> None:
    texts = {ex.document.id: ex.document.text for ex in read_dir(sample_extracts)}
    store = oxigraph_store.open_read_only(sample_store)
    rows = oxigraph_store.execute(store, """
        SELECT ?doc ?b ?e ?anchor WHERE {
            ?s a kg:Statement ; nif:beginIndex ?b ; nif:endIndex ?e ; nif:anchorOf ?anchor ;
               kg:source/dcterms:identifier ?doc }""").rows
    assert len(rows) > 20
    for r in rows:
        assert texts[r["doc"]][r["b"]:r["e"]] == r["anchor"]
