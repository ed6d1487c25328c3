"""Fixtures of the RDF tests: the small extracts of ``rdf_samples`` written with the real ``kg.extracts.write``,
their graph, and an Oxigraph store filled from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import extracts as kx
from rdf_samples import write_small


@pytest.fixture(scope="session")
def small_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small(tmp_path_factory.mktemp("extracts"))


@pytest.fixture(scope="session")
def small_graph(small_extracts: Path):
    from kg.graph.build import build_graph

    return build_graph(kx.read_dir(small_extracts))


@pytest.fixture(scope="session")
def small_store(small_extracts: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.graph.build import build_graph
    from kg.stores import oxigraph_store

    store = tmp_path_factory.mktemp("store") / "store"
    extracts = kx.read_dir(small_extracts)
    oxigraph_store.fill(build_graph(extracts), store, extracts=extracts)
    return store
