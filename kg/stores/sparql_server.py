"""A SPARQL 1.1 Protocol endpoint over the store: Oxigraph's own server (the ``oxigraph`` package's CLI).

``SparqlServer(store_dir, port=7878).start()`` runs ``oxigraph serve --location STORE --bind 127.0.0.1:PORT``
(``serve-read-only`` with ``read_only=True``), waits until it answers a query, and ``stop()`` ends it.
Queries go to ``http://127.0.0.1:PORT/query`` (GET ``?query=`` or POST), the standard protocol.

``serve`` locks the store, so ``kg run`` / ``kg load oxigraph`` cannot swap it away under the server (they
fail with "locked" instead); ``serve-read-only`` takes no lock, and a refill while it runs leaves it serving
files that were replaced: restart it after a refill.
"""

from __future__ import annotations

import shutil
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

    def __init__(self, store_dir: Path, port: int = DEFAULT_PORT, *, read_only: bool = False,
                 timeout: float = 30.0) -> None:
        self.store_dir = Path(store_dir)
        self.port = int(port)
        self.read_only = read_only
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    def command(self) -> list[str]:
        mode = "serve-read-only" if self.read_only else "serve"
        return [str(oxigraph_binary()), mode, "--location", str(self.store_dir), "--bind", f"{HOST}:{self.port}"]

    def start(self) -> "SparqlServer":
        if not (self.store_dir / "CURRENT").is_file():
            raise StoreError(f"{self.store_dir}: no Oxigraph store here; fill one with `kg run CORPUS --out OUT` "
                             f"(OUT/store) or `kg load oxigraph EXTRACTS_DIR --store {self.store_dir}`")
        if not 0 < self.port < 65536:
            raise ServerError(f"port {self.port}: not a TCP port; give --port between 1 and 65535")
        if not port_free(self.port):
            raise ServerError(f"port {self.port} on {HOST} is already in use; give another --port")
        import tempfile

        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(self.command(), stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self._output()
                self.process = None
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
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
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
