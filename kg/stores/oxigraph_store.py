"""The embedded RDF store: an on-disk Oxigraph store (pyoxigraph), filled from the graph, queried in SPARQL.

Layout of a store filled by :func:`fill`:

- the default graph holds the data (the linked-data form of the graph, ``kg.stores.rdf.to_rdf``);
- the named graph ``<https://w3id.org/kg/ontology>`` holds ``ontology/kg.ttl``, and the named graph of the
  default codebook's scheme holds ``ontology/issues.ttl``. Saved queries read the default graph only, so
  counts are the data's; ``GRAPH`` or ``--union-default-graph`` reach the rest.

:func:`fill` replaces the whole store atomically: it builds a new store beside the old one (holding the
old store's lock meanwhile, so a running server is detected before any work) and swaps the folders, so a
reader sees the old or the new contents, never half.
Queries open the store read-only, so they work while ``kg serve sparql`` holds it.

Values reach a query only as pyoxigraph ``substitutions`` (RDF-dev SEP-0007): the parameter ``actor``
binds the variable ``?actor``. Oxigraph requires a substituted variable to be in the ``SELECT`` projection,
so a saved query projects its parameters and :func:`run_query` returns only the header's ``columns``.
"""

from __future__ import annotations

import gc
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import pyoxigraph as ox

from kg import queries as kq
from kg.errors import QueryError, StoreError
from kg.graph.model import Graph
from kg.namespace import ONTOLOGY_IRI, PREFIXES
from kg.records import Extract

#: Where ``kg query sparql`` and ``kg serve sparql`` look when no ``--store`` is given (``kg run CORPUS
#: --out out`` fills ``out/store``).
DEFAULT_STORE = Path("out/store")

_INTEGER_TYPES = {
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
    "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
}
_FLOAT_TYPES = {"double", "float", "decimal"}
_XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class FillStats:
    store: Path
    triples: int  # in the default graph: the data
    ontology_triples: int  # in the named graphs: ontology and issue scheme
    seconds: float


# ----------------------------------------------------------------------------------------- opening
def _is_store(path: Path) -> bool:
    return (path / "CURRENT").is_file()


def _missing(store_dir: Path) -> StoreError:
    return StoreError(
        f"{store_dir}: no Oxigraph store here; fill one with `kg run CORPUS --out OUT` (OUT/store) "
        f"or `kg load oxigraph EXTRACTS_DIR --store {store_dir}`"
    )


def _locked(store_dir: Path, exc: BaseException) -> StoreError:
    return StoreError(
        f"{store_dir}: the store is locked by another process (is `kg serve sparql` running on it? stop it "
        f"first, or write to another --store): {_first_line(exc)}"
    )


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def open_read_only(store_dir: Path) -> ox.Store:
    """Open a filled store for reading (works while a server holds it); ``StoreError`` if there is none."""
    store_dir = Path(store_dir)
    if not store_dir.is_dir() or not _is_store(store_dir):
        raise _missing(store_dir)
    try:
        return ox.Store.read_only(str(store_dir))
    except OSError as exc:
        raise StoreError(f"{store_dir}: cannot open the Oxigraph store: {_first_line(exc)}") from None


def _open_for_writing(store_dir: Path) -> ox.Store:
    try:
        return ox.Store(str(store_dir))
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise _locked(store_dir, exc) from None
        raise StoreError(f"{store_dir}: cannot open the Oxigraph store: {_first_line(exc)}") from None


# ----------------------------------------------------------------------------------------- filling
def fill(graph: Graph, store_dir: Path, *, extracts: Iterable[Extract] = ()) -> FillStats:
    """Replace the contents of the on-disk store ``store_dir`` with ``graph`` (idempotent).

    ``extracts`` (those the graph was built from) add the document texts and the runs, see
    ``kg.stores.rdf.to_rdf``. Raises ``StoreError`` if the store is locked, or if ``store_dir`` is a
    folder with other contents (it is never overwritten)."""
    from kg.stores import rdf

    t0 = time.perf_counter()
    store_dir = Path(store_dir)
    if store_dir.exists() and not store_dir.is_dir():
        raise StoreError(f"{store_dir}: exists and is not a folder; give --store a folder for the Oxigraph store")
    if store_dir.is_dir() and any(store_dir.iterdir()) and not _is_store(store_dir):
        raise StoreError(f"{store_dir}: the folder holds other files and is not an Oxigraph store; "
                         f"refusing to replace it, give --store an empty or new folder")
    old: ox.Store | None = _open_for_writing(store_dir) if _is_store(store_dir) else None

    data = rdf.serialize(rdf.to_rdf(graph, extracts), "nt")
    try:
        store_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{store_dir.name}.new-", dir=store_dir.parent))
    except OSError as exc:
        old = None
        gc.collect()
        raise StoreError(f"{store_dir}: cannot create the store: {exc.strerror or exc}") from None
    trash: Path | None = None
    done = False
    try:
        new = ox.Store(str(tmp))
        new.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        ontology = _load_named(new, rdf.ONTOLOGY_FILE, ox.NamedNode(ONTOLOGY_IRI))
        ontology += _load_named(new, rdf.ISSUES_FILE, ox.NamedNode(str(rdf.scheme_iri(_codebook_name()))))
        triples = sum(1 for _ in new.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        new.flush()
        del new  # releases the new store's lock before its folder moves
        gc.collect()
        if old is not None:
            # Close the old store before its folder moves: RocksDB writes to its path when it closes.
            old = None
            gc.collect()
            trash = Path(tempfile.mkdtemp(prefix=f".{store_dir.name}.old-", dir=store_dir.parent))
            store_dir.rename(trash / "store")
        elif store_dir.exists():
            store_dir.rmdir()  # an empty folder
        tmp.rename(store_dir)
        done = True
    except OSError as exc:
        raise StoreError(f"{store_dir}: cannot write the store: {_first_line(exc)}") from None
    finally:
        old = None  # releases the old store's lock (pyoxigraph has no close())
        gc.collect()
        if not done:
            shutil.rmtree(tmp, ignore_errors=True)
            if trash is not None and (trash / "store").exists() and not store_dir.exists():
                (trash / "store").rename(store_dir)  # put the old store back
        if trash is not None:
            shutil.rmtree(trash, ignore_errors=True)
    return FillStats(store_dir, triples, ontology, time.perf_counter() - t0)


def _codebook_name() -> str:
    from kg.stores.rdf import DEFAULT_CODEBOOK, _codebook

    return _codebook(DEFAULT_CODEBOOK)[0]


def _load_named(store: ox.Store, path: Path, graph: ox.NamedNode) -> int:
    if not path.is_file():
        return 0
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
    return sum(1 for _ in store.quads_for_pattern(None, None, None, graph))


def fill_from_extracts(extracts_dir: Path, store_dir: Path, *, min_net: int = 1) -> FillStats:
    """``kg load oxigraph``: read the extracts, build the graph, fill the store."""
    from kg.extracts import read_dir
    from kg.graph.build import build_graph

    extracts = read_dir(Path(extracts_dir))
    return fill(build_graph(extracts, min_net=min_net), store_dir, extracts=extracts)


def count_triples(store_dir: Path) -> int:
    """Triples in the default graph (the data)."""
    store = open_read_only(store_dir)
    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


# ----------------------------------------------------------------------------------------- querying
def _to_term(name: str, value: Any) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(_XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(_XSD + "double"))
    if isinstance(value, str):
        return ox.Literal(value)
    raise QueryError(f"parameter {name!r}: cannot pass a {type(value).__name__} to SPARQL; give a string or a number")


def _to_python(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype is not None else ""
        local = dt[len(_XSD):] if dt.startswith(_XSD) else ""
        try:
            if local in _INTEGER_TYPES:
                return int(term.value)
            if local in _FLOAT_TYPES:
                return float(term.value)
        except ValueError:
            return term.value
        if local == "boolean":
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def execute(store: ox.Store, text: str, params: Mapping[str, Any] | None = None, *,
            columns: list[str] | None = None, where: str = "query") -> kq.QueryResult:
    """Run SPARQL ``text`` on an open store with ``params`` bound as substitutions."""
    params = dict(params or {})
    subs = {ox.Variable(k): _to_term(k, v) for k, v in params.items()}
    try:
        result = store.query(text, prefixes=dict(PREFIXES), substitutions=subs or None)
    except SyntaxError as exc:
        raise QueryError(f"{where}: malformed SPARQL: {_first_line(exc)}") from None
    except RuntimeError as exc:
        msg = _first_line(exc)
        if "projection" in msg and params:
            raise QueryError(f"{where}: cannot bind the parameter(s) {', '.join(sorted(params))}: {msg}; "
                             f"a parameter must be a variable of the SELECT clause") from None
        raise QueryError(f"{where}: {msg}") from None
    except OSError as exc:
        raise StoreError(f"{where}: the store failed while reading: {_first_line(exc)}") from None
    try:
        if isinstance(result, ox.QueryBoolean):
            return kq.QueryResult(["result"], [{"result": bool(result)}])
        if isinstance(result, ox.QueryTriples):
            rows = [{"subject": _to_python(t.subject), "predicate": _to_python(t.predicate),
                     "object": _to_python(t.object)} for t in result]
            return kq.QueryResult(["subject", "predicate", "object"], rows)
        variables = [v.value for v in result.variables]
        rows = [{v: _to_python(sol[v]) for v in variables} for sol in result]
    except (OSError, RuntimeError) as exc:
        raise QueryError(f"{where}: the query failed: {_first_line(exc)}") from None
    if columns:
        missing = [c for c in columns if c not in variables]
        if missing:
            raise QueryError(f"{where}: the header lists column(s) {', '.join(missing)} that the query does not "
                             f"select; it selects {', '.join(variables)}")
        rows = [{c: r[c] for c in columns} for r in rows]
        variables = list(columns)
    return kq.QueryResult(variables, rows)


def run_query(name_or_file: str, params: Mapping[str, Any] | None = None, *,
              store_dir: Path = DEFAULT_STORE) -> kq.QueryResult:
    """``kg query sparql``: a saved query by name (``stance-matrix``) or a ``.rq`` file, on the store."""
    saved = kq.load(name_or_file, "sparql")
    params = dict(params or {})
    saved.check_params(params)
    missing = [p for p in saved.params if p not in params]
    if missing:
        raise QueryError(f"query {saved.name!r} needs the parameter {missing[0]!r}: "
                         f"add --param {missing[0]}=VALUE")
    store = open_read_only(Path(store_dir))
    where = str(saved.path) if saved.path is not None else saved.name
    return execute(store, saved.text, params, columns=saved.columns or None, where=where)
