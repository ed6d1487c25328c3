"""Neo4j commands: ``kg neo4j start|stop|status``, ``kg load neo4j``, ``kg query cypher``.

Each command parses its options, calls one library function (``kg.stores.neo4j_server`` or
``kg.stores.neo4j_store``) and prints the result. The password comes from ``NEO4J_PASSWORD`` only.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator, List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kg.cli import load_app, neo4j_app, query_app
from kg.cli._common import handle_errors, note_hints, parse_params
from kg.queries import FORMATS, format_result
from kg.stores import neo4j_server, neo4j_store

_err = Console(stderr=True)

DataOpt = typer.Option(None, "--data-dir", envvar="KG_NEO4J_DATA", show_default=False,
                       help="Instance directory (config, data kept between starts, logs; "
                            "default: ~/.local/share/kg/neo4j).")  # no [...]: Rich reads it as markup
BoltOpt = typer.Option(7687, "--bolt-port", help="Bolt port on 127.0.0.1.")
HttpOpt = typer.Option(7474, "--http-port", help="HTTP port on 127.0.0.1 (Neo4j Browser).")
UriOpt = typer.Option(neo4j_store.DEFAULT_URI, "--uri", envvar="NEO4J_URI", help="Neo4j Bolt address.")
UserOpt = typer.Option("neo4j", "--user", envvar="NEO4J_USER", help="Neo4j user (password: NEO4J_PASSWORD).")
DbOpt = typer.Option(neo4j_store.DEFAULT_DATABASE, "--database", envvar="NEO4J_DATABASE",
                     help="Database to use (Community has one: neo4j).")


def _settings(data_dir: Optional[Path], bolt_port: int, http_port: int, heap: str = "512m",
              pagecache: str = "128m") -> neo4j_server.ServerSettings:
    kwargs: dict[str, Any] = {"bolt_port": bolt_port, "http_port": http_port, "heap": heap, "pagecache": pagecache}
    if data_dir is not None:
        kwargs["data"] = data_dir
    return neo4j_server.ServerSettings(**kwargs)


@contextlib.contextmanager
def _spinner() -> Iterator[neo4j_server.Progress]:
    # not on a pipe or file: there rich leaves an empty line, which came before the one-line error message
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=_err,
                  transient=True, disable=not _err.is_terminal) as bar:
        task = bar.add_task("Neo4j", total=None)
        yield lambda msg: bar.update(task, description=msg)


@neo4j_app.command("start")
@handle_errors
def start(
    data_dir: Optional[Path] = DataOpt,
    bolt_port: int = BoltOpt,
    http_port: int = HttpOpt,
    heap: str = typer.Option("512m", "--heap", help="JVM heap, e.g. 512m or 4g (large loads: see BENCHMARKS.md)."),
    pagecache: str = typer.Option("128m", "--pagecache", help="Page cache (the store in memory), e.g. 2g."),
) -> None:
    """Start the local Neo4j Community server (fetching its jars from Maven Central once) and print the
    Browser address. Password: NEO4J_PASSWORD, else the local default in docs/neo4j.md."""
    settings = _settings(data_dir, bolt_port, http_port, heap, pagecache)
    with _spinner() as note:
        status = neo4j_server.start(settings, progress=note)
    typer.echo(status.summary())
    typer.echo(f"Open Neo4j Browser: {status.browser_connect_url or settings.browser_connect_url()}")
    if status.bolt_uri and status.bolt_uri != neo4j_store.DEFAULT_URI:
        typer.echo(f"Not the default port: give the other commands --uri {status.bolt_uri} "
                   f"(or export NEO4J_URI={status.bolt_uri})")


@neo4j_app.command("stop")
@handle_errors
def stop(data_dir: Optional[Path] = DataOpt, bolt_port: int = BoltOpt, http_port: int = HttpOpt) -> None:
    """Stop the local Neo4j server (its data stay in the data directory)."""
    status = neo4j_server.stop(_settings(data_dir, bolt_port, http_port))
    typer.echo(f"Neo4j {status.note} (data kept in {status.data_dir})")


@neo4j_app.command("status")
@handle_errors
def status(data_dir: Optional[Path] = DataOpt, bolt_port: int = BoltOpt, http_port: int = HttpOpt) -> None:
    """Say whether the local Neo4j server runs, with its Bolt and Browser addresses (the ports it was started
    with, read from its data directory's conf/neo4j.conf); exit 1 if it does not."""
    st = neo4j_server.status(_settings(data_dir, bolt_port, http_port))
    typer.echo(st.summary())
    if not st.running:
        raise typer.Exit(1)


@load_app.command("neo4j")
@handle_errors
def load_neo4j(
    extracts_dir: Path = typer.Argument(..., metavar="EXTRACTS_DIR",
                                        help="Folder of extracts files (or one file)."),
    uri: str = UriOpt,
    user: str = UserOpt,
    database: str = DbOpt,
    batch_size: int = typer.Option(neo4j_store.DEFAULT_BATCH_SIZE, "--batch-size", min=1,
                                   help="Rows per transaction."),
    workers: int = typer.Option(neo4j_store.DEFAULT_WORKERS, "--workers", min=1,
                                help="Sessions writing side by side (1: one transaction at a time)."),
    bulk: bool = typer.Option(False, "--bulk",
                              help="First load into an EMPTY database of the local server (kg neo4j start): "
                                   "CSV files and neo4j-admin database import, the server stopped and started "
                                   "around it. Later loads: without --bulk."),
    data_dir: Optional[Path] = DataOpt,
) -> None:
    """Load extracts into Neo4j: constraints first, batched UNWIND ... MERGE, idempotent; a re-extracted
    document replaces its own statements only. With --bulk, a first load into an empty database by
    neo4j-admin's importer (docs/neo4j.md). Password from NEO4J_PASSWORD."""
    conn = neo4j_store.Connection(uri=uri, user=user, password=neo4j_server.password_from_env(),
                                  database=database)
    from kg.cli.cmd_core import PlainProgress

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=_err, transient=True, disable=not _err.is_terminal) as bar:
        task = bar.add_task("loading", total=None)
        plain = None if _err.is_terminal else PlainProgress()  # a log or a pipe: plain lines on stderr

        def progress(phase: str, done: int, total: int) -> None:
            if plain is not None:
                plain(phase, done, total)
            bar.update(task, description=phase, completed=done, total=total)

        if bulk:
            from kg.stores import neo4j_bulk

            settings = _settings(data_dir, 7687, 7474)
            bulk_report = neo4j_bulk.bulk_load_dir(extracts_dir, conn, settings, progress=progress)
        else:
            report = neo4j_store.load_dir(extracts_dir, conn, batch_size=batch_size, workers=workers,
                                          progress=progress)
    typer.echo(bulk_report.summary(conn.where()) if bulk else report.summary(conn.where()))


@query_app.command("cypher")
@handle_errors
def query_cypher(
    query: str = typer.Argument(..., metavar="QUERY",
                                help="Saved query name (see queries/README.md) or a .cypher file."),
    param: Optional[List[str]] = typer.Option(None, "--param", "-p", help="KEY=VALUE (a string) or KEY:int|float|bool=VALUE, bound to $KEY (repeatable)."),
    fmt: str = typer.Option("table", "--format", "-f", help=f"One of {', '.join(FORMATS)}."),
    uri: str = UriOpt,
    user: str = UserOpt,
    database: str = DbOpt,
) -> None:
    """Run a saved or file Cypher query on Neo4j; JSON output is {"columns": [...], "rows": [{...}]}."""
    if fmt not in FORMATS:
        from kg.errors import QueryError

        raise QueryError(f"unknown --format {fmt!r}; one of {', '.join(FORMATS)}")
    conn = neo4j_store.Connection(uri=uri, user=user, password=neo4j_server.password_from_env(),
                                  database=database)
    params = parse_params(param)
    result = neo4j_store.query_cypher(query, params, conn)
    typer.echo(format_result(result, fmt))
    if not result.rows:
        note_hints(query, "cypher", params)
