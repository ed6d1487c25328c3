"""``kg eval``: score extracts against gold files (thin wrapper over ``kg.evaluation.evaluate``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from kg.cli import app
from kg.cli._common import handle_errors
from kg.errors import ConfigError
from kg.evaluation import evaluate, tables


@app.command("eval")
@handle_errors
def eval_cmd(
    gold_dir: Path = typer.Argument(..., metavar="GOLD_DIR",
                                    help="Folder of gold files (*.json), or one gold file; or a folder of "
                                         "extracts (another coder's) to measure agreement between coders."),
    extracts_dir: Path = typer.Argument(..., metavar="EXTRACTS_DIR",
                                        help="Folder of extracts; each gold file needs <id>.json here."),
    strict: bool = typer.Option(
        False, "--strict",
        help="Also score exact-span matching: a prediction matches only when its span equals the gold "
             "span once quotation marks, white space and punctuation are trimmed (matcher 'exact')."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object instead of tables."),
    errors: Optional[Path] = typer.Option(
        None, "--errors", metavar="FILE",
        help="Write the per-statement error list (missed, spurious, wrong span, wrong speaker...) as CSV."),
    window: Optional[str] = typer.Option(
        None, "--window", metavar="DURATION",
        help="Also compare the stance matrix and agreement / conflict networks per time window of this "
             "length (e.g. 30d, 3m, 1y), as `kg network --window` cuts them."),
    step: Optional[str] = typer.Option(None, "--step", metavar="DURATION",
                                       help="How far each window moves (default: --window)."),
    plot: Optional[Path] = typer.Option(
        None, "--plot", metavar="DIR",
        help="Write side-by-side heatmaps of the gold and predicted net-position matrices to DIR "
             "(matrix-issue.png, matrix-document.png)."),
) -> None:
    """Score extracts against gold: Gender Gap Tracker quote P/R/F1 at 0.3 and 0.8, the word-set Dice rule,
    speaker accuracy, attributed P/R/F1, roles, stance, thread replies, and errors by type; then the
    network level: the actor x issue net-position matrix (correlation, sign agreement, coverage), the DNA
    congruence and conflict networks (edge P/R, weighted Jaccard) and the actors (P/R), gold vs predicted.

    Given two folders of extracts (two coders, or a person and the machine), reports agreement between them
    instead: statements found by both, and agreement with Krippendorff's alpha on speaker, kind, issues and
    stance. A gold file without its extract is an error (exit 3). See docs/evaluation.md."""
    from kg.evaluation import agreement

    if agreement.holds_extracts(gold_dir):
        if strict or errors is not None or window is not None or step is not None or plot is not None:
            raise ConfigError("--strict, --errors, --window, --step and --plot score against gold files; two "
                              "extracts folders are compared for agreement between coders, without them")
        result = agreement.compare_dirs(gold_dir, extracts_dir)
        if as_json:
            typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        else:
            Console(width=max(Console().width, 120)).print(agreement.agreement_table(result))
        return
    if plot is not None and plot.exists() and not plot.is_dir():
        raise ConfigError(f"--plot {plot}: is a file; give a folder for the pictures")
    report = evaluate(gold_dir, extracts_dir, strict=strict, errors_csv=errors, window=window, step=step)
    if plot is not None and report.network is not None:
        from kg.evaluation.network import write_plots

        written = write_plots(report.network, plot)
        typer.echo(f"--plot: wrote {', '.join(str(p) for p in written)}" if written else
                   "--plot: no pictures: the gold files label no stance", err=True)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        console = Console(width=max(Console().width, 160))
        for table in tables(report):
            console.print(table)
