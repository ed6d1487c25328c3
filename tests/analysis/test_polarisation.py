"""DNA's polarisation score (absdiff over equal-sized clusters), by hand and on DNA's sample."""

from __future__ import annotations

import numpy as np
import pytest

from kg.analysis.polarisation import best_membership, polarisation, polarisation_series, quality
from kg.errors import ConfigError
from kg.extracts import read_dir

# Four actors: 0-1 and 2-3 congruent (weight 1), every pair across the two in conflict (weight 1).
CON = np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=float)
CFL = np.array([[0, 0, 1, 1], [0, 0, 1, 1], [1, 1, 0, 0], [1, 1, 0, 0]], dtype=float)
# |Con| = 4, |Cfl| = 8; two clusters of 2: W = 4 within pairs, B = 8 between pairs,
# E_con = (2/4) * 4/4 = 0.5, E_cfl = (4/8) * 8/8 = 0.5.


def test_quality_by_hand_split_along_congruence():
    # within (4 ordered pairs): |1 - .5| + |0| = .5 each -> 2; between (8): |0| + |1 - .5| = .5 each -> 4
    assert quality(np.array([0, 0, 1, 1]), CON, CFL, 2) == pytest.approx(0.5 * 6 / 12)


def test_quality_by_hand_split_across():
    # within {0,2},{1,3}: |0 - .5| + |1| = 1.5 each -> 6; between: pairs 0-1, 2-3: 1 + .5 -> 1.5 each (4 ordered)
    # = 6, pairs 0-3, 1-2: 0 + .5 (4 ordered) = 2; Q = 0.5 * 14 / 12
    assert quality(np.array([0, 1, 0, 1]), CON, CFL, 2) == pytest.approx(0.5 * 14 / 12)


def test_best_membership_is_the_maximum_over_all_balanced_splits():
    q, m, exact = best_membership(CON, CFL, k=2)
    assert exact and q == pytest.approx(0.5 * 14 / 12)
    assert m[0] != m[1] and m[2] != m[3]


def test_greedy_search_agrees_with_exhaustive_on_a_small_network(monkeypatch):
    import kg.analysis.polarisation as pol

    rng = np.random.default_rng(3)
    con = rng.random((8, 8)); con = (con + con.T) / 2; np.fill_diagonal(con, 0)
    cfl = rng.random((8, 8)); cfl = (cfl + cfl.T) / 2; np.fill_diagonal(cfl, 0)
    exact_q, _, exact = best_membership(con, cfl, k=2)
    monkeypatch.setattr(pol, "EXHAUSTIVE_LIMIT", 0)
    greedy_q, _, greedy_exact = best_membership(con, cfl, k=2)
    assert exact and not greedy_exact
    assert greedy_q == pytest.approx(exact_q)


def test_empty_network_scores_zero_and_k_is_checked():
    assert quality(np.array([0, 1, 0]), np.zeros((3, 3)), np.zeros((3, 3)), 2) == 0.0
    with pytest.raises(ConfigError, match="at least 2 clusters"):
        best_membership(CON, CFL, k=1)


def test_series_per_window(small_extracts):
    points = polarisation_series(read_dir(small_extracts), window="60d", step="30d")
    assert [str(p.start) for p in points] == ["2005-01-03", "2005-02-02"]
    assert points[0].statements == 7 and points[1].statements == 2
    assert all(0.0 <= p.score <= 1.0 for p in points)


def test_sample_polarisation_equals_dna(sample_dna_extracts):
    # rDNA tests/testthat/test-polarization.R: timeWindow "no", normalised: 0.5342493
    p = polarisation(read_dir(sample_dna_extracts), level="organisation")
    assert p.score == pytest.approx(0.5342493, abs=1e-6)
    assert len(p.actors) == 7 and sorted(np.bincount(p.clusters)) == [3, 4]
