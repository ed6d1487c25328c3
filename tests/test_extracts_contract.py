"""The extracts contract: schema and invariants checked on write and on read; canonical, atomic files."""

from __future__ import annotations

import json

import pytest

from kg import extracts as xio
from kg.errors import ExtractsError
from kg.ids import statement_id
from kg.records import Actor, Document, Extract, Issue, Role, Statement

TEXT = "Ken Marsh said: “There is no detail.”"


def make() -> Extract:
    start = TEXT.index("There")
    end = TEXT.index("”")
    doc = Document("doc-1", "doc-1.txt", "article", TEXT, title=None, published="2022-03-24")
    return Extract(
        document=doc,
        actors=[Actor("ken-marsh", "Ken Marsh", "person", ["Mr Marsh"], [Role("chairman", "Federation", 0, 9)])],
        issues=[Issue("plan-detail", "detail of the plan")],
        statements=[Statement(statement_id("doc-1", start, end), "ken-marsh", TEXT[start:end], start, end, "direct",
                              ["plan-detail"], "oppose", "the plan", 0.8)],
    )


def test_roundtrip_and_byte_identical(tmp_path):
    path = xio.write(make(), tmp_path)
    first = path.read_bytes()
    again = xio.write(xio.read(path), tmp_path)
    assert again.read_bytes() == first
    assert xio.read(path).to_dict() == make().to_dict()
    assert [p.name for p in tmp_path.iterdir()] == ["doc-1.json"]  # no temporary files left behind


def test_required_fields_of_the_contract(tmp_path):
    data = json.loads(xio.write(make(), tmp_path).read_text("utf-8"))
    assert set(data) >= {"document", "actors", "issues", "statements"}
    assert set(data["document"]) >= {"id", "source", "kind", "title", "published", "text_sha256"}
    assert set(data["statements"][0]) >= {"id", "speaker", "text", "start", "end", "kind", "issues", "stance",
                                          "target", "confidence", "reply_to"}


def _broken(mutate):
    data = make().to_dict()
    mutate(data)
    return data


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["statements"][0].update(stance="maybe"), "statements/0/stance"),
    (lambda d: d["statements"][0].update(start=0), "does not equal document.text"),
    (lambda d: d["statements"][0].update(speaker="nobody"), "not an actor"),
    (lambda d: d["statements"][0].update(issues=["nope"]), "not an issue"),
    (lambda d: d["statements"][0].update(reply_to="st-x"), "reply_to"),
    (lambda d: d["statements"][0].update(confidence=1.5), "confidence"),
    (lambda d: d["document"].update(text="changed"), "text_sha256"),
    (lambda d: d["document"].update(kind="book"), "document/kind"),
    (lambda d: d["document"].update(published="24 March"), "published"),
    (lambda d: d.pop("actors"), "actors"),
    (lambda d: d["actors"].append(dict(d["actors"][0])), "share an id"),
])
def test_broken_files_are_refused_on_read(tmp_path, mutate, message):
    path = tmp_path / "doc-1.json"
    path.write_text(json.dumps(_broken(mutate)), encoding="utf-8")
    with pytest.raises(ExtractsError) as err:
        xio.read(path)
    assert str(path) in str(err.value) and message in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("content, message", [
    (b"", "not valid JSON"),
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"[1, 2]", "top level must be a JSON object"),
])
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ExtractsError, match=message):
        xio.read(path)


def test_write_refuses_a_broken_extract_and_writes_nothing(tmp_path):
    ex = make()
    ex.statements[0].start = 0
    with pytest.raises(ExtractsError):
        xio.write(ex, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_read_dir_errors(tmp_path):
    with pytest.raises(ExtractsError, match="no such extracts folder"):
        xio.read_dir(tmp_path / "missing")
    with pytest.raises(ExtractsError, match="no extracts files"):
        xio.read_dir(tmp_path)
