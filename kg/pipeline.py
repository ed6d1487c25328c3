"""The main jobs as library functions: ``extract_paths`` (files -> extracts) and ``run`` (the whole flow).

Inputs are all read and checked before anything is written, so bad input leaves nothing half-done; each
extracts file is written atomically. ``progress`` callbacks let the CLI draw a progress bar; the library never
prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from kg import extracts as extracts_io
from kg.records import Extract

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Notice = Callable[[str], None]  # one line a researcher should read (corrections kept, files set aside)


def _quiet(line: str) -> None:
    return None


def _noop(stage: str, done: int, total: int) -> None:
    return None


def extract_paths(inputs: Sequence[Path | str], out_dir: Path | str, *, kind: str = "auto",
                  model: str | None = None, codebook: str | None = None, workers: int = 1,
                  progress: Progress | None = None, notice: Notice | None = None) -> list[Extract]:
    """Read every input (files or folders), extract each document, write ``out_dir/<id>.json``.

    A person's corrections in an existing ``out_dir/<id>.json`` are carried onto the new extract
    (``kg.corrections``); what happened to them reaches ``notice`` as lines. Returns the extracts as written."""
    from kg.extract.pipeline import extract_documents
    from kg.ingest import read_documents

    progress = progress or _noop
    documents = list(read_documents([Path(p) for p in inputs], kind=kind))
    if not documents:
        from kg.errors import InputError

        where = ", ".join(str(p) for p in inputs) or "(no input)"
        raise InputError(f"{where}: no documents found (files ending .txt .md .html .htm .json .csv)")
    seen: dict[str, str] = {}
    for d in documents:
        if d.id in seen:
            from kg.errors import InputError

            raise InputError(f"{d.source}: document id {d.id!r} is also the id of {seen[d.id]}; rename one file")
        seen[d.id] = d.source
    out: list[Extract] = []
    total = len(documents)
    progress("extract", 0, total)
    for n, ex in enumerate(extract_documents(documents, model=model, codebook=codebook, n_process=max(1, workers)),
                           start=1):
        out.append(ex)
        progress("extract", n, total)
    # check every extract against the contract before the first file is written
    for ex in out:
        extracts_io.check(ex.to_dict(), str(extracts_io.path_for(Path(out_dir), ex.document.id)))
    from kg.corrections import reconcile_all

    written, reports = reconcile_all(out, Path(out_dir))
    for report in reports:
        for line in report.lines():
            (notice or _quiet)(line)
    return written


@dataclass
class RunResult:
    out_dir: Path
    documents: int
    statements: int
    actors: int
    issues: int
    files: dict[str, Path] = field(default_factory=dict)
    agreements: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def strongest_relations(graph, kind: str, limit: int = 5) -> list[dict[str, Any]]:
    """The heaviest derived Agreement or Conflict ties, with names, issue label and evidence."""
    rows = []
    for n in graph.by_label(kind):
        p = n.props
        issue = graph.nodes.get(p["issue"]).props["label"] if p.get("issue") in graph.nodes else None
        rows.append({
            "a": graph.nodes[p["actor_a"]].props.get("name", p["actor_a"]),
            "b": graph.nodes[p["actor_b"]].props.get("name", p["actor_b"]),
            "issue": issue, "mode": p["mode"], "weight": p["weight"], "evidence": list(p["evidence"]),
        })
    rows.sort(key=lambda r: (-r["weight"], -len(r["evidence"]), r["a"], r["b"], r["issue"] or ""))
    return rows[:limit]


def summary_markdown(result: RunResult) -> str:
    lines = [
        "# kg run summary", "",
        f"- documents: {result.documents}", f"- statements: {result.statements}",
        f"- actors: {result.actors}", f"- issues: {result.issues}", "",
        "## Graph", "",
        *(f"- {k}: {v}" for k, v in sorted(result.counts.items())), "",
    ]
    for title, rows in (("Strongest agreements", result.agreements), ("Strongest conflicts", result.conflicts)):
        lines += [f"## {title}", ""]
        if not rows:
            lines.append("(none)")
        for r in rows:
            lines.append(f"- {r['a']} ~ {r['b']} on {r['issue'] or '(reply)'} ({r['mode']}, weight {r['weight']:g}; "
                         f"evidence: {', '.join(r['evidence'])})")
        lines.append("")
    lines += ["## Files", "", *(f"- {k}: {v.name}" for k, v in result.files.items()), ""]
    return "\n".join(lines)


def run(corpus: Sequence[Path | str], out_dir: Path | str, *, kind: str = "auto", model: str | None = None,
        codebook: str | None = None, workers: int = 1, store: bool = True,
        progress: Progress | None = None, notice: Notice | None = None) -> RunResult:
    """The main job: extract, build the graph, write the stance matrix (CSV + heatmap), the RDF (Turtle and
    the embedded Oxigraph store), GraphML for networkx/Gephi, and a summary."""
    from kg.analysis.matrix import stance_matrix, write_matrix
    from kg.analysis.plots import heatmap
    from kg.graph.build import build_graph

    progress = progress or _noop
    out = Path(out_dir)
    extracts = extract_paths(corpus, out / "extracts", kind=kind, model=model, codebook=codebook,
                             workers=workers, progress=progress, notice=notice)
    progress("graph", 0, 1)
    graph = build_graph(extracts)
    progress("graph", 1, 1)
    files: dict[str, Path] = {"extracts": out / "extracts"}
    matrix = stance_matrix(extracts)
    files["matrix"] = write_matrix(matrix, out / "stance-matrix.csv")
    files["heatmap"] = heatmap(matrix, out / "stance-matrix.png")
    from kg.stores.networkx_store import write_graphml

    files["graphml"] = write_graphml(graph, out / "graph.graphml")
    from kg.stores.rdf import write_rdf

    files["rdf"] = write_rdf(graph, out / "graph.ttl", extracts=extracts)
    if store:
        from kg.stores.oxigraph_store import fill

        progress("store", 0, 1)
        fill(graph, out / "store", extracts=extracts)
        files["store"] = out / "store"
        progress("store", 1, 1)
    result = RunResult(
        out_dir=out, documents=len(extracts), statements=sum(len(e.statements) for e in extracts),
        actors=len({a.id for e in extracts for a in e.actors}),
        issues=len({i.id for e in extracts for i in e.issues}), files=files,
        agreements=strongest_relations(graph, "Agreement"), conflicts=strongest_relations(graph, "Conflict"),
        counts=graph.counts(),
    )
    files["summary"] = out / "summary.md"
    extracts_io.atomic_write_text(files["summary"], summary_markdown(result))
    return result


def read_extracts(paths: Iterable[Path | str]) -> list[Extract]:
    out: list[Extract] = []
    for p in paths:
        out.extend(extracts_io.read_dir(Path(p)))
    return out
