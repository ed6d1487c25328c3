"""RDF commands: ``kg export rdf``, ``kg load oxigraph``, ``kg query sparql``, ``kg serve sparql``.

Each parses its options and calls one library function (``kg.stores.rdf``, ``kg.stores.oxigraph_store``,
``kg.stores.sparql_server``); library errors become one line and an exit code in ``handle_errors``.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, List, Optional

import typer
from rich.console import Console

from kg.cli import export_app, load_app, query_app, serve_app
from kg.cli._common import handle_errors, note_hints, parse_params

#: Without a terminal, progress lines start once the work has taken this long.
PLAIN_AFTER_SECONDS = 2.0

_STORE_HELP = "Oxigraph store folder (default: out/store, which `kg run CORPUS --out out` fills)."


@contextmanager
def _status(message: str) -> Iterator[Callable[[str], None]]:
    """A rich spinner on stderr while long work runs; the library reports its stages through the callback.
    Without a terminal (a log, a pipe), the stages are plain lines on stderr once the work has taken
    ``PLAIN_AFTER_SECONDS`` (quick work, and a bad input's one-line error, stay silent)."""
    console = Console(stderr=True)
    if not console.is_terminal:
        started = time.monotonic()
        said: list[str] = []

        def plain(msg: str) -> None:
            if time.monotonic() - started >= PLAIN_AFTER_SECONDS:
                if not said:
                    typer.echo(f"{message}...", err=True)
                said.append(msg)
                typer.echo(f"{msg}...", err=True)

        yield plain
        return
    with console.status(message) as status:
        yield lambda msg: status.update(msg)


@export_app.command("rdf")
@handle_errors
def export_rdf_cmd(
    extracts_dir: Path = typer.Argument(..., metavar="EXTRACTS_DIR",
                                        help="Folder of extracts (one JSON per document)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file: .ttl (Turtle), .nt (N-Triples) or .jsonld."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="ttl | nt | jsonld (default: from --out's suffix)."),
    min_net: int = typer.Option(1, "--min-net", min=1, help="Net position both actors need for a positional tie."),
) -> None:
    """Export the graph of the extracts as linked data (ontology/kg.ttl), valid against ontology/shapes.ttl."""
    from kg.stores.rdf import export_rdf

    with _status("exporting RDF") as progress:
        stats = export_rdf(extracts_dir, out, fmt=fmt, min_net=min_net, progress=progress)
    typer.echo(f"wrote {stats.out}: {stats.triples} triples ({stats.format}) from {stats.documents} document(s)")


@load_app.command("oxigraph")
@handle_errors
def load_oxigraph_cmd(
    extracts_dir: Path = typer.Argument(..., metavar="EXTRACTS_DIR",
                                        help="Folder of extracts (one JSON per document)."),
    store: Path = typer.Option(Path("out/store"), "--store", "-s", help="Oxigraph store folder to (re)fill."),
    min_net: int = typer.Option(1, "--min-net", min=1, help="Net position both actors need for a positional tie."),
) -> None:
    """Fill the embedded Oxigraph store from extracts, replacing what it held."""
    from kg.stores.oxigraph_store import fill_from_extracts

    with _status(f"filling {store}"):
        stats = fill_from_extracts(extracts_dir, store, min_net=min_net)
    typer.echo(f"filled {stats.store}: {stats.triples} triples (+{stats.ontology_triples} of ontology and "
               f"issue scheme in named graphs) in {stats.seconds:.1f} s")


@query_app.command("sparql")
@handle_errors
def query_sparql_cmd(
    query: str = typer.Argument(..., metavar="QUERY",
                                help="A saved query's name (see queries/README.md) or a .rq file."),
    param: Optional[List[str]] = typer.Option(None, "--param", "-p", help="KEY=VALUE (a string) or KEY:int|float|bool=VALUE, bound to ?KEY (repeatable)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table | csv | json."),
    store: Path = typer.Option(Path("out/store"), "--store", "-s", help=_STORE_HELP),
) -> None:
    """Run a saved or ad-hoc SPARQL query on the embedded Oxigraph store."""
    from kg.queries import format_result
    from kg.stores.oxigraph_store import run_query

    params = parse_params(param)
    result = run_query(query, params, store_dir=store)
    typer.echo(format_result(result, fmt))
    if not result.rows:
        note_hints(query, "sparql", params)


@serve_app.command("sparql")
@handle_errors
def serve_sparql_cmd(
    store: Path = typer.Option(Path("out/store"), "--store", "-s", help=_STORE_HELP),
    port: int = typer.Option(7878, "--port", help="TCP port on 127.0.0.1."),
    allow_writes: bool = typer.Option(
        False, "--allow-writes",
        help="Also accept SPARQL UPDATE and Graph Store writes. Unsafe: any program on this machine and any web "
             "page open in a browser here can then change or erase the store (there is no login). Locks the "
             "store while it runs."),
) -> None:
    """Serve the store READ-ONLY as a SPARQL 1.1 Protocol endpoint on 127.0.0.1 (Oxigraph's server), until
    Ctrl-C, SIGTERM or SIGHUP; updates and writes get HTTP 403 unless --allow-writes."""
    from kg.stores.sparql_server import SparqlServer, Stopped, stop_on_signals

    server = SparqlServer(store, port, allow_writes=allow_writes)
    # A signal may come while the server is still starting: stop it whenever it comes
    try:
        with stop_on_signals():
            try:
                server.start()
                mode = "READ-WRITE: anyone who can reach 127.0.0.1 may change it" if allow_writes else "read-only"
                typer.echo(f"SPARQL endpoint: {server.query_url} (store {store}, {mode}); Ctrl-C to stop", err=True)
                server.wait()
            except (KeyboardInterrupt, Stopped):
                typer.echo(f"stopping the SPARQL endpoint {server.query_url}", err=True)
            finally:
                server.stop()
    except (KeyboardInterrupt, Stopped):
        server.stop()  # a second signal while stopping: the child is still stopped
