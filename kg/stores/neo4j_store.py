"""Neo4j: load the store-neutral graph with batched ``UNWIND $rows ... MERGE``, and run saved Cypher.

The writer is handed a driver (``Neo4jWriter(driver)``); ``connect`` makes one from a URI, a user and a
password and turns every way that can fail into one ``StoreError`` line that never contains the password.
All Cypher is in this module (the saved queries are in ``queries/*.cypher``). Values reach Cypher only as
parameters; labels and relationship types come from the closed lists of ``kg.graph.model`` and are checked
against them before they are put into a statement.

A load (``Neo4jWriter.load``):

1. reads the graph already in the database that the new extracts touch (the statements, stances and posts
   of their documents, every derived relation), and the stances of the *other* documents, so agreement and
   conflict are derived over everything in the database, not just over the files being loaded;
2. creates the uniqueness constraints (one per primary label) and the ``document`` indexes first;
3. removes what the new extracts no longer contain: the statements, stances and posts of a re-extracted
   document that are gone, relationships that changed, derived relations that no longer hold;
4. writes the nodes, then the relationships, each batch of ``batch_size`` rows in its own transaction:
   ``MERGE`` for what may exist, ``CREATE`` for what step 1 proved absent (the constraints still refuse a
   duplicate node). Each node batch returns the element ids of its nodes, so a relationship row finds both
   ends by element id (a direct seek) instead of two look-ups in the ``id`` indexes; only ends the load does
   not write (stances and statements of other documents) are looked up by label and ``id``.

So loading the same extracts twice changes nothing, and re-extracting one document replaces that
document's statements (with their stances and the derived relations that depended on them) only. Every
input file is read and checked before the first write, so a bad file leaves the database untouched.
Actors, issues and memberships are shared by documents: they are MERGEd, never removed, except those left
with no relationship at all.

Neo4j-only additions to the graph model: ``(:Actor)-[:SUPPORTS|OPPOSES {derived: true}]->(:Issue)``
shortcut edges (one per actor, issue and polarity, with ``count`` and ``evidence``), so the Browser can
draw positions coloured by polarity.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence
from urllib.parse import urlsplit

from kg import extracts as extracts_io
from kg.errors import QueryError, StoreError
from kg.graph.build import add_extract
from kg.graph.derive import derive_relations
from kg.graph.model import EDGE_TYPES, NODE_LABELS, Graph
from kg.queries import QueryResult, SavedQuery
from kg.queries import load as load_query
from kg.records import Extract

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_DATABASE = "neo4j"
DEFAULT_BATCH_SIZE = 5000
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

#: Labels that carry the uniqueness constraint on ``id``; every node has exactly one of them.
PRIMARY_LABELS = ("Actor", "Document", "Post", "Statement", "Issue", "Stance", "Membership", "Agreement",
                  "Conflict")
ACTOR_SUBLABELS = ("Person", "Organization", "Anonymous")
#: Nodes that belong to one document: re-extracting that document replaces them.
DOCUMENT_SCOPED = ("Statement", "Stance", "Post")
DERIVED_LABELS = ("Agreement", "Conflict")
#: Derived Actor -> Actor|Issue shortcut edges, recomputed on every load.
SHORTCUT_TYPES = ("AGREES_WITH", "CONFLICTS_WITH", "SUPPORTS", "OPPOSES")
#: Nodes shared by documents: MERGEd with ``+=``; removed only when nothing points at them any more.
SHARED_LABELS = ("Actor", "Issue", "Membership")
#: The labels at either end of each relationship type when a node is not in the graph being loaded.
ENDPOINTS: dict[str, tuple[str, str]] = {
    "SPOKEN_BY": ("Statement", "Actor"), "FROM_DOCUMENT": ("Statement", "Document"),
    "IN_POST": ("Statement", "Post"), "ABOUT": ("Statement", "Issue"), "REPLY_TO": ("Statement", "Statement"),
    "IN_THREAD": ("Post", "Document"), "CREATED_BY": ("Post", "Actor"), "HAS_MEMBERSHIP": ("Actor", "Membership"),
    "IN_ORGANISATION": ("Membership", "Actor"), "EXPRESSED_IN": ("Stance", "Statement"),
    "HELD_BY": ("Stance", "Actor"), "TARGETS": ("Stance", "Issue"), "SUPPORTS": ("Actor", "Issue"),
    "OPPOSES": ("Actor", "Issue"), "BETWEEN": ("Agreement", "Actor"), "ON_ISSUE": ("Agreement", "Issue"),
    "EVIDENCE": ("Agreement", "Stance"), "AGREES_WITH": ("Actor", "Actor"), "CONFLICTS_WITH": ("Actor", "Actor"),
}

ProgressFn = Callable[[str, int, int], None]
EdgeKey = tuple[str, str, str]

# ------------------------------------------------------------------------------------------ Cypher
# Every statement the writer sends. ``{label}``/``{type}`` are filled only from PRIMARY_LABELS / EDGE_TYPES.
CYPHER_CONSTRAINT = "CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
CYPHER_DOCUMENT_INDEX = "CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.document)"
CYPHER_AWAIT_INDEXES = "CALL db.awaitIndexes(300)"
CYPHER_SCOPED_EDGES = """
UNWIND $documents AS doc
MATCH (n:{label} {{document: doc}})
OPTIONAL MATCH (n)-[r]->(m)
RETURN n.id AS source, type(r) AS type, m.id AS target,
       [l IN labels(m) WHERE l IN $primary][0] AS target_label
"""
CYPHER_DERIVED_EDGES = """
MATCH (n:{label})
OPTIONAL MATCH (n)-[r]->(m)
RETURN n.id AS source, type(r) AS type, m.id AS target,
       [l IN labels(m) WHERE l IN $primary][0] AS target_label
"""
CYPHER_SHORTCUT_EDGES = """
MATCH (a:Actor)-[r:AGREES_WITH|CONFLICTS_WITH|SUPPORTS|OPPOSES]->(m)
RETURN a.id AS source, type(r) AS type, m.id AS target,
       [l IN labels(m) WHERE l IN $primary][0] AS target_label
"""
CYPHER_CONTEXT_STANCES = """
MATCH (st:Stance) WHERE NOT st.document IN $documents
RETURN st.id AS id, st.polarity AS polarity, st.issue AS issue, st.holder AS holder,
       st.statement AS statement, st.document AS document
"""
CYPHER_CONTEXT_REPLIES = """
MATCH (s:Statement)-[:REPLY_TO]->(p:Statement) WHERE NOT s.document IN $documents
MATCH (s)-[:SPOKEN_BY]->(a:Actor)
MATCH (p)-[:SPOKEN_BY]->(b:Actor)
RETURN s.id AS child, s.reply_relation AS relation, a.id AS child_speaker, p.id AS parent,
       b.id AS parent_speaker
"""
CYPHER_ORPHANS = "MATCH (n:{label}) WHERE NOT (n)--() RETURN n.id AS id"
CYPHER_DELETE_NODES = "UNWIND $ids AS id MATCH (n:{label} {{id: id}}) DETACH DELETE n"
CYPHER_DELETE_EDGES = """
UNWIND $rows AS row
MATCH (a:{source} {{id: row.source}})-[r:{type}]->(b:{target} {{id: row.target}})
DELETE r
"""
# Nodes of one document and derived nodes are replaced whole (``=``); shared nodes are merged (``+=``).
CYPHER_MERGE_NODES_REPLACE = """
UNWIND $rows AS row
MERGE (n:{label} {{id: row.id}})
SET n = row.props
RETURN collect([row.id, elementId(n)]) AS eids
"""
CYPHER_MERGE_NODES_UPDATE = """
UNWIND $rows AS row
MERGE (n:{label} {{id: row.id}})
SET n += row.props
RETURN collect([row.id, elementId(n)]) AS eids
"""
CYPHER_MERGE_ACTORS = """
UNWIND $rows AS row
MERGE (n:Actor {{id: row.id}})
WITH n, row, [a IN coalesce(n.aliases, []) WHERE NOT a IN row.props.aliases] AS older
SET n += row.props
SET n.aliases = row.props.aliases + older
REMOVE n:Person:Organization:Anonymous
SET n:{sublabel}
RETURN collect([row.id, elementId(n)]) AS eids
"""
# Nodes and relationships the pre-read proved absent are CREATEd (cheaper than MERGE; the uniqueness
# constraints still refuse a duplicate node, failing that batch).
CYPHER_CREATE_NODES = """
UNWIND $rows AS row
CREATE (n:{label})
SET n = row.props
RETURN collect([row.id, elementId(n)]) AS eids
"""
CYPHER_CREATE_EDGES = """
UNWIND $rows AS row
MATCH (a:{source} {{id: row.source}})
MATCH (b:{target} {{id: row.target}})
CREATE (a)-[r:{type}]->(b)
SET r = row.props
RETURN count(r) AS merged
"""
# Both ends written by this load: found by the element id its node write returned (a direct seek, no index
# look-up); the label check guards against a stale id.
CYPHER_CREATE_EDGES_BY_EID = """
UNWIND $rows AS row
MATCH (a:{source}) WHERE elementId(a) = row.a
MATCH (b:{target}) WHERE elementId(b) = row.b
CREATE (a)-[r:{type}]->(b)
SET r = row.props
RETURN count(r) AS merged
"""
CYPHER_MERGE_EDGES_BY_EID = """
UNWIND $rows AS row
MATCH (a:{source}) WHERE elementId(a) = row.a
MATCH (b:{target}) WHERE elementId(b) = row.b
MERGE (a)-[r:{type}]->(b)
SET r = row.props
RETURN count(r) AS merged
"""
CYPHER_MERGE_EDGES = """
UNWIND $rows AS row
MATCH (a:{source} {{id: row.source}})
MATCH (b:{target} {{id: row.target}})
MERGE (a)-[r:{type}]->(b)
SET r = row.props
RETURN count(r) AS merged
"""
CYPHER_LIST_CONSTRAINTS = "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties RETURN name, labelsOrTypes, properties"


# ---------------------------------------------------------------------------------------- connecting
@dataclass
class Connection:
    """Where a Neo4j server is and who we are there. ``repr`` never shows the password."""

    uri: str = DEFAULT_URI
    user: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str = DEFAULT_DATABASE

    def where(self) -> str:
        return f"Neo4j at {self.uri}"


def check_uri(uri: str) -> None:
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError as exc:
        raise StoreError(f"--uri {uri!r} is not a Neo4j address ({exc}); use bolt://HOST:PORT, "
                         "e.g. bolt://127.0.0.1:7687") from None
    if parts.scheme not in URI_SCHEMES or not parts.hostname:
        raise StoreError(f"--uri {uri!r} is not a Neo4j address: the scheme must be one of "
                         f"{', '.join(URI_SCHEMES)} and a host must follow, e.g. bolt://127.0.0.1:7687")
    if parts.username or parts.password:
        raise StoreError(f"--uri: put the user in --user and the password in NEO4J_PASSWORD, not in the URI "
                         f"(bolt://{parts.hostname}{':' + str(port) if port else ''})")


def translate(exc: Exception, conn: Connection) -> StoreError:
    """One clear line for a driver error; the password never appears in it."""
    from neo4j.exceptions import (AuthError, ClientError, ConfigurationError, DriverError, Neo4jError,
                                  ServiceUnavailable, SessionExpired)

    code = getattr(exc, "code", None) or ""
    if isinstance(exc, AuthError) or "Security.Unauthorized" in code or "AuthenticationRateLimit" in code:
        msg = (f"{conn.where()} refused user {conn.user!r}: wrong user or password; set NEO4J_PASSWORD to the "
               "server's password (the local dev server's default is in docs/neo4j.md)")
    elif isinstance(exc, (ServiceUnavailable, SessionExpired)):
        msg = (f"cannot reach {conn.where()}: no Neo4j server answers there; start one with `kg neo4j start` "
               "or pass the right --uri")
    elif "DatabaseNotFound" in code or "Database.DatabaseNotFound" in code:
        msg = (f"{conn.where()} has no database {conn.database!r}; Neo4j Community has one user database, "
               "'neo4j' (--database neo4j)")
    elif isinstance(exc, ConfigurationError):
        msg = f"cannot connect to {conn.uri!r}: {exc}"
    elif isinstance(exc, (ClientError, Neo4jError)):
        msg = f"{conn.where()} refused a statement: {code or type(exc).__name__}: {getattr(exc, 'message', exc)}"
    elif isinstance(exc, DriverError):
        msg = f"{conn.where()}: {type(exc).__name__}: {exc}"
    else:
        msg = f"{conn.where()}: {type(exc).__name__}: {exc}"
    if conn.password:
        msg = msg.replace(conn.password, "***")
    return StoreError(msg)


def connect(conn: Connection):  # -> neo4j.Driver
    """A verified driver for ``conn`` (the caller closes it), or one ``StoreError`` line."""
    from neo4j import GraphDatabase

    check_uri(conn.uri)
    try:
        driver = GraphDatabase.driver(conn.uri, auth=(conn.user, conn.password), connection_timeout=10,
                                      connection_acquisition_timeout=30, max_transaction_retry_time=10,
                                      notifications_min_severity="OFF")
    except Exception as exc:  # noqa: BLE001 - the driver raises ValueError and its own errors for bad URIs
        raise translate(exc, conn) from None
    try:
        driver.verify_connectivity()
        driver.execute_query("RETURN 1", database_=conn.database)
    except Exception as exc:  # noqa: BLE001
        driver.close()
        raise translate(exc, conn) from None
    return driver


# ------------------------------------------------------------------------------------------ loading
@dataclass
class LoadReport:
    documents: int = 0
    statements: int = 0
    nodes: int = 0
    relationships: int = 0
    deleted_nodes: int = 0
    deleted_relationships: int = 0
    batches: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return self.nodes + self.relationships + self.deleted_nodes + self.deleted_relationships

    def summary(self, where: str = "Neo4j") -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        return (f"loaded {self.documents} document(s), {self.statements} statement(s) into {where}: "
                f"{self.nodes} nodes and {self.relationships} relationships merged, "
                f"{self.deleted_nodes} nodes and {self.deleted_relationships} relationships removed, "
                f"{self.batches} batches in {self.seconds:.1f} s ({rate:,.0f} rows/s)")


def _chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _checked_label(label: str) -> str:
    if label not in NODE_LABELS:
        raise StoreError(f"internal: {label!r} is not a node label of kg.graph.model")
    return label


def _checked_type(type_: str) -> str:
    if type_ not in EDGE_TYPES:
        raise StoreError(f"internal: {type_!r} is not a relationship type of kg.graph.model")
    return type_


def add_position_shortcuts(g: Graph) -> None:
    """``(:Actor)-[:SUPPORTS|OPPOSES {derived, count, evidence}]->(:Issue)`` from the non-neutral stances."""
    grouped: dict[EdgeKey, list[str]] = defaultdict(list)
    for st in g.by_label("Stance"):
        polarity = st.props.get("polarity")
        if polarity in ("support", "oppose"):
            type_ = "SUPPORTS" if polarity == "support" else "OPPOSES"
            grouped[(st.props["holder"], type_, st.props["issue"])].append(st.props["statement"])
    for (holder, type_, issue), statements in sorted(grouped.items()):
        g.add_edge(holder, type_, issue, derived=True, count=len(statements), evidence=sorted(statements))


def _neo4j_value(value: Any) -> Any:
    """Neo4j properties: no nulls inside lists, no nested maps."""
    if isinstance(value, list):
        return [v for v in value if v is not None] if None in value else value  # the check is C-fast
    if isinstance(value, tuple):
        return [v for v in value if v is not None]
    return value


def _props(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` without nulls, as Neo4j stores them (called for every row of a load: kept cheap)."""
    out = {}
    for k, v in props.items():
        if v is None:
            continue
        if isinstance(v, (list, tuple)):
            v = _neo4j_value(v)
        out[k] = v
    return out


@dataclass
class _Plan:
    """What one load writes and removes."""

    graph: Graph
    context_nodes: set[str]
    context_edges: set[EdgeKey]
    documents: list[str]
    statements: int


class Neo4jWriter:
    """Writes ``kg.graph.model`` graphs into Neo4j; handed a driver, closes nothing."""

    def __init__(self, driver: Any, *, database: str = DEFAULT_DATABASE, batch_size: int = DEFAULT_BATCH_SIZE,
                 min_net: int = 1) -> None:
        if batch_size < 1:
            raise StoreError(f"batch size {batch_size} must be at least 1")
        self.driver = driver
        self.database = database
        self.batch_size = batch_size
        self.min_net = min_net

    # -- small helpers -------------------------------------------------------------------------------
    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        records, _, _ = self.driver.execute_query(query, params, database_=self.database, routing_="r")
        return [r.data() for r in records]

    def _write_batches(self, query: str, rows: Sequence[Any], key: str, tick: Callable[[int], None],
                       expect: bool = False, eids: dict[str, str] | None = None) -> int:
        """``query`` once per batch of ``rows``, each batch in its own transaction; returns the batch count.

        With ``eids``, the query returns ``eids``, a list of ``[id, element id]`` of the nodes it wrote; they are
        added to ``eids`` once the batch is committed."""
        n = 0

        def work(tx: Any, batch: Sequence[Any]) -> list[list[str]]:
            result = tx.run(query, {key: list(batch)})
            if eids is not None:  # one record: a list of [id, element id] (a record per row costs more)
                return result.single(strict=True)["eids"]
            if expect:
                merged = result.single()["merged"]
                if merged != len(batch):
                    raise StoreError(f"{len(batch) - merged} relationship(s) could not be attached: an end node "
                                     "is missing from the database; reload every extract of the folder")
            else:
                result.consume()
            return []

        with self.driver.session(database=self.database) as session:
            for batch in _chunks(rows, self.batch_size):
                written = session.execute_write(work, batch)  # one transaction per batch
                if eids is not None:
                    eids.update(written)
                n += 1
                tick(len(batch))
        return n

    # -- schema --------------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Uniqueness constraints on ``id`` for every primary label, and ``document`` indexes, first."""
        with self.driver.session(database=self.database) as session:
            for label in PRIMARY_LABELS:
                name = f"kg_{label.lower()}_id"
                session.run(CYPHER_CONSTRAINT.format(name=name, label=_checked_label(label))).consume()
            for label in DOCUMENT_SCOPED:
                name = f"kg_{label.lower()}_document"
                session.run(CYPHER_DOCUMENT_INDEX.format(name=name, label=_checked_label(label))).consume()
            session.run(CYPHER_AWAIT_INDEXES).consume()

    def constraints(self) -> list[dict[str, Any]]:
        return self._read(CYPHER_LIST_CONSTRAINTS)

    # -- planning ------------------------------------------------------------------------------------
    def plan(self, extracts: Iterable[Extract]) -> _Plan:
        """The graph of ``extracts`` plus derived relations computed over the whole database."""
        g = Graph()
        exs = sorted(extracts, key=lambda e: e.document.id)
        for ex in exs:
            add_extract(g, ex)
        documents = [ex.document.id for ex in exs]
        context_nodes: set[str] = set()
        context_edges: set[EdgeKey] = set()
        for st in self._read(CYPHER_CONTEXT_STANCES, documents=documents):
            if st["id"] in g.nodes:
                continue
            g.add_node(st["id"], ("Stance",), **st)
            context_nodes.add(st["id"])
        for rp in self._read(CYPHER_CONTEXT_REPLIES, documents=documents):
            for sid, speaker in ((rp["child"], rp["child_speaker"]), (rp["parent"], rp["parent_speaker"])):
                if sid not in g.nodes:
                    g.add_node(sid, ("Statement",), id=sid)
                    context_nodes.add(sid)
                context_edges.add(g.add_edge(sid, "SPOKEN_BY", speaker).key)
            g.nodes[rp["child"]].props["reply_relation"] = rp["relation"]
            context_edges.add(g.add_edge(rp["child"], "REPLY_TO", rp["parent"]).key)
        derive_relations(g, min_net=self.min_net)
        add_position_shortcuts(g)
        return _Plan(g, context_nodes, context_edges, documents, sum(len(ex.statements) for ex in exs))

    def _label_of(self, g: Graph, node_id: str, type_: str, side: int) -> str:
        node = g.nodes.get(node_id)
        if node is not None:
            return node.label
        label = ENDPOINTS[type_][side]
        return label

    def _existing(self, documents: list[str]) -> tuple[dict[str, str], dict[EdgeKey, tuple[str, str]]]:
        """Nodes (id -> label) and relationships ((source, type, target) -> labels) a load may replace."""
        nodes: dict[str, str] = {}
        edges: dict[EdgeKey, tuple[str, str]] = {}
        reads = [(CYPHER_SCOPED_EDGES.format(label=_checked_label(lab)), lab, {"documents": documents})
                 for lab in DOCUMENT_SCOPED]
        reads += [(CYPHER_DERIVED_EDGES.format(label=_checked_label(lab)), lab, {}) for lab in DERIVED_LABELS]
        reads.append((CYPHER_SHORTCUT_EDGES, None, {}))
        for query, label, params in reads:
            for row in self._read(query, primary=list(PRIMARY_LABELS), **params):
                if label is not None:
                    nodes[row["source"]] = label
                if row["type"] is not None and row["target_label"] is not None:
                    edges[(row["source"], row["type"], row["target"])] = (label or "Actor", row["target_label"])
        return nodes, edges

    # -- the load ------------------------------------------------------------------------------------
    def load(self, extracts: Iterable[Extract], progress: ProgressFn | None = None) -> LoadReport:
        """Load ``extracts`` (see the module doc): idempotent, document by document replaceable."""
        t0 = time.perf_counter()
        note = progress or (lambda _phase, _done, _total: None)
        report = LoadReport()
        self.ensure_schema()
        plan = self.plan(extracts)
        g = plan.graph
        report.documents, report.statements = len(plan.documents), plan.statements

        nodes = [n for n in g.nodes.values() if n.id not in plan.context_nodes]
        edges = [e for e in g.edges.values() if e.key not in plan.context_edges]
        wanted_nodes = {n.id for n in nodes} | plan.context_nodes
        wanted_edges = {e.key for e in edges} | plan.context_edges

        old_nodes, old_edges = self._existing(plan.documents)
        stale_nodes: dict[str, list[str]] = defaultdict(list)
        for node_id, label in old_nodes.items():
            if node_id not in wanted_nodes:
                stale_nodes[label].append(node_id)
        gone = {i for ids in stale_nodes.values() for i in ids}
        stale_edges: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
        for key, (src_label, tgt_label) in old_edges.items():
            if key not in wanted_edges and key[0] not in gone and key[2] not in gone:
                stale_edges[(src_label, key[1], tgt_label)].append({"source": key[0], "target": key[2]})

        total = len(nodes) + len(edges) + len(gone) + sum(len(v) for v in stale_edges.values())
        done = 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
            note("loading", done, total)

        note("loading", 0, total)
        # 1. what the new extracts no longer contain
        for (src, type_, tgt), rows in sorted(stale_edges.items()):
            query = CYPHER_DELETE_EDGES.format(source=_checked_label(src), type=_checked_type(type_),
                                               target=_checked_label(tgt))
            report.batches += self._write_batches(query, rows, "rows", tick)
            report.deleted_relationships += len(rows)
        for label, ids in sorted(stale_nodes.items()):
            query = CYPHER_DELETE_NODES.format(label=_checked_label(label))
            report.batches += self._write_batches(query, sorted(ids), "ids", tick)
            report.deleted_nodes += len(ids)

        known = DOCUMENT_SCOPED + DERIVED_LABELS

        def edge_groups() -> dict[tuple[str, str, str, bool], list[tuple[str, str, dict[str, Any]]]]:
            """The relationship rows by (source label, type, target label, new), without the ends' element ids."""
            out: dict[tuple[str, str, str, bool], list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
            for e in sorted(edges, key=lambda e: e.key):
                src = self._label_of(g, e.source, e.type, 0)
                tgt = self._label_of(g, e.target, e.type, 1)
                new = (src in known or e.type in SHORTCUT_TYPES) and e.key not in old_edges
                out[(src, e.type, tgt, new)].append((e.source, e.target, _props(e.props)))
            return out

        # 2. the nodes (see _write_nodes)
        eids = self._write_nodes(nodes, old_nodes, known, tick, report)
        prepared = edge_groups()

        # 3. relationships, grouped by (source label, type, target label); ends written above are found by
        #    element id, the others (context nodes of other documents) by label and id
        egroups: dict[tuple[str, str, str, bool, bool], list[dict[str, Any]]] = defaultdict(list)
        for (src, type_, tgt, new), erows in prepared.items():
            for source, target, props in erows:
                a, b = eids.get(source), eids.get(target)
                if a is not None and b is not None:
                    egroups[(src, type_, tgt, new, True)].append({"a": a, "b": b, "props": props})
                else:
                    egroups[(src, type_, tgt, new, False)].append({"source": source, "target": target,
                                                                   "props": props})
        templates = {(True, True): CYPHER_CREATE_EDGES_BY_EID, (False, True): CYPHER_MERGE_EDGES_BY_EID,
                     (True, False): CYPHER_CREATE_EDGES, (False, False): CYPHER_MERGE_EDGES}
        for (src, type_, tgt, new, by_eid), rows in sorted(egroups.items()):
            template = templates[(new, by_eid)]
            query = template.format(source=_checked_label(src), type=_checked_type(type_),
                                    target=_checked_label(tgt))
            report.batches += self._write_batches(query, rows, "rows", tick, expect=True)
            report.relationships += len(rows)

        # 4. shared nodes nothing points at any more (not those the extracts name)
        for label in SHARED_LABELS:
            orphans = [r["id"] for r in self._read(CYPHER_ORPHANS.format(label=label))
                       if r["id"] not in wanted_nodes]
            if orphans:
                report.batches += self._write_batches(CYPHER_DELETE_NODES.format(label=label), orphans, "ids",
                                                      lambda _n: None)
                report.deleted_nodes += len(orphans)
        report.seconds = time.perf_counter() - t0
        return report

    def _write_nodes(self, nodes: list[Any], old_nodes: dict[str, str], known: tuple[str, ...],
                     tick: Callable[[int], None], report: LoadReport) -> dict[str, str]:
        """Step 2 of ``load``: the nodes, grouped by their labels; those of a kind the pre-read covers whole and
        not found are new. Returns node id -> element id for every node written."""
        groups: dict[tuple[tuple[str, ...], bool], list[dict[str, Any]]] = defaultdict(list)
        eids: dict[str, str] = {}  # node id -> element id, for every node this load writes
        for n in sorted(nodes, key=lambda n: n.id):
            new = n.label in known and n.id not in old_nodes
            groups[(n.labels, new)].append({"id": n.id, "props": _props(n.props)})
        for (labels, new), rows in sorted(groups.items()):
            primary = _checked_label(labels[0])
            if new:
                query = CYPHER_CREATE_NODES.format(label=primary)
            elif primary == "Actor":
                sub = next((lab for lab in labels[1:] if lab in ACTOR_SUBLABELS), None)
                if sub is None:
                    raise StoreError(f"internal: actor labels {labels} name no actor type")
                for row in rows:
                    row["props"].setdefault("aliases", [])
                query = CYPHER_MERGE_ACTORS.format(sublabel=_checked_label(sub))
            elif primary in SHARED_LABELS:
                query = CYPHER_MERGE_NODES_UPDATE.format(label=primary)
            else:
                query = CYPHER_MERGE_NODES_REPLACE.format(label=primary)
            report.batches += self._write_batches(query, rows, "rows", tick, eids=eids)
            report.nodes += len(rows)
        return eids


def load_extracts(extracts: Iterable[Extract], conn: Connection, *, batch_size: int = DEFAULT_BATCH_SIZE,
                  progress: ProgressFn | None = None) -> LoadReport:
    """Connect, load, close: one ``StoreError`` line for anything the server refuses."""
    from neo4j.exceptions import DriverError, Neo4jError

    extracts = list(extracts)
    driver = connect(conn)
    try:
        return Neo4jWriter(driver, database=conn.database, batch_size=batch_size).load(extracts, progress)
    except (Neo4jError, DriverError) as exc:
        raise translate(exc, conn) from None
    finally:
        driver.close()


def load_dir(extracts_dir: Path, conn: Connection, *, batch_size: int = DEFAULT_BATCH_SIZE,
             progress: ProgressFn | None = None) -> LoadReport:
    """``kg load neo4j``: read and check every extracts file first, then load them all."""
    extracts = extracts_io.read_dir(Path(extracts_dir))
    return load_extracts(extracts, conn, batch_size=batch_size, progress=progress)


# ------------------------------------------------------------------------------------------ queries
def run_query(driver: Any, query: SavedQuery, params: dict[str, Any], *,
              database: str = DEFAULT_DATABASE) -> QueryResult:
    """Run a saved (or ad-hoc file) Cypher query with ``params`` bound as parameters."""
    from neo4j.exceptions import ClientError

    query.check_params(params)
    missing = [p for p in query.params if p not in params]
    if query.path is not None and missing:
        raise QueryError(f"query {query.name!r} needs --param {missing[0]}=VALUE "
                         f"(it takes {', '.join(query.params)})")
    try:
        records, summary, keys = driver.execute_query(query.text, params, database_=database, routing_="r")
    except ClientError as exc:
        code = exc.code or ""
        if "Statement." in code or "Procedure." in code or "Request." in code:
            where = query.path or query.name
            raise QueryError(f"{where}: Neo4j rejected the query: {exc.message}") from None
        raise
    columns = list(keys)
    if query.columns and query.columns != columns:
        raise QueryError(f"{query.path}: the header promises columns {', '.join(query.columns)} but the "
                         f"query returns {', '.join(columns)}")
    return QueryResult(columns, [dict(zip(columns, r.values())) for r in records])


def query_cypher(name_or_file: str, params: dict[str, Any], conn: Connection) -> QueryResult:
    """``kg query cypher``: load the saved query, connect, run it, close."""
    from neo4j.exceptions import DriverError, Neo4jError

    query = load_query(name_or_file, "cypher")
    query.check_params(params)
    driver = connect(conn)
    try:
        return run_query(driver, query, params, database=conn.database)
    except (Neo4jError, DriverError) as exc:
        raise translate(exc, conn) from None
    finally:
        driver.close()
