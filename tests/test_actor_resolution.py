"""One actor per person across the corpus (``kg.graph.resolve``): kg's proposals as a table of small
multi-document corpora (positive and negative rows), the actor file a person edits (kept across runs), the
graph, RDF and run applying it, and bad actor files through the CLI (one line, the line number, exit 3,
nothing rebuilt)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import extracts as kx
from kg.cli import app
from kg.graph import resolve as rs
from kg.graph.build import build_graph
from kg.ids import actor_id, statement_id
from kg.records import Actor, Document, Extract, Issue, Role, Statement

runner = CliRunner()
GOLDEN = Path(__file__).resolve().parent / "data" / "actors"

# An actor of a document: a name, or (name, type), or (name, type, [(role, organisation)], [alias]).
Spec = str | tuple


def _doc(doc_id: str, specs: list[Spec], published: str | None = None) -> Extract:
    """A one-sentence-per-actor article in which every actor says something (roles' evidence: the name)."""
    parts, actors, statements = [], [], []
    pos = 0
    for spec in specs:
        name, type_, roles, aliases = (spec, "person", [], []) if isinstance(spec, str) else (*spec, [], [])[:4]
        sentence = f"{name} said the plan is fine. "
        quote_start = pos + len(name) + len(" said ")
        quote = "the plan is fine"
        aid = actor_id(name, type_)
        actors.append(Actor(aid, name, type_, list(aliases), [Role(r, o, pos, pos + len(name)) for r, o in roles]))
        statements.append(Statement(statement_id(doc_id, quote_start, quote_start + len(quote)), aid, quote,
                                    quote_start, quote_start + len(quote), "indirect", issues=["plan"],
                                    stance="support"))
        parts.append(sentence)
        pos += len(sentence)
    text = "".join(parts)
    return Extract(Document(doc_id, f"{doc_id}.txt", "article", text, title=doc_id, published=published),
                   actors, [Issue("plan", "the plan")], statements, run={"kg": "test"})


def _corpus(*docs: list[Spec] | tuple[list[Spec], str]) -> list[Extract]:
    out = []
    for n, d in enumerate(docs):
        specs, published = (d, None) if isinstance(d, list) else d
        out.append(_doc(f"doc-{n}", specs, published))
    return out


def _canonical(extracts: list[Extract]) -> dict[tuple[str, int] | str, str]:
    """(actor id, document number) -> the actor it is there; and actor id -> the actor it is in every document
    it is in (if one)."""
    res = rs.resolve(extracts, None)
    out: dict = {}
    everywhere: dict[str, set[str]] = {}
    for n, ex in enumerate(extracts):
        for a in ex.actors:
            out[(a.id, n)] = res.canonical(a.id, ex.document.id)
            everywhere.setdefault(a.id, set()).add(out[(a.id, n)])
    out.update((i, c.pop()) for i, c in everywhere.items() if len(c) == 1)
    return out


ORG = "organisation"
MAYOR = [("Mayor", "London")]

# (case, corpus, ids that become one actor (id -> actor), ids that must stay themselves)
PROPOSALS = [
    ("surname, unambiguous", _corpus(["Sadiq Khan"], ["Khan"], ["Mr Khan"]),
     {"khan": "sadiq-khan", "mr-khan": "sadiq-khan"}, ["sadiq-khan"]),
    ("surname without a title", _corpus(["Justin Trudeau", "Ann Lee"], ["Trudeau"]),
     {"trudeau": "justin-trudeau"}, ["ann-lee"]),
    ("two people share the surname: never merged", _corpus(["Theresa May"], ["Elizabeth May"], ["May"], ["Mrs May"]),
     {}, ["may", "mrs-may", "theresa-may", "elizabeth-may"]),
    ("a surname nobody has in full stays", _corpus(["Khan"], ["Ann Lee"]), {}, ["khan", "ann-lee"]),
    ("an initial of the one full name", _corpus(["Justin Trudeau"], ["J. Trudeau"]),
     {"j-trudeau": "justin-trudeau"}, []),
    ("an initial two people share: never merged", _corpus(["John Smith"], ["Jane Smith"], ["J. Smith"]),
     {}, ["j-smith", "john-smith", "jane-smith"]),
    ("a compound surname without the given name", _corpus(["Lorena Paz Akin"], ["Paz Akin"]),
     {"paz-akin": "lorena-paz-akin"}, []),
    ("a title before the full name", _corpus(["Sadiq Khan"], ["Mayor Sadiq Khan"]),
     {"mayor-sadiq-khan": "sadiq-khan"}, []),
    ("organisation abbreviation and acronym",
     _corpus([("Metropolitan Police Service", ORG)], [("Met Police", ORG)], [("MPS", ORG)]),
     {"met-police": "metropolitan-police-service", "mps": "metropolitan-police-service"}, []),
    ("organisation without its generic word", _corpus([("Labour Party", ORG)], [("Labour", ORG)]),
     {"labour": "labour-party"}, []),
    ("a narrower organisation is another one", _corpus([("NHS England", ORG)], [("NHS", ORG)]),
     {}, ["nhs", "nhs-england"]),
    ("an abbreviation two organisations fit: never merged",
     _corpus([("Metropolitan Police Service", ORG)], [("Met Office", ORG)], [("Met", ORG)]),
     {}, ["met", "met-office", "metropolitan-police-service"]),
    ("a person is not an organisation's acronym", _corpus([("United Nations", ORG)], ["Un"]), {}, ["un"]),
    ("role mention at the time of the one holder",
     _corpus(([("Sadiq Khan", "person", MAYOR)], "2016-06-01"), ([("Boris Johnson", "person", MAYOR)], "2010-03-01"),
             (["the Mayor of London"], "2017-02-01")),
     {"the-mayor-of-london": "sadiq-khan"}, ["boris-johnson"]),
    ("role mention between holders' times: left alone",
     _corpus(([("Sadiq Khan", "person", MAYOR)], "2016-06-01"), ([("Boris Johnson", "person", MAYOR)], "2010-03-01"),
             (["the Mayor of London"], "2013-06-01")),
     {}, ["the-mayor-of-london"]),
    ("role mention without a date and two holders: left alone",
     _corpus(([("Sadiq Khan", "person", MAYOR)], "2016-06-01"), ([("Boris Johnson", "person", MAYOR)], "2010-03-01"),
             ["the Mayor of London"]),
     {}, [("the-mayor-of-london", 2)]),
    ("role mention by date, document by document",
     _corpus(([("Sadiq Khan", "person", MAYOR)], "2016-06-01"), ([("Boris Johnson", "person", MAYOR)], "2010-03-01"),
             (["the Mayor of London"], "2017-02-01"), (["the Mayor of London"], "2009-11-01"),
             (["the Mayor of London"], "2013-06-01")),
     {("the-mayor-of-london", 2): "sadiq-khan", ("the-mayor-of-london", 3): "boris-johnson"},
     [("the-mayor-of-london", 4)]),
    ("role mention: the one holder of its own document",
     _corpus([("Sadiq Khan", "person", MAYOR), "the Mayor of London"], [("Boris Johnson", "person", MAYOR)]),
     {("the-mayor-of-london", 0): "sadiq-khan"}, ["boris-johnson"]),
    ("a shared surname: the one person of its own document",
     _corpus(["Theresa May", "May"], ["Elizabeth May"], ["May"]),
     {("may", 0): "theresa-may"}, [("may", 2), "elizabeth-may"]),
    ("a shared surname, both in the document: left alone",
     _corpus(["Theresa May", "Elizabeth May", "May"], ["Theresa May"]), {}, ["may", "elizabeth-may"]),
    ("two of one family: the one not called by the given name",
     _corpus(["Dorie Greenspan", ("Michael Greenspan", "person", [], ["Michael"]), "Greenspan"]),
     {"greenspan": "dorie-greenspan"}, ["michael-greenspan"]),
    ("two of one family, neither called by the given name: left alone",
     _corpus(["Dorie Greenspan", "Michael Greenspan", "Greenspan"]), {}, ["greenspan"]),
    ("a role mention for a surname that is a full name in its document: followed",
     _corpus([("Khan", "person", MAYOR), "Sadiq Khan", "the Mayor of London"], ["Imran Khan"]),
     {("the-mayor-of-london", 0): "sadiq-khan", ("khan", 0): "sadiq-khan"}, ["imran-khan"]),
    ("no person of that surname: the organisation of the document named so",
     _corpus([("BC Hydro", ORG), "Hydro"], ["Hydro"]), {("hydro", 0): "bc-hydro"}, [("hydro", 1)]),
]


@pytest.mark.parametrize("corpus,merged,alone", [p[1:] for p in PROPOSALS], ids=[p[0] for p in PROPOSALS])
def test_proposals(corpus, merged, alone):
    canonical = _canonical(corpus)
    for aid, target in merged.items():
        assert canonical[aid] == target, f"{aid} -> {canonical[aid]}, expected {target}"
    for aid in alone:
        own = aid[0] if isinstance(aid, tuple) else aid
        assert canonical[aid].split("--")[0] == own, f"{aid} was merged into {canonical[aid]}"  # (or local)


DESCRIPTIONS = [
    # (case, corpus, ids that are one actor per document, ids that are one actor across documents)
    ("a spokesperson in two documents is two actors", _corpus(["a spokesperson"], ["a spokesperson"]),
     ["a-spokesperson"], []),
    ("a name in two documents is one actor", _corpus(["Ann Lee"], ["Ann Lee"]), [], ["ann-lee"]),
    ("an organisation's description stays one", _corpus([("the government", ORG)], [("the government", ORG)]),
     [], ["the-government"]),
    ("named by a name somewhere: one actor", _corpus(["officials"], ["Officials"]), [], ["officials"]),
]


@pytest.mark.parametrize("corpus,local,shared", [d[1:] for d in DESCRIPTIONS], ids=[d[0] for d in DESCRIPTIONS])
def test_descriptions_are_actors_of_their_document(corpus, local, shared):
    res = rs.resolve(corpus, None)
    for aid in local:
        ids = {res.canonical(aid, ex.document.id) for ex in corpus}
        assert len(ids) == len(corpus) and aid not in ids
    for aid in shared:
        assert {res.canonical(aid, ex.document.id) for ex in corpus} == {aid}
    g = build_graph(corpus, resolution=res)
    speakers = {e.target for e in g.edges_of_type("SPOKEN_BY")}
    assert speakers <= set(g.nodes) and len(speakers) == len(local) * len(corpus) + len(shared)


def test_proposals_are_stable_and_golden():
    """Same corpus in another order: the same file, byte for byte; and the file is the golden one."""
    corpus = [ex for _, c, _, _ in PROPOSALS for ex in c]
    for n, ex in enumerate(corpus):
        ex.document.id = f"d{n}"
    text = rs.dumps(rs.propose(corpus))
    assert rs.dumps(rs.propose(list(reversed(corpus)))) == text
    golden = GOLDEN / "proposals.yaml"
    if os.environ.get("KG_REGENERATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, "utf-8")
    assert golden.read_text("utf-8") == text, "tests/data/actors/proposals.yaml is stale: KG_REGENERATE_GOLDEN=1"


# ------------------------------------------------------------------------------------- the actor file
def _write(extracts: list[Extract], folder: Path) -> Path:
    for ex in extracts:
        kx.write(ex, folder)
    return folder


def _entry(res: rs.Resolution, actor: str) -> rs.Entry:
    return res.entry(res.canonical(actor))


EDITS = [
    # (case, how the person edits actors.yaml (text -> text), check of the next run's resolution)
    ("split: an id removed from merge stays out",
     lambda t: t.replace('  - "khan"', "").replace('by: "kg"', 'by: "ann"', 1),
     lambda r: r.canonical("khan") == "khan" and r.canonical("mr-khan") == "sadiq-khan"),
    ("a changed proposal is the person's even with by: kg",
     lambda t: t.replace('  - "khan"', ""),
     lambda r: r.canonical("khan") == "khan" and _entry(r, "mr-khan").by == "person"),
    ("rename and recode",
     lambda t: t.replace('name: "Sadiq Khan"', 'name: "Sadiq Aman Khan"').replace('type: "person"\n  merge:\n  - "khan"',
                                                                                 'type: "organisation"\n  merge:\n  - "khan"'),
     lambda r: _entry(r, "khan").name == "Sadiq Aman Khan" and _entry(r, "khan").type == "organisation"),
    ("a person's merge of what kg leaves apart",
     lambda t: t + '- id: "theresa-may"\n  merge: ["may"]\n  by: "ann"\n',
     lambda r: r.canonical("may") == "theresa-may" and r.canonical("elizabeth-may") == "elizabeth-may"),
    ("a deleted proposal stays deleted",
     lambda t: t[:t.index('- id: "sadiq-khan"')],
     lambda r: r.canonical("khan") == "khan" and r.canonical("mr-khan") == "mr-khan"),
]
KHAN_MAY = (["Sadiq Khan"], ["Khan"], ["Mr Khan"], ["Theresa May"], ["Elizabeth May"], ["May"])


@pytest.mark.parametrize("edit,check", [e[1:] for e in EDITS], ids=[e[0] for e in EDITS])
def test_a_persons_edits_survive_the_next_runs(tmp_path, edit, check):
    folder = _write(_corpus(*KHAN_MAY), tmp_path)
    first = rs.resolve_and_write(kx.read_dir(folder), folder)
    assert first.canonical("khan") == "sadiq-khan" and first.canonical("may") == "may"
    path = rs.actor_file(folder)
    path.write_text(edit(path.read_text("utf-8")), "utf-8")
    for _ in range(2):  # applied, written back, and applied again the same way
        res = rs.resolve_and_write(kx.read_dir(folder), folder)
        assert check(res)
    again = path.read_text("utf-8")
    rs.resolve_and_write(kx.read_dir(folder), folder)
    assert path.read_text("utf-8") == again


def test_the_actor_file_is_no_extract(tmp_path):
    folder = _write(_corpus(*KHAN_MAY), tmp_path)
    rs.resolve_and_write(kx.read_dir(folder), folder)
    assert len(kx.read_dir(folder)) == len(KHAN_MAY)


# ------------------------------------------------------------------------------------- graph and RDF
def test_the_graph_has_one_actor_per_person(tmp_path):
    from rdflib import OWL, SKOS, Literal

    from kg.namespace import iri
    from kg.stores.rdf import to_rdf

    extracts = _corpus(*KHAN_MAY)
    res = rs.resolve(extracts, None)
    g = build_graph(extracts, resolution=res)
    speakers = {e.target for e in g.edges_of_type("SPOKEN_BY")}
    assert speakers == {"sadiq-khan", "theresa-may", "elizabeth-may", "may"}
    node = g.nodes["sadiq-khan"]
    assert node.props["name"] == "Sadiq Khan"
    assert node.props["same_as"] == ["khan", "mr-khan"]
    assert {"Khan", "Mr Khan"} <= set(node.props["aliases"])
    assert "khan" not in g.nodes and "may" in g.nodes
    unresolved = build_graph(extracts)
    assert "khan" in unresolved.nodes and "same_as" not in unresolved.nodes["sadiq-khan"].props
    rdf = to_rdf(g, extracts)
    assert (iri("actor", "sadiq-khan"), OWL.sameAs, iri("actor", "khan")) in rdf
    assert (iri("actor", "sadiq-khan"), SKOS.altLabel, Literal("Mr Khan")) in rdf
    assert not list(rdf.triples((iri("actor", "may"), OWL.sameAs, None)))
    from kg.stores.rdf import validate

    report = validate(rdf)
    assert report.conforms, report.violations


def test_export_rdf_applies_the_actor_file(tmp_path):
    folder = _write(_corpus(*KHAN_MAY), tmp_path / "ex")
    rs.resolve_and_write(kx.read_dir(folder), folder)
    path = rs.actor_file(folder)
    path.write_text(path.read_text("utf-8") + '- id: "theresa-may"\n  merge: ["may"]\n  by: "ann"\n', "utf-8")
    out = tmp_path / "g.ttl"
    r = runner.invoke(app, ["export", "rdf", str(folder), "--out", str(out)])
    assert r.exit_code == 0, r.output
    ttl = out.read_text("utf-8")
    assert "owl:sameAs <https://w3id.org/kg/id/actor/may>" in ttl
    assert "<https://w3id.org/kg/id/actor/khan>" in ttl  # as the object of sameAs only
    assert "actor/khan> a kg:Actor" not in ttl


def test_the_matrix_has_one_row_per_person(tmp_path):
    import csv

    folder = _write(_corpus(*KHAN_MAY), tmp_path / "ex")
    out = tmp_path / "m.csv"
    r = runner.invoke(app, ["matrix", str(folder), "--out", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(out.open(encoding="utf-8")))
    names = [row[0] for row in rows[1:]]
    assert "Sadiq Khan" in names and "Khan" not in names and "Mr Khan" not in names
    assert {"Theresa May", "Elizabeth May", "May"} <= set(names)
    assert len(names) == 4


# ------------------------------------------------------------------------------------- bad actor files
BAD = [
    # (case, file text, line, words of the message)
    ("not YAML", 'version: 1\nactors:\n- id: "a"\n  merge: ["b"\n', 5, "not valid YAML"),
    ("a tab", "actors:\n\t- id: sadiq-khan\n", 2, "not valid YAML"),
    ("merged into itself", 'actors:\n- id: "sadiq-khan"\n  merge:\n  - "khan"\n  - "sadiq-khan"\n', 5,
     "'sadiq-khan' is merged into itself"),
    ("merged into two targets",
     'actors:\n- id: "sadiq-khan"\n  merge: ["khan"]\n- id: "theresa-may"\n  merge:\n  - "khan"\n', 6,
     "'khan' is merged into 'theresa-may' here and into 'sadiq-khan' at line 3"),
    ("unknown merged id", 'actors:\n- id: "sadiq-khan"\n  merge: ["imran-khan"]\n', 3, "unknown actor id 'imran-khan'"),
    ("unknown kept id", 'actors:\n- id: "sadiq"\n  merge: ["khan"]\n', 2, "unknown actor id 'sadiq'"),
    ("a chain", 'actors:\n- id: "mr-khan"\n  merge: ["khan"]\n- id: "sadiq-khan"\n  merge: ["mr-khan"]\n', 2,
     "is itself merged into 'sadiq-khan' at line 5"),
    ("two entries of one actor", 'actors:\n- id: "khan"\n- id: "khan"\n', 3, "'khan' has two entries"),
    ("an unknown type", 'actors:\n- id: "khan"\n  type: "place"\n', 3, "type 'place'"),
    ("an unknown key", 'actors:\n- id: "khan"\n  merges: ["mr-khan"]\n', 3, "unknown key 'merges'"),
    ("no id", 'actors:\n- merge: ["mr-khan"]\n', 2, "has no `id`"),
    ("merge is no list", 'actors:\n- id: "khan"\n  merge: "mr-khan"\n', 3, "merge must be a list"),
    ("a list at the top", '- id: "khan"\n', 1, "must be a mapping"),
    ("unknown document", 'actors:\n- id: "theresa-may"\n  merge:\n  - {id: "may", in: ["doc-9"]}\n', 4,
     "unknown document 'doc-9'"),
    ("one document, two targets",
     ('actors:\n- id: "theresa-may"\n  merge: [{id: "may", in: ["doc-5"]}]\n'
      '- id: "elizabeth-may"\n  merge: [{id: "may", in: ["doc-4", "doc-5"]}]\n'), 5,
     "'may' is merged into 'elizabeth-may' here and into 'theresa-may' at line 3 in document 'doc-5'"),
    ("a merge in documents without them", 'actors:\n- id: "theresa-may"\n  merge:\n  - {id: "may"}\n', 4,
     "{id: ACTOR, in: [DOCUMENT, ...]}"),
]


@pytest.mark.parametrize("command", ["actors", "export", "run"])
@pytest.mark.parametrize("text,line,words", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_actor_file(tmp_path, command, text, line, words):
    if command == "run" and "unknown" in words:
        pytest.skip("unknown ids are known after extraction (the model run): covered by the other commands")
    corpus = _corpus(*KHAN_MAY)
    if command == "run":
        folder = tmp_path / "out" / "extracts"
        (tmp_path / "corpus").mkdir()
        (tmp_path / "corpus" / "a.txt").write_text("Ann Lee said the plan is fine.\n", "utf-8")
        args = ["run", str(tmp_path / "corpus"), "--out", str(tmp_path / "out"), "--quiet"]
        folder.mkdir(parents=True)
    else:
        folder = _write(corpus, tmp_path / "ex")
        args = (["actors", "resolve", str(folder)] if command == "actors"
                else ["export", "rdf", str(folder), "--out", str(tmp_path / "g.ttl")])
    path = rs.actor_file(folder)
    path.write_text(text, "utf-8")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    r = runner.invoke(app, args)
    assert r.exit_code == 3, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert lines == [lines[-1]] and lines[0].startswith(f"kg: error: {path}: line {line}: "), r.output
    assert words in lines[0]
    assert "Traceback" not in r.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written, nothing rebuilt
    assert path.read_text("utf-8") == text


# ------------------------------------------------------------------------------------- kg run, end to end
@pytest.mark.slow
def test_kg_run_writes_and_applies_the_actor_file(tmp_path):
    """The real model on two short articles: kg run writes actors.yaml, the graph has one Sadiq Khan with
    "Khan" as sameAs; a person's split survives the next run and is in its graph."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("London plans\n\nSadiq Khan said the new bus lanes will cut journey times "
                                  "across the city.\n", "utf-8")
    (corpus / "b.txt").write_text("Transport row\n\nKhan said the fares freeze would continue next year, "
                                  "and critics disagreed.\n", "utf-8")
    out = tmp_path / "out"
    r = runner.invoke(app, ["run", str(corpus), "--out", str(out), "--no-store", "--quiet"])
    assert r.exit_code == 0, r.output
    path = out / "extracts" / "actors.yaml"
    text = path.read_text("utf-8")
    assert '- id: "sadiq-khan"' in text and '  - "khan"' in text
    ttl = (out / "graph.ttl").read_text("utf-8")
    assert "owl:sameAs <https://w3id.org/kg/id/actor/khan>" in ttl
    assert "khan" in {a.id for ex in kx.read_dir(out / "extracts") for a in ex.actors}  # the extracts keep it
    path.write_text(text.replace('  - "khan"', "").replace("merge:\n  by", "merge: []\n  by"), "utf-8")
    r = runner.invoke(app, ["run", str(corpus), "--out", str(out), "--no-store", "--quiet"])
    assert r.exit_code == 0, r.output
    assert '  by: "person"' in path.read_text("utf-8")
    ttl = (out / "graph.ttl").read_text("utf-8")
    assert "owl:sameAs" not in ttl and "actor/khan> a kg:Actor" in ttl
