"""The RDF vocabularies of ``kg``, as closed namespaces: a mistyped term raises instead of minting an IRI.

``KG`` mirrors ``ontology/kg.ttl`` term for term (a test checks both directions). ``NIF`` and ``SIOC`` hold
the few terms of those vocabularies that ``kg`` uses (rdflib ships PROV, ORG, SKOS, FOAF, DCTERMS, SDO).

Data IRIs are minted in one place, :func:`iri`: ``https://w3id.org/kg/id/{kind}/{id}`` with the id
percent-encoded, so a graph-model id (content-derived, see ``kg.ids``) maps to exactly one IRI and no text
of a document is ever pasted into an IRI unescaped.
"""

from __future__ import annotations

from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/kg/ontology"
KG_NS = ONTOLOGY_IRI + "#"
DATA_NS = "https://w3id.org/kg/id/"

#: The kinds of data IRIs (the path segment after ``DATA_NS``).
IRI_KINDS = (
    "actor", "document", "post", "statement", "issue", "stance", "membership", "agreement", "conflict",
    "role", "position", "span", "account", "run", "software", "model", "association", "scheme", "coder",
)


class KG(DefinedNamespace):
    """Terms of ``ontology/kg.ttl``."""

    _NS = Namespace(KG_NS)
    _fail = True

    # classes
    Actor: URIRef
    Person: URIRef
    Organization: URIRef
    Anonymous: URIRef
    Document: URIRef
    Article: URIRef
    Thread: URIRef
    Post: URIRef
    Statement: URIRef
    Issue: URIRef
    Stance: URIRef
    DerivedRelation: URIRef
    Agreement: URIRef
    Conflict: URIRef
    ExtractionRun: URIRef
    # statements
    speaker: URIRef
    source: URIRef
    inPost: URIRef
    about: URIRef
    replyTo: URIRef
    replyRelation: URIRef
    correctedField: URIRef
    kind: URIRef
    cue: URIRef
    textSha256: URIRef
    postIndex: URIRef
    opening: URIRef
    # stances
    expressedIn: URIRef
    heldBy: URIRef
    targets: URIRef
    polarity: URIRef
    strength: URIRef
    confidence: URIRef
    target: URIRef
    derivedRelation: URIRef
    supports: URIRef
    opposes: URIRef
    # agreement and conflict
    between: URIRef
    onIssue: URIRef
    evidence: URIRef
    evidenceStatement: URIRef
    mode: URIRef
    weight: URIRef
    agreesWith: URIRef
    conflictsWith: URIRef


class NIF(DefinedNamespace):
    """NIF 2.1 core: the terms ``kg`` uses for text spans."""

    _NS = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
    _fail = True

    Context: URIRef
    OffsetBasedString: URIRef
    isString: URIRef
    beginIndex: URIRef
    endIndex: URIRef
    anchorOf: URIRef
    referenceContext: URIRef


class SIOC(DefinedNamespace):
    """SIOC core: the terms ``kg`` uses for comment threads."""

    _NS = Namespace("http://rdfs.org/sioc/ns#")
    _fail = True

    Post: URIRef
    Thread: URIRef
    UserAccount: URIRef
    has_container: URIRef
    container_of: URIRef
    reply_of: URIRef
    has_creator: URIRef
    account_of: URIRef


#: Prefixes bound in every export and offered to every SPARQL query.
PREFIXES: dict[str, str] = {
    "kg": KG_NS,
    "kgid": DATA_NS,
    "nif": str(NIF._NS),
    "sioc": str(SIOC._NS),
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}


def iri(kind: str, id_: str) -> URIRef:
    """The IRI of a node of ``kind`` with graph-model id ``id_`` (every character outside
    ``A-Z a-z 0-9 - . _ ~`` percent-encoded)."""
    if kind not in IRI_KINDS:
        raise ValueError(f"unknown IRI kind {kind!r}; one of {', '.join(IRI_KINDS)}")
    if not id_:
        raise ValueError(f"empty id for a {kind} IRI")
    return URIRef(f"{DATA_NS}{kind}/{quote(id_, safe='-._~')}")
