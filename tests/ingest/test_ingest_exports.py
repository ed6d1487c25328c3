"""JSON and CSV comment exports -> thread Documents; malformed exports -> one clear InputError."""

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import read_document
from kg.ingest.exports import parse_csv_export, parse_json_export

DATA = Path(__file__).parent / "data"


def texts(doc):
    return [doc.text[p.start:p.end] for p in doc.posts]


def test_json_object_export():
    doc = read_document(DATA / "good" / "library-hours-comments.json")
    assert (doc.id, doc.kind, doc.title, doc.published) == (
        "library-hours-comments", "thread", "Should the central library open on Sundays?", "2023-06-01")
    assert [(p.author, p.author_type, p.published, p.reply_to) for p in doc.posts] == [
        ("Nadia", "person", "2023-06-01", None),
        (None, "anonymous", "2023-06-02", None),
        ("Library Services", "organisation", "2023-06-02", 1),
        ("Nadia", "person", "2023-06-04", 2),
    ]
    assert texts(doc)[3] == "That answers my worry too. Thank you."
    assert doc.text == "\n\n".join(texts(doc))  # comments joined by blank lines
    assert not any(p.opening for p in doc.posts)


def test_json_list_export():
    doc = read_document(DATA / "good" / "library-hours-comments-list.json")
    assert (doc.title, doc.published) == (None, "2023-06-01")  # earliest comment date
    assert [(p.author, p.reply_to, p.published) for p in doc.posts] == [
        ("Nadia", None, "2023-06-01"), (None, 0, "2023-06-02")]


def test_csv_export():
    doc = read_document(DATA / "good" / "bus-lane-comments.csv")
    assert (doc.kind, doc.title, doc.published) == ("thread", "Bus lane on Mill Road", "2022-09-12")
    assert [(p.author, p.author_type, p.published, p.reply_to) for p in doc.posts] == [
        ("Priya", "person", "2022-09-12", None),
        (None, "anonymous", "2022-09-12", 0),
        ("Tom Baker", "person", "2022-09-13", 1),
        ("Priya", "person", "2022-09-14", 2),
    ]
    assert texts(doc)[3] == "A crossing would help everyone.\nBoth problems can be fixed."


@pytest.mark.parametrize(
    ("csv_text", "expected"),
    [
        ("id,text\n1,Hello\n", [("Hello", None, None)]),
        ("id;author;text;parent\n1;Ann;Hi;\n2;;Hi back;1\n", [("Hi", "Ann", None), ("Hi back", None, 0)]),
        ("id\ttext\tparent\n1\tA\t\n2\tB\t1\n", [("A", None, None), ("B", None, 0)]),
        (" id , text \n1,Padded header\n", [("Padded header", None, None)]),
        ("id,text,parent\r\n1,\"Line one\r\nline two\",\r\n", [("Line one\nline two", None, None)]),
        ("id,text,parent\n2,Reply first,1\n1,Parent later,\n", [("Reply first", None, 1), ("Parent later", None, None)]),
    ],
)
def test_csv_variants(csv_text, expected):
    doc = parse_csv_export(csv_text, doc_id="x", source="x.csv")
    assert [(doc.text[p.start:p.end], p.author, p.reply_to) for p in doc.posts] == expected


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("[]", "no comments"),
        ('{"comments": []}', "no comments"),
        ('{"title": "x"}', 'expected a list of comments or an object with a "comments" list'),
        ('"just a string"', "expected a list of comments"),
        ("{not json", "not valid JSON"),
        ('[{"author": "A", "text": "t"}]', "comment 1: missing required keys id"),
        ('[{"id": 1, "author": "A"}]', "comment 1: missing required keys text"),
        ('[{"id": 1, "text": ""}]', "comment 1: comment '1' has empty text"),
        ('[{"id": 1, "text": "a"}, {"id": 1, "text": "b"}]', "comment 2: id '1' is used twice"),
        ('[{"id": 1, "text": "a", "parent": 9}]', "comment 1: parent '9' is not the id of a comment"),
        ('[{"id": 1, "text": "a", "parent": 1}]', "replies to itself"),
        ('[{"id": 1, "text": "a", "date": "03/04/2022"}]', "date '03/04/2022' is not a date"),
        ('[{"id": 1, "text": "a", "author": "A", "author_type": "robot"}]', "author_type 'robot'"),
        ('[{"id": 1, "text": {"nested": true}}]', "values must be strings or numbers"),
        ('["a comment"]', "comment 1: expected an object"),
        ('{"published": "soon", "comments": [{"id": 1, "text": "a"}]}', "published 'soon' is not a date"),
    ],
)
def test_bad_json_exports(data, problem):
    with pytest.raises(InputError) as info:
        parse_json_export(data, doc_id="x", source="x.json")
    assert problem in str(info.value) and str(info.value).startswith("x.json: ")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("id,author,body\n1,Ann,Hello\n", "missing required columns text"),
        ("author,text\nAnn,Hello\n", "missing required columns id"),
        ("id,text\n", "no comments"),
        ("id,text\n1,\n", "row 1: comment '1' has empty text"),
        ("id,text,parent\n1,a,7\n", "row 1: parent '7' is not the id"),
    ],
)
def test_bad_csv_exports(data, problem):
    with pytest.raises(InputError) as info:
        parse_csv_export(data, doc_id="x", source="x.csv")
    assert problem in str(info.value)


def test_bad_sample_csv():
    with pytest.raises(InputError, match="missing-columns.csv: missing required columns text"):
        read_document(DATA / "bad" / "missing-columns.csv")


def test_author_type_rules():
    rows = [{"id": "1", "text": "a", "author": "", "author_type": "person"},  # no name: anonymous
            {"id": "2", "text": "b", "author": "Ann", "author_type": "anonymous"},  # a name: a person
            {"id": "3", "text": "c", "author": "City Hall", "author_type": "organisation"}]
    doc = parse_json_export(json.dumps(rows), doc_id="x", source="x.json")
    assert [(p.author, p.author_type) for p in doc.posts] == [
        (None, "anonymous"), ("Ann", "person"), ("City Hall", "organisation")]


def test_documented_example_reads():
    root = Path(__file__).parents[2]
    doc = read_document(root / "docs" / "examples" / "comments-export.json")
    assert doc.kind == "thread" and len(doc.posts) >= 3
    assert any(p.reply_to is not None for p in doc.posts)


@pytest.mark.parametrize(
    "csv_text",
    [
        "ID,Text,Parent\n1,\"Semi; colons; inside\",\n",
        "id|text|parent\n1|Semi; colons; inside|\n",
        "id;text;parent\n1;Semi; colons; inside;\n".replace("Semi; colons; inside", '"Semi; colons; inside"'),
    ],
)
def test_csv_delimiter_from_header(csv_text):
    doc = parse_csv_export(csv_text, doc_id="x", source="x.csv")
    assert doc.text == "Semi; colons; inside"
