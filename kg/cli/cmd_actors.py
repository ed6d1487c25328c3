"""``kg actors resolve``: one actor per person across the corpus (``kg.graph.resolve``)."""

from __future__ import annotations

from pathlib import Path

import typer

from kg.cli import actors_app
from kg.cli._common import handle_errors


@actors_app.command("resolve", short_help="Write EXTRACTS_DIR/actors.yaml: which actors are one across documents.")
@handle_errors
def resolve_cmd(
    extracts_dir: Path = typer.Argument(..., metavar="EXTRACTS_DIR", help="Folder of extracts (kg extract --out)."),
) -> None:
    """Propose which actors of the extracts are one actor across documents (a surname or title for the one
    person of the corpus with that name, a role for the one person holding it at the time, an organisation's
    abbreviation or acronym) and write them to EXTRACTS_DIR/actors.yaml, keeping every entry a person wrote
    or changed there. kg run, kg export rdf and kg load apply that file on every rebuild; the extracts keep
    what each text said."""
    from kg.extracts import read_dir
    from kg.graph.resolve import actor_file, precheck, resolve_and_write

    if not extracts_dir.is_dir():
        from kg.errors import ExtractsError

        raise ExtractsError(f"{extracts_dir}: no such extracts folder; run `kg extract` first")
    precheck(extracts_dir)
    extracts = read_dir(extracts_dir)
    res = resolve_and_write(extracts, extracts_dir)
    mine = len(res.by_person)
    kept = len(res.entries)
    typer.echo(f"{res.merged} actor id(s) merged into {kept} actor(s) ({kept - mine} proposed by kg, {mine} "
               f"entries by a person) -> {actor_file(extracts_dir)}")
