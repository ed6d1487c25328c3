"""The actor file in Neo4j (``kg.graph.resolve``): one merged node with ``aliases`` and ``same_as``; a
person's split, applied by the next load, gives the split actor its own node back."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_actor_resolution import KHAN_MAY, _corpus  # noqa: E402

from kg import extracts as kx  # noqa: E402
from kg.graph import resolve as rs  # noqa: E402
from kg.stores.neo4j_store import load_dir  # noqa: E402


def _actors(driver) -> dict[str, dict]:
    rows, _, _ = driver.execute_query("MATCH (a:Actor) OPTIONAL MATCH (s:Statement)-[:SPOKEN_BY]->(a) "
                                      "RETURN a.id AS id, properties(a) AS props, count(s) AS said")
    return {r["id"]: {**r["props"], "said": r["said"]} for r in rows}


@pytest.mark.parametrize("split", [None, "split", "refuse"])
def test_one_node_per_person_and_a_split_applied(empty_db, conn, write_extracts, split):
    folder = write_extracts(*_corpus(*KHAN_MAY))
    rs.resolve_and_write(kx.read_dir(folder), folder)
    load_dir(folder, conn)
    actors = _actors(empty_db)
    assert "khan" not in actors and "mr-khan" not in actors
    assert actors["sadiq-khan"]["same_as"] == ["khan", "mr-khan"] and actors["sadiq-khan"]["said"] == 3
    assert {"Khan", "Mr Khan"} <= set(actors["sadiq-khan"]["aliases"])
    assert actors["may"]["said"] == 1  # Theresa May and Elizabeth May share it: never merged
    path = rs.actor_file(folder)
    text = path.read_text("utf-8")
    if split == "split":  # "khan" out of the merge
        path.write_text(text.replace('  - "khan"', ""), "utf-8")
        load_dir(folder, conn)
        actors = _actors(empty_db)
        assert actors["khan"]["said"] == 1 and actors["sadiq-khan"]["said"] == 2
        assert actors["sadiq-khan"]["same_as"] == ["mr-khan"]
    elif split == "refuse":  # kg's proposal deleted: every actor alone again, no stale same_as
        path.write_text(text[:text.index('- id: "sadiq-khan"')], "utf-8")
        load_dir(folder, conn)
        actors = _actors(empty_db)
        assert actors["khan"]["said"] == actors["mr-khan"]["said"] == actors["sadiq-khan"]["said"] == 1
        assert "same_as" not in actors["sadiq-khan"]
