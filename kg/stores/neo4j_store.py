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
   document that are gone, relationships that changed, derived relations that no longer hold (a document's
   new statements, stances and posts may be written before: their ids differ from those removed);
4. writes the nodes, then the relationships, each batch of ``batch_size`` rows in its own transaction:
   ``MERGE`` for what may exist, ``CREATE`` (with the property keys spelt out, see ``_inline``) for what
   step 1 proved absent (the constraints still refuse a duplicate node). Each node batch returns the element
   ids of its nodes, so a relationship row finds both ends by element id (a direct seek) instead of two
   look-ups in the ``id`` indexes.

The writing is a pipeline (``_Writes``): ``workers`` sessions (2 by default) take batches from a queue while
this thread prepares the next ones: each document's statements, stances and posts are written while the
graph of the later documents is still being built, the other extracted nodes while agreement and conflict
are derived, and a group of relationships is queued as soon as the nodes at its ends are committed.

So loading the same extracts twice changes nothing, and re-extracting one document replaces that
document's statements (with their stances and the derived relations that depended on them) only. Every
input file is read and checked before the first write, so a bad file leaves the database untouched.
Actors, issues and memberships are shared by documents: they are MERGEd, never removed, except those left
with no relationship at all.

Actors the actor file merges (``kg.graph.resolve``) are one node with ``same_as`` (the merged ids) and
``resolved_by``; both are set on every load, so a merge undone in the file leaves no stale ``same_as``.

Neo4j-only additions to the graph model: ``(:Actor)-[:SUPPORTS|OPPOSES {derived: true}]->(:Issue)``
shortcut edges (one per actor, issue and polarity, with ``count`` and ``evidence``), so the Browser can
draw positions coloured by polarity.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence
from urllib.parse import urlsplit

from kg import extracts as extracts_io
from kg.errors import QueryError, StoreError
from kg.graph.build import add_extract
from kg.graph.derive import derive_relations
from kg.graph.model import EDGE_TYPES, NODE_LABELS, Graph, Node, no_gc_pauses
from kg.graph.resolve import Resolution
from kg.queries import QueryResult, SavedQuery
from kg.queries import load as load_query
from kg.records import Extract

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_DATABASE = "neo4j"
DEFAULT_BATCH_SIZE = 5000
#: Sessions writing side by side (see benchmarks/neo4j.md for the measurements behind the default).
DEFAULT_WORKERS = 2
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

#: Labels that carry the uniqueness constraint on ``id``; every node has exactly one of them.
PRIMARY_LABELS = ("Actor", "Document", "Post", "Statement", "Issue", "Stance", "Membership", "Agreement",
                  "Conflict")
ACTOR_SUBLABELS = ("Person", "Organization", "Anonymous")
#: Nodes that belong to one document: re-extracting that document replaces them.
DOCUMENT_SCOPED = ("Statement", "Stance", "Post")
DERIVED_LABELS = ("Agreement", "Conflict")
#: Labels the pre-read covers whole: a node (and a relationship from it) of these that it did not find is new.
NEW_WHEN_ABSENT = DOCUMENT_SCOPED + DERIVED_LABELS
#: Derived Actor -> Actor|Issue shortcut edges, recomputed on every load.
SHORTCUT_TYPES = ("AGREES_WITH", "CONFLICTS_WITH", "SUPPORTS", "OPPOSES")
#: Nodes shared by documents: MERGEd with ``+=``; removed only when nothing points at them any more.
SHARED_LABELS = ("Actor", "Issue", "Membership")
_NEW_WHEN_ABSENT, _SHORTCUT_TYPES = frozenset(NEW_WHEN_ABSENT), frozenset(SHORTCUT_TYPES)
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
       st.statement AS statement, st.document AS document, elementId(st) AS eid
"""
CYPHER_CONTEXT_REPLIES = """
MATCH (s:Statement)-[:REPLY_TO]->(p:Statement) WHERE NOT s.document IN $documents
MATCH (s)-[:SPOKEN_BY]->(a:Actor)
MATCH (p)-[:SPOKEN_BY]->(b:Actor)
RETURN s.id AS child, s.reply_relation AS relation, a.id AS child_speaker, p.id AS parent,
       b.id AS parent_speaker, elementId(s) AS child_eid, elementId(p) AS parent_eid
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
SET n.same_as = row.props.same_as, n.resolved_by = row.props.resolved_by
REMOVE n:Person:Organization:Anonymous
SET n:{sublabel}
RETURN collect([row.id, elementId(n)]) AS eids
"""
CYPHER_MERGE_EDGES_BY_EID = """
UNWIND $rows AS row
MATCH (a:{source}) WHERE elementId(a) = row[0]
MATCH (b:{target}) WHERE elementId(b) = row[1]
MERGE (a)-[r:{type}]->(b)
SET r = row[2]
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
# Nodes and relationships the pre-read proved absent are CREATEd (cheaper than MERGE; the uniqueness
# constraints still refuse a duplicate node, failing that batch). Their properties are spelt out key by key
# (``_inline``): ``SET n = row.props`` hides which keys it writes, and the planner then buffers all rows of a
# batch before each write (an Eager operator), which costs about a third of the rate.
def _create_nodes_query(label: str, keys: Iterable[str]) -> str:
    return (f"UNWIND $rows AS row\nCREATE (n:{_checked_label(label)} {_inline('row.props', keys)})\n"
            "RETURN collect([row.id, elementId(n)]) AS eids")


def _create_edges_query(source: str, type_: str, target: str, keys: Iterable[str], by_eid: bool) -> str:
    """Both ends found by the element id their node write returned (a direct seek; the label check guards
    against a stale id), or by label and ``id`` for ends this load did not write."""
    if by_eid:
        ends = (f"MATCH (a:{_checked_label(source)}) WHERE elementId(a) = row[0]\n"
                f"MATCH (b:{_checked_label(target)}) WHERE elementId(b) = row[1]\n")
    else:
        ends = (f"MATCH (a:{_checked_label(source)} {{id: row.source}})\n"
                f"MATCH (b:{_checked_label(target)} {{id: row.target}})\n")
    props = "row[2]" if by_eid else "row.props"
    return (f"UNWIND $rows AS row\n{ends}CREATE (a)-[r:{_checked_type(type_)} {_inline(props, keys)}]->(b)\n"
            "RETURN count(r) AS merged")


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


# The driver logs what it then raises (e.g. "Unable to retrieve routing information"); with no handler
# configured, Python's last-resort handler printed that as a second line before ours. Applications that
# configure logging still receive the driver's records (they propagate).
logging.getLogger("neo4j").addHandler(logging.NullHandler())

_TLS_SCHEMES = ("bolt+s", "bolt+ssc", "neo4j+s", "neo4j+ssc")


def _answers(uri: str) -> bool:
    """Something accepts TCP connections at the URI's host and port."""
    import socket

    parts = urlsplit(uri)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 7687), timeout=2):
            return True
    except OSError:
        return False


def translate(exc: Exception, conn: Connection) -> StoreError:
    """One clear line for a driver error; the password never appears in it. What comes from outside kg (the
    driver's words, the address, user and database) is searched for it, kg's own words are not: a password
    such as ``password`` or ``neo4j`` left "wrong user or ***" and "docs/***.md" when the whole line was."""
    from neo4j.exceptions import (AuthError, ClientError, ConfigurationError, DriverError, Neo4jError,
                                  ServiceUnavailable, SessionExpired)

    def hide(text: object) -> str:
        return str(text).replace(conn.password, "***") if conn.password else str(text)

    code = getattr(exc, "code", None) or ""
    scheme = urlsplit(conn.uri).scheme
    where, uri = hide(conn.where()), hide(conn.uri)
    user, database = hide(repr(conn.user)), hide(repr(conn.database))  # a password equal to them stays hidden
    if isinstance(exc, AuthError) or "Security.Unauthorized" in code or "AuthenticationRateLimit" in code:
        msg = (f"{where} refused user {user}: wrong user or password; set NEO4J_PASSWORD to the "
               "server's password (the local dev server's default is in docs/neo4j.md)")
    elif isinstance(exc, (ServiceUnavailable, SessionExpired)) and scheme in _TLS_SCHEMES and _answers(conn.uri):
        plain = "bolt://" + uri.split("://", 1)[1]
        cert = ("" if scheme.endswith("+ssc") else
                f", or its certificate is not trusted (a self-signed one needs {scheme.split('+')[0]}+ssc)")
        msg = (f"{where}: a server answers there, but the encrypted ({scheme}) connection failed: it does "
               f"not speak TLS (the local `kg neo4j start` server does not: use --uri {plain}){cert}")
    elif isinstance(exc, (ServiceUnavailable, SessionExpired)):
        msg = (f"cannot reach {where}: no Neo4j server answers there; start one with `kg neo4j start` "
               "or pass the right --uri")
    elif "DatabaseNotFound" in code or "Database.DatabaseNotFound" in code:
        msg = (f"{where} has no database {database}; Neo4j Community has one user database, "
               "'neo4j' (--database neo4j)")
    elif isinstance(exc, ConfigurationError):
        msg = f"cannot connect to {uri!r}: {hide(exc)}"
    elif isinstance(exc, (ClientError, Neo4jError)):
        msg = (f"{where} refused a statement: {hide(code) or type(exc).__name__}: "
               f"{hide(getattr(exc, 'message', exc))}")
    elif isinstance(exc, DriverError):
        msg = f"{where}: {type(exc).__name__}: {hide(exc)}"
    else:
        msg = f"{where}: {type(exc).__name__}: {hide(exc)}"
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


def _props(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` without nulls, as Neo4j stores them (called for every row of a load: kept cheap, and ``props``
    itself is returned when it has no null, so callers must not change the result)."""
    if None in props.values():  # a C-speed scan
        return {k: v for k, v in props.items() if v is not None}
    return props


@dataclass
class _Plan:
    """What one load writes and removes."""

    graph: Graph
    context_nodes: set[str]
    context_edges: set[EdgeKey]
    context_eids: dict[str, str]  # node id -> element id, for the context nodes read from the database
    documents: list[str]
    statements: int
    early: bool  # the documents' own nodes (statements, stances, posts) were handed out while it was built


def _own_ids_unique(exs: Sequence[Extract]) -> bool:
    """No document id, and no statement id, appears in two of ``exs`` (so the nodes that belong to one
    document alone are final once its extract is added: no later extract merges into them)."""
    documents = {ex.document.id for ex in exs}
    n_statements = sum(len(ex.statements) for ex in exs)
    return len(documents) == len(exs) and len({s.id for ex in exs for s in ex.statements}) == n_statements


_PROPERTY_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _inline(expr: str, keys: Iterable[str]) -> str:
    """A Cypher map ``{`key`: expr.`key`, ...}`` over ``keys`` (a key a row lacks reads as null, and Neo4j
    stores no property for a null). Keys are property names of ``kg.graph.model``, checked as identifiers."""
    parts = []
    for key in sorted(keys):
        if not _PROPERTY_KEY.match(key):
            raise StoreError(f"internal: {key!r} is not a property name")
        parts.append(f"`{key}`: {expr}.`{key}`")
    return "{" + ", ".join(parts) + "}"


class _Ticket:
    """The batches of one or more ``_Writes.submit`` calls, to wait for them and not for the rest."""

    def __init__(self) -> None:
        self.left = 0
        self.cond = threading.Condition()

    def add(self, n: int) -> None:
        with self.cond:
            self.left += n

    def done(self) -> None:
        with self.cond:
            self.left -= 1
            if self.left <= 0:
                self.cond.notify_all()

    def wait(self) -> None:
        with self.cond:
            while self.left > 0:
                self.cond.wait()


class _Rows(list):
    """A batch of parameter rows whose ``repr`` is short. The driver formats every RUN message for its debug
    log before it asks whether debug logging is on, and the ``repr`` of a 10,000-row batch costs more than
    packing it (about 6 s of Python CPU, holding the GIL, over a 2M-row load). Packed like any list."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


class _Writes:
    """Write batches in ``workers`` sessions while the caller goes on preparing the next ones.

    ``submit`` queues ``query`` once per batch of ``rows`` (each batch its own transaction) and returns at once;
    ``barrier`` waits until everything submitted so far is committed, so a later batch can rely on it (a
    relationship on its end nodes); ``wait(ticket)`` waits only for the batches submitted with ``ticket``.
    The first error stops the writing; ``barrier`` (and leaving the ``with`` block) raises it. With ``eids``,
    a batch's query returns ``eids``, a list of ``[id, element id]`` with one pair per row (a missing pair
    means a lost row: an error), added to ``eids`` once the batch is committed; with ``expect``, it returns
    ``merged``, the number of relationships written, which must be one per row."""

    def __init__(self, driver: Any, database: str, batch_size: int, workers: int,
                 tick: Callable[[int], None]) -> None:
        self.driver, self.database, self.batch_size, self.tick = driver, database, batch_size, tick
        self.pending: queue.Queue[Any] = queue.Queue()
        self.lock = threading.Lock()
        self.error: BaseException | None = None
        self.threads = [threading.Thread(target=self._drain, name=f"kg-neo4j-{i}", daemon=True)
                        for i in range(workers)]
        for t in self.threads:
            t.start()

    def __enter__(self) -> "_Writes":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc is not None and self.error is None:
            self.error = exc  # the caller failed: the sessions skip what is still queued
        for _ in self.threads:
            self.pending.put(None)
        for t in self.threads:
            t.join()
        if exc is None and self.error is not None:
            raise self.error

    def submit(self, query: str, rows: Sequence[Any], key: str, *, expect: bool = False,
               eids: dict[str, str] | None = None, ticket: _Ticket | None = None) -> int:
        batches = list(_chunks(rows, self.batch_size))
        if ticket is not None:
            ticket.add(len(batches))
        for batch in batches:
            self.pending.put((query, key, batch, expect, eids, ticket))
        return len(batches)

    def barrier(self) -> None:
        self.pending.join()
        if self.error is not None:
            raise self.error

    def wait(self, ticket: _Ticket) -> None:
        ticket.wait()  # a failed or skipped batch counts as done: the error is raised here
        if self.error is not None:
            raise self.error

    @staticmethod
    def _work(tx: Any, query: str, key: str, batch: Sequence[Any], expect: bool, eids: Any) -> list[list[str]]:
        rows = _Rows(batch)
        result = tx.run(query, {key: rows})
        if eids is not None:  # one record: a list of [id, element id] (a record per row costs more)
            written = result.single(strict=True)["eids"]
            if len(written) != len(batch):
                raise StoreError(f"{len(batch) - len(written)} node(s) were not written; reload every extract of "
                                 "the folder")
        elif expect:
            written = []
            merged = result.single()["merged"]
            if merged != len(batch):
                raise StoreError(f"{len(batch) - merged} relationship(s) could not be attached: an end node "
                                 "is missing from the database; reload every extract of the folder")
        else:
            written = []
            result.consume()
        # The driver's transaction objects refer to each other (a cycle that only Python's garbage collector
        # frees, and the load pauses it): emptied here, the parameter list no longer keeps the rows alive.
        rows.clear()
        return written

    def _fail(self, exc: BaseException) -> None:
        with self.lock:
            if self.error is None:
                self.error = exc

    def _drain(self) -> None:
        session = None
        try:
            session = self.driver.session(database=self.database)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by barrier()
            self._fail(exc)
        try:
            while True:
                item = self.pending.get()
                try:
                    if item is None:
                        return
                    query, key, batch, expect, eids, ticket = item
                    if self.error is not None or session is None:
                        continue  # after an error: empty the queue without writing
                    try:
                        written = session.execute_write(self._work, query, key, batch, expect, eids)
                    except BaseException as exc:  # noqa: BLE001 - handed to the caller by barrier()
                        self._fail(exc)
                        continue
                    with self.lock:
                        if eids is not None:
                            eids.update(written)
                            written.clear()  # as in _work: the record holding it sits in a cycle
                        self.tick(len(batch))
                finally:
                    if item is not None and item[-1] is not None:
                        item[-1].done()
                    self.pending.task_done()
        finally:
            if session is not None:
                session.close()


class Neo4jWriter:
    """Writes ``kg.graph.model`` graphs into Neo4j; handed a driver, closes nothing.

    ``workers`` sessions write the batches of one step side by side (each batch still one transaction);
    ``workers=1`` writes them one after the other."""

    def __init__(self, driver: Any, *, database: str = DEFAULT_DATABASE, batch_size: int = DEFAULT_BATCH_SIZE,
                 min_net: int = 1, workers: int = DEFAULT_WORKERS) -> None:
        if batch_size < 1:
            raise StoreError(f"batch size {batch_size} must be at least 1")
        if workers < 1:
            raise StoreError(f"workers {workers} must be at least 1")
        self.driver = driver
        self.database = database
        self.batch_size = batch_size
        self.min_net = min_net
        self.workers = workers

    # -- small helpers -------------------------------------------------------------------------------
    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        records, _, _ = self.driver.execute_query(query, params, database_=self.database, routing_="r")
        return [r.data() for r in records]

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
    def plan(self, extracts: Iterable[Extract],
             own_nodes: Callable[[list[Node], bool], None] | None = None,
             resolution: Resolution | None = None) -> _Plan:
        """The graph of ``extracts`` and the context a derivation over the whole database needs (the stances
        and replies of the other documents); derived relations are added by ``load``.

        With ``own_nodes``, the nodes that belong to one document alone (its statements, stances and posts)
        are handed to it while the graph is built, about ``batch_size`` at a time, the last time with ``True``,
        so they can be written meanwhile (unless an id is shared by two extracts: then nothing is handed)."""
        g = Graph()
        exs = sorted(extracts, key=lambda e: e.document.id)
        early = own_nodes is not None and _own_ids_unique(exs)
        scanned = 0  # g.nodes (in insertion order) up to here were handed out or are shared
        with no_gc_pauses():
            for ex in exs:
                add_extract(g, ex, resolution)
                if own_nodes is not None and early and len(g.nodes) - scanned >= self.batch_size:
                    own_nodes([n for n in islice(g.nodes.values(), scanned, None)
                               if n.labels[0] in DOCUMENT_SCOPED], False)
                    scanned = len(g.nodes)
            if own_nodes is not None and early:
                own_nodes([n for n in islice(g.nodes.values(), scanned, None) if n.labels[0] in DOCUMENT_SCOPED],
                          True)
        documents = [ex.document.id for ex in exs]
        context_nodes: set[str] = set()
        context_edges: set[EdgeKey] = set()
        context_eids: dict[str, str] = {}
        for st in self._read(CYPHER_CONTEXT_STANCES, documents=documents):
            eid = st.pop("eid")
            if st["id"] in g.nodes:
                continue
            g.add_node(st["id"], ("Stance",), **st)
            context_nodes.add(st["id"])
            context_eids[st["id"]] = eid
        for rp in self._read(CYPHER_CONTEXT_REPLIES, documents=documents):
            for sid, speaker, eid in ((rp["child"], rp["child_speaker"], rp["child_eid"]),
                                      (rp["parent"], rp["parent_speaker"], rp["parent_eid"])):
                if sid not in g.nodes:
                    g.add_node(sid, ("Statement",), id=sid)
                    context_nodes.add(sid)
                    context_eids[sid] = eid
                context_edges.add(g.add_edge(sid, "SPOKEN_BY", speaker).key)
            g.nodes[rp["child"]].props["reply_relation"] = rp["relation"]
            context_edges.add(g.add_edge(rp["child"], "REPLY_TO", rp["parent"]).key)
        return _Plan(g, context_nodes, context_edges, context_eids, documents,
                     sum(len(ex.statements) for ex in exs), early)

    def _existing(self, documents: list[str]) -> tuple[dict[str, str], dict[EdgeKey, tuple[str, str]]]:
        """Nodes (id -> label) and relationships ((source, type, target) -> labels) a load may replace."""
        nodes: dict[str, str] = {}
        edges: dict[EdgeKey, tuple[str, str]] = {}
        reads: list[tuple[str, str | None, dict[str, Any]]] = [(CYPHER_SCOPED_EDGES.format(label=_checked_label(lab)), lab, {"documents": documents})
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
    def load(self, extracts: Iterable[Extract], progress: ProgressFn | None = None,
             resolution: Resolution | None = None) -> LoadReport:
        """Load ``extracts`` (see the module doc): idempotent, document by document replaceable. With a
        ``resolution`` (``kg.graph.resolve``), actors merged by the actor file are one node, with ``aliases``
        and ``same_as`` (the merged ids).

        The sessions write while this thread prepares what comes next: the documents' own nodes are written
        while the graph is built, the other extracted nodes while agreement and conflict are derived, the
        extracted relationships prepared while the derived nodes are written, and so on. A group of
        relationships is queued once the nodes at its ends are committed."""
        t0 = time.perf_counter()
        note = progress or (lambda _phase, _done, _total: None)
        report = LoadReport()
        total = done = 0
        lock = threading.Lock()

        def tick(n: int) -> None:
            nonlocal done
            with lock:
                done += n
                note("loading", done, total)

        def grow(n: int) -> None:
            nonlocal total
            with lock:
                total += n
                note("loading", done, total)

        extracts = list(extracts)
        extracts_io.check_together(extracts)  # before the first write (load_extracts checks each one too)
        self.ensure_schema()
        old_nodes, old_edges = self._existing(sorted({ex.document.id for ex in extracts}))
        eids: dict[str, str] = {}  # node id -> element id, for every node written or read
        extracted = _Ticket()
        with no_gc_pauses(), _Writes(self.driver, self.database, self.batch_size, self.workers, tick) as writes:
            # 1. the documents' own nodes (statements, stances, posts) are written while the graph is built,
            #    a label at a time in full batches
            waiting: dict[tuple[str, ...], list[Node]] = defaultdict(list)

            def own_nodes(added: list[Node], last: bool) -> None:
                for n in added:
                    waiting[n.labels].append(n)
                for labels, group in waiting.items():
                    if group and (last or len(group) >= self.batch_size):
                        grow(len(group))
                        self._submit_nodes(writes, group, old_nodes, report, eids, extracted)
                        waiting[labels] = []

            plan = self.plan(extracts, own_nodes, resolution)
            g = plan.graph
            report.documents, report.statements = len(plan.documents), plan.statements
            nodes = [n for n in g.nodes.values() if n.id not in plan.context_nodes
                     and not (plan.early and n.labels[0] in DOCUMENT_SCOPED)]
            edges = [e for key, e in g.edges.items() if key not in plan.context_edges]
            eids.update(plan.context_eids)

            # 2. what the loaded documents no longer contain (their statements, stances, posts, and the
            #    relationships from them, after the nodes written so far), then the other extracted nodes;
            #    meanwhile agreement and conflict are derived
            gone = self._submit_deletes(writes, g, old_nodes, old_edges, set(DOCUMENT_SCOPED), set(), report, grow)
            grow(len(nodes) + len(edges))
            self._submit_nodes(writes, nodes, old_nodes, report, eids, extracted)
            n_nodes, n_edges = len(g.nodes), len(g.edges)
            derive_relations(g, min_net=self.min_net)
            add_position_shortcuts(g)
            derived_nodes = list(islice(g.nodes.values(), n_nodes, None))
            derived_edges = list(islice(g.edges.values(), n_edges, None))
            label_of = {node_id: node.labels[0] for node_id, node in g.nodes.items()}
            grow(len(derived_nodes) + len(derived_edges))
            # 3. derived relations that no longer hold (after everything before), then the derived nodes
            self._submit_deletes(writes, g, old_nodes, old_edges, set(DERIVED_LABELS), gone, report, grow)
            derived = _Ticket()
            self._submit_nodes(writes, derived_nodes, old_nodes, report, eids, derived)
            # 4. the relationships, each group once the nodes at its ends are committed
            writes.wait(extracted)
            self._submit_edges(writes, label_of, edges, old_edges, eids, report)
            writes.wait(derived)
            self._submit_edges(writes, label_of, derived_edges, old_edges, eids, report)
            writes.barrier()

            # 5. shared nodes nothing points at any more (not those the extracts name)
            for label in SHARED_LABELS:
                orphans = [r["id"] for r in self._read(CYPHER_ORPHANS.format(label=label))
                           if r["id"] not in g.nodes]
                if orphans:
                    grow(len(orphans))
                    report.batches += writes.submit(CYPHER_DELETE_NODES.format(label=label), orphans, "ids")
                    report.deleted_nodes += len(orphans)
            writes.barrier()
            # the graph and the rows are freed here, before the garbage collector is back (it would otherwise
            # scan all of them once, a second or two at 100k statements)
            # (old_nodes and eids are emptied, not deleted: the batch closure above still names them)
            old_nodes.clear()
            eids.clear()
            del plan, g, nodes, edges, derived_nodes, derived_edges, old_edges, label_of
        report.seconds = time.perf_counter() - t0
        return report

    def _submit_deletes(self, writes: _Writes, g: Graph, old_nodes: dict[str, str],
                        old_edges: dict[EdgeKey, tuple[str, str]], labels: set[str], gone: set[str],
                        report: LoadReport, grow: Callable[[int], None]) -> set[str]:
        """Remove the nodes of ``labels`` the database has and ``g`` lacks, and the relationships from such
        nodes (shortcut edges go with the derived labels) that ``g`` lacks: after everything queued before,
        and committed when this returns (with nothing to remove, it returns at once). ``gone``: nodes removed
        before, whose relationships went with them. Returns the ids of the nodes removed."""
        stale_nodes: dict[str, list[str]] = defaultdict(list)
        for node_id, label in old_nodes.items():
            if label in labels and node_id not in g.nodes:
                stale_nodes[label].append(node_id)
        removed = {i for ids in stale_nodes.values() for i in ids}
        gone = gone | removed
        stale_edges: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
        for key, (src_label, tgt_label) in old_edges.items():
            # relationships from actors are the shortcut edges: they go with the derived labels
            owner = src_label if src_label in NEW_WHEN_ABSENT else DERIVED_LABELS[0]
            if owner in labels and key not in g.edges and key[0] not in gone and key[2] not in gone:
                stale_edges[(src_label, key[1], tgt_label)].append({"source": key[0], "target": key[2]})
        if not stale_nodes and not stale_edges:
            return removed
        writes.barrier()
        grow(sum(len(v) for v in stale_nodes.values()) + sum(len(v) for v in stale_edges.values()))
        for (src, type_, tgt), rows in sorted(stale_edges.items()):
            query = CYPHER_DELETE_EDGES.format(source=_checked_label(src), type=_checked_type(type_),
                                               target=_checked_label(tgt))
            report.batches += writes.submit(query, rows, "rows")
            report.deleted_relationships += len(rows)
        writes.barrier()  # relationships before nodes
        for label, ids in sorted(stale_nodes.items()):
            report.batches += writes.submit(CYPHER_DELETE_NODES.format(label=_checked_label(label)), sorted(ids), "ids")
            report.deleted_nodes += len(ids)
        writes.barrier()
        return removed

    def _submit_nodes(self, writes: _Writes, nodes: list[Any], old_nodes: dict[str, str], report: LoadReport,
                      eids: dict[str, str], ticket: _Ticket) -> None:
        """Queue ``nodes``, grouped by their labels: those of a kind the pre-read covers whole (a loaded
        document's statements, stances and posts; derived nodes) that it did not find are new, CREATEd; the
        others MERGEd. Each adds node id -> element id to ``eids`` once committed."""
        groups: dict[tuple[tuple[str, ...], bool], list[dict[str, Any]]] = defaultdict(list)
        for n in nodes:
            is_new = n.labels[0] in NEW_WHEN_ABSENT and n.id not in old_nodes
            groups[(n.labels, is_new)].append({"id": n.id, "props": _props(n.props)})
        for (labels, is_new), rows in sorted(groups.items()):
            primary = _checked_label(labels[0])
            if is_new:
                query = _create_nodes_query(primary, set().union(*[row["props"] for row in rows]))
            elif primary == "Actor":
                sub = next((lab for lab in labels[1:] if lab in ACTOR_SUBLABELS), None)
                if sub is None:
                    raise StoreError(f"internal: actor labels {labels} name no actor type")
                for row in rows:
                    row["props"] = {"aliases": [], **row["props"]}
                query = CYPHER_MERGE_ACTORS.format(sublabel=_checked_label(sub))
            elif primary in SHARED_LABELS:
                query = CYPHER_MERGE_NODES_UPDATE.format(label=primary)
            else:
                query = CYPHER_MERGE_NODES_REPLACE.format(label=primary)
            report.batches += writes.submit(query, rows, "rows", eids=eids, ticket=ticket)
            report.nodes += len(rows)

    def _submit_edges(self, writes: _Writes, labels: dict[str, str], edges: list[Any],
                      old_edges: dict[EdgeKey, tuple[str, str]], eids: dict[str, str], report: LoadReport) -> None:
        """Queue ``edges``, grouped by (source label, type, target label); CREATE for those the pre-read proved
        absent, MERGE for the others. ``labels``: node id -> primary label of the graph's nodes. Ends are found
        by element id (their nodes must be committed); an end the load neither wrote nor read (not expected)
        by label and id."""
        eid_of = eids.get
        end_of = {node_id: (label, eid_of(node_id)) for node_id, label in labels.items()}.get  # one look-up an end
        unknown = (None, None)
        # a row by element id is a list, [a, b, props] (2M rows at 100k statements: smaller to make, pack and
        # read than a map); by id, a map
        groups: dict[tuple[str, str, str, bool, bool], list[Any]] = defaultdict(list)
        for e in edges:  # kept lean
            source, type_, target, props = e.source, e.type, e.target, _props(e.props)
            src, a = end_of(source, unknown)
            tgt, b = end_of(target, unknown)
            src = src or ENDPOINTS[type_][0]
            tgt = tgt or ENDPOINTS[type_][1]
            is_new = ((src in _NEW_WHEN_ABSENT or type_ in _SHORTCUT_TYPES)
                      and (not old_edges or (source, type_, target) not in old_edges))
            if a is not None and b is not None:
                groups[(src, type_, tgt, is_new, True)].append([a, b, props])
            else:
                groups[(src, type_, tgt, is_new, False)].append({"source": source, "target": target,
                                                                  "props": props})
        for (src, type_, tgt, is_new, by_eid), rows in sorted(groups.items()):
            if is_new:
                keys = set().union(*[row[2] if by_eid else row["props"] for row in rows])
                query = _create_edges_query(src, type_, tgt, keys, by_eid)
            else:
                template = CYPHER_MERGE_EDGES_BY_EID if by_eid else CYPHER_MERGE_EDGES
                query = template.format(source=_checked_label(src), type=_checked_type(type_),
                                        target=_checked_label(tgt))
            report.batches += writes.submit(query, rows, "rows", expect=True)
            report.relationships += len(rows)


def load_extracts(extracts: Iterable[Extract], conn: Connection, *, batch_size: int = DEFAULT_BATCH_SIZE,
                  workers: int = DEFAULT_WORKERS, progress: ProgressFn | None = None,
                  checked: bool = False, resolution: Resolution | None = None) -> LoadReport:
    """Connect, load, close: one ``StoreError`` line for anything the server refuses. The extracts are
    checked first (each against the contract, unless ``checked``: read by ``read_dir``; then together):
    a refused load writes nothing."""
    from neo4j.exceptions import DriverError, Neo4jError

    extracts = list(extracts)
    if not checked:
        extracts_io.check_extracts(extracts)
    driver = connect(conn)
    try:
        writer = Neo4jWriter(driver, database=conn.database, batch_size=batch_size, workers=workers)
        return writer.load(extracts, progress, resolution)
    except (Neo4jError, DriverError) as exc:
        clash = _clash(exc, driver, conn, extracts)
        raise (clash or translate(exc, conn)) from None
    finally:
        driver.close()


_CLASH = re.compile(r"already exists with label `(\w+)` and property `id` = '((?:[^'\\]|\\.)*)'")


def _clash(exc: Exception, driver: Any, conn: Connection, extracts: Sequence[Extract]) -> StoreError | None:
    """A uniqueness clash (``ConstraintValidationFailed``) as one line: which node, which documents, the fix.

    It happens when a node the load creates as new (a statement, stance or post of a document the database does
    not hold) is already there under another document: the document's id was changed after an earlier load."""
    m = _CLASH.search(str(getattr(exc, "message", "") or exc))
    if "ConstraintValidationFailed" not in (getattr(exc, "code", None) or "") or not m:
        return None
    label, node_id = m.group(1), m.group(2)
    old = None
    if label in PRIMARY_LABELS:
        try:
            records, _, _ = driver.execute_query(f"MATCH (n:{label} {{id: $id}}) RETURN n.document AS document",
                                                 id=node_id, database_=conn.database, routing_="r")
            old = records[0]["document"] if records else None
        except Exception:  # noqa: BLE001 - the message below is still right without the old document
            old = None
    new = _document_of(node_id, extracts)
    if old and new and old != new:
        return StoreError(
            f"cannot load document {new!r}: its {label} {node_id!r} is already in {conn.where()} as part of "
            f"document {old!r} (was the document id changed from {old!r} to {new!r}?); give the document its "
            f"old id back, or first remove the old document from Neo4j: MATCH (n) WHERE n.document = {_quoted(old)} "
            f"OR (n:Document AND n.id = {_quoted(old)}) DETACH DELETE n")
    return StoreError(
        f"cannot load: {label} {node_id!r} is already in {conn.where()}"
        + (f" as part of document {old!r}" if old else "")
        + " and the extracts create it again for another document (a document id changed, or two extracts "
          "share ids); give each document one id, or remove the old document's nodes "
          "(MATCH (n) WHERE n.document = 'OLD-ID' DETACH DELETE n) and load again")


def _quoted(value: str) -> str:
    """A Cypher string literal for a message the user may paste."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _document_of(node_id: str, extracts: Sequence[Extract]) -> str | None:
    """The document whose graph holds the node ``node_id`` (None if none does)."""
    for ex in extracts:
        g = Graph()
        add_extract(g, ex)
        node = g.nodes.get(node_id)
        if node is not None:
            return node.props.get("document") or ex.document.id
    return None


def load_dir(extracts_dir: Path, conn: Connection, *, batch_size: int = DEFAULT_BATCH_SIZE,
             workers: int = DEFAULT_WORKERS, progress: ProgressFn | None = None) -> LoadReport:
    """``kg load neo4j``: read and check every extracts file (and the actor file, ``kg.graph.resolve``)
    first, then load them all, one actor per person across the corpus."""
    from kg.graph.resolve import resolve

    extracts = extracts_io.read_dir(Path(extracts_dir))
    resolution = resolve(extracts, extracts_dir)
    return load_extracts(extracts, conn, batch_size=batch_size, workers=workers, progress=progress, checked=True,
                         resolution=resolution)


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
