"""Analysis commands: ``kg import dna``, ``kg network``, ``kg matrix``, ``kg polarisation``.

Each parses its options and calls one function of ``kg.analysis.commands``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from kg.cli import app, import_app
from kg.cli._common import handle_errors

LEVEL_HELP = ("person | organisation (or organization, DNA's spelling): actors as persons (speakers) or as the "
              "organisations they speak for.")
DUP_HELP = ("Count repeated (actor, issue, stance) statements: include | document | week | month | year | "
            "acrossrange (once per document, calendar week, month, year or the whole range).")


@import_app.command("dna")
@handle_errors
def import_dna_cmd(
    path: Path = typer.Argument(..., metavar="FILE",
                                help="A DNA 3.x database (.dna, SQLite)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the extracts (one JSON per DNA document)."),
    statement_type: str = typer.Option("DNA Statement", "--statement-type",
                                       help="DNA statement type with person, organization, concept, agreement."),
) -> None:
    """Import a Discourse Network Analyzer 3.x database as extracts."""
    from kg.analysis.commands import import_dna_command

    typer.echo(import_dna_command(path, out, statement_type=statement_type).summary)


@app.command("network")
@handle_errors
def network_cmd(
    extracts_dir: Path = typer.Argument(..., metavar="EXTRACTS_DIR",
                                        help="Folder of extracts (or one extracts file)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file: .csv (matrix), .graphml, .gexf or .dl."),
    type: str = typer.Option("twomode", "--type",
                             help="twomode | onemode (DNA networks) | agreement | conflict (derived ties with "
                                  "their evidence statements)."),
    aggregation: str = typer.Option("ignore", "--aggregation",
                                    help="Qualifier aggregation. onemode: ignore | congruence | conflict | "
                                         "subtract; twomode: ignore | subtract | combine."),
    normalization: str = typer.Option("no", "--normalization",
                                      help="onemode: no | average | jaccard | cosine; "
                                           "twomode: no | activity | prominence."),
    level: str = typer.Option("person", "--level", help=LEVEL_HELP),
    duplicates: str = typer.Option("include", "--duplicates", help=DUP_HELP),
    date_from: Optional[str] = typer.Option(None, "--from", help="First day included (YYYY-MM-DD)."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Last day included (YYYY-MM-DD)."),
    window: Optional[str] = typer.Option(None, "--window",
                                         help="Moving window length, e.g. 30d, 2w, 3m, 1y: one network per window."),
    step: Optional[str] = typer.Option(None, "--step", help="How far each window moves (default: --window)."),
    plot: Optional[Path] = typer.Option(None, "--plot", help="Also draw the network to this PNG."),
    mode: str = typer.Option("all", "--mode", help="For agreement/conflict: all | positional | interactional."),
    min_net: int = typer.Option(1, "--min-net", help="For positional ties: smallest |net position| that counts."),
) -> None:
    """DNA-exact one-mode and two-mode networks, or agreement/conflict ties with evidence."""
    from kg.analysis.commands import network_command

    result = network_command(extracts_dir, out, type=type, aggregation=aggregation, normalization=normalization,
                             level=level, duplicates=duplicates, date_from=date_from, date_to=date_to,
                             window=window, step=step, plot=plot, mode=mode, min_net=min_net)
    typer.echo(result.summary)


@app.command("matrix")
@handle_errors
def matrix_cmd(
    extracts_dir: Path = typer.Argument(..., metavar="EXTRACTS_DIR",
                                        help="Folder of extracts (or one extracts file)."),
    out: Path = typer.Option(..., "--out", "-o",
                             help="Output file: .csv, .tsv, .xlsx or .json (an empty cell: no statement)."),
    level: str = typer.Option("person", "--level", help=LEVEL_HELP),
    min_statements: int = typer.Option(1, "--min-statements", help="Leave out actors with fewer statements."),
    value: str = typer.Option("net", "--value",
                              help="CSV/TSV content: net | support | oppose | neutral | statements | share as a "
                                   "matrix, or all (a long table with every value and the evidence)."),
    duplicates: str = typer.Option("include", "--duplicates", help=DUP_HELP),
    date_from: Optional[str] = typer.Option(None, "--from", help="First day included (YYYY-MM-DD)."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Last day included (YYYY-MM-DD)."),
    plot: Optional[Path] = typer.Option(None, "--plot", help="Also draw a heatmap to this PNG."),
) -> None:
    """Actor x issue stance matrix: net position, support / oppose / neutral counts, share."""
    from kg.analysis.commands import matrix_command

    result = matrix_command(extracts_dir, out, level=level, min_statements=min_statements, value=value,
                            duplicates=duplicates, date_from=date_from, date_to=date_to, plot=plot)
    typer.echo(result.summary)


@app.command("polarisation")
@handle_errors
def polarisation_cmd(
    extracts_dir: Path = typer.Argument(..., metavar="EXTRACTS_DIR",
                                        help="Folder of extracts (or one extracts file)."),
    out: Path = typer.Option(..., "--out", "-o",
                             help="Output CSV: one row per window (empty score for a window without statements)."),
    window: Optional[str] = typer.Option(None, "--window", help="Window length, e.g. 30d; none: the whole range."),
    step: Optional[str] = typer.Option(None, "--step", help="How far each window moves (default: --window)."),
    level: str = typer.Option("person", "--level", help=LEVEL_HELP),
    clusters: int = typer.Option(2, "--clusters", help="Number of equal-sized clusters (K)."),
    duplicates: str = typer.Option("include", "--duplicates", help=DUP_HELP),
    date_from: Optional[str] = typer.Option(None, "--from", help="First day included (YYYY-MM-DD)."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Last day included (YYYY-MM-DD)."),
    plot: Optional[Path] = typer.Option(None, "--plot", help="Also draw the series to this PNG."),
) -> None:
    """DNA's polarisation score (absdiff, equal-sized clusters) per moving window."""
    from kg.analysis.commands import polarisation_command

    result = polarisation_command(extracts_dir, out, window=window, step=step, level=level, clusters=clusters,
                                  duplicates=duplicates, date_from=date_from, date_to=date_to, plot=plot)
    typer.echo(result.summary)
