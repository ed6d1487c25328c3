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


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """The real local Neo4j Community server (jars fetched once from Maven Central into the shared cache),
    started once for the whole session on free ports, data in a temporary folder, a random password;
    ``(settings, password)``. Nothing is skipped: without Java or Maven the tests fail with kg's message."""
    import secrets

    from kg.stores import neo4j_server as ns

    bolt = _free_port()
    http = _free_port()
    while http == bolt:
        http = _free_port()
    # the bad-input tests give wrong passwords on purpose; after 3 in a row Neo4j would refuse even the right
    # one for a few seconds, failing whichever tests come next: the test server does not lock out
    settings = ns.ServerSettings(data=tmp_path_factory.mktemp("neo4j-instance"), bolt_port=bolt, http_port=http,
                                 heap="512m", pagecache="64m",
                                 extra_conf=("dbms.security.auth_max_failed_attempts=0",))
    password = "t-" + secrets.token_urlsafe(12)
    ns.start(settings, password=password)
    yield settings, password
    ns.stop(settings)


@pytest.fixture(scope="session")
def conn(neo4j_server):
    """A ``kg.stores.neo4j_store.Connection`` to the session's server."""
    from kg.stores.neo4j_store import Connection

    settings, password = neo4j_server
    return Connection(uri=settings.bolt_uri, user="neo4j", password=password, database="neo4j")
