"""Network files for Gephi, R, UCINET and spreadsheets, chosen by the extension of the output path.

- ``.csv``: the matrix; first row an empty cell then the column labels, each further row its label then
  the values (integers as integers, other values with six decimals, as DNA writes them).
- ``.graphml`` (Gephi, visone, igraph, networkx) and ``.gexf`` (Gephi): nodes with ``label`` and ``type``
  (``actor`` / ``issue``), edges for the nonzero cells with ``weight``, ``relation`` (agreement, conflict,
  support, oppose, co-occurrence ...) and ``evidence`` (the ids of the statements behind the tie, space
  separated). One-mode networks are undirected.
- ``.dl``: UCINET DL ``fullmatrix`` (``n =`` for one-mode, ``nr =, nc =`` for two-mode, labels, data).

A series of networks (time windows) is written as one file per window: ``NAME-01-2005-01-26.EXT``, the
number and the first day of the window before the extension.

Labels come from the documents: CSV text cells go through ``kg.cells.text_cell`` (no spreadsheet formulas),
GraphML/GEXF text through ``kg.cells.xml_safe`` (nothing XML 1.0 cannot hold), DL labels lose control
characters (one label per line).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Sequence

import networkx as nx

from kg.analysis.matrix import delimited, matrix_table
from kg.analysis.network import Network
from kg.analysis.ties import Tie
from kg.errors import ConfigError
from kg.extracts import atomic_write_bytes, atomic_write_text
from kg.stores.networkx_store import xml_ready

NETWORK_FORMATS = (".csv", ".graphml", ".gexf", ".dl")


def _ext(path: Path) -> str:
    ext = Path(path).suffix.lower()
    if ext not in NETWORK_FORMATS:
        raise ConfigError(f"--out {path}: unknown network format {ext or '(none)'!r}; "
                          f"use one of: {', '.join(NETWORK_FORMATS)}")
    return ext


def relation_of(net: Network, value: float, row: int = 0, col: int = 0) -> str:
    """What a nonzero cell means, for edge colours and the ``relation`` attribute."""
    agg = net.aggregation
    if agg in ("agreement", "congruence"):
        return "agreement"
    if agg == "conflict":
        return "conflict"
    if net.type == "twomode":
        if agg == "subtract":
            return "support" if value > 0 else "oppose"
        if agg == "combine":
            return {1: "support", 2: "oppose", 3: "both"}.get(int(value), "mixed")
        return "mention"
    if agg == "subtract":
        return "agreement" if value > 0 else "conflict"
    return "co-occurrence"


def to_networkx(net: Network) -> nx.Graph:
    """The network as a networkx graph (nodes ``a0..``/``i0..`` with ``label`` and ``type``)."""
    g = nx.Graph(name=f"{net.type} {net.aggregation} {net.normalization} ({net.level})")
    g.graph.update({"type": net.type, "aggregation": net.aggregation, "normalization": net.normalization,
                    "level": net.level, "start": str(net.start or ""), "stop": str(net.stop or "")})
    for i, label in enumerate(net.rows):
        g.add_node(f"a{i}", label=label, type="actor")
    if net.type == "twomode":
        for j, label in enumerate(net.columns):
            g.add_node(f"i{j}", label=label, type="issue")
    n_rows, n_cols = net.values.shape
    for i in range(n_rows):
        for j in range(n_cols):
            v = float(net.values[i, j])
            if v == 0 or (net.type == "onemode" and j <= i):
                continue
            target = f"i{j}" if net.type == "twomode" else f"a{j}"
            ev = net.evidence.get((i, j)) or net.evidence.get((j, i)) or []
            g.add_edge(f"a{i}", target, weight=v, abs_weight=abs(v), relation=relation_of(net, v, i, j),
                       evidence=" ".join(ev), statements=len(ev))
    return g


def xml_bytes(g: nx.Graph, ext: str) -> bytes:
    """``g`` as GraphML or GEXF, its text made XML-safe first (``kg.stores.networkx_store.xml_ready``)."""
    buf = io.BytesIO()
    (nx.write_graphml if ext == ".graphml" else nx.write_gexf)(xml_ready(g), buf, encoding="utf-8")
    return buf.getvalue()


def network_bytes(net: Network, ext: str) -> bytes:
    if ext == ".csv":
        return delimited(matrix_table(net.rows, net.columns, net.values)).encode("utf-8")
    if ext == ".dl":
        return dl_text(net).encode("utf-8")
    return xml_bytes(to_networkx(net), ext)


_DL_UNSAFE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def dl_text(net: Network) -> str:
    def q(label: str) -> str:  # one quoted label per line: no line breaks or other control characters
        return '"' + _DL_UNSAFE.sub(" ", label).replace('"', "'") + '"'

    lines = []
    if net.type == "onemode":
        lines += [f"dl n = {len(net.rows)}, format = fullmatrix", "labels:"] + [q(x) for x in net.rows]
    else:
        lines += [f"dl nr = {len(net.rows)}, nc = {len(net.columns)}, format = fullmatrix", "row labels:"]
        lines += [q(x) for x in net.rows] + ["col labels:"] + [q(x) for x in net.columns]
    lines.append("data:")
    integer = net.integer
    for row in net.values:
        lines.append(" ".join(str(int(v)) if integer else f"{v:.6f}" for v in row))
    return "\n".join(lines) + "\n"


def series_paths(path: Path, nets: Sequence[Network]) -> list[Path]:
    path = Path(path)
    width = len(str(len(nets)))
    return [path.with_name(f"{path.stem}-{n + 1:0{width}d}-{net.start or 'undated'}{path.suffix}")
            for n, net in enumerate(nets)]


def write_network(net: Network | Sequence[Network], path: Path) -> list[Path]:
    """Write one network to ``path``, or a series to one file per window; returns the paths written.

    Every file is rendered before the first is written, and written atomically."""
    path = Path(path)
    ext = _ext(path)
    nets = [net] if isinstance(net, Network) else list(net)
    paths = [path] if isinstance(net, Network) else series_paths(path, nets)
    data = [network_bytes(n, ext) for n in nets]
    for p, d in zip(paths, data):
        atomic_write_bytes(p, d)
    return paths


TIE_COLUMNS = ("source", "target", "relation", "mode", "issue", "weight", "evidence")


def write_ties(ties: Sequence[Tie], path: Path, *, relation: str) -> list[Path]:
    """Agreement/conflict ties: ``.csv`` is an edge list (one row per pair, issue and mode, with the
    evidence statement ids); ``.graphml``/``.gexf``/``.dl`` hold one edge per pair (weights summed)."""
    from kg.analysis.ties import ties_network

    path = Path(path)
    ext = _ext(path)
    if ext == ".csv":
        table: list[list] = [list(TIE_COLUMNS)]
        for t in ties:
            table.append([t.source, t.target, t.relation, t.mode, t.issue or "",
                          int(t.weight) if t.weight.is_integer() else t.weight, " ".join(t.evidence)])
        atomic_write_text(path, delimited(table))
        return [path]
    net = ties_network(list(ties), relation=relation)
    if ext in (".graphml", ".gexf"):
        g = to_networkx(net)
        for t in ties:  # add issues and modes per pair
            a, b = f"a{net.rows.index(t.source)}", f"a{net.rows.index(t.target)}"
            e = g.edges[a, b]
            issues = set(filter(None, e.get("issues", "").split(" | "))) | ({t.issue} if t.issue else set())
            modes = set(filter(None, e.get("modes", "").split(" "))) | {t.mode}
            e["issues"], e["modes"] = " | ".join(sorted(issues)), " ".join(sorted(modes))
        atomic_write_bytes(path, xml_bytes(g, ext))
        return [path]
    return write_network(net, path)
