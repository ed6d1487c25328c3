"""The ontology, its mirror in code, the issue scheme and the shapes file."""

from __future__ import annotations

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS

from kg.namespace import DATA_NS, KG, KG_NS, NIF, SIOC, iri
from kg.stores import rdf as kgrdf

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(kgrdf.ONTOLOGY_FILE, format="turtle")


def _ontology_terms(g: rdflib.Graph) -> set[str]:
    return {str(s)[len(KG_NS):] for s in g.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(KG_NS)}


def test_every_ontology_term_is_in_the_namespace_class_and_back(ontology: rdflib.Graph) -> None:
    in_code = {name for name in KG.__annotations__ if not name.startswith("_")}
    in_ontology = _ontology_terms(ontology)
    assert in_ontology, "the ontology declares no kg: terms"
    assert in_ontology - in_code == set(), "terms of ontology/kg.ttl missing from kg.namespace.KG"
    assert in_code - in_ontology == set(), "terms of kg.namespace.KG missing from ontology/kg.ttl"


def test_every_term_is_declared_labelled_and_explained(ontology: rdflib.Graph) -> None:
    declared = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    for name in KG.__annotations__:
        term = KG[name]
        assert set(ontology.objects(term, RDF.type)) & declared, f"kg:{name} has no OWL type"
        assert ontology.value(term, RDFS.label) is not None, f"kg:{name} has no rdfs:label"
        assert ontology.value(term, RDFS.comment) is not None, f"kg:{name} has no rdfs:comment"


def test_every_term_the_code_writes_is_in_the_ontology(small_extracts) -> None:
    from kg.extracts import read_dir
    from kg.graph.build import build_graph

    extracts = read_dir(small_extracts)
    g = kgrdf.to_rdf(build_graph(extracts), extracts)
    used = {str(t)[len(KG_NS):] for triple in g for t in triple if str(t).startswith(KG_NS)}
    assert used <= set(KG.__annotations__)
    # and the exported classes are the ontology's, reused vocabularies included
    assert (None, RDF.type, KG.Stance) in g and (None, RDF.type, NIF.OffsetBasedString) in g
    assert (None, RDF.type, SIOC.Post) in g


@pytest.mark.parametrize("ns,term", [(KG, "Statment"), (KG, "speakr"), (NIF, "beginIdx"), (SIOC, "replyOf")])
def test_a_mistyped_term_raises(ns, term: str) -> None:
    with pytest.raises(AttributeError):
        getattr(ns, term)
    with pytest.raises(AttributeError):
        ns[term]


def test_reused_vocabularies_are_the_standard_ones(ontology: rdflib.Graph) -> None:
    PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
    assert (KG.speaker, RDFS.subPropertyOf, PROV.wasAttributedTo) in ontology
    assert (KG.source, RDFS.subPropertyOf, PROV.wasQuotedFrom) in ontology
    assert (KG.Issue, RDFS.subClassOf, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#Concept")) in ontology
    assert (KG.Statement, RDFS.subClassOf, NIF.OffsetBasedString) in ontology
    assert (KG.Post, RDFS.subClassOf, SIOC.Post) in ontology
    assert (KG.ExtractionRun, RDFS.subClassOf, PROV.Activity) in ontology


@pytest.mark.parametrize("id_,expected", [
    ("ken-marsh", DATA_NS + "actor/ken-marsh"),
    ("doc#post-1", DATA_NS + "actor/doc%23post-1"),
    ("a b/c?d>e", DATA_NS + "actor/a%20b%2Fc%3Fd%3Ee"),
    ("Victims’", DATA_NS + "actor/Victims%E2%80%99"),
])
def test_iris_escape_ids(id_: str, expected: str) -> None:
    assert str(iri("actor", id_)) == expected


def test_iri_rejects_unknown_kinds_and_empty_ids() -> None:
    with pytest.raises(ValueError, match="unknown IRI kind"):
        iri("acter", "x")
    with pytest.raises(ValueError, match="empty id"):
        iri("actor", "")


def test_shipped_issue_scheme_is_in_sync_with_the_codebook() -> None:
    from rdflib.compare import isomorphic

    shipped = rdflib.Graph().parse(kgrdf.ISSUES_FILE, format="turtle")
    generated = kgrdf.codebook_to_skos(kgrdf.DEFAULT_CODEBOOK)
    assert isomorphic(shipped, generated), "ontology/issues.ttl is stale: run kg.stores.rdf.write_issues_ttl()"


def test_issue_scheme_has_the_default_policing_issues() -> None:
    SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    g = kgrdf.codebook_to_skos(kgrdf.DEFAULT_CODEBOOK)
    labels = {str(o) for o in g.objects(None, SKOS.prefLabel)}
    for label in ("trust in the police", "police numbers", "stop and search", "knife crime", "violent crime",
                  "detail of the plan", "police pay and conditions", "police funding", "online fraud"):
        assert label in labels
    knife = iri("issue", "knife-crime")
    assert (knife, SKOS.broader, iri("issue", "violent-crime")) in g
    assert (knife, SKOS.inScheme, kgrdf.scheme_iri("policing")) in g
    assert len(set(g.subjects(RDF.type, SKOS.ConceptScheme))) == 1


def test_codebook_with_an_unknown_broader_issue_is_refused(tmp_path) -> None:
    from kg.errors import ConfigError

    bad = tmp_path / "book.yaml"
    bad.write_text("name: mine\nissues:\n  - {id: a, label: A, broader: nowhere}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="broader 'nowhere'"):
        kgrdf.codebook_to_skos(bad)


def test_shapes_cover_the_invariants() -> None:
    shapes = kgrdf.shapes_graph()
    targets = set(shapes.objects(None, SH.targetClass))
    for cls in (KG.Statement, KG.Stance, KG.DerivedRelation, KG.Document, KG.Actor, KG.Issue):
        assert cls in targets
    assert len(list(shapes.objects(None, SH.sparql))) >= 6
