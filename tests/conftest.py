"""Shared fixtures: the sample corpus, its gold, and its extracts made by the real pipeline and model."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ARTICLE = CORPUS / "police-professional-2022-03-24-police-and-crime-plan.txt"
THREAD = CORPUS / "talk-london-mayor-and-policing-2016.txt"
GOLD = Path(__file__).resolve().parent / "data" / "gold"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def paths():
    """Where the sample corpus and its gold live (a namespace of Paths)."""
    from types import SimpleNamespace

    return SimpleNamespace(root=ROOT, corpus=CORPUS, article=ARTICLE, thread=THREAD, gold=GOLD, shared=SHARED)


@pytest.fixture(scope="session")
def nlp():
    from kg.extract import nlp as nlp_mod

    return nlp_mod.load()


@pytest.fixture(scope="session")
def sample_extracts(tmp_path_factory) -> Path:
    """The extracts of the two sample documents, made once per test session by the real pipeline."""
    from kg.pipeline import extract_paths

    out = tmp_path_factory.mktemp("sample-extracts")
    extract_paths([ARTICLE, THREAD], out)
    return out


@pytest.fixture(scope="session")
def sample_graph(sample_extracts):
    from kg.extracts import read_dir
    from kg.graph.build import build_graph

    return build_graph(read_dir(sample_extracts))
