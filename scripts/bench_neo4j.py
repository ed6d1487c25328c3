"""Benchmark: load a synthetic corpus of 100k statements into the real local Neo4j, then time stance-matrix.

    python scripts/bench_neo4j.py                     # its own server on free ports, data in a temp folder
    python scripts/bench_neo4j.py --statements 20000  # smaller
    python scripts/bench_neo4j.py --uri bolt://127.0.0.1:7687   # an already running server (NEO4J_PASSWORD)

The corpus is made of kg.records (articles of 100 statements, 8 speakers and 4 issues each, drawn at random
from pools sized so that an actor appears in 2 documents and an issue in 1 on average, so both recur across
documents; 40% support, 30% oppose, 30% neutral), turned
into the graph by kg.graph.build and written by kg.stores.neo4j_store.Neo4jWriter, exactly as
`kg load neo4j` does. Rows = nodes + relationships written. The first load is timed on the server just started; then the database is
emptied and the same corpus loaded --runs times on the now warm server (the figure reported). Prints a
Markdown table.

Bulk mode (on by default with the script's own server; --no-bulk to skip): after the Bolt loads, in the same
run, the database is emptied and the same corpus bulk-loaded by kg.stores.neo4j_bulk (`kg load neo4j --bulk`:
CSV files, server stopped, `neo4j-admin database import full`, server started, constraints and indexes),
timed end to end and by phase; the saved queries must then answer exactly as after the Bolt load.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import secrets
import shutil
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.ids import actor_id, statement_id
from kg.queries import load as load_query
from kg.records import Actor, Document, Extract, Issue, Statement
from kg.stores import neo4j_bulk
from kg.stores import neo4j_server as ns
from kg.stores.neo4j_store import Connection, Neo4jWriter, connect, run_query


def synthetic_corpus(n_statements: int, per_doc: int = 100, speakers: int = 8, issues_per_doc: int = 4,
                     docs_per_issue: int = 1, docs_per_actor: int = 2, seed: int = 7) -> list[Extract]:
    rng = random.Random(seed)
    n_docs = max(1, n_statements // per_doc)
    actor_pool = [f"Speaker {i:05d}" for i in range(max(speakers, n_docs * speakers // docs_per_actor))]
    issue_pool = [f"issue {i:05d}" for i in range(max(issues_per_doc, n_docs * issues_per_doc // docs_per_issue))]
    out = []
    for d in range(n_docs):
        doc_id = f"synthetic-{d:05d}"
        names = rng.sample(actor_pool, speakers)
        labels = rng.sample(issue_pool, issues_per_doc)
        sentences = [f"Sentence {k} of document {d} says something about the plan." for k in range(per_doc)]
        text = " ".join(sentences)
        doc = Document(id=doc_id, source=f"synthetic/{doc_id}.txt", kind="article", text=text,
                       title=f"Synthetic article {d}", published="2024-01-01")
        actors = [Actor(actor_id(n, "person"), n, "person") for n in names]
        issues = [Issue(lab.replace(" ", "-"), lab) for lab in labels]
        statements = []
        pos = 0
        for sentence in sentences:
            start, end = pos, pos + len(sentence)
            pos = end + 1
            r = rng.random()
            stance = "support" if r < 0.4 else "oppose" if r < 0.7 else "neutral"
            statements.append(Statement(
                id=statement_id(doc_id, start, end), speaker=rng.choice(actors).id, text=sentence, start=start,
                end=end, kind="direct", issues=[rng.choice(issues).id], stance=stance, confidence=0.8,
                cue="said"))
        out.append(Extract(doc, actors, issues, statements))
    return out


SAVED = ("node-count", "stance-matrix", "issue-controversy", "agreement-pairs", "conflict-pairs", "actor-statements")


def saved_answers(driver, corpus: list[Extract]) -> dict[str, list]:
    """The rows of every saved Cypher query (actor-statements for the first document's first speaker)."""
    actor = corpus[0].statements[0].speaker
    out = {}
    for name in SAVED:
        result = run_query(driver, load_query(name, "cypher"), {"actor": actor} if name == "actor-statements" else {})
        out[name] = result.rows
    return out


def bulk_progress(stage: str, done: int, total: int, _last: dict = {}) -> None:  # noqa: B006 - a per-run memo
    now = time.perf_counter()
    if stage != _last.get("stage") or now - _last.get("t", 0.0) > 10 or done == total:
        _last.update(stage=stage, t=now)
        print(f"  bulk: {stage} {done:,}/{total:,}", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wipe(driver) -> None:
    """Empty the database between runs (relationships first: small transactions, whatever the degrees)."""
    with driver.session() as session:
        session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS").consume()
        session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 20000 ROWS").consume()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle(pid: int | None, quiet: float = 0.05, limit: float = 60.0) -> float:
    """After a wipe: wait (at most ``limit`` s) until the server uses less than ``quiet`` of a core over a
    second, so the previous run's clean-up does not run during the next timed load. Returns the seconds
    waited. (Community Neo4j has no ``db.checkpoint()`` to force one.)"""
    t0 = time.perf_counter()
    gc.collect()
    if pid is None:
        return time.perf_counter() - t0
    while time.perf_counter() - t0 < limit:
        before = cpu_seconds(pid)
        time.sleep(1.0)
        if cpu_seconds(pid) - before < quiet:
            break
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--statements", type=int, default=100_000)
    ap.add_argument("--batch-size", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2, help="sessions writing side by side")
    ap.add_argument("--runs", type=int, default=5, help="timed loads on the warm server, each into an empty database")
    ap.add_argument("--heap", default="4g")
    ap.add_argument("--pagecache", default="2g")
    ap.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                    help="a further neo4j.conf setting for the server this script starts (repeatable)")
    ap.add_argument("--no-extras", action="store_true",
                    help="skip the idempotent reload and the server's ceiling (a busy machine, a short run)")
    ap.add_argument("--no-bulk", action="store_true", help="skip the bulk load (always skipped with --uri)")
    ap.add_argument("--uri", help="use this running server instead of starting one (password: NEO4J_PASSWORD); "
                                  "its database is emptied")
    args = ap.parse_args(argv)

    settings = None
    if args.uri:
        conn = Connection(uri=args.uri, password=ns.password_from_env())
    else:
        tmp = Path(tempfile.mkdtemp(prefix="kg-bench-neo4j-"))
        settings = ns.ServerSettings(data=tmp, bolt_port=free_port(), http_port=free_port(), heap=args.heap,
                                     pagecache=args.pagecache, extra_conf=tuple(args.conf))
        password = "b-" + secrets.token_urlsafe(12)
        t = time.perf_counter()
        ns.start(settings, password=password, progress=lambda m: print(f"  {m}", file=sys.stderr))
        print(f"server started in {time.perf_counter() - t:.1f} s ({settings.data})", file=sys.stderr)
        conn = Connection(uri=settings.bolt_uri, password=password)
    try:
        driver = connect(conn)
        wipe(driver)
        t = time.perf_counter()
        corpus = synthetic_corpus(args.statements)
        gen = time.perf_counter() - t
        writer = Neo4jWriter(driver, batch_size=args.batch_size, workers=args.workers)
        last = [0.0]

        def progress(_phase: str, done: int, total: int) -> None:
            now = time.perf_counter()
            if now - last[0] > 10 or done == total:
                last[0] = now
                print(f"  {done:,}/{total:,} rows", file=sys.stderr)

        # 1. the first load on a server just started (the JVM still compiles its hot code)
        cold = writer.load(corpus, progress)
        print(f"cold load: {cold.rows / cold.seconds:,.0f} rows/s ({cold.seconds:.1f} s)", file=sys.stderr)
        # 2. the same load on the warm server, into an emptied database, --runs times
        pid = ns.status(settings).pid if settings is not None else None
        warm, loads, waits = [], [], []
        for _ in range(args.runs):
            wipe(driver)
            waits.append(settle(pid))
            before = os.getloadavg()[0]
            report = writer.load(corpus, progress)
            warm.append(report)
            loads.append((before, os.getloadavg()[0]))
            print(f"warm load: {report.rows / report.seconds:,.0f} rows/s ({report.seconds:.1f} s)", file=sys.stderr)
        again, reload_s, ceiling = None, 0.0, 0.0
        if not args.no_extras:
            t = time.perf_counter()
            again = writer.load(corpus)
            reload_s = time.perf_counter() - t
        counts, _, _ = driver.execute_query("MATCH (n) WITH count(n) AS n MATCH ()-[r]->() RETURN n, count(r) AS r")
        if not args.no_extras:
            # the machine's ceiling for comparison: the server alone creating 200k small nodes (no Python, no network)
            t = time.perf_counter()
            with driver.session() as session:
                session.run("UNWIND range(1, 200000) AS i CALL (i) { CREATE (:BenchCeiling {id: i, start: i, "
                            "end: i + 1}) } IN TRANSACTIONS OF 10000 ROWS").consume()
            ceiling = 200_000 / (time.perf_counter() - t)
            with driver.session() as session:
                session.run("MATCH (n:BenchCeiling) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        query = load_query("stance-matrix", "cypher")
        times, rows = [], 0
        for _ in range(4):
            t = time.perf_counter()
            result = run_query(driver, query, {})
            times.append(time.perf_counter() - t)
            rows = len(result.rows)
        bulk = None
        if settings is not None and not args.no_bulk:
            # 3. the same corpus bulk-loaded into the emptied database, beside the Bolt loads of this run
            answers = saved_answers(driver, corpus)
            wipe(driver)
            settle(pid)
            driver.close()
            bulk = neo4j_bulk.bulk_load(corpus, conn, settings, checked=True, progress=bulk_progress)
            print(f"bulk load: {bulk.rows / bulk.seconds:,.0f} rows/s ({bulk.seconds:.1f} s)", file=sys.stderr)
            driver = connect(conn)
            same = saved_answers(driver, corpus) == answers
        driver.close()
    finally:
        if settings is not None:
            ns.stop(settings)
            shutil.rmtree(settings.data, ignore_errors=True)

    rates = [r.rows / r.seconds for r in warm]
    report = warm[0] if warm else cold
    print(f"| statements | {report.statements:,} in {report.documents:,} documents (corpus made in {gen:.1f} s) |")
    print(f"| nodes / relationships in the database | {counts[0]['n']:,} / {counts[0]['r']:,} |")
    print(f"| rows written (nodes + relationships) | {report.rows:,} in {report.batches} transactions of <= "
          f"{args.batch_size:,} rows, {args.workers} session(s) |")
    print(f"| server | heap {args.heap}, page cache {args.pagecache}{''.join(', ' + c for c in args.conf)} |"
          if settings else "| server | given by --uri |")
    print(f"| first load on the server just started (wall time, rate) | {cold.seconds:.1f} s, "
          f"{cold.rows / cold.seconds:,.0f} rows/s |")
    if warm:
        print(f"| **load rate, warm server** ({args.runs} loads into an emptied database: median; all) | "
              f"**{statistics.median(rates):,.0f} rows/s**; {', '.join(f'{r:,.0f}' for r in rates)} |")
        print(f"| warm load wall times | {', '.join(f'{r.seconds:.1f} s' for r in warm)} |")
    if again is not None:
        print(f"| second load of the same corpus (idempotent: {again.deleted_nodes} removed) | {reload_s:.1f} s |")
    print(f"| `stance-matrix` ({rows:,} rows), first run / median of next 3 | {times[0]:.2f} s / "
          f"{statistics.median(times[1:]):.2f} s |")
    if ceiling:
        print(f"| ceiling: the server alone creating small nodes (`UNWIND range ... CREATE`) | {ceiling:,.0f} rows/s |")
    if bulk is not None:
        print(f"| **bulk first load** (`kg load neo4j --bulk`: graph + CSV, stop, neo4j-admin import, start, indexes; "
              f"end to end) | **{bulk.rows / bulk.seconds:,.0f} rows/s**, {bulk.rows:,} rows in {bulk.seconds:.1f} s |")
        print(f"| bulk phases | graph + CSV {bulk.csv_seconds:.1f} s, stop {bulk.stop_seconds:.1f} s, import "
              f"{bulk.import_seconds:.1f} s ({bulk.rows / bulk.import_seconds:,.0f} rows/s), start "
              f"{bulk.start_seconds:.1f} s, indexes {bulk.schema_seconds:.1f} s |")
        print(f"| bulk vs Bolt: saved queries answer the same | {'yes' if same else '**NO**'} "
              f"({', '.join(SAVED)}) |")
    if waits:
        print(f"| between warm loads: wipe, then wait for the server to go quiet | waited "
              f"{', '.join(f'{w:.0f} s' for w in waits)} |")
    print(f"| machine: {os.cpu_count()} cores; 1-min load average before / after each warm load | "
          f"{'; '.join(f'{a:.1f} / {b:.1f}' for a, b in loads) or '-'}; at the end {os.getloadavg()[0]:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
