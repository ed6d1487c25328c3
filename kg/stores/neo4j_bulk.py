"""Bulk first loads into an empty Neo4j database with ``neo4j-admin database import full``.

``kg load neo4j --bulk`` on the local server that kg manages (``kg neo4j start``):

1. reads and checks every extracts file (as the Bolt loader does: a bad file stops everything here);
2. refuses a server that is not the local one kg manages (a remote or other URI: the importer must write
   the store files itself) and a database that is not empty (the import replaces the whole database);
3. builds the graph exactly as a Bolt load into an empty database does (``kg.graph.build``, then
   ``derive_relations`` and the position shortcuts) and writes it as CSV files: one pair (header file,
   data file) per node label set and property layout, one pair per relationship type and layout; the
   properties and labels are those the Bolt loader writes (nulls left out, actors' ``aliases`` always a list),
   each column typed (``name:string``, ``start:long``, ``evidence:string[]``), so the saved queries answer
   exactly as after a Bolt load;
4. stops the server, runs the importer from the same Maven-assembled jars (``org.neo4j.cli.AdminTool``, the
   entry point of ``neo4j-admin``; ``neo4j-import-tool`` and ``neo4j-command-line`` are in ``lib/``) with
   ``--overwrite-destination`` (the database was found empty), and starts the server again, also when the
   import failed (then the empty database is restored);
5. creates the constraints and indexes the Bolt loader creates (``Neo4jWriter.ensure_schema``).

Later loads are incremental over Bolt (``kg load neo4j`` without ``--bulk``).
"""

from __future__ import annotations

import math
from functools import partial
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import urlsplit

from kg import extracts as extracts_io
from kg.errors import StoreError
from kg.graph.build import add_extract
from kg.graph.derive import derive_relations
from kg.graph.model import Graph, no_gc_pauses
from kg.records import Extract
from kg.stores import neo4j_server as ns
from kg.stores.neo4j_store import (Connection, Neo4jWriter, _checked_label, _checked_type, _inline, _props,
                                   add_position_shortcuts, connect, translate)

ProgressFn = Callable[[str, int, int], None]

#: Between the elements of an array value: a control character that kg's texts and ids do not hold.
ARRAY_DELIMITER = "\x1f"
ADMIN_MAIN_CLASS = "org.neo4j.cli.AdminTool"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

# ------------------------------------------------------------------------------------------ CSV files
def _csv_type(value: Any, where: str) -> str:
    """The importer's column type of one property value (as Neo4j stores the value the driver sends)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        kinds = {_csv_type(v, where) for v in value}
        if not kinds:
            return "string[]"  # an empty list: Neo4j keeps no element type for it either
        if len(kinds) == 1 and not next(iter(kinds)).endswith("]"):
            return next(iter(kinds)) + "[]"
        raise StoreError(f"internal: {where} holds a list of mixed or nested values ({sorted(kinds)}); "
                         "Neo4j stores lists of one simple type only")
    raise StoreError(f"internal: {where} holds a {type(value).__name__}, which Neo4j cannot store")


def _quote(text: str, where: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _scalar(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not -(2 ** 63) <= value < 2 ** 63:
            raise StoreError(f"internal: {where} holds {value}, beyond Neo4j's 64-bit integers")
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    return _quote(value, where)


def _cell(value: Any, kind: str, where: str) -> str:
    if not kind.endswith("[]"):
        return _scalar(value, where)
    parts = []
    for v in value:
        text = v if isinstance(v, str) else _scalar(v, where)
        if ARRAY_DELIMITER in text:
            raise StoreError(f"{where}: a list element holds the control character U+001F, which the bulk "
                             "import uses between list elements; load without --bulk")
        parts.append(text)
    return _quote(ARRAY_DELIMITER.join(parts), where)


@dataclass
class CsvFiles:
    """The files one import reads: ``nodes`` and ``relationships`` are (header file, data file) pairs."""

    folder: Path
    nodes: list[tuple[tuple[str, ...], Path, Path]]  # labels, header file, data file
    relationships: list[tuple[str, Path, Path]]  # type, header file, data file
    multiline: list[Path]  # the data files with a value that holds a line break
    node_count: int
    relationship_count: int
    documents: int
    statements: int
    #: (label, key) -> node ids, (source label, type, target label, key) -> [source, target]: the empty lists
    #: the importer cannot store (an empty array field reads as no value), set over Bolt after the import
    empty_nodes: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    empty_edges: dict[tuple[str, str, str, str], list[list[str]]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.node_count + self.relationship_count


def bulk_graph(extracts: Sequence[Extract]) -> Graph:
    """The graph a Bolt load of ``extracts`` into an empty database writes: the extracts' graph (documents in
    id order, as ``Neo4jWriter.plan``), agreement and conflict, and the position shortcut edges."""
    g = Graph()
    with no_gc_pauses():
        for ex in sorted(extracts, key=lambda e: e.document.id):
            add_extract(g, ex)
        derive_relations(g, min_net=1)
        add_position_shortcuts(g)
    return g


def _signature(props: dict[str, Any], where: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, _csv_type(v, f"{where} property {k!r}")) for k, v in props.items()))


Signature = tuple[tuple[str, str], ...]


class _Mismatch(Exception):
    """A list whose elements are not of the type its column's first row had: that row takes the slow path."""


_LONG = 2 ** 63
_FLOAT_WORDS = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _fmt_string(v: str) -> str:
    return '"' + v.replace('"', '""') + '"'


def _fmt_long(v: int) -> str:
    if -_LONG <= v < _LONG:
        return str(v)
    raise _Mismatch


def _fmt_double(v: float) -> str:
    text = repr(v)
    return _FLOAT_WORDS.get(text, text)


def _fmt_boolean(v: bool) -> str:
    return "true" if v else "false"


def _fmt_strings(v: list[str]) -> str:
    for x in v:
        if type(x) is not str:
            raise _Mismatch
    text = ARRAY_DELIMITER.join(v)
    if text.count(ARRAY_DELIMITER) != len(v) - 1:
        raise _Mismatch  # an element holds the delimiter: the slow path says so
    return '"' + text.replace('"', '""') + '"'


def _fmt_list(kind: str) -> Callable[[Any], str]:
    def fmt(v: Any) -> str:
        if not v or _csv_type(v, "") != kind:
            raise _Mismatch
        return _cell(v, kind, "")
    return fmt


_FORMATS: dict[str, Callable[[Any], str]] = {"string": _fmt_string, "long": _fmt_long, "double": _fmt_double,
                                             "boolean": _fmt_boolean, "string[]": _fmt_strings}


class _Layouts:
    """The typed columns of a row (its signature) and the row as CSV cells, fast: the columns and their
    formatters are worked out once per set of keys and value types, then reused for every row like it."""

    def __init__(self) -> None:
        self.plans: dict[tuple[tuple[str, ...], tuple[type, ...]], tuple[Signature, list[tuple[str, Any]]]] = {}

    def row(self, props: dict[str, Any], first: str, where: Callable[[], str]) -> tuple[Signature, str]:
        """``first`` (the id cells, already formatted) and the properties' cells, joined."""
        key = (tuple(props), tuple(map(type, props.values())))
        plan = self.plans.get(key)
        if plan is None:
            sig = _signature(props, where())
            plan = (sig, [(k, _FORMATS.get(t) or _fmt_list(t) if t.endswith("]") else _FORMATS[t]) for k, t in sig])
            self.plans[key] = plan
        sig, columns = plan
        try:
            return sig, ",".join([first] + [fmt(props[k]) for k, fmt in columns])
        except _Mismatch:
            text = where()
            sig = _signature(props, text)
            return sig, ",".join([first] + [_cell(props[k], t, f"{text} property {k!r}") for k, t in sig])


def write_csv(g: Graph, folder: Path, progress: ProgressFn | None = None,
              documents: int = 0, statements: int = 0) -> CsvFiles:
    """Write ``g`` as the importer's CSV files into ``folder`` (made if missing): the properties of each node
    and relationship are those the Bolt loader writes, grouped so that every file has one label set (or one
    relationship type) and one typed column per property its rows hold."""
    note = progress or (lambda _stage, _done, _total: None)
    folder.mkdir(parents=True, exist_ok=True)
    total = len(g.nodes) + len(g.edges)
    done = 0
    last = time.monotonic()

    def tick(n: int) -> None:
        nonlocal done, last
        done += n
        now = time.monotonic()
        if now - last > 0.5 or done == total:
            last = now
            note("writing CSV files", done, total)

    note("writing CSV files", 0, total)
    empty_nodes: dict[tuple[str, str], list[str]] = defaultdict(list)
    empty_edges: dict[tuple[str, str, str, str], list[list[str]]] = defaultdict(list)
    node_groups: dict[tuple[tuple[str, ...], tuple[tuple[str, str], ...]], list[str]] = defaultdict(list)
    layouts = _Layouts()
    for node in g.nodes.values():
        props = _props(node.props)
        if node.labels[0] == "Actor":
            props = {"aliases": [], **props}  # as CYPHER_MERGE_ACTORS: the aliases are always a list
        props = {k: v for k, v in props.items() if k != "id"}  # the :ID column is the ``id`` property
        for key in [k for k, v in props.items() if isinstance(v, (list, tuple)) and not v]:
            del props[key]  # the importer stores no empty list: set over Bolt afterwards
            empty_nodes[(node.labels[0], key)].append(node.id)
        sig, line = layouts.row(props, _fmt_string(node.id), partial("node {!r}".format, node.id))
        node_groups[(node.labels, sig)].append(line)
    multiline: list[Path] = []

    def write_pair(name: str, header: list[str], lines: list[str]) -> tuple[Path, Path]:
        head, data = folder / f"{name}.header.csv", folder / f"{name}.csv"
        head.write_text(",".join(header) + "\n", encoding="utf-8")
        text = "\n".join(lines) + "\n"
        if text.count("\n") != len(lines) or "\r" in text:
            multiline.append(data)  # a value holds a line break: the importer must read this file slower
        with open(data, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        tick(len(lines))
        return head, data

    node_files: list[tuple[tuple[str, ...], Path, Path]] = []
    for i, ((labels, sig), lines) in enumerate(sorted(node_groups.items())):
        head, data = write_pair(f"nodes-{i:03d}-{'-'.join(labels)}", ["id:ID"] + [f"{k}:{t}" for k, t in sig],
                                lines)
        node_files.append((tuple(labels), head, data))
    node_groups.clear()
    edge_groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[str]] = defaultdict(list)
    nodes = g.nodes
    for edge in g.edges.values():
        if edge.source not in nodes or edge.target not in nodes:
            raise StoreError(f"internal: relationship ({edge.source})-[:{edge.type}]->({edge.target}) has an end "
                             "that is not a node of the graph")
        props = _props(edge.props)
        for key in [k for k, v in props.items() if isinstance(v, (list, tuple)) and not v]:
            props = {k: v for k, v in props.items() if k != key}
            empty_edges[(nodes[edge.source].labels[0], edge.type, nodes[edge.target].labels[0], key)].append(
                [edge.source, edge.target])
        sig, line = layouts.row(props, _fmt_string(edge.source) + "," + _fmt_string(edge.target),
                                partial("relationship ({})-[:{}]->({})".format, edge.source, edge.type, edge.target))
        edge_groups[(edge.type, sig)].append(line)
    rel_files: list[tuple[str, Path, Path]] = []
    for i, ((type_, sig), lines) in enumerate(sorted(edge_groups.items())):
        head, data = write_pair(f"rels-{i:03d}-{type_}", [":START_ID", ":END_ID"] + [f"{k}:{t}" for k, t in sig],
                                lines)
        rel_files.append((type_, head, data))
    return CsvFiles(folder, node_files, rel_files, multiline, len(g.nodes), len(g.edges), documents, statements,
                    dict(empty_nodes), dict(empty_edges))


# ------------------------------------------------------------------------------------------ the import
#: The JVM flags of the import (the server's, less those that only pay off in a long-running server).
_IMPORT_JVM_FLAGS = tuple(f for f in ns._JVM_FLAGS if f not in ("-XX:+AlwaysPreTouch", "-XX:+DisableExplicitGC"))
_PERCENT = re.compile(r"(\d{1,3})%")
_STEP = re.compile(r"\((\d+)/(\d+)\) ([A-Za-z][A-Za-z ]*?) \d{4}-")  # "(2/4) Relationship import 2026-..."


def import_command(java: Path, settings: ns.ServerSettings, files: CsvFiles, database: str) -> list[str]:
    """``neo4j-admin database import full`` from the server's own ``lib/`` (the database found empty)."""
    for path in (files.folder, settings.data):
        if "," in str(path) or "=" in str(path):
            raise StoreError(f"{path}: the bulk import cannot name files in a folder whose path holds ',' or '='; "
                             "use another --data-dir")
    cmd = [str(java), f"-Xmx{settings.heap}", *_IMPORT_JVM_FLAGS, "-cp", f"{settings.lib}/*", ADMIN_MAIN_CLASS,
           # the database first: an option taking a list of files (--nodes, --multiline-fields) swallows
           # whatever follows it
           "database", "import", "full", database, "--overwrite-destination=true", "--array-delimiter=U+001F",
           f"--report-file={files.folder / 'import.report'}"]
    if files.multiline:
        cmd += ["--multiline-fields-format=v2", "--multiline-fields=" + ",".join(str(p) for p in files.multiline)]
    cmd += [f"--nodes={':'.join(labels)}={head},{data}" for labels, head, data in files.nodes]
    cmd += [f"--relationships={type_}={head},{data}" for type_, head, data in files.relationships]
    return cmd


def run_import(settings: ns.ServerSettings, files: CsvFiles, database: str,
               progress: ProgressFn | None = None) -> None:
    """Run the importer (the server must be stopped); its output goes to ``logs/kg-bulk-import.log`` of the
    instance, its percentages to ``progress``; a failure is one ``StoreError`` line."""
    note = progress or (lambda _stage, _done, _total: None)
    java = ns.find_java()
    cmd = import_command(java, settings, files, database)
    env = {**os.environ, "NEO4J_HOME": str(settings.data), "NEO4J_CONF": str(settings.data / "conf")}
    log_path = settings.data / "logs" / "kg-bulk-import.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    note("neo4j-admin import", 0, 100)
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    cwd=files.folder, env=env, text=True, errors="replace")
        except OSError as exc:
            raise StoreError(f"cannot run the Neo4j importer ({java}): {exc}") from None
        assert proc.stdout is not None
        stage = "neo4j-admin import"
        for line in proc.stdout:
            log.write(line)
            lines.append(line.rstrip())
            step = _STEP.match(line)
            if step:  # the importer's steps, each 0-100%
                stage = f"neo4j-admin import, step {step.group(1)}/{step.group(2)}: {step.group(3).lower()}"
                note(stage, 0, 100)
            found = _PERCENT.findall(line)
            if found:
                note(stage, min(100, int(found[-1])), 100)
        code = proc.wait()
    if code != 0:
        telling = [ln.strip() for ln in lines if re.search(r"ERROR|Exception|[Ee]rror:|failed", ln)]
        last = (telling or [ln.strip() for ln in lines if ln.strip()] or [f"exit code {code}"])[-1][:300]
        raise StoreError(f"the Neo4j bulk import failed (exit code {code}): {last}; full output: {log_path}")


# ------------------------------------------------------------------------------------------ the load
def set_empty_lists(driver: Any, database: str, files: CsvFiles, batch_size: int = 10_000) -> None:
    """Set the empty lists the importer could not store (an actor's ``aliases`` with none, as the Bolt
    loader writes them), after the constraints: each node found by its ``id`` index."""
    for (label, key), ids in sorted(files.empty_nodes.items()):
        prop = _inline("x", [key])[1:].split(":")[0]  # the key, checked and quoted as Cypher
        query = f"UNWIND $ids AS id MATCH (n:{_checked_label(label)} {{id: id}}) SET n.{prop} = []"
        for i in range(0, len(ids), batch_size):
            driver.execute_query(query, ids=ids[i:i + batch_size], database_=database)
    for (src, type_, tgt, key), pairs in sorted(files.empty_edges.items()):
        prop = _inline("x", [key])[1:].split(":")[0]
        query = (f"UNWIND $pairs AS p MATCH (a:{_checked_label(src)} {{id: p[0]}})-[r:{_checked_type(type_)}]->"
                 f"(b:{_checked_label(tgt)} {{id: p[1]}}) SET r.{prop} = []")
        for i in range(0, len(pairs), batch_size):
            driver.execute_query(query, pairs=pairs[i:i + batch_size], database_=database)


@dataclass
class BulkReport:
    documents: int = 0
    statements: int = 0
    nodes: int = 0
    relationships: int = 0
    csv_seconds: float = 0.0  # reading the extracts, building the graph, writing the CSV files
    stop_seconds: float = 0.0
    import_seconds: float = 0.0
    start_seconds: float = 0.0
    schema_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return self.nodes + self.relationships

    def summary(self, where: str = "Neo4j") -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        return (f"bulk-loaded {self.documents} document(s), {self.statements} statement(s) into {where}: "
                f"{self.nodes} nodes and {self.relationships} relationships in {self.seconds:.1f} s "
                f"({rate:,.0f} rows/s; CSV {self.csv_seconds:.1f} s, stop {self.stop_seconds:.1f} s, "
                f"import {self.import_seconds:.1f} s, start {self.start_seconds:.1f} s, "
                f"indexes {self.schema_seconds:.1f} s)")


def check_local(conn: Connection, settings: ns.ServerSettings) -> ns.ServerSettings:
    """The settings of the running local server kg manages at ``conn.uri`` (its own ports, memory and extra
    settings, so the restart brings back the same server); else one ``StoreError`` line why not."""
    parts = urlsplit(conn.uri)
    if parts.scheme not in ("bolt", "neo4j") or parts.hostname not in LOCAL_HOSTS:
        raise StoreError(f"--bulk imports into the store files of the local server kg manages (`kg neo4j start`); "
                         f"{conn.uri} is not local: load without --bulk (over Bolt, which works with remote "
                         "servers, clusters and Aura)")
    st = ns.status(settings)
    if not st.running:
        raise StoreError(f"--bulk needs the local Neo4j server of {settings.data} running (it is stopped and "
                         "started again around the import); start it with `kg neo4j start`")
    running = ns.running_settings(settings)
    if (parts.port or 7687) != running.bolt_port:
        raise StoreError(f"{conn.uri} is not the local server kg manages in {settings.data} (that one listens on "
                         f"{running.bolt_uri}); give --uri {running.bolt_uri}, or the --data-dir of the server at "
                         f"{conn.uri}")
    return running


def count_nodes(conn: Connection) -> int:
    from neo4j.exceptions import DriverError, Neo4jError

    driver = connect(conn)
    try:
        records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=conn.database,
                                             routing_="r")
        return int(records[0]["n"])
    except (Neo4jError, DriverError) as exc:
        raise translate(exc, conn) from None
    finally:
        driver.close()


def _restore_empty(settings: ns.ServerSettings, database: str) -> None:
    """After a failed import: remove what it left of the (empty) database, so the server creates it afresh."""
    for sub in ("databases", "transactions"):
        shutil.rmtree(settings.data / "data" / sub / database, ignore_errors=True)


def bulk_load(extracts: Iterable[Extract], conn: Connection, settings: ns.ServerSettings, *,
              progress: ProgressFn | None = None, checked: bool = False, keep_csv: Path | None = None) -> BulkReport:
    """A first load of ``extracts`` into the empty database of the local server (see the module doc).
    ``keep_csv``: write the CSV files there and keep them (else a temporary folder in the instance's
    ``import/``, removed afterwards)."""
    note = progress or (lambda _stage, _done, _total: None)
    t0 = time.perf_counter()
    extracts = list(extracts)
    if not checked:
        extracts_io.check_extracts(extracts)
    extracts_io.check_together(extracts)
    if conn.database == "system":
        raise StoreError("--bulk loads into a user database (Neo4j Community has one: --database neo4j), "
                         "never into 'system'")
    running = check_local(conn, settings)
    existing = count_nodes(conn)
    if existing:
        raise StoreError(f"--bulk refused: database {conn.database!r} of {conn.where()} is not empty "
                         f"({existing:,} nodes) and the import would replace it whole; load without --bulk "
                         "(incremental over Bolt), or empty the database first")
    report = BulkReport(documents=len(extracts), statements=sum(len(ex.statements) for ex in extracts))
    (running.data / "import").mkdir(parents=True, exist_ok=True)
    folder = keep_csv or Path(tempfile.mkdtemp(prefix="kg-bulk-", dir=running.data / "import"))
    try:
        note("building the graph", 0, 1)
        g = bulk_graph(extracts)
        files = write_csv(g, folder, note, report.documents, report.statements)
        del g
        report.nodes, report.relationships = files.node_count, files.relationship_count
        report.csv_seconds = time.perf_counter() - t0
        t = time.perf_counter()
        note("stopping Neo4j", 0, 1)
        ns.stop(running)
        report.stop_seconds = time.perf_counter() - t
        t = time.perf_counter()
        failed = True
        try:
            run_import(running, files, conn.database, note)
            failed = False
        finally:
            if failed:
                _restore_empty(running, conn.database)
            report.import_seconds = time.perf_counter() - t
            t = time.perf_counter()
            note("starting Neo4j", 0, 1)
            ns.start(running, password=conn.password)
            report.start_seconds = time.perf_counter() - t
    finally:
        if keep_csv is None:
            shutil.rmtree(folder, ignore_errors=True)
    t = time.perf_counter()
    note("creating constraints and indexes", 0, 1)
    from neo4j.exceptions import DriverError, Neo4jError

    driver = connect(conn)
    try:
        Neo4jWriter(driver, database=conn.database).ensure_schema()
        set_empty_lists(driver, conn.database, files)
    except (Neo4jError, DriverError) as exc:
        raise translate(exc, conn) from None
    finally:
        driver.close()
    report.schema_seconds = time.perf_counter() - t
    report.seconds = time.perf_counter() - t0
    return report


def bulk_load_dir(extracts_dir: Path, conn: Connection, settings: ns.ServerSettings, *,
                  progress: ProgressFn | None = None) -> BulkReport:
    """``kg load neo4j --bulk``: read and check every extracts file first, then the bulk load."""
    extracts = extracts_io.read_dir(Path(extracts_dir))
    return bulk_load(extracts, conn, settings, progress=progress, checked=True)
