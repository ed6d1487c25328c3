"""The embedded RDF store: an on-disk Oxigraph store (pyoxigraph), filled from the graph, queried in SPARQL.

Layout of a store filled by :func:`fill`:

- the default graph holds the data (the linked-data form of the graph, ``kg.stores.rdf.to_rdf``);
- the named graph ``<https://w3id.org/kg/ontology>`` holds ``ontology/kg.ttl``, and the named graph of the
  default codebook's scheme holds ``ontology/issues.ttl``. Saved queries read the default graph only, so
  counts are the data's; ``GRAPH`` or ``--union-default-graph`` reach the rest.

Versions. ``store_dir`` is a symbolic link to one *version* of the store, a sibling folder
``.<name>.v-<pid>-<random>`` (the link is relative, so the parent folder can be moved or copied with ``cp -a``).
:func:`fill` builds a new version beside the current one and replaces the link in one ``rename``: a reader
resolves the link once and reads one whole version, never half of two (before, the folder was renamed under
readers, which then failed with RocksDB "Corruption"). A store written by an older kg (a plain folder) becomes
a version on its next fill.

Each version holds ``kg-readers.lock``: readers (:func:`reading`, which :func:`run_query`, :func:`count_triples`
and the read-only ``kg serve sparql`` use) hold a shared ``flock`` on it while they read, and so does a fill on
the version it is building. A version that is not the current one is deleted by the next fill, or a later one,
once nobody holds that lock, so the versions, temporary folders and ``.store.new-*`` / ``.store.old-*`` folders
that a killed process left behind are cleaned up, and those of a live process never are.
A fill refuses to run while ``kg serve sparql --allow-writes`` (or any writer) holds the store: it takes
RocksDB's own ``LOCK`` itself, without opening the store, for the whole fill.
Queries open the store read-only, so they work while ``kg serve sparql`` holds it.

Values reach a query only as pyoxigraph ``substitutions`` (RDF-dev SEP-0007): the parameter ``actor``
binds the variable ``?actor``. Oxigraph requires a substituted variable to be in the ``SELECT`` projection,
so a saved query projects its parameters and :func:`run_query` returns only the header's ``columns``.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import pyoxigraph as ox

from kg import queries as kq
from kg.errors import QueryError, StoreError
from kg.extracts import pid_alive
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

READERS_LOCK = "kg-readers.lock"  # in each version; readers hold a shared flock on it
_YOUNG = 60.0  # seconds: a folder without a store yet may still be starting to be filled by a live process


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
    if store_dir.is_dir() and any(store_dir.iterdir()):  # filling it would be refused: do not suggest it
        return StoreError(
            f"{store_dir}: not an Oxigraph store (the folder holds other files); --store takes the store folder "
            "that `kg run CORPUS --out OUT` fills (OUT/store) or `kg load oxigraph EXTRACTS_DIR --store DIR` makes"
        )
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


@dataclass
class Version:
    """One version of a store, held for reading (:func:`reading`): ``path`` is its folder, ``fds`` the
    descriptors of the lock to hand to a child process that reads it (``subprocess.Popen(pass_fds=...)``)."""

    path: Path
    fds: tuple[int, ...] = ()


def _resolve(store_dir: Path) -> Path:
    """The folder of the version the link points at now (one ``readlink``), or ``store_dir`` itself."""
    return Path(os.path.realpath(store_dir))


def _siblings(store_dir: Path, kind: str) -> list[Path]:
    """The hidden folders beside ``store_dir`` of one kind, as real paths, so that they compare equal to
    ``_resolve`` (a relative ``--store out/store`` once made the current version look like a stale one)."""
    parent = Path(os.path.realpath(store_dir.parent))
    if not parent.is_dir():
        return []
    prefix = f".{store_dir.name}.{kind}"
    return sorted(p for p in parent.iterdir() if p.name.startswith(prefix))


def _lock_version(path: Path, how: int) -> int | None:
    """A descriptor of ``path``'s readers lock, locked with ``how``; None if it has no lock file (a store of
    an older kg, or one copied without it) or the lock is taken (with ``LOCK_NB``)."""
    try:
        fd = os.open(path / READERS_LOCK, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(fd, how)
    except OSError:
        os.close(fd)
        return None
    try:
        # the folder may have been deleted between the open and the lock: then the file is not there any more
        if os.fstat(fd).st_ino != os.stat(path / READERS_LOCK).st_ino:
            raise FileNotFoundError
    except OSError:
        os.close(fd)
        return None
    return fd


@contextlib.contextmanager
def reading(store_dir: Path) -> Iterator[Version]:
    """Hold the current version of the store for reading: a fill meanwhile makes a new version and leaves
    this one on disk until the ``with`` ends (and until a child given ``Version.fds`` exits)."""
    store_dir = Path(store_dir)
    deadline = time.monotonic() + 2.0
    while True:
        path = _resolve(store_dir)
        if _is_store(path):
            if not (path / READERS_LOCK).exists():
                yield Version(path)  # a plain store folder of an older kg: nothing to hold
                return
            fd = _lock_version(path, fcntl.LOCK_SH)
            if fd is not None and _is_store(path):
                break
            if fd is not None:
                os.close(fd)
        elif not (store_dir.is_symlink() or _siblings(store_dir, "v-")):
            raise _missing(store_dir)
        # a fill swapped the link or moved an older store folder meanwhile: look again
        if time.monotonic() > deadline:
            raise _missing(store_dir)
        time.sleep(0.01)
    try:
        yield Version(path, (fd,))
    finally:
        os.close(fd)


def open_read_only(store_dir: Path) -> ox.Store:
    """Open a filled store for reading (works while a server holds it); ``StoreError`` if there is none.

    The store is the version current now; a later fill may delete it once it is not current, so keep the
    returned store only for a short read, or read inside :func:`reading` (as :func:`run_query` does)."""
    store_dir = Path(store_dir)
    path = _resolve(store_dir)
    if not path.is_dir() or not _is_store(path):
        raise _missing(store_dir)
    return _open_version(store_dir, path)


def _open_version(store_dir: Path, path: Path) -> ox.Store:
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"{store_dir}: cannot open the Oxigraph store: {_first_line(exc)}") from None


def _hold_writer_lock(store_dir: Path, path: Path) -> int | None:
    """Take RocksDB's ``LOCK`` of the store at ``path`` (as a writer would, without opening the store), so no
    writer starts on it during a fill; ``StoreError`` if a writer (``kg serve sparql --allow-writes``) has it."""
    try:
        fd = os.open(path / "LOCK", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise StoreError(f"{store_dir}: cannot open the Oxigraph store: {exc.strerror or exc}") from None
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            raise _locked(store_dir, exc) from None
        raise StoreError(f"{store_dir}: cannot lock the Oxigraph store: {exc.strerror or exc}") from None
    return fd


# ----------------------------------------------------------------------------------------- filling
_PID = re.compile(r"\.v-(\d+)-")


def _remove_stale(store_dir: Path) -> list[Path]:
    """Delete the versions of ``store_dir`` that are not current and that nobody reads or fills, and the
    ``.new-`` / ``.old-`` folders an older kg left when it was killed. Returns what was deleted."""
    current = _resolve(store_dir)
    removed: list[Path] = []
    for path in _siblings(store_dir, "v-") + _siblings(store_dir, "new-") + _siblings(store_dir, "old-"):
        if path == current or path.is_symlink() or not path.is_dir():
            continue
        try:
            age = time.time() - path.stat().st_mtime
        except OSError:
            continue
        m = _PID.match(path.name[len(store_dir.name) + 1:])
        fd = _lock_version(path, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if path == _resolve(store_dir):  # another fill made it current meanwhile
            if fd is not None:
                os.close(fd)
            continue
        if fd is None:
            if (path / READERS_LOCK).exists():
                continue  # read or being filled by a live process
            # no lock file: an older kg's folder, or one a live fill has only just created
            if age < _YOUNG or (m and pid_alive(int(m.group(1)))):
                continue
            store = path / "store" if (path / "store").is_dir() else path
            if _is_store(store):
                try:
                    writer = _hold_writer_lock(store_dir, store)
                except StoreError:
                    continue  # an older kg is still filling it
                if writer is not None:
                    os.close(writer)
        elif not _is_store(path):
            # nobody holds it, but a live fill may be between creating it and locking it
            if (m and pid_alive(int(m.group(1)))) or (not m and age < _YOUNG):
                os.close(fd)
                continue
        try:
            gone = path.with_name(f".{store_dir.name}.gone-{secrets.token_hex(4)}")
            path.rename(gone)  # never half a version under a name a reader could resolve
        except OSError:
            if fd is not None:
                os.close(fd)
            continue
        if fd is not None:
            os.close(fd)
        shutil.rmtree(gone, ignore_errors=True)
        removed.append(path)
    for gone in _siblings(store_dir, "gone-") + _siblings(store_dir, "link-"):
        # a deletion or a link swap that a killed fill left half done (nobody reads these names)
        try:
            if time.time() - gone.lstat().st_mtime < _YOUNG:
                continue
            if gone.is_symlink() or not gone.is_dir():
                gone.unlink()
            else:
                shutil.rmtree(gone, ignore_errors=True)
            removed.append(gone)
        except OSError:
            pass
    return removed


def _new_version(store_dir: Path) -> tuple[Path, int]:
    """A new, empty version folder with its readers lock held shared (by the fill that builds it)."""
    for _ in range(10):
        path = store_dir.parent / f".{store_dir.name}.v-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            path.mkdir(mode=0o755)
        except FileExistsError:
            continue
        fd = os.open(path / READERS_LOCK, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        fcntl.flock(fd, fcntl.LOCK_SH)
        return path, fd
    raise FileExistsError(f"{store_dir.parent}: cannot name a new store version")


def _point(store_dir: Path, version: Path) -> None:
    """Make ``store_dir`` a link to ``version`` in one rename (readers see the old or the new version)."""
    link = store_dir.parent / f".{store_dir.name}.link-{secrets.token_hex(4)}"
    os.symlink(version.name, link)
    moved: Path | None = None
    try:
        if store_dir.is_dir() and not store_dir.is_symlink():
            if _is_store(store_dir):
                # a store folder of an older kg (or a copy): it becomes an old version; readers that find no
                # store while it moves look again
                moved = store_dir.parent / f".{store_dir.name}.v-0-{secrets.token_hex(4)}"
                store_dir.rename(moved)
            else:
                store_dir.rmdir()  # an empty folder
        os.replace(link, store_dir)
    except BaseException:
        link.unlink(missing_ok=True)
        if moved is not None and not store_dir.exists():
            moved.rename(store_dir)
        raise
    if moved is not None and not (moved / READERS_LOCK).exists():
        shutil.rmtree(moved, ignore_errors=True)  # nobody can hold it: readers lock only versions


def fill(graph: Graph, store_dir: Path, *, extracts: Iterable[Extract] = ()) -> FillStats:
    """Replace the contents of the on-disk store ``store_dir`` with ``graph`` (idempotent).

    ``extracts`` (those the graph was built from) add the document texts and the runs, see
    ``kg.stores.rdf.to_rdf``. Raises ``StoreError`` if the store is locked, or if ``store_dir`` is a
    folder with other contents (it is never overwritten). The new contents become visible at once (a new
    version, see the module's docstring); earlier versions nobody reads any more are deleted."""
    from kg.stores import rdf

    t0 = time.perf_counter()
    store_dir = Path(store_dir)
    if store_dir.is_symlink() and not store_dir.exists():
        pass  # a link to a version that is gone: replaced below
    elif store_dir.exists() and not store_dir.is_dir():
        raise StoreError(f"{store_dir}: exists and is not a folder; give --store a folder for the Oxigraph store")
    elif store_dir.is_dir() and not _is_store(store_dir) and any(store_dir.iterdir()):
        raise StoreError(f"{store_dir}: the folder holds other files and is not an Oxigraph store; "
                         f"refusing to replace it, give --store an empty or new folder")
    current = _resolve(store_dir)
    writer = _hold_writer_lock(store_dir, current) if _is_store(current) else None
    held: int | None = None
    tmp: Path | None = None
    done = False
    try:
        data = rdf.serialize(rdf.to_rdf(graph, extracts), "nt")
        try:
            store_dir.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale(store_dir)
            tmp, held = _new_version(store_dir)
        except OSError as exc:
            raise StoreError(f"{store_dir}: cannot create the store: {exc.strerror or exc}") from None
        try:
            new = ox.Store(str(tmp))
            new.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
            ontology = _load_named(new, rdf.ONTOLOGY_FILE, ox.NamedNode(ONTOLOGY_IRI))
            ontology += _load_named(new, rdf.ISSUES_FILE, ox.NamedNode(str(rdf.scheme_iri(_codebook_name()))))
            triples = sum(1 for _ in new.quads_for_pattern(None, None, None, ox.DefaultGraph()))
            new.flush()
            del new  # releases the new store's lock: readers may open it once the link points at it
            gc.collect()
            _point(store_dir, tmp)
            done = True
        except OSError as exc:
            raise StoreError(f"{store_dir}: cannot write the store: {_first_line(exc)}") from None
    finally:
        gc.collect()
        for fd in (held, writer):
            if fd is not None:
                os.close(fd)
        if not done and tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    if done:
        _remove_stale(store_dir)  # the version just replaced, unless someone still reads it
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
    from kg.graph.resolve import resolve

    extracts = read_dir(Path(extracts_dir))
    graph = build_graph(extracts, min_net=min_net, resolution=resolve(extracts, extracts_dir))
    return fill(graph, store_dir, extracts=extracts)


def count_triples(store_dir: Path) -> int:
    """Triples in the default graph (the data)."""
    with reading(Path(store_dir)) as version:
        store = _open_version(Path(store_dir), version.path)
        n = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        del store
        return n


# ----------------------------------------------------------------------------------------- querying
def _to_term(name: str, value: Any) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
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
    where = str(saved.path) if saved.path is not None else saved.name
    with reading(Path(store_dir)) as version:
        store = _open_version(Path(store_dir), version.path)
        result = execute(store, saved.text, params, columns=saved.columns or None, where=where)
        del store  # closes it while the version is still held
        gc.collect()
        return result
