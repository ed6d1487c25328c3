"""Loading extracts into the real Neo4j server: shape, idempotence, replacement of a re-extracted document."""

from __future__ import annotations

from collections import Counter

import pytest
from neo4j.exceptions import ClientError
from neo4j_samples import ARTICLE_ID, THREAD_ID, article, thread

from kg import extracts as kx
from kg.errors import ExtractsError
from kg.graph.build import build_graph
from kg.stores.neo4j_store import PRIMARY_LABELS, Neo4jWriter, _Writes, add_position_shortcuts, load_dir


def snapshot(driver) -> tuple[dict, dict]:
    """Every node (by id: labels, properties, element id) and relationship (by key: properties)."""
    nodes, _, _ = driver.execute_query("MATCH (n) RETURN n.id AS id, labels(n) AS labels, "
                                       "properties(n) AS props, elementId(n) AS eid")
    rels, _, _ = driver.execute_query("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, "
                                      "properties(r) AS props")
    return ({r["id"]: (sorted(r["labels"]), r["props"], r["eid"]) for r in nodes},
            {(r["a"], r["t"], r["b"]): r["props"] for r in rels})


def expected_graph(*extracts):
    g = build_graph(extracts)
    add_position_shortcuts(g)
    return g


def test_load_writes_the_graph_model_with_constraints_first(empty_db, conn, small_extracts):
    progress = []
    report = load_dir(small_extracts, conn, batch_size=4, progress=lambda *a: progress.append(a))
    g = expected_graph(article(), thread())
    nodes, rels = snapshot(empty_db)
    assert set(nodes) == set(g.nodes)
    assert set(rels) == set(g.edges)
    for node in g.nodes.values():
        assert sorted(nodes[node.id][0]) == sorted(node.labels)
    assert report.nodes == len(g.nodes) and report.relationships == len(g.edges)
    assert report.batches > len(g.nodes) // 4  # many small transactions, not one
    assert progress[-1][1] == progress[-1][2] == report.rows
    names = {tuple(c["labelsOrTypes"]) for c in Neo4jWriter(empty_db).constraints()
             if c["properties"] == ["id"]}
    assert {(label,) for label in PRIMARY_LABELS} <= names


def model_props(props: dict) -> dict:
    return {k: v for k, v in props.items() if v is not None}


@pytest.mark.parametrize("workers,batch_size", [(1, 3), (2, 4), (3, 1000)])
def test_every_node_and_relationship_has_the_model_properties(empty_db, conn, small_extracts, workers, batch_size):
    # nodes and relationships are CREATEd with their property keys spelt out: nothing lost, no null stored,
    # whatever the number of sessions writing side by side
    load_dir(small_extracts, conn, batch_size=batch_size, workers=workers)
    g = expected_graph(article(), thread())
    nodes, rels = snapshot(empty_db)
    assert {i: props for i, (_, props, _) in nodes.items()} == {n.id: model_props(n.props) for n in g.nodes.values()}
    assert rels == {k: model_props(e.props) for k, e in g.edges.items()}


def test_a_failing_batch_stops_the_sessions_and_reaches_the_caller(empty_db):
    # the third of five batches divides by zero: the error is raised, the batches after it are not written
    rows = [{"id": f"n{i}", "d": 0 if i == 2 else 1} for i in range(5)]
    ticks = []
    with pytest.raises(ClientError, match="/ by zero|[Dd]ivision by zero"):
        with _Writes(empty_db, "neo4j", 1, 1, ticks.append) as writes:
            writes.submit("UNWIND $rows AS row CREATE (:Probe {id: row.id, x: 1 / row.d})", rows, "rows")
            writes.barrier()
    written, _, _ = empty_db.execute_query("MATCH (n:Probe) RETURN n.id AS id ORDER BY id")
    assert [r["id"] for r in written] == ["n0", "n1"] and ticks == [1, 1]


def test_every_statement_keeps_document_and_offsets(empty_db, conn, small_extracts):
    load_dir(small_extracts, conn)
    rows, _, _ = empty_db.execute_query(
        "MATCH (s:Statement)-[f:FROM_DOCUMENT]->(d:Document) "
        "RETURN s.id AS id, s.document AS doc, s.start AS start, s.end AS end, s.text AS text, "
        "d.id AS d, f.start AS fs, f.end AS fe")
    texts = {ex.document.id: ex.document.text for ex in (article(), thread())}
    assert len(rows) == 6
    for r in rows:
        assert r["doc"] == r["d"] and (r["fs"], r["fe"]) == (r["start"], r["end"])
        assert texts[r["doc"]][r["start"]:r["end"]] == r["text"]
    stances, _, _ = empty_db.execute_query(
        "MATCH (st:Stance)-[:EXPRESSED_IN]->(s:Statement), (st)-[:HELD_BY]->(a:Actor), (st)-[:TARGETS]->(i:Issue) "
        "MATCH (s)-[:SPOKEN_BY]->(a) RETURN count(st) AS n")
    assert stances[0]["n"] == 7  # Ken Marsh's quote is about two issues


def test_loading_twice_changes_nothing(empty_db, conn, small_extracts):
    load_dir(small_extracts, conn, batch_size=5)
    first = snapshot(empty_db)
    report = load_dir(small_extracts, conn, batch_size=7)
    assert snapshot(empty_db) == first  # same nodes (same element ids), properties and relationships
    assert report.deleted_nodes == report.deleted_relationships == 0


@pytest.mark.parametrize("batch_size", [5000, 2])  # 2: own nodes written while the graph is built, before removals
def test_reextracting_one_document_replaces_its_statements_only(empty_db, conn, write_extracts, batch_size):
    load_dir(write_extracts(article(), thread(), name="v1"), conn)
    before_nodes, before_rels = snapshot(empty_db)
    report = load_dir(write_extracts(article("reextracted"), thread(), name="v2"), conn, batch_size=batch_size)
    after_nodes, after_rels = snapshot(empty_db)

    g = expected_graph(article("reextracted"), thread())
    assert set(after_nodes) == set(g.nodes)
    assert set(after_rels) == set(g.edges)
    assert report.deleted_nodes > 0 and report.deleted_relationships > 0
    # the thread is untouched: same nodes (same element ids) with the same properties
    for node_id, (labels, props, eid) in before_nodes.items():
        if props.get("document") == THREAD_ID and "Membership" not in labels:
            assert after_nodes[node_id] == (labels, props, eid)
    # the article's removed statement and its stances are gone; the changed one now targets victims only
    statements = {i for i, (labels, props, _) in after_nodes.items()
                  if "Statement" in labels and props["document"] == ARTICLE_ID}
    assert statements == {s.id for s in article("reextracted").statements}
    susan = article("reextracted").statements[1].id
    abouts = {k[2] for k in after_rels if k[0] == susan and k[1] == "ABOUT"}
    assert abouts == {"victims"}
    # Sadiq Khan spoke only in the removed statement: no actor node is left dangling
    assert "sadiq-khan" not in after_nodes
    # derived relations follow: no agreement on the plan any more, a conflict on victims instead
    derived = Counter(labels[0] for labels, _, _ in after_nodes.values() if labels[0] in ("Agreement", "Conflict"))
    expected = Counter(n.label for n in g.nodes.values() if n.label in ("Agreement", "Conflict"))
    assert derived == expected
    assert {k for k in before_rels if k[1] == "AGREES_WITH" and "ken-marsh" in k} != \
        {k for k in after_rels if k[1] == "AGREES_WITH" and "ken-marsh" in k}


def test_own_nodes_are_handed_out_once_while_the_graph_is_built(empty_db):
    # a document's statements, stances and posts are final once its extract is added: written meanwhile
    handed = []
    plan = Neo4jWriter(empty_db, batch_size=3).plan([thread(), article()],
                                                    lambda nodes, last: handed.append(([n.id for n in nodes], last)))
    ids = [i for chunk, _ in handed for i in chunk]
    own = {n.id for n in expected_graph(article(), thread()).nodes.values()
           if n.label in ("Statement", "Stance", "Post")}
    assert plan.early and len(ids) == len(set(ids)) and set(ids) == own
    assert len(handed) > 2 and [last for _, last in handed] == [False] * (len(handed) - 1) + [True]


def test_a_statement_id_in_two_extracts_is_refused_before_anything_is_written(empty_db):
    # a hand-edited extract reuses another document's statement id: the plan hands nothing out early (a
    # later extract would change the node), and the load refuses the two before the first write (issue 15:
    # merging them lost a statement and doubled edges)
    a = article()
    t = thread()
    t.statements[-1].id = a.statements[0].id  # a statement no other one replies to
    handed = []
    writer = Neo4jWriter(empty_db, batch_size=2)
    assert not writer.plan([a, t], lambda nodes, last: handed.append(nodes)).early and handed == []
    with pytest.raises(ExtractsError, match="statement id"):
        writer.load([a, t])
    assert snapshot(empty_db) == ({}, {})


def test_loading_one_file_keeps_derived_relations_over_the_whole_database(empty_db, conn, write_extracts):
    load_dir(write_extracts(article(), thread(), name="both"), conn)
    full = snapshot(empty_db)
    only_article = write_extracts(article(), name="one")
    report = load_dir(only_article / f"{ARTICLE_ID}.json", conn)
    assert report.documents == 1
    nodes, rels = snapshot(empty_db)
    assert set(nodes) == set(full[0]) and set(rels) == set(full[1])


def test_extracts_written_by_kg_round_trip(small_extracts):
    # the fixture's files pass the contract, so the loader is fed what the pipeline writes
    assert [e.document.id for e in kx.read_dir(small_extracts)] == [ARTICLE_ID, THREAD_ID]
