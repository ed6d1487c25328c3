"""The analysis on the real extracts of the sample corpus (real pipeline, real spaCy model)."""

from __future__ import annotations

import pytest

from kg.analysis.matrix import stance_matrix
from kg.analysis.network import network
from kg.analysis.ties import relation_ties
from kg.extracts import read_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def extracts(sample_extracts):
    return read_dir(sample_extracts)


def test_matrix_counts_every_statement_issue_pair(extracts):
    m = stance_matrix(extracts)
    pairs = sum(len(s.issues) for ex in extracts for s in ex.statements)
    assert m.statements.sum() == pairs > 0
    ids = {s.id for ex in extracts for s in ex.statements}
    assert all(set(v) <= ids for v in m.evidence.values())


def test_networks_and_ties_have_evidence_from_the_extracts(extracts):
    ids = {s.id for ex in extracts for s in ex.statements}
    net = network(extracts, type="onemode", aggregation="subtract", normalization="average")
    assert net.evidence and all(set(v) <= ids for v in net.evidence.values())
    ties = relation_ties(extracts, relation="agreement") + relation_ties(extracts, relation="conflict")
    assert ties and all(set(t.evidence) <= ids for t in ties)
    assert {t.mode for t in ties} == {"positional", "interactional"}  # the thread's replies
