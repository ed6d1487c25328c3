"""A SPARQL 1.1 Protocol endpoint over the store: Oxigraph's own server (the ``oxigraph`` package's CLI).

``SparqlServer(store_dir, port=7878).start()`` runs ``oxigraph serve-read-only --location STORE --bind
127.0.0.1:PORT``, waits until it answers a query, and ``stop()`` ends it. Queries go to
``http://127.0.0.1:PORT/query`` (GET ``?query=`` or POST), the standard protocol.

Read-only is the default because the server has no authentication: any program on this machine, and any web
page open in a browser here (a cross-origin form POST needs no CORS permission), can reach 127.0.0.1. The
read-only server answers SPARQL UPDATE and every Graph Store write (PUT, POST, DELETE) with 403.
``allow_writes=True`` runs ``oxigraph serve`` instead: then all of those may change or erase the store while the
server runs (Oxigraph cannot listen on a socket only we can reach, so a guard in front of it could be walked
around). It locks the store, so ``kg run`` / ``kg load oxigraph`` fail with "locked" instead of replacing it.

The read-only server reads the store version it started on (``kg.stores.oxigraph_store.reading``, which keeps
that version on disk while the server runs); a refill meanwhile is served after a restart.

The child is stopped on ``stop()`` and, on Linux, also when this process dies without a chance to stop it
(the kernel sends it SIGTERM: ``PR_SET_PDEATHSIG``; strictly, when the thread that started it ends, so start
it from a thread that outlives it). ``kg serve sparql`` stops it on SIGINT, SIGTERM and SIGHUP.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from kg.errors import ServerError, StoreError
from kg.queries import QueryResult

DEFAULT_PORT = 7878
HOST = "127.0.0.1"


def oxigraph_binary() -> Path:
    """The ``oxigraph`` CLI installed by the ``oxigraph`` package (next to this Python first, then PATH)."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file():
        return here
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise ServerError("the `oxigraph` server is not installed; install it with `pip install oxigraph` "
                      "(the project's dependencies include it)")


def port_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is free
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


class SparqlServer:
    """One ``oxigraph`` server process on ``127.0.0.1:port`` over an on-disk store."""

    def __init__(self, store_dir: Path, port: int = DEFAULT_PORT, *, allow_writes: bool = False,
                 timeout: float = 30.0) -> None:
        self.store_dir = Path(store_dir)
        self.port = int(port)
        self.allow_writes = allow_writes
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Any = None
        self._reading: contextlib.ExitStack | None = None
        self._location = self.store_dir

    @property
    def read_only(self) -> bool:
        return not self.allow_writes

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    def command(self) -> list[str]:
        mode = "serve" if self.allow_writes else "serve-read-only"
        return [str(oxigraph_binary()), mode, "--location", str(self._location), "--bind", f"{HOST}:{self.port}"]

    def start(self) -> "SparqlServer":
        from kg.stores import oxigraph_store

        if not (self.store_dir / "CURRENT").is_file():
            raise StoreError(f"{self.store_dir}: no Oxigraph store here; fill one with `kg run CORPUS --out OUT` "
                             f"(OUT/store) or `kg load oxigraph EXTRACTS_DIR --store {self.store_dir}`")
        if not 0 < self.port < 65536:
            raise ServerError(f"port {self.port}: not a TCP port; give --port between 1 and 65535")
        if not port_free(self.port):
            raise ServerError(f"port {self.port} on {HOST} is already in use; give another --port")
        import tempfile

        pass_fds: tuple[int, ...] = ()
        if self.allow_writes:
            self._location = self.store_dir  # Oxigraph's own lock keeps refills away
        else:
            # Serve one version of the store and keep it on disk while the child reads it: the child inherits
            # the reader's lock, so the version stays even if we die before the child does.
            self._reading = contextlib.ExitStack()
            version = self._reading.enter_context(oxigraph_store.reading(self.store_dir))
            self._location = version.path
            pass_fds = version.fds
        self._log = tempfile.TemporaryFile()
        try:
            self.process = subprocess.Popen(self.command(), stdout=self._log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, pass_fds=pass_fds,
                                            preexec_fn=_child_setup(_prctl()))
        except OSError as exc:
            self.stop()
            raise ServerError(f"cannot run {self.command()[0]}: {exc.strerror or exc}") from None
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self._output()
                self.process = None
                self.stop()
                if "lock" in output.lower():
                    raise StoreError(f"{self.store_dir}: the store is locked by another process; stop it first "
                                     f"({output.strip().splitlines()[-1] if output.strip() else 'LOCK held'})")
                raise ServerError(f"oxigraph exited before serving: {output.strip()[-300:] or '(no output)'}")
            if self._answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise ServerError(f"oxigraph did not answer on {self.url} within {self.timeout:.0f} s")

    def _output(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def _answers(self) -> bool:
        try:
            query(self.query_url, "ASK { }", timeout=2)
            return True
        except (OSError, ServerError):
            return False

    def stop(self) -> None:
        """End the child (SIGTERM, then SIGKILL after 10 s) and release the store; safe to call twice."""
        process, self.process = self.process, None
        if process is not None:
            with _signals_held():  # a second Ctrl-C or SIGTERM must not leave the child running
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait(timeout=10)
        if self._reading is not None:
            self._reading.close()
            self._reading = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def wait(self) -> int:
        """Block until the server exits (``kg serve sparql`` in the foreground)."""
        if self.process is None:
            return 0
        return self.process.wait()

    def __enter__(self) -> "SparqlServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


_STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))


@contextlib.contextmanager
def _signals_held():
    """Hold SIGINT/SIGTERM/SIGHUP back while the child is being stopped (they are delivered afterwards)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _prctl() -> Any:
    """libc's ``prctl`` on Linux (loaded here: the child may not load libraries between fork and exec)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _child_setup(prctl: Any) -> Any:
    """What the child runs between fork and exec: no signals held back, and (Linux) SIGTERM from the kernel
    when its parent dies, even by SIGKILL (``PR_SET_PDEATHSIG``)."""
    def setup() -> None:  # pragma: no cover - runs in the child
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_SETMASK, set())
        if prctl is not None:
            prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG

    return setup


class Stopped(Exception):
    """Raised in the main thread by :func:`stop_on_signals` when SIGTERM or SIGHUP arrives."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def stop_on_signals():
    """While inside, SIGTERM and SIGHUP raise :class:`Stopped` in the main thread (SIGINT already raises
    ``KeyboardInterrupt``), so a ``finally`` can stop the server; the old handlers come back afterwards."""
    def handler(signum: int, _frame: Any) -> None:
        raise Stopped(signum)

    old: dict[int, Any] = {}
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signum = getattr(signal, name)
            old[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, previous in old.items():
            signal.signal(signum, previous)


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {"integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
             "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"}


def _value(binding: dict[str, str] | None) -> Any:
    if binding is None:
        return None
    value = binding["value"]
    if binding.get("type") == "bnode":
        return f"_:{value}"
    dt = binding.get("datatype", "")
    local = dt[len(_XSD):] if dt.startswith(_XSD) else ""
    try:
        if local in _INTEGERS:
            return int(value)
        if local in ("double", "float", "decimal"):
            return float(value)
    except ValueError:
        return value
    if local == "boolean":
        return value in ("true", "1")
    return value


def to_result(results: dict[str, Any], columns: list[str] | None = None) -> QueryResult:
    """SPARQL 1.1 JSON results -> ``QueryResult`` with the same Python values as the embedded store gives."""
    if "boolean" in results:
        return QueryResult(["result"], [{"result": bool(results["boolean"])}])
    variables = list(results["head"]["vars"])
    rows = [{v: _value(b.get(v)) for v in variables} for b in results["results"]["bindings"]]
    if columns:
        rows = [{c: r.get(c) for c in columns} for r in rows]
        variables = list(columns)
    return QueryResult(variables, rows)


def query(endpoint: str, sparql: str, *, timeout: float = 30.0) -> dict[str, Any]:
    """POST a query to a SPARQL 1.1 Protocol endpoint; the SPARQL JSON results as a dict."""
    import json

    data = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
    req = urllib.request.Request(endpoint, data=data, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json",
    })
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace").strip()
        raise ServerError(f"{endpoint}: HTTP {exc.code}: {body[:300]}") from None
