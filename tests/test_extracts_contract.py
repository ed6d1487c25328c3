"""The extracts contract: schema and invariants checked on write and on read; canonical, atomic files."""

from __future__ import annotations

import json

import pytest

from kg import extracts as xio
from kg.errors import ExtractsError
from kg.ids import statement_id
from kg.records import Actor, Document, Evidence, Extract, Issue, Post, Role, Statement

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


# ------------------------------------------------------------------------------ issue 15, item 7: what the
# contract refuses. Each row: a broken file -> the message names the file and the JSON path of the problem.

THREAD = "First post here.\n\nI agree with that.\n\nNo way, never."


def make_thread() -> Extract:
    """A thread of three posts (1 and 2 reply to 0, 2 is a reply to 1 too), one statement a post."""
    p = [(0, THREAD.index("First"), THREAD.index(".\n") + 1, None),
         (1, THREAD.index("I agree"), THREAD.index("that.") + 5, 0),
         (2, THREAD.index("No way"), len(THREAD), 1)]
    doc = Document("th-1", "th-1.html", "thread", THREAD, title="t", published="2016-05-01",
                   posts=[Post(i, s, e, None, "anonymous", "2016-05-0" + str(i + 1), r, i == 0) for i, s, e, r in p])
    actors = [Actor(f"anon-{i}", f"anonymous-{i}", "anonymous") for i in range(3)]
    statements = []
    for i, s, e, r in p:
        statements.append(Statement(statement_id("th-1", s, e), f"anon-{i}", THREAD[s:e], s, e, "comment", [],
                                    "neutral", None, 0.5, reply_to=statements[r].id if r is not None else None,
                                    post=i, cue="comment"))
    statements[2].evidence = [Evidence(THREAD.index("No way"), THREAD.index("No way") + 6, "no way", "oppose")]
    statements[2].stance = "oppose"
    return Extract(document=doc, actors=actors, issues=[], statements=statements)


def _raw(data: dict, **replace: str) -> str:
    """``data`` as JSON text, with placeholders swapped for raw JSON that Python cannot write (NaN, 1e999)."""
    text = json.dumps(data)
    for key, raw in replace.items():
        text = text.replace(json.dumps(key), raw)
    return text


def _set(path: str, value):
    """A mutation setting ``path`` (a/b/0/c) to ``value``."""
    def mutate(d):
        *parents, last = [int(p) if p.isdigit() else p for p in path.split("/")]
        for p in parents:
            d = d[p]
        d[last] = value
    return mutate


def _drop(path: str):
    def mutate(d):
        *parents, last = path.split("/")
        for p in parents:
            d = d[int(p) if p.isdigit() else p]
        del d[last]
    return mutate


def _do(*mutations):
    def mutate(d):
        for m in mutations:
            m(d)
    return mutate


A_START = TEXT.index("There")
REFUSED = [
    # (base, mutation, raw JSON swaps, fragments the one-line message must hold)
    # numbers: finite, in range
    ("article", _set("statements/0/confidence", "@NAN"), {"@NAN": "NaN"},
     ["statements/0/confidence", "NaN is not a number"]),
    ("article", _set("statements/0/confidence", "@INF"), {"@INF": "Infinity"}, ["statements/0/confidence"]),
    ("article", _set("statements/0/confidence", "@BIG"), {"@BIG": "1e999"}, ["statements/0/confidence"]),
    ("article", _set("statements/0/confidence", "@NINF"), {"@NINF": "-Infinity"}, ["statements/0/confidence"]),
    ("article", _set("statements/0/confidence", -0.1), {}, ["statements/0/confidence"]),
    ("article", _set("statements/0/confidence", True), {}, ["statements/0/confidence"]),
    # integers are ints, bounded
    ("article", _set("statements/0/start", float(A_START)), {}, ["statements/0/start", "integer"]),
    ("article", _set("statements/0/end", True), {}, ["statements/0/end"]),
    ("article", _set("statements/0/end", 2 ** 63), {}, ["statements/0/end"]),
    ("article", _set("actors/0/roles/0/start", 2 ** 64), {}, ["actors/0/roles/0/start"]),
    ("thread", _set("document/posts/1/index", 2 ** 63), {}, ["document/posts/1/index"]),
    ("thread", _set("document/posts/1/reply_to", 0.0), {}, ["document/posts/1/reply_to"]),
    ("thread", _set("statements/1/post", 1.0), {}, ["statements/1/post"]),
    # the text is required: without it no offset could be checked
    ("article", _drop("document/text"), {}, ["document", "'text' is a required property"]),
    # statement spans: inside the text, start before end
    ("article", _do(_set("statements/0/end", 999), _set("statements/0/text", TEXT[A_START:])), {},
     ["statements/0", "beyond the end of document.text"]),
    ("article", _do(_set("statements/0/start", 20), _set("statements/0/end", 10)), {}, ["statements/0", "not before"]),
    # role spans
    ("article", _set("actors/0/roles/0/end", len(TEXT) + 1), {}, ["actors/0/roles/0", "beyond the end"]),
    ("article", _set("actors/0/roles/0/start", 9), {}, ["actors/0/roles/0", "not before end 9"]),
    ("article", _set("actors/0/roles/0/end", None), {}, ["actors/0/roles/0", "both given or both null"]),
    # evidence spans: inside the text, start <= end, and the cue is the text there
    ("article", _set("statements/0/evidence", [{"start": 30, "end": 99, "cue": "x"}]), {},
     ["statements/0", "evidence/0", "beyond the end"]),
    ("article", _set("statements/0/evidence", [{"start": 30, "end": 29, "cue": ""}]), {},
     ["statements/0", "evidence/0", "not before"]),
    ("article", _set("statements/0/evidence", [{"start": 0, "end": 3, "cue": "yes"}]), {},
     ["statements/0", "evidence/0", "cue 'yes' is not document.text[0:3]"]),
    # post spans
    ("thread", _set("document/posts/1/end", len(THREAD) + 5), {}, ["document/posts/1", "beyond the end"]),
    ("thread", _set("document/posts/1/end", THREAD.index("I agree")), {}, ["document/posts/1", "not before"]),
    ("thread", _set("document/posts/2/index", 1), {}, ["document/posts/2", "index 1 is also"]),
    # dates of the calendar
    ("article", _set("document/published", "2022-13-45"), {}, ["document", "published '2022-13-45'"]),
    ("article", _set("document/published", "2023-02-29"), {}, ["document", "calendar"]),
    ("article", _set("statements/0/published", "2022-02-30"), {}, ["statements/0", "published '2022-02-30'"]),
    ("article", _set("statements/0/published", "yesterday"), {}, ["statements/0/published"]),
    ("thread", _set("document/posts/0/published", "2016-00-10"), {}, ["document/posts/0", "2016-00-10"]),
    # replies: no self-replies, no cycles, parents exist
    ("article", lambda d: d["statements"][0].update(reply_to=d["statements"][0]["id"]), {},
     ["statements/0", "does not reply to itself"]),
    ("thread", lambda d: d["statements"][0].update(reply_to=d["statements"][2]["id"]), {},
     ["statements/", "go round in a circle"]),
    ("thread", _set("document/posts/1/reply_to", 1), {}, ["document/posts/1", "does not reply to itself"]),
    ("thread", _set("document/posts/0/reply_to", 2), {}, ["document/posts/", "go round in a circle"]),
    ("thread", _set("document/posts/1/reply_to", 7), {}, ["document/posts/1", "reply_to 7 is not the index"]),
    ("thread", _set("statements/1/post", 9), {}, ["statements/1", "post 9 is not the index of a post"]),
    # what the SHACL shapes would refuse in the graph
    ("thread", _set("statements/2/post", 1), {}, ["statements/2", "post 1 has one author", "'anon-1'"]),
    ("article", _set("document/posts", [{"index": 0, "start": 0, "end": 9}]), {}, ["document/posts", "only a thread"]),
    ("article", lambda d: d["issues"].append({"id": "ken-marsh", "label": "Ken"}), {},
     ["issues/1/id", "'ken-marsh' is also the id of an actor"]),
    ("article", lambda d: d["issues"].append({"id": "plan-detail", "label": "again"}), {},
     ["issues/1", "two issues share an id"]),
    # lone surrogates ("\ud800" in the JSON): no character, no UTF-8 (a traceback when hashed or written)
    ("article", _set("document/text", TEXT + "\ud800"), {}, ["document/text", "lone surrogate"]),
    ("article", _set("statements/0/target", "the \udc00 plan"), {}, ["statements/0/target", "lone surrogate"]),
    ("article", _set("run", {"\ud83d": "x"}), {}, ["run", "lone surrogate"]),
    # too deep to be an extracts file
    ("article", _set("run", "@DEEP"), {"@DEEP": "[" * 200 + "]" * 200},
     ["run/0/0/0/0/0/.../0/0/0", "nested more than 64 levels"]),
]


def _base(name: str) -> dict:
    if name == "thread":
        return make_thread().to_dict()
    data = make().to_dict()
    data["statements"][0]["evidence"] = [{"start": TEXT.index("no detail"), "end": TEXT.index("no detail") + 9,
                                          "cue": "no detail", "polarity": "oppose"}]
    return data


def test_the_bases_of_the_table_are_valid(tmp_path):
    for name in ("article", "thread"):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(_base(name)), encoding="utf-8")
        xio.read(path)


@pytest.mark.parametrize("base, mutate, raw, fragments", REFUSED,
                         ids=[f"{n}-{r[0]}-{r[3][0]}" for n, r in enumerate(REFUSED)])
def test_the_contract_refuses(tmp_path, base, mutate, raw, fragments):
    data = _base(base)
    mutate(data)
    path = tmp_path / "doc.json"
    path.write_text(_raw(data, **raw), encoding="utf-8")
    with pytest.raises(ExtractsError) as err:
        xio.read(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize("field, value, path", [
    ("confidence", float("nan"), "statements/0/confidence"),
    ("confidence", float("inf"), "statements/0/confidence"),
    ("start", float(A_START), "statements/0/start"),
    ("end", 2 ** 63, "statements/0/end"),
    ("published", "2022-02-30", "statements/0"),
])
def test_write_refuses_them_too(tmp_path, field, value, path):
    """``write`` checks what it writes: such an extract made in Python is not written."""
    ex = make()
    setattr(ex.statements[0], field, value)
    with pytest.raises(ExtractsError, match=path):
        xio.write(ex, tmp_path)
    assert list(tmp_path.iterdir()) == []


# (negative rows) still accepted: what the contract allows and the sample extracts use
ACCEPTED = [
    ("article", _set("document/published", None)),
    ("article", _set("document/published", "2024-02-29")),  # a leap day
    ("article", _set("statements/0/confidence", 0)),
    ("article", _set("statements/0/confidence", 1)),
    ("article", _set("statements/0/evidence", [{"start": 3, "end": 3, "cue": ""}])),  # an empty cue span
    ("article", _set("actors/0/roles/0/start", None)),
    ("article", _do(_set("actors/0/roles/0/start", None), _set("actors/0/roles/0/end", None))),
    ("article", lambda d: d["actors"][0]["roles"].append({"role": "member", "organisation": "Police"})),
    # the extractor may type an organisation a person where a role names it: the graph settles it
    ("article", lambda d: d["actors"][0]["roles"].append({"role": "head", "organisation": "Ken Marsh"})),
    ("thread", _set("document/posts/2/reply_to", 0)),
    ("thread", _set("document/posts/0/published", None)),
    ("article", _set("run", {"a": [[[[1]]]]})),
]


@pytest.mark.parametrize("base, mutate", ACCEPTED)
def test_the_contract_accepts(tmp_path, base, mutate):
    data = _base(base)
    mutate(data)
    if base == "article" and data["actors"][0]["roles"][0]["start"] is None:
        data["actors"][0]["roles"][0]["end"] = None
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    xio.read(path)


# ------------------------------------------------------------------------------ item 9: unreadable JSON
@pytest.mark.parametrize("content, message", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"document": ' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
    ('{"document": {"id": ' + "9" * 5000 + "}}", "a number too long to read"),
    ("[" + "1" * 5000 + "]", "a number too long to read"),
])
def test_monster_json_is_one_line_naming_the_file(tmp_path, content, message):
    path = tmp_path / "monster.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ExtractsError) as err:
        xio.read(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)
    assert "\n" not in str(err.value) and len(str(err.value)) < 300


# ------------------------------------------------------------------------------ item 5: files read together
def _copy_as(data: dict, document_id: str, *, new_statement_ids: bool = True) -> dict:
    other = json.loads(json.dumps(data))
    other["document"]["id"] = document_id
    if new_statement_ids:
        for s in other["statements"]:
            s["id"] = statement_id(document_id, s["start"], s["end"])
    return other


def _folder(tmp_path, files: dict[str, dict]):
    folder = tmp_path / "ex"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_text(json.dumps(data), encoding="utf-8")
    return folder


def _other_speaker(data: dict) -> dict:
    """``data`` spoken by Anna Berg (no Ken Marsh in it)."""
    data["actors"] = [{"id": "anna-berg", "name": "Anna Berg", "type": "person", "aliases": [], "roles": []}]
    for s in data["statements"]:
        s["speaker"] = "anna-berg"
    return data


def _org_role_naming(data: dict, name: str) -> dict:
    data["actors"][0]["roles"].append({"role": "head", "organisation": name})
    return data


BASE = make().to_dict()
TOGETHER = [
    # (files, the two files the message names, what it says)
    ({"doc-1.json": BASE, "doc-1 (copy).json": BASE}, ("doc-1.json", "doc-1 (copy).json"), "document id 'doc-1'"),
    ({"doc-1.json": BASE, "old.json": BASE}, ("doc-1.json", "old.json"), "one extracts file per document"),
    ({"doc-1.json": BASE, "doc-2.json": _copy_as(BASE, "doc-2", new_statement_ids=False)},
     ("doc-1.json", "doc-2.json"), "statement id"),
    ({"doc-1.json": BASE, "ken-marsh.json": _other_speaker(_copy_as(BASE, "ken-marsh"))},
     ("doc-1.json", "ken-marsh.json"), "'ken-marsh' is also the id of an actor"),
]


@pytest.mark.parametrize("files, named, says", TOGETHER, ids=[r[2] for r in TOGETHER])
def test_a_folder_whose_files_cannot_go_together_is_refused(tmp_path, files, named, says):
    folder = _folder(tmp_path, files)
    with pytest.raises(ExtractsError) as err:
        xio.read_dir(folder)
    message = str(err.value)
    assert "\n" not in message and says in message
    for name in named:
        assert str(folder / name) in message


def test_documents_sharing_actors_and_issues_go_together(tmp_path):
    """(negative row) the ordinary case: two documents, the same speaker and issue in both."""
    folder = _folder(tmp_path, {"doc-1.json": BASE, "doc-2.json": _copy_as(BASE, "doc-2")})
    assert [e.document.id for e in xio.read_dir(folder)] == ["doc-1", "doc-2"]


def test_the_graph_refuses_extracts_that_cannot_go_together():
    from kg.graph.build import build_graph

    one, copy = Extract.from_dict(BASE), Extract.from_dict(_copy_as(BASE, "doc-2", new_statement_ids=False))
    with pytest.raises(ExtractsError, match="statement id"):
        build_graph([one, copy])
    with pytest.raises(ExtractsError, match="document id 'doc-1'"):
        build_graph([one, Extract.from_dict(BASE)])
    twice = Extract.from_dict(BASE)
    twice.statements.append(twice.statements[0])
    with pytest.raises(ExtractsError, match="statements/1: statement id .* is also statements/0 of this file"):
        build_graph([twice])
    assert build_graph([one, Extract.from_dict(_copy_as(BASE, "doc-2"))]).counts()["Document"] == 2


@pytest.mark.parametrize("order", [1, -1])
def test_an_actor_named_as_an_organisation_in_a_role_is_one_organization_node(order):
    """"Labour" typed a person by the extractor, and the organisation of someone's role (here or in another
    document): one Organization node, whatever the order of the documents (the SHACL shapes want the end of
    an IN_ORGANISATION edge to be an organisation)."""
    from kg.graph.build import build_graph

    one = Extract.from_dict(BASE)
    two = Extract.from_dict(_org_role_naming(_other_speaker(_copy_as(BASE, "doc-2")), "Ken Marsh"))
    node = build_graph([one, two][::order]).nodes["ken-marsh"]
    assert node.labels == ("Actor", "Organization") and node.props["type"] == "organisation"
    assert build_graph([one]).nodes["ken-marsh"].labels == ("Actor", "Person")


@pytest.mark.parametrize("command", [
    ["matrix", "{ex}", "--out", "{out}/m.csv"],
    ["network", "{ex}", "--out", "{out}/n.csv"],
    ["polarisation", "{ex}", "--out", "{out}/p.csv"],
    ["export", "rdf", "{ex}", "--out", "{out}/g.ttl"],
    ["load", "oxigraph", "{ex}", "--store", "{out}/store"],
])
def test_every_command_reading_a_folder_refuses_a_stray_copy(tmp_path, command):
    from typer.testing import CliRunner

    from kg.cli import app

    folder = _folder(tmp_path, {"doc-1.json": BASE, "doc-1 (copy).json": BASE})
    out = tmp_path / "out"
    args = [a.format(ex=folder, out=out) for a in command]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 3, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: ")
    assert str(folder / "doc-1.json") in lines[0] and str(folder / "doc-1 (copy).json") in lines[0]
    assert not out.exists() or not any(out.rglob("*"))
