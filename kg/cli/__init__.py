"""The command line: thin Typer commands over library functions.

Each command parses its options, calls one library function and prints the result. Library errors
(``kg.errors.KGError``) become one line on stderr and the error's exit code, in ``main`` only.

The command groups live here; the commands themselves are in the ``cmd_*`` modules by area.
"""

from __future__ import annotations

import sys

import typer

from kg.cli._common import KGTyper
from kg.errors import KGError

app = KGTyper(
    name="kg",
    help="Stakeholder statement knowledge graph: who said what, in which role, about which issue, for or against.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
query_app = KGTyper(help="Run saved or ad-hoc queries (Cypher on Neo4j, SPARQL on the embedded store).",
                        no_args_is_help=True)
load_app = KGTyper(help="Load extracts into a graph store.", no_args_is_help=True)
export_app = KGTyper(help="Export the graph built from extracts.", no_args_is_help=True)
serve_app = KGTyper(help="Serve the graph over HTTP.", no_args_is_help=True)
import_app = KGTyper(help="Import other tools' data as extracts.", no_args_is_help=True)
neo4j_app = KGTyper(help="A local Neo4j Community server assembled from Maven Central.", no_args_is_help=True)
actors_app = KGTyper(help="One actor per person across the corpus: the actor file EXTRACTS_DIR/actors.yaml.",
                     no_args_is_help=True)



def package_version() -> str:
    """The installed package's version, from its metadata (pyproject.toml is the one source)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kg")
    except PackageNotFoundError:
        return "unknown (not installed; run pip install -e .)"


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"kg {package_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                 help="Print kg's version and exit."),
) -> None:
    """Stakeholder statement knowledge graph: who said what, in which role, about which issue, for or against."""


app.add_typer(query_app, name="query")
app.add_typer(load_app, name="load")
app.add_typer(export_app, name="export")
app.add_typer(serve_app, name="serve")
app.add_typer(import_app, name="import")
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(actors_app, name="actors")

# The command modules register themselves on the apps above.
from kg.cli import cmd_core  # noqa: E402,F401
from kg.cli import cmd_neo4j  # noqa: E402,F401
from kg.cli import cmd_rdf  # noqa: E402,F401
from kg.cli import cmd_analysis  # noqa: E402,F401
from kg.cli import cmd_eval  # noqa: E402,F401
from kg.cli import cmd_review  # noqa: E402,F401
from kg.cli import cmd_actors  # noqa: E402,F401


def main(argv: list[str] | None = None) -> None:
    """Console entry point. Commands turn library errors into one line and an exit code themselves
    (``kg.cli._common.handle_errors``); this catches any raised outside a command the same way."""
    try:
        app(args=argv, prog_name="kg")
    except KGError as exc:
        for problem in getattr(exc, "problems", ()):
            print(f"kg: error: {problem}", file=sys.stderr)
        print(f"kg: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
