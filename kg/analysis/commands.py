"""One library function per analysis command: read extracts, compute, write files and pictures.

The CLI (``kg.cli.cmd_analysis``) only parses options and calls these; they never print or exit and raise
``kg.errors`` subclasses. Each returns the paths written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.analysis import exports, plots
from kg.analysis.matrix import stance_matrix, write_matrix
from kg.analysis.network import NETWORK_TYPES, check_choice, level_name, network, network_series
from kg.analysis.polarisation import PolarisationPoint, polarisation, polarisation_series
from kg.analysis.ties import TIE_TYPES, relation_ties
from kg.cells import Number, cells
from kg.errors import ConfigError
from kg.extracts import atomic_write_text, read_dir
from kg.graph.resolve import resolve, resolved_extracts

ALL_NETWORK_TYPES = NETWORK_TYPES + TIE_TYPES


@dataclass
class Written:
    """What a command wrote, and a one-line summary for the terminal."""

    files: list[Path] = field(default_factory=list)
    summary: str = ""


def _check_out(out: Path, formats: tuple[str, ...], what: str) -> None:
    ext = Path(out).suffix.lower()
    if ext not in formats:
        raise ConfigError(f"--out {out}: unknown {what} format {ext or '(none)'!r}; use one of: {', '.join(formats)}")


def _check_plot(plot: Path | None) -> None:
    if plot is not None and Path(plot).suffix.lower() != ".png":
        raise ConfigError(f"--plot {plot}: pictures are written as PNG; give a file name ending in .png")


def network_command(extracts_dir: Path, out: Path, *, type: str = "twomode", aggregation: str = "ignore",
                    normalization: str = "no", level: str = "person", duplicates: str = "include",
                    date_from: str | None = None, date_to: str | None = None, window: str | None = None,
                    step: str | None = None, plot: Path | None = None, mode: str = "all",
                    min_net: int = 1) -> Written:
    """``kg network``: a DNA network (or one per window), or the agreement / conflict ties with evidence."""
    check_choice("--type", type, ALL_NETWORK_TYPES)
    level = level_name(level)
    _check_out(out, exports.NETWORK_FORMATS, "network")
    _check_plot(plot)
    if type in TIE_TYPES:
        if window or date_from or date_to:
            raise ConfigError(f"--type {type} takes no --window/--from/--to; the ties cover all extracts")
        if level != "person":
            raise ConfigError(f"--type {type} is derived between speakers; use --level person")
        extracts = _read(extracts_dir)
        ties = relation_ties(extracts, relation=type, mode=mode, min_net=min_net)
        files = exports.write_ties(ties, out, relation=type)
        if plot is not None:
            from kg.analysis.ties import ties_network

            if not ties:
                raise ConfigError(f"no {type} ties in {extracts_dir}; nothing to draw")
            files.append(plots.network_plot(ties_network(ties, relation=type), plot,
                                            title=f"{type} ties between speakers ({mode})"))
        return Written(files, f"{len(ties)} {type} ties written to {files[0]}")
    extracts = _read(extracts_dir)
    settings: dict[str, Any] = dict(type=type, aggregation=aggregation, normalization=normalization, level=level,
                    duplicates=duplicates, date_from=date_from, date_to=date_to)
    if window:
        nets = network_series(extracts, window=window, step=step, **settings)
        files = exports.write_network(nets, out)
        if plot is not None:
            for p, net in zip(exports.series_paths(plot, nets), nets):
                if net.rows:
                    files.append(plots.network_plot(net, p))
        return Written(files, f"{len(nets)} {type} networks (one per {window} window, step {step or window}) "
                              f"written: {files[0].name} ...")
    if step:
        raise ConfigError("--step needs --window (e.g. --window 30d --step 7d)")
    net = network(extracts, **settings)
    files = exports.write_network(net, out)
    if plot is not None:
        files.append(plots.network_plot(net, plot))
    return Written(files, f"{type} network {len(net.rows)} x {len(net.columns)} from {net.statements} "
                          f"statement-issue pairs written to {out}")


def _read(extracts_dir: Path) -> list:
    """The extracts of ``extracts_dir`` with the corpus-level actor file applied (``kg.graph.resolve``): one
    actor per person across the corpus, in every analysis as in the graph."""
    extracts = read_dir(extracts_dir)
    return resolved_extracts(extracts, resolve(extracts, extracts_dir))


def matrix_command(extracts_dir: Path, out: Path, *, level: str = "person", min_statements: int = 1,
                   value: str = "net", duplicates: str = "include", date_from: str | None = None,
                   date_to: str | None = None, plot: Path | None = None) -> Written:
    """``kg matrix``: the actor x issue stance matrix to CSV/TSV/XLSX/JSON, and a heatmap."""
    from kg.analysis.matrix import MATRIX_FORMATS

    level = level_name(level)
    _check_out(out, MATRIX_FORMATS, "matrix")
    _check_plot(plot)
    m = stance_matrix(_read(extracts_dir), level=level, min_statements=min_statements,
                      duplicates=duplicates, date_from=date_from, date_to=date_to)
    files = [write_matrix(m, out, value=value)]
    if plot is not None:
        files.append(plots.heatmap(m, plot, value="net" if value == "all" else value))
    return Written(files, f"stance matrix {len(m.actors)} {level}s x {len(m.issues)} issues written to {out}")


POLARISATION_COLUMNS = ("start", "stop", "middle", "score", "actors", "statements", "search", "clusters")


def polarisation_table(points: list[PolarisationPoint]) -> str:
    """One CSV row per window; a window without statements has empty ``score``, ``search`` and ``clusters``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(POLARISATION_COLUMNS)
    for p in points:
        clusters = "; ".join(f"{a}={c + 1}" for a, c in zip(p.actors, p.clusters))
        scored = p.score is not None
        w.writerow(cells([str(p.start or ""), str(p.stop or ""), str(p.middle or ""),
                          Number(f"{p.score:.6f}") if scored else "", len(p.actors), p.statements,
                          ("exhaustive" if p.exact else "greedy") if scored else "", clusters]))
    return buf.getvalue()


def polarisation_command(extracts_dir: Path, out: Path, *, window: str | None = None, step: str | None = None,
                         level: str = "person", clusters: int = 2, duplicates: str = "include",
                         date_from: str | None = None, date_to: str | None = None,
                         plot: Path | None = None) -> Written:
    """``kg polarisation``: DNA's polarisation score per window (or for the whole range) to CSV, line plot."""
    level = level_name(level)
    _check_out(out, (".csv",), "polarisation")
    _check_plot(plot)
    extracts = _read(extracts_dir)
    if window:
        points = polarisation_series(extracts, window=window, step=step, level=level, k=clusters,
                                     duplicates=duplicates, date_from=date_from, date_to=date_to)
    else:
        if step:
            raise ConfigError("--step needs --window (e.g. --window 30d --step 7d)")
        points = [polarisation(extracts, level=level, k=clusters, duplicates=duplicates,
                               date_from=date_from, date_to=date_to)]
    atomic_write_text(Path(out), polarisation_table(points))
    files = [Path(out)]
    if plot is not None:
        files.append(plots.polarisation_plot(points, plot))
    scored = [p for p in points if p.score is not None]
    if not scored:
        return Written(files, f"{len(points)} polarisation window(s) written to {out}; "
                              "none has statements that take a side, so none has a score")
    top = max(scored, key=lambda p: p.score or 0.0)
    empty = len(points) - len(scored)
    return Written(files, f"{len(points)} polarisation score(s) written to {out}"
                          f"{f' ({empty} empty: no statements)' if empty else ''}; "
                          f"highest {top.score:.3f} ({top.start} to {top.stop})")


def import_dna_command(path: Path, out_dir: Path, *, statement_type: str = "DNA Statement") -> Written:
    from kg.importers.dna import import_dna

    report = import_dna(path, out_dir, statement_type=statement_type)
    return Written(report.files, f"{report.summary()}; {len(report.files)} extracts written to {out_dir}")
