#!/usr/bin/env python
"""Benchmark: the stance-matrix query on a synthetic graph of about a million triples, Oxigraph (pyoxigraph,
on-disk store) against plain in-memory rdflib, in the same run; plus load times.

    python scripts/bench_sparql.py                       # ~1M triples
    python scripts/bench_sparql.py --statements 3000     # a quick run (~100k triples)
    python scripts/bench_sparql.py --json out/bench.json

The synthetic graph goes through the real code path: records -> kg.graph.build_graph (with derived agreement
and conflict) -> kg.stores.rdf.to_rdf -> N-Triples. Actors speak on a few issues each, so every issue has
a bounded number of stance holders and the derived pairs stay a modest share of the triples.
Figures go to benchmarks/rdf.md by hand; nothing here is asserted by tests.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from kg.graph.build import build_graph  # noqa: E402
from kg.ids import statement_id  # noqa: E402
from kg.queries import load as load_query  # noqa: E402
from kg.records import Actor, Document, Extract, Issue, Statement  # noqa: E402

console = Console(stderr=True)
POLARITIES = ("support", "oppose", "neutral")


def synthetic_extracts(statements: int, *, per_doc: int = 100, actors: int = 1000, issues: int = 100,
                       seed: int = 7) -> list[Extract]:
    rng = random.Random(seed)
    issue_list = [Issue(f"issue-{i:03d}", f"issue {i}") for i in range(issues)]
    # each actor speaks on two issues of its own: ~2 * actors / issues stance holders per issue
    topics = {a: rng.sample(range(issues), 2) for a in range(actors)}
    out: list[Extract] = []
    n_docs = max(1, statements // per_doc)
    for d in range(n_docs):
        doc_id = f"doc-{d:05d}"
        parts, stmts, used_actors, used_issues = [], [], {}, {}
        pos = 0
        for k in range(per_doc):
            a = rng.randrange(actors)
            text = f"Statement {k} of {doc_id} by actor {a}, on policy."
            start, end = pos, pos + len(text)
            parts.append(text + "\n")
            pos = end + 1
            chosen = [issue_list[i] for i in rng.sample(topics[a], rng.choice((1, 1, 2)))]
            for i in chosen:
                used_issues[i.id] = i
            aid = f"actor-{a:05d}"
            used_actors[aid] = Actor(aid, f"Actor {a}", "person" if a % 3 else "organisation")
            stmts.append(Statement(id=statement_id(doc_id, start, end), speaker=aid, text=text, start=start, end=end,
                                   kind="direct", issues=[i.id for i in chosen],
                                   stance=rng.choices(POLARITIES, weights=(4, 4, 2))[0],
                                   confidence=round(rng.random(), 3), cue="said"))
        doc = Document(id=doc_id, source=f"synthetic/{doc_id}.txt", kind="article", text="".join(parts),
                       title=f"Synthetic {d}", published="2022-03-24")
        out.append(Extract(doc, list(used_actors.values()), list(used_issues.values()), stmts,
                           {"software": "kg bench", "model": "synthetic", "codebook": "synthetic"}))
    return out


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--statements", type=int, default=30000, help="synthetic statements (30000 ~ 1M triples)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the Oxigraph query (median reported)")
    ap.add_argument("--rdflib-repeat", type=int, default=1, help="runs of the rdflib query")
    ap.add_argument("--json", type=Path, help="also write the figures here as JSON")
    args = ap.parse_args(argv)

    import pyoxigraph as ox
    import rdflib

    from kg.stores import rdf as kgrdf
    from kg.stores.oxigraph_store import execute

    figures: dict[str, object] = {"python": platform.python_version(), "machine": platform.machine(),
                                  "pyoxigraph": ox.__version__, "rdflib": rdflib.__version__}
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        nt = Path(tmp) / "graph.nt"
        with console.status("building the synthetic graph"):
            t, extracts = timed(lambda: synthetic_extracts(args.statements))
            t_build, graph = timed(lambda: build_graph(extracts))
            t_rdf, g = timed(lambda: kgrdf.to_rdf(graph, extracts))
            triples = len(g)
            nt.write_bytes(kgrdf.serialize(g, "nt"))
            del g
            extracts = []  # freed (not deleted: the lambdas above name it)
            gc.collect()
        counts = graph.counts()
        figures.update(statements=counts.get("Statement", 0), stances=counts.get("Stance", 0),
                       agreements=counts.get("Agreement", 0), conflicts=counts.get("Conflict", 0),
                       actors=counts.get("Actor", 0), triples=triples, build_graph_s=t_build, to_rdf_s=t_rdf,
                       nt_bytes=nt.stat().st_size)
        graph = None  # freed (not deleted: a lambda above names it)
        console.print(f"{triples:,} triples ({nt.stat().st_size / 1e6:.0f} MB of N-Triples)")

        with console.status("loading into Oxigraph (on disk)"):
            store_dir = Path(tmp) / "store"

            def ox_load() -> ox.Store:
                s = ox.Store(str(store_dir))
                s.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
                s.flush()
                return s

            figures["oxigraph_load_s"], store = timed(ox_load)
        with console.status("loading into rdflib (in memory)"):
            figures["rdflib_load_s"], rg = timed(lambda: rdflib.Graph().parse(nt, format="nt"))

        q = load_query("stance-matrix", "sparql").text
        with console.status("stance-matrix on Oxigraph"):
            figures["oxigraph_query_s"], ox_rows = timed(lambda: execute(store, q).rows, repeat=args.repeat)
            figures["oxigraph_optimize_s"], _ = timed(store.optimize)
            figures["oxigraph_query_optimized_s"], _ = timed(lambda: execute(store, q).rows, repeat=args.repeat)
        with console.status("loading into Oxigraph (in memory)"):
            def mem_load() -> ox.Store:
                s = ox.Store()
                s.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
                return s

            figures["oxigraph_memory_load_s"], mem = timed(mem_load)
            figures["oxigraph_memory_query_s"], _ = timed(lambda: execute(mem, q).rows, repeat=args.repeat)
            mem = None  # freed (not deleted: a lambda above names it)
        with console.status("stance-matrix on rdflib"):
            def rdflib_query() -> list[tuple]:
                return [tuple(r) for r in rg.query(q)]

            figures["rdflib_query_s"], rd_rows = timed(rdflib_query, repeat=args.rdflib_repeat)
        figures["rows"] = len(ox_rows)
        # the two engines must agree, or the timing compares different work
        ox_set = sorted(tuple(r.values()) for r in ox_rows)
        rd_set = sorted(tuple(v.toPython() if hasattr(v, "toPython") else v for v in r) for r in rd_rows)
        figures["same_rows"] = ox_set == rd_set
        figures["speedup"] = figures["rdflib_query_s"] / figures["oxigraph_query_s"]
        figures["speedup_optimized"] = figures["rdflib_query_s"] / figures["oxigraph_query_optimized_s"]
        figures["speedup_memory"] = figures["rdflib_query_s"] / figures["oxigraph_memory_query_s"]
        store = None  # closed with its last reference (not deleted: lambdas above name it)
        gc.collect()

    print("| measure | value |\n|---|---|")
    for k, v in figures.items():
        print(f"| {k} | {v:.3f} |" if isinstance(v, float) else f"| {k} | {v} |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0 if figures["same_rows"] else 1


if __name__ == "__main__":
    sys.exit(main())
