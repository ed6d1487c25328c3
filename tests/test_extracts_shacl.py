"""The contract against the project's SHACL shapes (ontology/shapes.ttl), run with pySHACL on the RDF export:
what the contract accepts exports to RDF the shapes accept; what the shapes would refuse, the contract refuses
first (issue 15, item 7)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from pyshacl import validate
from test_extracts_contract import ACCEPTED, BASE, TEXT, _base, _copy_as, _org_role_naming, _other_speaker
from typer.testing import CliRunner

from kg import extracts as xio
from kg.cli import app
from kg.errors import ExtractsError
from kg.graph.build import add_extract
from kg.graph.derive import derive_relations
from kg.graph.model import Graph
from kg.ids import actor_id, statement_id
from kg.records import Extract
from kg.stores.rdf import SHAPES_FILE, to_rdf

SHAPES = rdflib.Graph().parse(SHAPES_FILE, format="turtle")


def shacl(data: rdflib.Graph) -> tuple[bool, str]:
    conforms, _, text = validate(data, shacl_graph=SHAPES, inference="none", advanced=True, allow_warnings=False)
    return bool(conforms), text


def export(folder: Path, tmp_path: Path) -> rdflib.Graph:
    out = tmp_path / "graph.ttl"
    result = CliRunner().invoke(app, ["export", "rdf", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return rdflib.Graph().parse(out, format="turtle")


def test_the_sample_corpus_export_conforms(sample_extracts, tmp_path):
    conforms, text = shacl(export(sample_extracts, tmp_path))
    assert conforms, text


# ------------------------------------------------------------------------------ edge cases the contract accepts
def _scripts() -> dict:
    """An article quoting people named in four scripts, one with a role in a Cyrillic organisation."""
    text = ("张伟 said: “We will fund it.” Иван Петров, глава Совета, said: “We will not.” "
            "محمد said: “Perhaps.” Ελένη said: “Never 👮.”")
    doc = {"id": "scripts", "source": "scripts.txt", "kind": "article", "title": None, "published": "2024-02-29",
           "text": text, "text_sha256": "", "posts": []}
    actors, statements = [], []
    for name, quote, stance in (("张伟", "We will fund it.", "support"), ("Иван Петров", "We will not.", "oppose"),
                                ("محمد", "Perhaps.", "neutral"), ("Ελένη", "Never 👮.", "oppose")):
        aid = actor_id(name, "person")
        roles = []
        if name == "Иван Петров":
            start = text.index("глава")
            roles = [{"role": "глава", "organisation": "Совет", "start": start, "end": start + len("глава Совета")}]
        actors.append({"id": aid, "name": name, "type": "person", "aliases": [], "roles": roles})
        start = text.index(quote)
        statements.append({"id": statement_id("scripts", start, start + len(quote)), "speaker": aid, "text": quote,
                           "start": start, "end": start + len(quote), "kind": "direct", "issues": ["funding"],
                           "stance": stance, "target": None, "confidence": 0.5, "reply_to": None, "cue": "said"})
    from kg.ids import sha256_text

    doc["text_sha256"] = sha256_text(text)
    assert len({a["id"] for a in actors}) == 4
    return {"document": doc, "actors": actors, "issues": [{"id": "funding", "label": "funding"}],
            "statements": statements}


def _accepted(base: str, mutate) -> dict:
    data = _base(base)
    mutate(data)
    roles = data["actors"][0]["roles"] if data["actors"] else []
    if roles and roles[0].get("start") is None:
        roles[0]["end"] = None
    return data


EDGE_CASES = {
    "scripts": {"scripts.json": _scripts()},
    "thread with replies, offsets 0 and the text's end": {"th-1.json": _base("thread")},
    "two documents, shared actor and issue": {"doc-1.json": BASE, "doc-2.json": _copy_as(BASE, "doc-2")},
    "an organisation typed a person, role first": {
        "a.json": _org_role_naming(_other_speaker(_copy_as(BASE, "a")), "Ken Marsh"), "b.json": _copy_as(BASE, "b")},
    "an organisation typed a person, role last": {
        "a.json": _copy_as(BASE, "a"), "b.json": _org_role_naming(_other_speaker(_copy_as(BASE, "b")), "Ken Marsh")},
    **{f"accepted row {n}": {"doc.json": _accepted(b, m)} for n, (b, m) in enumerate(ACCEPTED)},
}


@pytest.mark.parametrize("name", list(EDGE_CASES))
def test_what_the_contract_accepts_the_shapes_accept(tmp_path, name):
    folder = tmp_path / "ex"
    folder.mkdir()
    for file, data in EDGE_CASES[name].items():
        (folder / file).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    xio.read_dir(folder)  # accepted by the contract
    conforms, text = shacl(export(folder, tmp_path))
    assert conforms, text


# ------------------------------------------------------------------------------ what the shapes refuse
def _set(data: dict, fn) -> dict:
    fn(data)
    return data


A_START = TEXT.index("There")
SHAPES_REFUSE = [
    # (name, extracts as JSON, what the contract says): built into a graph without the contract, the export
    # breaks the shapes; the contract refuses each before that
    ("posts in an article (a post's container is a thread)",
     [_set(_base("article"), lambda d: d["document"].update(posts=[{"index": 0, "start": 0, "end": 9}]))],
     "only a thread"),
    ("a statement ending beyond the text",
     [_set(_base("article"), lambda d: d["statements"][0].update(end=999, text=TEXT[A_START:]))],
     "beyond the end of document.text"),
    ("an empty role span (begin must be before end)",
     [_set(_base("article"), lambda d: d["actors"][0]["roles"][0].update(start=4, end=4))], "not before end"),
    ("an empty post",
     [_set(_base("thread"), lambda d: d["document"]["posts"][1].update(end=d["document"]["posts"][1]["start"]))],
     "not before end"),
    ("a role span beyond the text",
     [_set(_base("article"), lambda d: d["actors"][0]["roles"][0].update(end=len(TEXT) + 3))], "beyond the end"),
    ("two authors of one post (a post has one creator)",
     [_set(_base("thread"), lambda d: d["statements"][2].update(post=1))], "post 1 has one author"),
    ("an issue with the id of an actor",
     [_set(_base("article"), lambda d: (d["issues"].append({"id": "ken-marsh", "label": "x"}),
                                        d["statements"][0]["issues"].append("ken-marsh")))], "also the id of"),
    ("a document with the id of an actor in another file",
     [_base("article"), _other_speaker(_copy_as(BASE, "ken-marsh"))], "also the id of"),
    ("a confidence of NaN", [_set(_base("article"), lambda d: d["statements"][0].update(confidence=float("nan")))],
     "NaN is not a number"),
]


@pytest.mark.parametrize("name, files, says", SHAPES_REFUSE, ids=[r[0] for r in SHAPES_REFUSE])
def test_what_the_shapes_refuse_the_contract_refuses_first(tmp_path, name, files, says):
    g = Graph()
    extracts = [Extract.from_dict(json.loads(json.dumps(d))) for d in files]
    for ex in extracts:
        add_extract(g, ex)
    derive_relations(g)
    conforms, _ = shacl(to_rdf(g, extracts))
    assert not conforms, f"the shapes accept {name}: no need for the contract to refuse it"
    folder = tmp_path / "ex"
    folder.mkdir()
    for n, d in enumerate(files):
        (folder / f"f{n}.json").write_text(json.dumps(d), encoding="utf-8")
    with pytest.raises(ExtractsError, match=says):
        xio.read_dir(folder)
