"""The main jobs as library functions: ``extract_inputs`` / ``extract_paths`` (files -> extracts) and ``run``
(the whole flow).

The output folder is checked first, then every input is read and checked before anything is written: a file
named on the command line that cannot be read stops the job with nothing done; a file in a folder that cannot
be read is reported in ``failures`` and the rest go on. Each extracts file is written atomically.
``progress`` callbacks let the CLI show progress; the library never prints.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from kg import extracts as extracts_io
from kg.errors import ConfigError, InputError, InputErrors
from kg.records import Extract

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Notice = Callable[[str], None]  # one line a researcher should read (corrections kept, files set aside)


def _quiet(line: str) -> None:
    return None

#: Where ``run`` moves the extracts files of documents that are not in the run (inside OUT/extracts).
STALE_DIR = ".stale"


def _noop(stage: str, done: int, total: int) -> None:
    return None


def check_out_dir(out_dir: Path | str, inputs: Sequence[Path | str] = (), *, option: str = "--out") -> Path:
    """Refuse an output folder that cannot be one, before any work: an existing file, a path under a file
    (``/dev/null/x``), a folder we may not write in, or a folder equal to or inside an input folder (what is
    written there would be read as documents by the next run). Nothing is created."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{option} {out}: this is a file, not a folder; choose a folder for the output")
    parent = out
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if out != parent:
        if not parent.is_dir():
            raise ConfigError(f"{option} {out}: {parent} is not a folder, so {out} cannot be made in it")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise ConfigError(f"{option} {out}: no permission to create a folder in {parent}")
    elif not os.access(out, os.W_OK | os.X_OK):
        raise ConfigError(f"{option} {out}: no permission to write in this folder")
    resolved = out.resolve()
    for p in inputs:
        p = Path(p)
        if p.is_dir():
            folder = p.resolve()
            if resolved == folder or folder in resolved.parents:
                raise ConfigError(f"{option} {out}: inside the input folder {p}, so the files written there "
                                  "would be read as documents next time; choose a folder outside it")
    return out


@dataclass
class ExtractResult:
    """What ``extract_inputs`` did: the extracts written, the files in folders that could not be read (one
    line each), and the files it skipped (``kg.ingest.Skipped``)."""

    out_dir: Path
    extracts: list[Extract] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: list[Any] = field(default_factory=list)
    set_aside: SetAside | None = None  # where earlier files are moved aside (documents not in the run)
    readers: dict[str, str] = field(default_factory=dict)  # document id -> the reader that read it

    @property
    def empty(self) -> list[str]:
        """The ids of the documents that gave no statements, in order."""
        return [e.document.id for e in self.extracts if not e.statements]
    parsed: int = 0  # documents parsed and extracted by this run
    reused: int = 0  # documents whose machine extract was reused from the cache (nothing changed)


def extract_inputs(inputs: Sequence[Path | str], out_dir: Path | str, *, kind: str = "auto",
                   model: str | None = None, codebook: str | None = None, workers: int = 1,
                   max_mb: float | None = None, progress: Progress | None = None,
                   set_aside: SetAside | None = None, notice: Notice | None = None,
                   stance: str | None = None, cache: bool = True, scheduler: str | None = None,
                   _checked: bool = False) -> ExtractResult:
    """Read every input (files or folders), extract each document, write ``out_dir/<id>.json``.

    A file in a folder that cannot be read does not stop the others: it is listed in ``failures`` (the caller
    decides what that means; the CLI exits 2). A named file that cannot be read, two documents with one id,
    or no document at all raise ``InputError`` before anything is written. ``max_mb`` caps the size of one
    input file (default: ``$KG_MAX_DOCUMENT_MB`` or 50). A person's corrections in an existing
    ``out_dir/<id>.json`` are carried onto the new extract (``kg.corrections``, a three-way merge); what
    happened to them reaches ``notice`` as lines.

    Incremental: a document whose text, reader, settings (model, codebook, stance) and ``kg`` are unchanged
    since its last extraction into ``out_dir`` is not parsed again; its cached machine extract
    (``kg.cache``) goes through the same merge. ``cache=False`` parses every document (and refreshes the
    cache). ``parsed`` and ``reused`` in the result count both.

    ``scheduler``: the address of a Dask scheduler whose workers parse the documents
    (``kg.extract.parallel``), or ``"local"`` for a local cluster of ``workers`` processes; the extracts are the
    same, byte for byte, as from one process."""
    from kg.ingest import read_inputs
    from kg.ingest.text import max_document_bytes

    progress = progress or _noop
    out_dir = Path(out_dir)
    if not _checked:
        check_out_dir(out_dir, inputs)
    read = read_inputs([Path(p) for p in inputs], kind=kind, max_bytes=max_document_bytes(max_mb),
                       progress=progress)
    documents = list(read.documents)  # long texts are parsed in pieces (kg.extract.nlp.CHUNK_CHARS)
    for line in read.warnings:  # repaired input problems (replies to deleted comments...): said once, up front
        (notice or _quiet)(f"warning: {line}")
    if not documents:
        where = ", ".join(str(p) for p in inputs) or "(no input)"
        if read.failures:
            raise InputErrors(f"{where}: no documents found that could be read ({len(read.failures)} file(s) "
                              "failed, listed above)", read.failures)
        raise InputError(f"{where}: no documents found (files ending .txt .md .html .htm .json .csv .pdf)"
                         + _extracts_hint(read.skipped))
    seen: dict[str, str] = {}
    for d in documents:
        if d.id in seen:
            raise InputError(f"{d.source}: document id {d.id!r} is also the id of {seen[d.id]}; rename one file")
        seen[d.id] = d.source
    from kg.cache import Cache
    from kg.corrections import precheck, reconcile_all
    from kg.extract.settings import settings, settings_key

    # the files already there are checked before any work (a broken hand edit stops the run with nothing done)
    precheck(out_dir, [d.id for d in documents])
    store = Cache(out_dir, settings_key(settings(model=model, codebook=codebook, stance=stance)), notice)
    keys = [store.key(d) for d in documents]
    total = len(documents)
    progress("cache", 0, total)
    found: list[Extract | None] = []
    for n, (d, k) in enumerate(zip(documents, keys), start=1):
        found.append(store.lookup(d, k) if cache else None)
        progress("cache", n, total)
    todo = [d for d, ex in zip(documents, found) if ex is None]
    made: Iterator[Extract] = iter(())
    if todo and scheduler:
        from kg.extract.parallel import extract_on_cluster

        made = extract_on_cluster(todo, scheduler, model=model, codebook=codebook, stance=stance,
                                  workers=max(1, workers))
    elif todo:  # spaCy and the models are loaded only when something is to be parsed
        from kg.extract.pipeline import extract_documents

        made = extract_documents(todo, model=model, codebook=codebook, n_process=max(1, workers), stance=stance)
    out: list[Extract] = []
    fresh: list[tuple[Extract, str]] = []  # (machine extract, key) to enter into the cache once written
    reused = total - len(todo)
    progress("extract", reused, total)
    done = reused
    for ex, k in zip(found, keys):
        if ex is None:
            ex = next(made)
            # check every new extract against the contract before the first file is written
            extracts_io.check(ex.to_dict(), str(extracts_io.path_for(out_dir, ex.document.id)))
            fresh.append((ex, k))
            done += 1
            progress("extract", done, total)
        out.append(ex)
    for line in restore_set_aside(out_dir, [ex.document.id for ex in out]):
        (notice or _quiet)(line)
    written, reports = reconcile_all(out, out_dir)
    for report in reports:
        for line in report.lines():
            (notice or _quiet)(line)
    for ex, k in fresh:
        store.store(ex, k)
    return ExtractResult(out_dir=out_dir, extracts=written, failures=read.failures, skipped=read.skipped,
                         set_aside=set_aside, readers={d.id: d.reader or d.kind for d in documents},
                         parsed=len(todo), reused=reused)


def _extracts_hint(skipped: list[Any]) -> str:
    """Why a folder of .json files held no documents, when they are kg's own extracts (``kg run out/extracts``)."""
    from kg.ingest import EXTRACTS_FILE

    n = sum(1 for s in skipped if s.reason == EXTRACTS_FILE)
    if not n:
        return ""
    return (f"; its {n} .json file(s) are kg extracts files (what kg extract writes): give the folder of source "
            "documents, or give this one to the commands that read extracts (kg matrix, kg network, kg export "
            "rdf, kg load)")


def extract_paths(inputs: Sequence[Path | str], out_dir: Path | str, *, kind: str = "auto",
                  model: str | None = None, codebook: str | None = None, workers: int = 1,
                  max_mb: float | None = None, progress: Progress | None = None,
                  notice: Notice | None = None, stance: str | None = None, cache: bool = True,
                  scheduler: str | None = None) -> list[Extract]:
    """``extract_inputs`` for library callers: the extracts written; if some files in folders could not be
    read, the others are still written and then ``InputErrors`` lists the failures."""
    result = extract_inputs(inputs, out_dir, kind=kind, model=model, codebook=codebook, workers=workers,
                            max_mb=max_mb, progress=progress, notice=notice, stance=stance, cache=cache,
                            scheduler=scheduler)
    if result.failures:
        raise InputErrors(failures_message(result.failures, len(result.extracts), out_dir), result.failures)
    return result.extracts


def empty_message(empty: list[str], total: int) -> str | None:
    """``3 of 10 documents gave no statements: a, b, c``, or ``None`` when every document gave some."""
    if not empty:
        return None
    return f"{len(empty)} of {total} document{'s' if total != 1 else ''} gave no statements: {', '.join(empty)}"


def readers_summary(readers: dict[str, str]) -> list[str]:
    """One line per reader: ``thread page ('u/name date' headers): 2 (a, b)``, most used first."""
    by: dict[str, list[str]] = {}
    for doc_id, reader in readers.items():
        by.setdefault(reader, []).append(doc_id)
    return [f"{reader}: {len(ids)} ({', '.join(ids)})"
            for reader, ids in sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0]))]


def failures_message(failures: list[str], done: int, out_dir: Path | str) -> str:
    return (f"{len(failures)} of {len(failures) + done} files could not be read (listed above); "
            f"the other {done} were extracted to {out_dir}")


class SetAside:
    """Moves earlier extracts files out of the way, never deleting them (a person may have corrected them):
    into ``extracts_dir/.stale/<UTC time>/``, made on first use, one folder per command. Hidden folders are
    not read by the commands that read extracts, so what is moved there stops counting."""

    def __init__(self, extracts_dir: Path) -> None:
        self.extracts_dir = Path(extracts_dir)
        self.folder: Path | None = None
        self.moved: list[tuple[Path, str]] = []  # (where the file is now, why)

    def move(self, path: Path, why: str) -> Path:
        if self.folder is None:
            stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            folder = self.extracts_dir / STALE_DIR / stamp
            n = 1
            while folder.exists():
                n += 1
                folder = self.extracts_dir / STALE_DIR / f"{stamp}-{n}"
            folder.mkdir(parents=True)
            self.folder = folder
        target = self.folder / path.name
        os.replace(path, target)
        self.moved.append((target, why))
        return target

    def note(self) -> str | None:
        """One line saying what was moved where, or ``None``."""
        if not self.moved:
            return None
        names = ", ".join(f"{p.name} ({why})" for p, why in self.moved)
        return f"moved {len(self.moved)} earlier extracts file(s) to {self.folder}/: {names}"


#: Why ``SetAside`` moved a file.
NOT_IN_RUN = "document not in this run"


def move_stale_extracts(extracts_dir: Path, keep: Iterable[str], aside: SetAside) -> None:
    """Move the extracts files of ``extracts_dir`` whose document id is not in ``keep`` aside, so the commands
    that read the folder see only this run's documents."""
    keep = set(keep)
    if not extracts_dir.is_dir():
        return
    for p in sorted(extracts_dir.glob("*.json")):
        if p.is_file() and not p.name.startswith(".") and p.name[: -len(".json")] not in keep:
            aside.move(p, NOT_IN_RUN)


def restore_set_aside(extracts_dir: Path, document_ids: Iterable[str]) -> list[str]:
    """Bring back the extracts file of a document that is in this run but was moved to ``.stale/`` by an
    earlier run without it (``kg run corpus/a.txt`` after ``kg run corpus``): the newest copy goes back to
    ``extracts_dir/<id>.json``, so the person's corrections in it are merged onto the new extract
    (``kg.corrections``) instead of being left behind. One line per file brought back."""
    stale = Path(extracts_dir) / STALE_DIR
    if not stale.is_dir():
        return []
    lines = []
    for doc_id in document_ids:
        target = extracts_io.path_for(extracts_dir, doc_id)
        if target.exists():
            continue
        copies = sorted((f / target.name for f in stale.iterdir() if (f / target.name).is_file()),
                        key=lambda p: p.parent.name)  # <UTC time>[-n]: the newest sorts last
        if copies:
            os.replace(copies[-1], target)
            lines.append(f"{doc_id}: brought {target.name} back from {copies[-1].parent}/ (set aside by an "
                         "earlier run without this document), with any corrections in it")
    return lines


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
    failures: list[str] = field(default_factory=list)  # files in folders that could not be read
    skipped: list[Any] = field(default_factory=list)  # kg.ingest.Skipped
    set_aside: SetAside | None = None  # earlier extracts of documents not in this run, moved aside
    readers: dict[str, str] = field(default_factory=dict)  # document id -> the reader that read it
    empty: list[str] = field(default_factory=list)  # ids of the documents that gave no statements
    parsed: int = 0  # documents parsed and extracted by this run
    reused: int = 0  # documents whose machine extract was reused from the cache (nothing changed)
    outputs_rebuilt: bool = True  # False: nothing changed since the last run, its outputs stand as they are
    undated: list[str] = field(default_factory=list)  # ids of the documents with no publication date


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


def _role_only_organisations(result: RunResult) -> str:
    """Why the graph's Actor count can exceed the extracts' actors: organisations named only in roles."""
    extra = result.counts.get("Actor", result.actors) - result.actors
    if extra <= 0:
        return ""
    return f" (the graph has {result.actors + extra}: {extra} more named only as a role's organisation)"


def summary_markdown(result: RunResult) -> str:
    lines = [
        "# kg run summary", "",
        f"- documents: {result.documents}", f"- statements: {result.statements}",
        f"- actors: {result.actors}{_role_only_organisations(result)}", f"- issues: {result.issues}", "",
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
    if result.readers:
        lines += ["## Readers", "", *(f"- {line}" for line in readers_summary(result.readers)), ""]
    empty = empty_message(result.empty, result.documents)
    if empty:
        lines += ["## Documents that gave no statements", "", empty, ""]
    lines += ["## Files", "", *(f"- {k}: {v.name}" for k, v in result.files.items()), ""]
    if result.failures:
        lines += ["## Files that could not be read (left out)", "", *(f"- {f}" for f in result.failures), ""]
    if result.set_aside is not None and result.set_aside.moved:
        lines += [f"## Earlier extracts moved to {result.set_aside.folder}", "",
                  *(f"- {p.name} ({why})" for p, why in result.set_aside.moved), ""]
    return "\n".join(lines)


def run(corpus: Sequence[Path | str], out_dir: Path | str, *, kind: str = "auto", model: str | None = None,
        codebook: str | None = None, workers: int = 1, store: bool = True, max_mb: float | None = None,
        progress: Progress | None = None, notice: Notice | None = None,
        stance: str | None = None, cache: bool = True, scheduler: str | None = None) -> RunResult:
    """The main job: extract, build the graph, write the stance matrix (CSV + heatmap), the RDF (Turtle and
    the embedded Oxigraph store), GraphML for networkx/Gephi, and a summary.

    Everything is built from exactly this run's documents. Extracts files already in ``OUT/extracts`` for
    documents not in this run (an earlier corpus) are moved to ``OUT/extracts/.stale/<time>/``; a person's
    corrections to the files of this run's documents are kept (``kg.corrections``); files in folders that
    could not be read are left out and listed in ``failures``. Documents unchanged since the last run into
    ``out_dir`` are not parsed again (``extract_inputs``; ``cache=False`` parses them all)."""
    progress = progress or _noop
    out = Path(out_dir)
    check_out_dir(out, corpus)
    check_out_dir(out / "extracts", corpus)
    from kg.graph.resolve import precheck, resolve_and_write

    precheck(out / "extracts")  # a broken actor file stops the run before its work
    aside = SetAside(out / "extracts")
    extracted = extract_inputs(corpus, out / "extracts", kind=kind, model=model, codebook=codebook,
                               workers=workers, max_mb=max_mb, progress=progress, set_aside=aside, notice=notice,
                               stance=stance, cache=cache, scheduler=scheduler, _checked=True)
    extracts = extracted.extracts
    move_stale_extracts(out / "extracts", (e.document.id for e in extracts), aside)
    from kg import cache as run_cache

    resolution = resolve_and_write(extracts, out / "extracts")  # the corpus-level actor file, kg.graph.resolve
    actors_file = out / "extracts" / "actors.yaml"
    files: dict[str, Path] = {"extracts": out / "extracts", "actors": actors_file,
                              "matrix": out / "stance-matrix.csv",
                              "heatmap": out / "stance-matrix.png", "graphml": out / "graph.graphml",
                              "rdf": out / "graph.ttl"}
    if store:
        files["store"] = out / "store"
    actors_text = actors_file.read_text("utf-8") if actors_file.is_file() else ""
    key = run_cache.outputs_key(extracts, {"store": store, "actors": actors_text})
    outputs = [f for name, f in files.items() if name != "actors"]
    record = run_cache.read_run(out, key, outputs, notice) if cache else None
    rebuilt = record is None
    if record is None:  # something changed (or --force): build the graph and write every output again
        run_cache.forget_run(out)
        record = _write_outputs(extracts, out, files, store, progress, resolution)
        run_cache.write_run(out, key, record)
    result = RunResult(
        out_dir=out, documents=len(extracts), statements=sum(len(e.statements) for e in extracts),
        actors=len({resolution.canonical(a.id, e.document.id) for e in extracts for a in e.actors}),
        issues=len({i.id for e in extracts for i in e.issues}), files=files,
        agreements=record["agreements"], conflicts=record["conflicts"],
        counts=record["counts"], failures=extracted.failures, skipped=extracted.skipped,
        set_aside=aside, parsed=extracted.parsed, reused=extracted.reused, outputs_rebuilt=rebuilt,
        readers=extracted.readers, empty=extracted.empty,
        undated=sorted(e.document.id for e in extracts if e.document.kind == "article" and not e.document.published),
    )
    files["summary"] = out / "summary.md"
    extracts_io.atomic_write_text(files["summary"], summary_markdown(result))
    return result


def _write_outputs(extracts: list[Extract], out: Path, files: dict[str, Path], store: bool,
                   progress: Progress, resolution: Any) -> dict[str, Any]:
    """Build the graph from the extracts (actors resolved across the corpus by ``resolution``) and write the
    matrix, heatmap, GraphML, Turtle and (``store``) the Oxigraph store; returns what the summary needs
    (graph counts, strongest ties)."""
    from kg.analysis.matrix import stance_matrix, write_matrix
    from kg.analysis.plots import heatmap
    from kg.graph.build import build_graph
    from kg.graph.resolve import resolved_extracts
    from kg.stores.networkx_store import write_graphml
    from kg.stores.rdf import write_rdf

    progress("graph", 0, 1)
    graph = build_graph(extracts, resolution=resolution)
    progress("graph", 1, 1)
    progress("write", 0, 1)  # matrix, heatmap, GraphML, Turtle
    matrix = stance_matrix(resolved_extracts(extracts, resolution))
    write_matrix(matrix, files["matrix"])
    heatmap(matrix, files["heatmap"])
    write_graphml(graph, files["graphml"])
    write_rdf(graph, files["rdf"], extracts=extracts)
    progress("write", 1, 1)
    if store:
        from kg.stores.oxigraph_store import fill

        progress("store", 0, 1)
        fill(graph, files["store"], extracts=extracts)
        progress("store", 1, 1)
    return {"counts": graph.counts(), "agreements": strongest_relations(graph, "Agreement"),
            "conflicts": strongest_relations(graph, "Conflict")}


def read_extracts(paths: Iterable[Path | str]) -> list[Extract]:
    out: list[Extract] = []
    for p in paths:
        out.extend(extracts_io.read_dir(Path(p)))
    return out
