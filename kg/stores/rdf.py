"""The graph as linked data: ``kg.graph`` Graph -> rdflib Graph, serialisers by name, SHACL validation.

The RDF is the linked-data form of the store-neutral graph (``kg/graph/model.py``) in the ontology of
``ontology/kg.ttl``: every node gets a content-derived IRI (:func:`kg.namespace.iri` over its graph id)
and ``dcterms:identifier`` with that id, so rebuilding never duplicates and queries return the same ids
as the other stores. Node labels become classes (asserted in full, ``kg:Person`` *and* ``kg:Actor``, so a
store without inference answers by class); edges become the properties listed in :data:`EDGE_PROPERTIES`.

The graph model keeps no document text and no run information, so :func:`to_rdf` takes the extracts too:
the text becomes the document's ``nif:isString`` (what the spans' SHACL check compares against) and each
extract's ``run`` a ``prov:Activity``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import rdflib
from rdflib import RDF, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, SKOS

from kg.errors import ConfigError, KGError
from kg.graph.model import Graph, Node
from kg.ids import digest, slug
from kg.namespace import KG, NIF, PREFIXES, SIOC, iri
from kg.records import Extract

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "kg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
ISSUES_FILE = ONTOLOGY_DIR / "issues.ttl"
DEFAULT_CODEBOOK = ROOT / "kg" / "extract" / "lexicons" / "codebook.yaml"

#: Primary node label -> (IRI kind, classes asserted besides the label-specific ones).
NODE_KINDS: dict[str, str] = {
    "Actor": "actor", "Document": "document", "Post": "post", "Statement": "statement", "Issue": "issue",
    "Stance": "stance", "Membership": "membership", "Agreement": "agreement", "Conflict": "conflict",
}
#: Graph edge type -> RDF property (``None``: written another way, see ``_edge_triples``).
EDGE_PROPERTIES: dict[str, URIRef | None] = {
    "SPOKEN_BY": KG.speaker, "FROM_DOCUMENT": KG.source, "IN_POST": KG.inPost, "ABOUT": KG.about,
    "REPLY_TO": None,  # kg:replyTo between statements, sioc:reply_of between posts
    "IN_THREAD": SIOC.has_container, "CREATED_BY": None,  # post -> account -> actor
    "HAS_MEMBERSHIP": None,  # org:member, from the membership to the actor
    "IN_ORGANISATION": ORG.organization, "EXPRESSED_IN": KG.expressedIn, "HELD_BY": KG.heldBy,
    "TARGETS": KG.targets, "SUPPORTS": KG.supports, "OPPOSES": KG.opposes, "BETWEEN": KG.between,
    "ON_ISSUE": KG.onIssue, "EVIDENCE": KG.evidence, "AGREES_WITH": KG.agreesWith,
    "CONFLICTS_WITH": KG.conflictsWith,
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# ------------------------------------------------------------------------------------------ terms
def _lit(value: Any) -> Literal:
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(value, datatype=XSD.double)
    return Literal(str(value))


def _offset(value: int) -> Literal:
    return Literal(int(value), datatype=XSD.nonNegativeInteger)


def _date(value: str) -> Literal:
    return Literal(value, datatype=XSD.date) if _DATE.match(value) else Literal(value)


def node_iri(node: Node) -> URIRef:
    return iri(NODE_KINDS[node.label], node.id)


# ------------------------------------------------------------------------------------------ codebook
@lru_cache(maxsize=4)
def _codebook(path: Path) -> tuple[str, str, dict[str, dict[str, Any]]]:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the codebook: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("issues"), list):
        raise ConfigError(f"{path}: not a codebook: expected a mapping with a list of `issues`")
    issues: dict[str, dict[str, Any]] = {}
    for n, entry in enumerate(data["issues"]):
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("label"):
            raise ConfigError(f"{path}: issues/{n}: every issue needs an `id` and a `label`")
        issues[str(entry["id"])] = entry
    for entry in issues.values():
        broader = entry.get("broader")
        if broader is not None and str(broader) not in issues:
            raise ConfigError(f"{path}: issue {entry['id']!r}: broader {broader!r} is not an issue of the codebook")
    name = str(data.get("name") or Path(path).stem)
    return name, str(data.get("label") or name), issues


def scheme_iri(codebook_name: str) -> URIRef:
    return iri("scheme", slug(codebook_name))


def codebook_to_skos(path: Path = DEFAULT_CODEBOOK) -> rdflib.Graph:
    """A codebook (YAML: name, label, issues with id, label, description, cues, broader) as a SKOS scheme.

    Issue concepts get the same IRIs as the issues of the data graph, so the two link up when loaded
    together. ``ontology/issues.ttl`` is this function's output for the default codebook."""
    name, label, issues = _codebook(Path(path))
    g = _new_graph()
    scheme = scheme_iri(name)
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, Literal(label, lang="en")))
    g.add((scheme, DCTERMS.identifier, Literal(name)))
    for issue_id, entry in issues.items():
        c = iri("issue", issue_id)
        g.add((c, RDF.type, SKOS.Concept))
        g.add((c, RDF.type, KG.Issue))
        g.add((c, DCTERMS.identifier, Literal(issue_id)))
        g.add((c, SKOS.prefLabel, Literal(str(entry["label"]), lang="en")))
        g.add((c, SKOS.inScheme, scheme))
        if entry.get("description"):
            g.add((c, SKOS.definition, Literal(str(entry["description"]), lang="en")))
        for cue in entry.get("cues") or []:
            g.add((c, SKOS.hiddenLabel, Literal(str(cue), lang="en")))
        broader = entry.get("broader")
        if broader:
            g.add((c, SKOS.broader, iri("issue", str(broader))))
            g.add((iri("issue", str(broader)), SKOS.narrower, c))
        else:
            g.add((c, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, c))
    return g


def write_issues_ttl(out: Path = ISSUES_FILE, codebook: Path = DEFAULT_CODEBOOK) -> Path:
    """Regenerate ``ontology/issues.ttl`` from the codebook (atomically)."""
    from kg.extracts import atomic_write_text

    header = (
        "# The SKOS scheme of the default policing issues.\n"
        f"# Generated from {codebook.relative_to(ROOT) if codebook.is_relative_to(ROOT) else codebook} by\n"
        "# kg.stores.rdf.write_issues_ttl(); do not edit by hand (a test checks it is in sync).\n"
    )
    body = codebook_to_skos(codebook).serialize(format="turtle")
    atomic_write_text(Path(out), header + body)
    return Path(out)


# ------------------------------------------------------------------------------------------ graph
def _new_graph() -> rdflib.Graph:
    g = rdflib.Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


def to_rdf(graph: Graph, extracts: Iterable[Extract] = (), *, codebook: Path | None = DEFAULT_CODEBOOK
           ) -> rdflib.Graph:
    """The linked-data form of ``graph``; ``extracts`` add document texts (NIF contexts) and runs (PROV)."""
    g = _new_graph()
    add = g.add
    extracts = list(extracts)
    texts: dict[str, str] = {ex.document.id: ex.document.text for ex in extracts if ex.document.text}
    known: dict[str, dict[str, Any]] = {}
    scheme: URIRef | None = None
    if codebook is not None:
        name, _, known = _codebook(Path(codebook))
        scheme = scheme_iri(name)

    for node in graph.nodes.values():
        if node.label not in NODE_KINDS:
            raise KGError(f"graph node {node.id!r} has label {node.label!r}, which has no RDF form")
        s = node_iri(node)
        p = node.props
        add((s, DCTERMS.identifier, Literal(node.id)))
        for label in node.labels:
            add((s, RDF.type, ORG.Membership if label == "Membership" else KG[label]))
        text = (texts.get(node.id) or p.get("text")) if node.label == "Document" else None
        _NODE_BUILDERS[node.label](g, s, node, text)

    for issue in graph.by_label("Issue"):
        entry = known.get(issue.id)
        if entry is not None and scheme is not None:
            s = node_iri(issue)
            add((s, SKOS.inScheme, scheme))
            if entry.get("broader"):
                add((s, SKOS.broader, iri("issue", str(entry["broader"]))))

    members: dict[str, list[str]] = {}
    for edge in graph.edges_of_type("HAS_MEMBERSHIP"):
        members.setdefault(edge.target, []).append(edge.source)
    for edge in graph.edges.values():
        _edge_triples(g, graph, edge.source, edge.type, edge.target, members)

    # Derived shortcuts from the stances (kg:supports / kg:opposes), as the model describes them.
    for st in graph.by_label("Stance"):
        pol = st.props.get("polarity")
        if pol in ("support", "oppose") and st.props.get("holder") in graph.nodes:
            add((iri("actor", st.props["holder"]), KG.supports if pol == "support" else KG.opposes,
                 iri("issue", st.props["issue"])))

    # Spans reproduce their text: anchor posts and membership evidence in the document text.
    for node in graph.by_label("Post"):
        text = texts.get(node.props.get("document", ""))
        if text is not None:
            add((node_iri(node), NIF.anchorOf, Literal(text[node.props["start"]:node.props["end"]])))
    for node in graph.by_label("Membership"):
        _membership_span(g, node, texts.get(node.props.get("document") or ""))

    stances_by_doc: dict[str, list[Node]] = {}
    for st in graph.by_label("Stance"):
        stances_by_doc.setdefault(st.props.get("document") or "", []).append(st)
    for ex in extracts:
        _run_triples(g, graph, ex, stances_by_doc.get(ex.document.id, []))
    return g


def _document(g: rdflib.Graph, s: URIRef, node: Node, text: str | None) -> None:
    p = node.props
    g.add((s, RDF.type, KG.Article if p.get("kind") == "article" else KG.Thread))
    g.add((s, RDF.type, NIF.Context))
    for prop, key in ((DCTERMS.title, "title"), (DCTERMS.source, "source"), (KG.textSha256, "text_sha256")):
        if p.get(key) is not None:
            g.add((s, prop, Literal(str(p[key]))))
    if p.get("published"):
        g.add((s, DCTERMS.issued, _date(p["published"])))
    if text is not None:
        g.add((s, NIF.isString, Literal(text)))


def _actor(g: rdflib.Graph, s: URIRef, node: Node, _text: str | None) -> None:
    p = node.props
    g.add((s, FOAF.name, Literal(p.get("name") or node.id)))
    for alias in p.get("aliases") or []:
        g.add((s, SKOS.altLabel, Literal(alias)))
    for other in p.get("same_as") or []:  # actor ids the actor file merged into this one (kg.graph.resolve)
        g.add((s, OWL.sameAs, iri("actor", other)))


def _post(g: rdflib.Graph, s: URIRef, node: Node, _text: str | None) -> None:
    p = node.props
    g.add((s, RDF.type, SIOC.Post))
    g.add((s, RDF.type, NIF.OffsetBasedString))
    g.add((s, KG.postIndex, Literal(int(p["index"]), datatype=XSD.integer)))
    g.add((s, KG.opening, Literal(bool(p.get("opening")))))
    g.add((s, NIF.beginIndex, _offset(p["start"])))
    g.add((s, NIF.endIndex, _offset(p["end"])))
    g.add((s, NIF.referenceContext, iri("document", p["document"])))
    if p.get("published"):
        g.add((s, DCTERMS.created, _date(p["published"])))


def _statement(g: rdflib.Graph, s: URIRef, node: Node, _text: str | None) -> None:
    p = node.props
    g.add((s, RDF.type, NIF.OffsetBasedString))
    g.add((s, NIF.anchorOf, Literal(p["text"])))
    g.add((s, NIF.beginIndex, _offset(p["start"])))
    g.add((s, NIF.endIndex, _offset(p["end"])))
    g.add((s, NIF.referenceContext, iri("document", p["document"])))
    g.add((s, KG.kind, Literal(p["kind"])))
    g.add((s, KG.polarity, Literal(p.get("stance") or "neutral")))
    g.add((s, KG.confidence, Literal(float(p.get("confidence", 0.5)), datatype=XSD.double)))
    for prop, key in ((KG.cue, "cue"), (KG.target, "target"), (KG.replyRelation, "reply_relation")):
        if p.get(key) is not None:
            g.add((s, prop, Literal(str(p[key]))))
    if p.get("published"):
        g.add((s, DCTERMS.issued, _date(p["published"])))


def _issue(g: rdflib.Graph, s: URIRef, node: Node, _text: str | None) -> None:
    g.add((s, RDF.type, SKOS.Concept))
    g.add((s, SKOS.prefLabel, Literal(node.props.get("label") or node.id)))


def _stance(g: rdflib.Graph, s: URIRef, node: Node, _text: str | None) -> None:
    p = node.props
    g.add((s, KG.polarity, Literal(p["polarity"])))
    g.add((s, KG.strength, Literal(float(p["strength"]), datatype=XSD.double)))
    g.add((s, KG.confidence, Literal(float(p["confidence"]), datatype=XSD.double)))
    if p.get("target") is not None:
        g.add((s, KG.target, Literal(str(p["target"]))))


def _membership(g: rdflib.Graph, s: URIRef, node: Node, _text: str | None) -> None:
    p = node.props
    role = iri("role", slug(p["role"]))
    g.add((s, ORG.role, role))
    g.add((role, RDF.type, ORG.Role))
    g.add((role, SKOS.prefLabel, Literal(p["role"].lower())))


def _relation(g: rdflib.Graph, s: URIRef, node: Node, _text: str | None) -> None:
    p = node.props
    g.add((s, RDF.type, KG.DerivedRelation))
    g.add((s, KG.mode, Literal(p["mode"])))
    g.add((s, KG.weight, Literal(float(p.get("weight", 0.0)), datatype=XSD.double)))
    for st in p.get("evidence") or []:
        g.add((s, KG.evidenceStatement, iri("statement", st)))


_NODE_BUILDERS: dict[str, Callable[[rdflib.Graph, URIRef, Node, str | None], None]] = {
    "Document": _document, "Actor": _actor, "Post": _post, "Statement": _statement, "Issue": _issue,
    "Stance": _stance, "Membership": _membership, "Agreement": _relation, "Conflict": _relation,
}


def _edge_triples(g: rdflib.Graph, graph: Graph, source: str, type_: str, target: str,
                  members: Mapping[str, list[str]]) -> None:
    src, dst = graph.nodes.get(source), graph.nodes.get(target)
    if src is None or dst is None:
        missing = source if src is None else target
        raise KGError(f"graph edge {source} -[{type_}]-> {target}: node {missing!r} is not in the graph")
    s, o = node_iri(src), node_iri(dst)
    if type_ == "REPLY_TO":
        g.add((s, SIOC.reply_of if src.label == "Post" else KG.replyTo, o))
    elif type_ == "CREATED_BY":
        account = iri("account", dst.id)
        g.add((s, SIOC.has_creator, account))
        g.add((account, RDF.type, SIOC.UserAccount))
        g.add((account, SIOC.account_of, o))
    elif type_ == "HAS_MEMBERSHIP":
        g.add((o, ORG.member, s))
    elif type_ == "IN_THREAD":
        g.add((s, SIOC.has_container, o))
        g.add((o, SIOC.container_of, s))
    else:
        prop = EDGE_PROPERTIES.get(type_)
        if prop is None:
            raise KGError(f"graph edge type {type_!r} has no RDF property")
        g.add((s, prop, o))
    if type_ == "IN_ORGANISATION":
        # W3C ORG: the role in that organisation is also a post (position) the actor holds.
        m = src.props
        position = iri("position", digest(slug(m["role"]), dst.id))
        g.add((position, RDF.type, ORG.Post))
        g.add((position, ORG.role, iri("role", slug(m["role"]))))
        g.add((position, ORG.postIn, o))
        for holder in members.get(source, []):
            g.add((position, ORG.heldBy, iri("actor", holder)))


def _membership_span(g: rdflib.Graph, node: Node, text: str | None) -> None:
    p = node.props
    s = node_iri(node)
    doc = p.get("document")
    if not doc:
        return
    start, end = p.get("start"), p.get("end")
    if start is None or end is None:
        g.add((s, PROV.wasDerivedFrom, iri("document", doc)))
        return
    span = iri("span", f"{doc}:{start}-{end}")
    g.add((s, PROV.wasDerivedFrom, span))
    g.add((span, RDF.type, NIF.OffsetBasedString))
    g.add((span, NIF.beginIndex, _offset(start)))
    g.add((span, NIF.endIndex, _offset(end)))
    g.add((span, NIF.referenceContext, iri("document", doc)))
    if text is not None:
        g.add((span, NIF.anchorOf, Literal(text[start:end])))


def _correction_triples(g: rdflib.Graph, graph: Graph, ex: Extract) -> None:
    """A statement a person corrected (or added) is attributed to that person (PROV), each field they decided
    named by ``kg:correctedField``."""
    for st in ex.statements:
        if not st.corrected or st.id not in graph.nodes:
            continue
        s = iri("statement", st.id)
        for name in sorted(st.corrected):
            g.add((s, KG.correctedField, Literal(name)))
        for who in sorted({c.get("by") or "person" for c in st.corrected.values()}):
            agent = iri("coder", slug(who))
            g.add((agent, RDF.type, PROV.Person))
            g.add((agent, FOAF.name, Literal(who)))
            g.add((s, PROV.wasAttributedTo, agent))


def _run_triples(g: rdflib.Graph, graph: Graph, ex: Extract, stances: list[Node]) -> None:
    _correction_triples(g, graph, ex)
    run = {k: str(v) for k, v in (ex.run or {}).items() if v is not None}
    if not run:
        return
    doc = ex.document.id
    run_id = digest(doc, *sorted(f"{k}={v}" for k, v in run.items()))
    activity = iri("run", run_id)
    g.add((activity, RDF.type, KG.ExtractionRun))
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, PROV.used, iri("document", doc)))
    software = run.get("software") or run.get("version")
    if software:
        agent = iri("software", slug(software))
        g.add((agent, RDF.type, PROV.SoftwareAgent))
        g.add((agent, FOAF.name, Literal(software)))
        g.add((activity, PROV.wasAssociatedWith, agent))
        assoc = iri("association", run_id)
        g.add((activity, PROV.qualifiedAssociation, assoc))
        g.add((assoc, RDF.type, PROV.Association))
        g.add((assoc, PROV.agent, agent))
        if run.get("model"):
            plan = iri("model", slug(run["model"]))
            g.add((plan, RDF.type, PROV.Plan))
            g.add((plan, FOAF.name, Literal(run["model"])))
            g.add((assoc, PROV.hadPlan, plan))
    if run.get("codebook"):
        g.add((activity, PROV.used, scheme_iri(run["codebook"])))
    for st in ex.statements:
        if st.id in graph.nodes and "statement" not in st.corrected:  # not one a person added
            g.add((iri("statement", st.id), PROV.wasGeneratedBy, activity))
    for node in stances:
        g.add((node_iri(node), PROV.wasGeneratedBy, activity))


# ------------------------------------------------------------------------------------------ formats
@dataclass(frozen=True)
class RdfFormat:
    name: str
    rdflib_format: str
    suffixes: tuple[str, ...]
    media_type: str


FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("ttl", "turtle", (".ttl",), "text/turtle"),
        RdfFormat("nt", "nt", (".nt",), "application/n-triples"),
        RdfFormat("jsonld", "json-ld", (".jsonld", ".json"), "application/ld+json"),
    )
}


def format_for(out: Path, name: str | None = None) -> RdfFormat:
    """The serialiser named ``name``, else the one for ``out``'s suffix."""
    if name is not None:
        if name not in FORMATS:
            raise ConfigError(f"unknown RDF format {name!r}; one of {', '.join(FORMATS)}")
        return FORMATS[name]
    suffix = Path(out).suffix.lower()
    for f in FORMATS.values():
        if suffix in f.suffixes:
            return f
    known = ", ".join(s for f in FORMATS.values() for s in f.suffixes)
    raise ConfigError(f"{out}: cannot tell the RDF format from the suffix {suffix or '(none)'!r}; "
                      f"use one of {known} or --format {'|'.join(FORMATS)}")


def serialize(g: rdflib.Graph, fmt: str | RdfFormat) -> bytes:
    f = fmt if isinstance(fmt, RdfFormat) else format_for(Path("x"), fmt)
    if f.name == "jsonld":
        context = {k: v for k, v in PREFIXES.items()}
        data = g.serialize(format="json-ld", context=context, auto_compact=True, indent=1)
    else:
        data = g.serialize(format=f.rdflib_format)
    return data.encode("utf-8") if isinstance(data, str) else data


def write_rdf(graph: Graph, out: Path, *, extracts: Iterable[Extract] = (), fmt: str | None = None) -> Path:
    """Write ``graph`` as RDF to ``out`` (format by name or from the suffix), atomically.

    Pass the ``extracts`` the graph was built from: they add the document texts (so spans can be checked
    against them) and the extraction runs."""
    from kg.extracts import atomic_write_bytes

    f = format_for(out, fmt)
    data = serialize(to_rdf(graph, extracts), f)
    try:
        atomic_write_bytes(Path(out), data)
    except OSError as exc:
        raise KGError(f"{out}: cannot write the export: {exc.strerror or exc}") from None
    return Path(out)


@dataclass
class ExportStats:
    out: Path
    format: str
    documents: int
    triples: int
    nodes: int


def export_rdf(extracts_dir: Path, out: Path, *, fmt: str | None = None, min_net: int = 1,
               progress: Callable[[str], None] | None = None) -> ExportStats:
    """Read the extracts, build the graph and write it to ``out`` as RDF (atomically)."""
    from kg.extracts import atomic_write_bytes, read_dir
    from kg.graph.build import build_graph
    from kg.graph.resolve import resolve

    f = format_for(out, fmt)
    extracts = read_dir(Path(extracts_dir))
    if progress:
        progress(f"building the graph of {len(extracts)} document(s)")
    graph = build_graph(extracts, min_net=min_net, resolution=resolve(extracts, extracts_dir))
    g = to_rdf(graph, extracts)
    if progress:
        progress(f"writing {len(g)} triples as {f.name}")
    try:
        atomic_write_bytes(Path(out), serialize(g, f))
    except OSError as exc:
        raise KGError(f"{out}: cannot write the export: {exc.strerror or exc}") from None
    return ExportStats(Path(out), f.name, len(extracts), len(g), len(graph.nodes))


# ------------------------------------------------------------------------------------------ SHACL
@dataclass
class ValidationReport:
    conforms: bool
    text: str
    violations: list[tuple[str, str, str]]  # (offending node, path or constraint, message)


#: The node the graph-wide SPARQL rules of the shapes hang off (they report the offending node as sh:value).
GRAPH_ANCHOR = URIRef("https://w3id.org/kg/shapes#graph")


@lru_cache(maxsize=1)
def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES_FILE, format="turtle")


@lru_cache(maxsize=1)
def ontology_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")


def validate(data: rdflib.Graph) -> ValidationReport:
    """Check ``data`` against ``ontology/shapes.ttl`` with pySHACL (SHACL Core + SHACL-SPARQL)."""
    from pyshacl import validate as shacl_validate

    conforms, report, text = shacl_validate(data, shacl_graph=shapes_graph(), inference="none",
                                            advanced=True, allow_warnings=False)
    if not isinstance(report, rdflib.Graph):  # pySHACL could not run the shapes at all
        raise KGError(f"{SHAPES_FILE}: pySHACL cannot apply the shapes: {text.strip().splitlines()[-1]}")
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(r, SH.value) if report.value(r, SH.focusNode) == GRAPH_ANCHOR else None
        focus = focus or report.value(r, SH.focusNode)
        path = report.value(r, SH.resultPath) or report.value(r, SH.sourceConstraintComponent)
        message = report.value(r, SH.resultMessage)
        violations.append((str(focus), str(path), str(message)))
    return ValidationReport(bool(conforms), text, sorted(violations))
