"""The review server over HTTP (Starlette's TestClient, the real app, real files in a temporary folder): the
token, same-origin writes, ids resolved from the folder's listing, stale versions and contract-breaking edits
refused with nothing written."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kg import extracts as kx
from kg.records import Extract
from kg.review.app import create_app, version_of

from review_samples import extract

TOKEN = "t0k3n-for-tests"
BASE = "http://127.0.0.1:8765"
WRITE = {"X-KG-Token": TOKEN, "Origin": BASE}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    ex = tmp_path / "extracts"
    ex.mkdir()
    (ex / "doc.json").write_text(kx.dumps(Extract.from_dict(extract())), "utf-8")
    other = extract()
    other["document"]["id"] = "other"
    (ex / "other.json").write_text(kx.dumps(Extract.from_dict(other)), "utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "doc.txt").write_text("the source", "utf-8")
    (tmp_path / "secret.json").write_text('{"secret": 1}', "utf-8")
    return ex


@pytest.fixture
def client(folder: Path) -> TestClient:
    app = create_app(folder, TOKEN, corpus_dir=folder.parent / "corpus", known_issues={"pay": "police pay"})
    return TestClient(app, base_url=BASE, follow_redirects=False)


def _authed(client: TestClient) -> TestClient:
    r = client.get("/?token=" + TOKEN)
    assert r.status_code == 303 and r.headers["location"] == "/"
    return client  # the cookie is set now


# ------------------------------------------------------------------------------------------------ the token
@pytest.mark.parametrize("method,path", [
    ("GET", "/"), ("GET", "/static/app.js"), ("GET", "/api/documents"), ("GET", "/api/documents/doc"),
    ("POST", "/api/documents/doc/edit"), ("GET", "/api/documents/doc/source"), ("GET", "/nowhere"),
    ("GET", "/?token=wrong"),
])
def test_without_the_token_403(client, method, path, caplog):
    with caplog.at_level(logging.WARNING, logger="kg.review"):
        r = client.request(method, path, json={"version": "x", "op": "set_stance", "args": {}})
    assert r.status_code == 403
    assert "token" in r.json()["error"] or "address" in r.json()["error"]
    assert any("403" in rec.getMessage() for rec in caplog.records)


@pytest.mark.parametrize("how", ["query", "cookie", "header"])
def test_with_the_token(client, how):
    if how == "query":
        r = client.get("/api/documents?token=" + TOKEN)
    elif how == "cookie":
        r = _authed(client).get("/api/documents")
    else:
        r = client.get("/api/documents", headers={"X-KG-Token": TOKEN})
    assert r.status_code == 200
    rows = {d["id"]: d for d in r.json()["documents"]}
    assert set(rows) == {"doc", "other"}
    assert rows["doc"]["statements"] == 3 and rows["doc"]["reviewed_statements"] == 0


def test_the_page_trades_the_token_for_a_cookie(client):
    r = client.get(f"/?token={TOKEN}&doc=other")
    assert r.status_code == 303 and r.headers["location"] == "/?doc=other"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    page = client.get("/")
    assert page.status_code == 200 and "<title>kg review</title>" in page.text
    assert page.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.2:8765", "localhost.evil.example"])
def test_other_host_names_refused(client, host):
    """DNS rebinding: a page on another name that resolves here still gets nothing."""
    r = client.get("/api/documents", headers={"X-KG-Token": TOKEN, "Host": host})
    assert r.status_code == 403


# ------------------------------------------------------------------------------------------------- writes
def _edit(client, doc="doc", version=None, op="set_stance", args=None, headers=WRITE):
    if version is None:
        version = client.get(f"/api/documents/{doc}", headers={"X-KG-Token": TOKEN}).json()["version"]
    return client.post(f"/api/documents/{doc}/edit", headers=headers,
                       json={"version": version, "op": op, "args": args or {"statement": "st-b", "stance": "oppose"}})


def test_an_edit_is_saved(client, folder, monkeypatch):
    monkeypatch.setenv("KG_CODER", "ana")
    r = _edit(client)
    assert r.status_code == 200, r.text
    raw = (folder / "doc.json").read_bytes()
    assert r.json()["version"] == version_of(raw)
    saved = json.loads(raw)
    kx.check(saved, "saved")
    st = next(s for s in saved["statements"] if s["id"] == "st-b")
    assert st["stance"] == "oppose" and st["corrected"]["stance"]["by"] == "ana"
    assert st["corrected"]["stance"]["machine"] == "neutral"
    assert raw.decode() == kx.dumps(Extract.from_dict(saved))  # canonical form
    assert not list(folder.glob(".*.tmp"))


def test_create_actor_tells_its_id(client):
    r = _edit(client, op="create_actor", args={"name": "Dan Day", "type": "person"})
    assert r.status_code == 200 and r.json()["created"] == "dan-day"


def test_issue_from_the_codebook(client, folder):
    r = _edit(client, op="set_issues", args={"statement": "st-a", "issues": ["pay"]})
    assert r.status_code == 200
    assert {"id": "pay", "label": "police pay"} in json.loads((folder / "doc.json").read_text())["issues"]


# (name, headers): writes that do not come from the workspace's own page
CROSS = [
    ("no token header, cookie only", {"Origin": BASE}),
    ("another origin", {"X-KG-Token": TOKEN, "Origin": "http://evil.example"}),
    ("another port", {"X-KG-Token": TOKEN, "Origin": "http://127.0.0.1:9999"}),
    ("wrong token header", {"X-KG-Token": "nope", "Origin": BASE}),
]


@pytest.mark.parametrize("name,headers", CROSS, ids=[c[0] for c in CROSS])
def test_cross_origin_write_refused(client, folder, name, headers):
    _authed(client)
    before = (folder / "doc.json").read_bytes()
    r = _edit(client, headers=headers)
    assert r.status_code == 403
    assert (folder / "doc.json").read_bytes() == before


def test_stale_version_409(client, folder, caplog):
    """Two tabs: the second saves on the version both loaded; nothing of it is written."""
    v0 = client.get("/api/documents/doc", headers={"X-KG-Token": TOKEN}).json()["version"]
    assert _edit(client, version=v0).status_code == 200
    after_first = (folder / "doc.json").read_bytes()
    with caplog.at_level(logging.WARNING, logger="kg.review"):
        r = _edit(client, version=v0, args={"statement": "st-c", "stance": "support"})
    assert r.status_code == 409 and "changed on disk" in r.json()["error"]
    assert (folder / "doc.json").read_bytes() == after_first
    assert sum("409" in rec.getMessage() for rec in caplog.records) == 1


def test_file_changed_in_an_editor_409(client, folder):
    v0 = client.get("/api/documents/doc", headers={"X-KG-Token": TOKEN}).json()["version"]
    changed = (folder / "doc.json").read_text().replace('"title": "T"', '"title": "T2"')
    (folder / "doc.json").write_text(changed)
    assert _edit(client, version=v0).status_code == 409
    assert (folder / "doc.json").read_text() == changed


# (name, op, args, a piece of the message): edits that would break the contract
BAD = [
    ("span that does not reproduce its text", "set_span", {"statement": "st-a", "start": 5, "end": 5000}, "outside"),
    ("unknown actor", "set_speaker", {"statement": "st-a", "actor": "nobody"}, "'nobody' is not an actor"),
    ("unknown stance", "set_stance", {"statement": "st-a", "stance": "meh"}, "stance 'meh'"),
    ("unknown op", "rm", {}, "unknown edit 'rm'"),
    ("bad arguments", "set_span", {"statement": "st-a", "start": None, "end": 3}, "whole numbers"),
    ("unknown issue", "set_issues", {"statement": "st-a", "issues": ["nope"]}, "issue 'nope'"),
]


@pytest.mark.parametrize("name,op,args,message", BAD, ids=[b[0] for b in BAD])
def test_contract_breaking_edit_400_nothing_written(client, folder, caplog, name, op, args, message):
    before = (folder / "doc.json").read_bytes()
    with caplog.at_level(logging.WARNING, logger="kg.review"):
        r = _edit(client, op=op, args=args)
    assert r.status_code == 400
    assert message in r.json()["error"] and "nothing was saved" in r.json()["error"]
    assert (folder / "doc.json").read_bytes() == before
    assert len([rec for rec in caplog.records if "400" in rec.getMessage()]) == 1


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"op": "set_stance"}'])
def test_malformed_request_400(client, folder, body):
    before = (folder / "doc.json").read_bytes()
    r = client.post("/api/documents/doc/edit", headers={**WRITE, "Content-Type": "application/json"}, content=body)
    assert r.status_code == 400
    assert (folder / "doc.json").read_bytes() == before


# ------------------------------------------------------------------------------------------- paths and files
@pytest.mark.parametrize("path", [
    "/api/documents/..%2Fsecret", "/api/documents/%2E%2E%2Fsecret", "/api/documents/../secret",
    "/api/documents/secret", "/api/documents/%2Fetc%2Fpasswd", "/api/documents/doc.json",
    "/static/..%2F..%2Fedits.py", "/static/../app.py", "/api/documents/..%2F..%2Fcorpus%2Fdoc/source",
])
def test_paths_outside_the_folder_refused(client, path):
    r = client.get(path, headers={"X-KG-Token": TOKEN})
    assert r.status_code in (400, 404)
    assert "secret" not in r.text or "no document" in r.text or "no such" in r.text


def test_write_to_a_path_outside_refused(client, folder):
    r = client.post("/api/documents/..%2Fsecret/edit", headers=WRITE,
                    json={"version": version_of((folder.parent / "secret.json").read_bytes()), "op": "mark_reviewed",
                          "args": {}})
    assert r.status_code == 404
    assert (folder.parent / "secret.json").read_text() == '{"secret": 1}'


def test_a_link_out_of_the_folder_is_not_a_document(client, folder):
    (folder / "evil.json").symlink_to(folder.parent / "secret.json")
    assert client.get("/api/documents/evil", headers={"X-KG-Token": TOKEN}).status_code == 404
    ids = {d["id"] for d in client.get("/api/documents", headers={"X-KG-Token": TOKEN}).json()["documents"]}
    assert ids == {"doc", "other"}


def test_source_from_the_corpus_listing(client):
    r = client.get("/api/documents/doc/source", headers={"X-KG-Token": TOKEN})
    assert r.status_code == 200 and r.text == "the source"
    assert client.get("/api/documents/other/source", headers={"X-KG-Token": TOKEN}).status_code == 200


def test_a_broken_file_is_reported_not_served(client, folder):
    (folder / "doc.json").write_text('{"document": {}}')
    r = client.get("/api/documents/doc", headers={"X-KG-Token": TOKEN})
    assert r.status_code == 422 and "doc.json" in r.json()["error"]
    rows = {d["id"]: d for d in client.get("/api/documents", headers={"X-KG-Token": TOKEN}).json()["documents"]}
    assert "error" in rows["doc"] and "statements" in rows["other"]
