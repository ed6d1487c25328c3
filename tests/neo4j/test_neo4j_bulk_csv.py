"""The bulk loader's CSV files and refusals that need no server, and the Neo4j URIs the loaders accept
(routing ``neo4j://``/``neo4j+s://`` for clusters and Aura included)."""

from __future__ import annotations

import csv
import io

import pytest

from kg.errors import StoreError
from kg.graph.model import Graph
from kg.stores import neo4j_server as ns
from kg.stores.neo4j_bulk import ARRAY_DELIMITER, _cell, _csv_type, check_local, write_csv
from kg.stores.neo4j_store import Connection, check_uri


@pytest.mark.parametrize("value, kind, cell", [
    ("plain", "string", '"plain"'),
    ('he said "no"', "string", '"he said ""no"""'),
    ("two\nlines", "string", '"two\nlines"'),
    ("", "string", '""'),
    (True, "boolean", "true"),
    (False, "boolean", "false"),
    (42, "long", "42"),
    (-7, "long", "-7"),
    (0.8, "double", "0.8"),
    (1e-05, "double", "1e-05"),
    (float("nan"), "double", "NaN"),
    (["a", "b;c"], "string[]", f'"a{ARRAY_DELIMITER}b;c"'),
    (['say "x"'], "string[]", '"say ""x"""'),
    ([1, 2], "long[]", f'"1{ARRAY_DELIMITER}2"'),
    ([True], "boolean[]", '"true"'),
])
def test_values_become_typed_cells(value, kind, cell):
    assert _csv_type(value, "test") == kind
    assert _cell(value, kind, "test") == cell


@pytest.mark.parametrize("value", [
    [1, "a"],  # mixed
    [[1], [2]],  # nested
    {"a": 1},  # a map
])
def test_values_neo4j_cannot_store_are_refused(value):
    with pytest.raises(StoreError, match="internal"):
        _csv_type(value, "node 'x' property 'p'")


def test_a_list_element_with_the_array_delimiter_is_refused():
    with pytest.raises(StoreError, match="U\\+001F"):
        _cell(["a" + ARRAY_DELIMITER + "b"], "string[]", "node 'x'")


def _small_graph() -> Graph:
    g = Graph()
    g.add_node("a1", ("Actor", "Person"), id="a1", name="Ann", type="person")
    g.add_node("a2", ("Actor", "Person"), id="a2", name="Bo", type="person", aliases=["B."])
    g.add_node("s1", ("Statement",), id="s1", text="line one\nline two", start=0, end=17, document="d", note=None)
    g.add_node("s2", ("Statement",), id="s2", text="short", start=18, end=23, document="d")
    g.add_edge("s1", "SPOKEN_BY", "a1", document="d", start=0, end=17)
    g.add_edge("s2", "SPOKEN_BY", "a2", document="d", start=18, end=23, evidence=[])
    return g


def test_csv_files_group_by_labels_and_typed_properties(tmp_path):
    files = write_csv(_small_graph(), tmp_path)
    assert (files.node_count, files.relationship_count, files.rows) == (4, 2, 6)
    headers = [(labels, head.read_text().strip()) for labels, head, _data in files.nodes]
    # an actor without aliases gets an empty list (as the Bolt loader writes), which the importer cannot
    # store: its group has no aliases column and the empty list is set over Bolt afterwards
    assert sorted(headers) == [
        (("Actor", "Person"), "id:ID,aliases:string[],name:string,type:string"),
        (("Actor", "Person"), "id:ID,name:string,type:string"),
        (("Statement",), "id:ID,document:string,end:long,start:long,text:string"),
    ]
    assert files.empty_nodes == {("Actor", "aliases"): ["a1"]}
    assert files.empty_edges == {("Statement", "SPOKEN_BY", "Actor", "evidence"): [["s2", "a2"]]}
    statements = next(data for labels, _head, data in files.nodes if labels == ("Statement",))
    rows = list(csv.reader(io.StringIO(statements.read_text(encoding="utf-8"))))
    assert sorted(rows) == [["s1", "d", "17", "0", "line one\nline two"], ["s2", "d", "23", "18", "short"]]
    assert files.multiline == [statements]  # only the file with a line break is read the slow way
    assert [t for t, _h, _d in files.relationships] == ["SPOKEN_BY"]
    rels = files.relationships[0]
    assert rels[1].read_text().strip() == ":START_ID,:END_ID,document:string,end:long,start:long"


def test_an_edge_to_a_missing_node_is_refused(tmp_path):
    g = _small_graph()
    g.add_edge("s1", "ABOUT", "nowhere")
    with pytest.raises(StoreError, match="not a node"):
        write_csv(g, tmp_path)


@pytest.mark.parametrize("uri", [
    "neo4j+s://abcd1234.databases.neo4j.io",  # Aura
    "neo4j://core1.example.org:7687",  # a cluster, routing
    "bolt://10.1.2.3:7687",  # another machine
    "bolt+s://db.example.org",
])
def test_bulk_refuses_a_server_kg_does_not_manage(uri, tmp_path):
    with pytest.raises(StoreError, match="not local: load without --bulk"):
        check_local(Connection(uri=uri, password="x" * 8), ns.ServerSettings(data=tmp_path))


def test_bulk_refuses_a_stopped_local_server(tmp_path):
    with pytest.raises(StoreError, match="kg neo4j start"):
        check_local(Connection(uri="bolt://127.0.0.1:7687", password="x" * 8), ns.ServerSettings(data=tmp_path))


@pytest.mark.parametrize("uri, routing, encrypted", [
    ("bolt://127.0.0.1:7687", False, False),
    ("neo4j://127.0.0.1:7687", True, False),
    ("neo4j+s://abcd1234.databases.neo4j.io", True, True),  # Aura
    ("neo4j+ssc://core1.example.org:7687", True, True),  # a cluster with a self-signed certificate
    ("bolt+s://db.example.org:7687", False, True),
])
def test_accepted_uris_make_the_right_driver(uri, routing, encrypted):
    from neo4j import GraphDatabase

    check_uri(uri)
    driver = GraphDatabase.driver(uri, auth=("neo4j", "x" * 8))  # makes no connection yet
    try:
        assert (type(driver).__name__ == "Neo4jDriver") is routing
        assert driver.encrypted is encrypted
    finally:
        driver.close()


@pytest.mark.parametrize("uri, problem", [
    ("http://127.0.0.1:7474", "scheme must be one of"),
    ("neo4j+s://", "scheme must be one of"),
    ("neo4j+s://neo4j:secret@abcd.databases.neo4j.io", "not in the URI"),
    ("bolt://127.0.0.1:99999", "not a Neo4j address"),
])
def test_refused_uris(uri, problem):
    with pytest.raises(StoreError, match=problem):
        check_uri(uri)


@pytest.mark.parametrize("values, headers", [
    # rows alike but for their values' types: one file (one typed column) per layout
    ([["a"], [1]], ["id:ID,tags:long[]", "id:ID,tags:string[]"]),
    ([1, 1.5], ["id:ID,tags:double", "id:ID,tags:long"]),
    ([True, 2], ["id:ID,tags:boolean", "id:ID,tags:long"]),
    (["x", "y"], ["id:ID,tags:string"]),
])
def test_rows_of_one_layout_share_a_file_and_others_get_their_own(tmp_path, values, headers):
    g = Graph()
    for i, value in enumerate(values):
        g.add_node(f"n{i}", ("Issue",), id=f"n{i}", tags=value)
    files = write_csv(g, tmp_path)
    assert sorted(head.read_text().strip() for _labels, head, _data in files.nodes) == headers


@pytest.mark.parametrize("value, problem", [
    (["ok"], None),
    (["a" + ARRAY_DELIMITER + "b"], "U\\+001F"),
    (2 ** 63, "64-bit"),
])
def test_a_second_row_that_cannot_be_written_is_refused(tmp_path, value, problem):
    g = Graph()
    g.add_node("first", ("Issue",), id="first", tags=["fine"] if isinstance(value, list) else 1)
    g.add_node("second", ("Issue",), id="second", tags=value)
    if problem is None:
        assert write_csv(g, tmp_path).node_count == 2
    else:
        with pytest.raises(StoreError, match=problem):
            write_csv(g, tmp_path)
