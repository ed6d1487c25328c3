"""Fixtures of the analysis tests: small DNA databases built here, and DNA's sample database if present."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.dnadb import Doc, St, make_dna

SAMPLE_DNA_CANDIDATES = [Path("/work/shared/dna/sample.dna"),
                         Path(__file__).resolve().parents[3] / "shared" / "dna" / "sample.dna"]


def sample_dna_path() -> Path | None:
    for p in SAMPLE_DNA_CANDIDATES:
        if p.is_file():
            return p
    return None


def corpus(statements: list[tuple[int, str, str, str, int | None]], dates: list[str]) -> tuple[list[Doc], list[St]]:
    """Documents whose text is one sentence per statement; statements (doc, person, org, concept, agreement)."""
    texts: list[str] = ["" for _ in dates]
    sts: list[St] = []
    for doc, person, org, concept, agreement in statements:
        sentence = f"{person or org} spoke about {concept} ({'for' if agreement else 'against'})."
        start = len(texts[doc]) + (1 if texts[doc] else 0)
        texts[doc] = (texts[doc] + " " if texts[doc] else "") + sentence
        sts.append(St(doc, start, start + len(sentence), person, org, concept, agreement))
    docs = [Doc(f"Hearing {n + 1}", texts[n] or "No statements here.", d) for n, d in enumerate(dates)]
    return docs, sts


# A: X+ X+ Y-   B: X+ Y+   C: X- Y-   (persons A, B, C of organisations OA, OB, OC)
SMALL = [
    (0, "A", "OA", "X", 1), (0, "A", "OA", "Y", 0), (0, "B", "OB", "X", 1),
    (1, "A", "OA", "X", 1), (1, "C", "OC", "X", 0),
    (2, "B", "OB", "Y", 1), (2, "C", "OC", "Y", 0),
]
SMALL_DATES = ["2005-01-03", "2005-01-05", "2005-02-10"]


@pytest.fixture(scope="session")
def small_dna(tmp_path_factory) -> Path:
    docs, sts = corpus(SMALL, SMALL_DATES)
    return make_dna(tmp_path_factory.mktemp("dna") / "small.dna", docs, sts)


@pytest.fixture(scope="session")
def small_extracts(small_dna, tmp_path_factory) -> Path:
    from kg.importers.dna import import_dna

    out = tmp_path_factory.mktemp("small-extracts")
    import_dna(small_dna, out)
    return out


@pytest.fixture(scope="session")
def sample_dna() -> Path:
    p = sample_dna_path()
    if p is None:
        pytest.skip("DNA's sample database (../shared/dna/sample.dna) is not present")
    return p


@pytest.fixture(scope="session")
def sample_dna_extracts(sample_dna, tmp_path_factory) -> Path:
    from kg.importers.dna import import_dna

    out = tmp_path_factory.mktemp("sample-dna-extracts")
    import_dna(sample_dna, out)
    return out
