"""Pictures (PNG) of the results: stance heatmap, network, polarisation over time.

Figures are drawn on matplotlib ``Figure`` objects with the Agg canvas (no global pyplot state, no
display needed) and written atomically. Sizes grow with the number of labels so labels stay readable.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import Sequence

import numpy as np

from kg.analysis.matrix import StanceMatrix, similarity_order
from kg.analysis.network import Network
from kg.cells import xml_safe
from kg.errors import ConfigError
from kg.extracts import atomic_write_bytes

AGREE = "#1a7f37"  # agreement / support: green
CONFLICT = "#c4262e"  # conflict / oppose: red
NEUTRAL = "#8c8c8c"  # co-occurrence, mention, both
EDGE_COLOURS = {"agreement": AGREE, "support": AGREE, "conflict": CONFLICT, "oppose": CONFLICT}


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path: Path) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ConfigError(f"--plot {path}: pictures are written as PNG; give a file name ending in .png")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    atomic_write_bytes(path, buf.getvalue())
    return path


def _wrap(label: str, width: int = 34) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _text(label: str) -> str:
    """A name as matplotlib should show it, literally: ``$`` escaped (matplotlib reads ``$...$`` as
    mathematics, and a name such as ``$\\frac{$`` stopped the whole picture), characters no font has
    written as ``\\xNN`` (``kg.cells.xml_safe``, and DEL), TAB and CR as spaces."""
    text = xml_safe(label).replace("\t", " ").replace("\r", " ").replace("\x7f", "\\x7f")
    return text.replace("$", r"\$")


def _dark(v: float, norm, data: np.ndarray) -> bool:
    """Is the cell colour dark enough for white text?"""
    if norm is not None:
        return abs(float(norm(v)) - 0.5) > 0.3
    return v / max(1.0, float(np.nanmax(data))) > 0.6


def heatmap(matrix: StanceMatrix, path: Path, *, value: str = "net", title: str | None = None) -> Path:
    """Actors x issues heatmap, diverging colours (red oppose, blue support), actors ordered by similarity."""
    from matplotlib.colors import TwoSlopeNorm

    if not matrix.actors or not matrix.issues:  # say so in the picture rather than fail a whole run
        fig = _figure(6, 2)
        ax = fig.add_subplot(1, 1, 1)
        ax.set_axis_off()
        ax.text(0.5, 0.5, "Stance matrix: no actor has a statement about an issue", ha="center", va="center")
        return _save(fig, path)
    data = np.asarray(matrix.value(value), dtype=float)
    said = matrix.statements > 0
    rows = similarity_order(np.nan_to_num(data))
    cols = similarity_order(np.nan_to_num(data).T)
    data = np.where(said, data, np.nan)[np.ix_(rows, cols)]  # no statement: grey, not "0"
    actors = [matrix.actors[i] for i in rows]
    issues = [matrix.issues[j] for j in cols]
    n, m = data.shape
    fig = _figure(max(6.0, 1.0 + 0.75 * m + 0.09 * max(len(a) for a in actors)),
                  max(4.0, 2.2 + 0.38 * n))
    ax = fig.add_subplot(1, 1, 1)
    norm: TwoSlopeNorm | None
    if value == "share":
        cmap, norm = "RdBu", TwoSlopeNorm(vcenter=0.5, vmin=0.0, vmax=1.0)
    else:
        top = max(1.0, float(np.nanmax(np.abs(data))))
        cmap, norm = ("RdBu", TwoSlopeNorm(vcenter=0.0, vmin=-top, vmax=top)) if value == "net" else \
            ("Blues", None)
    masked = np.ma.masked_invalid(data)
    ax.set_facecolor("#d4d4d4")
    im = ax.imshow(masked, cmap=cmap, norm=norm, aspect="auto")
    ax.set_xticks(range(m), [_text(_wrap(x, 28)) for x in issues], rotation=40, ha="right", fontsize=9)
    ax.set_yticks(range(n), [_text(a) for a in actors], fontsize=9)
    if n * m <= 900:
        for i in range(n):
            for j in range(m):
                v = data[i, j]
                if np.isnan(v):
                    continue
                text = f"{v:.2f}" if value == "share" else f"{int(v)}" if float(v).is_integer() else f"{v:.1f}"
                ax.text(j, i, text, ha="center", va="center", fontsize=8,
                        color="white" if _dark(v, norm, data) else "black")
    label = {"net": "net position (support - oppose)", "share": "share of support",
             "support": "supporting statements", "oppose": "opposing statements",
             "neutral": "neutral statements", "statements": "statements"}[value]
    fig.colorbar(im, ax=ax, shrink=0.8, label=label)
    ax.set_title(title or f"Stance matrix ({matrix.level}s x issues, {label}; grey: no statement)", fontsize=11)
    ax.set_xticks(np.arange(-0.5, m, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, n, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)
    return _save(fig, path)


def network_plot(net: Network, path: Path, *, title: str | None = None) -> Path:
    """Draw a network: agreement/support edges green, conflict/oppose red, others grey; width ~ |weight|."""
    from kg.analysis.exports import to_networkx

    g = to_networkx(net)
    if g.number_of_nodes() == 0:
        raise ConfigError("the network has no nodes (no statements in the selection); nothing to draw")
    if net.type == "twomode":
        actors = [n for n, d in g.nodes(data=True) if d["type"] == "actor"]
        issues = [n for n, d in g.nodes(data=True) if d["type"] == "issue"]
        pos = {}
        for k, nodes in ((0.0, actors), (1.0, issues)):
            for idx, node in enumerate(nodes):
                pos[node] = (k, 1.0 - (idx + 0.5) / max(1, len(nodes)))
        height = max(4.0, 0.45 * max(len(actors), len(issues)))
        fig = _figure(11, height)
    else:
        # a circle, actors ordered so that those with similar ties sit side by side; labels outside
        order = similarity_order(net.values) if len(net.rows) >= 3 else list(range(len(net.rows)))
        n = len(order)
        pos = {}
        for rank, i in enumerate(order):
            angle = np.pi / 2 - 2 * np.pi * rank / max(1, n)
            pos[f"a{i}"] = (np.cos(angle), np.sin(angle))
        size = max(7.0, min(18.0, 4.0 + 0.35 * n))
        fig = _figure(size * 1.35, size)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_axis_off()
    weights = [d["abs_weight"] for _, _, d in g.edges(data=True)]
    top = max(weights) if weights else 1.0
    for u, v, d in g.edges(data=True):
        (x1, y1), (x2, y2) = pos[u], pos[v]
        ax.plot([x1, x2], [y1, y2], color=EDGE_COLOURS.get(d["relation"], NEUTRAL),
                linewidth=0.8 + 4.2 * d["abs_weight"] / top, alpha=0.75, zorder=1,
                solid_capstyle="round")
    for node, d in g.nodes(data=True):
        x, y = pos[node]
        issue = d["type"] == "issue"
        ax.scatter([x], [y], s=120, zorder=2, marker="s" if issue else "o",
                   color="#f2b134" if issue else "#3b6ea8", edgecolors="white", linewidths=1)
        if net.type == "twomode":
            ha, tx, ty = ("left", x + 0.02, y) if issue else ("right", x - 0.02, y)
        else:
            ha = "left" if x > 0.05 else "right" if x < -0.05 else "center"
            tx, ty = x * 1.08, y * 1.08 + (0.04 if abs(x) <= 0.05 else 0.0) * np.sign(y)
        ax.text(tx, ty, _text(_wrap(d["label"], 30)), ha=ha, va="center", fontsize=9, zorder=3,
                bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.8))
    from matplotlib.lines import Line2D

    present = {d["relation"] for _, _, d in g.edges(data=True)}
    handles = [Line2D([0], [0], color=EDGE_COLOURS.get(r, NEUTRAL), linewidth=3, label=r)
               for r in sorted(present)]
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9, frameon=False)
    if net.type == "twomode":
        ax.set_xlim(-0.6, 1.6)
    else:
        ax.set_xlim(-2.0, 2.0)
        ax.set_ylim(-1.3, 1.3)
        ax.set_aspect("equal")
    period = f", {net.start} to {net.stop}" if net.start else ""
    ax.set_title(title or f"{net.type} network ({net.level}s), {net.aggregation}, "
                          f"normalisation {net.normalization}{period}", fontsize=11)
    return _save(fig, path)


def polarisation_plot(points: Sequence, path: Path, *, title: str | None = None) -> Path:
    """Polarisation score per window (at the window's middle day), 0 to 1; a window without statements
    (score ``None``) is a gap in the line."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    if not points:
        raise ConfigError("no polarisation windows to draw")
    fig = _figure(9, 4.2)
    ax = fig.add_subplot(1, 1, 1)
    xs = [p.middle for p in points]
    ys = [np.nan if p.score is None else p.score for p in points]
    ax.plot(xs, ys, marker="o", markersize=4, color="#3b6ea8", linewidth=1.8)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("polarisation (max Q, normalised)")
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.grid(alpha=0.3)
    ax.set_title(title or "Polarisation over time (DNA absdiff, equal-sized clusters)", fontsize=11)
    return _save(fig, path)
