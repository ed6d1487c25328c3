#!/usr/bin/env python3
"""Reading time of big comment threads by the export and HTML comment readers (issue 13 items 2-3).

    python scripts/bench_comment_readers.py [--comments 3000] [--reps 3] [--json]

Writes, in a temporary folder, one file per format holding the same synthetic thread of N comments (invented
text; about 40% of comments answered, up to 6 levels deep), then times ``kg.ingest.read_document(path)``
(kind auto: detection included) on each, REPS times, and reports the median wall and CPU seconds and
comments/s per format. The figures are for BENCHMARKS.md; no test asserts a time.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.ingest import read_document  # noqa: E402

T0 = 1_700_000_000


def thread(n: int, seed: int = 13) -> list[tuple[str, str | None, int, str]]:
    """``(id, parent id, seconds after T0, text)`` for N comments, parents always earlier."""
    rnd = random.Random(seed)
    out: list[tuple[str, str | None, int, str]] = []
    depth: dict[str, int] = {}
    for i in range(n):
        parent = None
        if out and rnd.random() < 0.4:
            cand = out[rnd.randrange(len(out))][0]
            if depth[cand] < 6:
                parent = cand
        cid = f"c{i + 1}"
        depth[cid] = depth[parent] + 1 if parent else 0
        out.append((cid, parent, 60 * i, f"Comment {i + 1}: the bus lane should {'stay' if i % 2 else 'go'}, "
                                         "because the evening queues on Mill Road are long."))
    return out


def reddit(rows: list[tuple[str, str | None, int, str]]) -> str:
    nodes = {cid: {"kind": "t1", "data": {"name": f"t1_{cid}", "parent_id": f"t1_{p}" if p else "t3_x",
                                          "author": f"user{cid}", "created_utc": T0 + s, "body": text,
                                          "replies": ""}} for cid, p, s, text in rows}
    top = []
    for cid, p, _, _ in rows:
        if p is None:
            top.append(nodes[cid])
        else:
            parent = nodes[p]["data"]
            if parent["replies"] == "":
                parent["replies"] = {"kind": "Listing", "data": {"children": []}}
            parent["replies"]["data"]["children"].append(nodes[cid])
    post = {"kind": "t3", "data": {"name": "t3_x", "title": "Bus lane", "selftext": "", "author": "op",
                                   "created_utc": T0}}
    return json.dumps([{"kind": "Listing", "data": {"children": [post]}},
                       {"kind": "Listing", "data": {"children": top}}])


def disqus(rows: list[tuple[str, str | None, int, str]]) -> str:
    posts = "".join(
        f'<post dsq:id="{cid}"><message><![CDATA[<p>{text}</p>]]></message><createdAt>'
        f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(T0 + s))}</createdAt><isDeleted>false</isDeleted>"
        f'<isSpam>false</isSpam><author><name>User {cid}</name></author><thread dsq:id="1"/>'
        + (f'<parent dsq:id="{p}"/>' if p else "") + "</post>" for cid, p, s, text in rows)
    return ('<?xml version="1.0" encoding="utf-8"?><disqus xmlns="http://disqus.com" '
            'xmlns:dsq="http://disqus.com/disqus-internals"><thread dsq:id="1"><title>Bus lane</title></thread>'
            + posts + "</disqus>")


def wordpress(rows: list[tuple[str, str | None, int, str]]) -> str:
    children: dict[str | None, list[tuple[str, int, str]]] = {}
    for cid, p, s, text in rows:
        children.setdefault(p, []).append((cid, s, text))

    def li(cid: str, s: int, text: str) -> str:
        kids = "".join(li(*k) for k in children.get(cid, []))
        when = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(T0 + s))
        return (f"<li id='comment-{cid[1:]}' class='comment'><article class='comment-body'><footer class="
                f"'comment-meta'><div class='comment-author vcard'><b class='fn'>User {cid}</b> <span class='says'>"
                f"says:</span></div><div class='comment-metadata'><time datetime='{when}'>{when}</time></div>"
                f"</footer><div class='comment-content'><p>{text}</p></div><div class='reply'><a class='comment-"
                f"reply-link'>Reply</a></div></article>" + (f"<ol class='children'>{kids}</ol>" if kids else "")
                + "</li>")

    body = "".join(li(*k) for k in children.get(None, []))
    article = "<p>" + "The council will decide on the Mill Road bus lane next month. " * 20 + "</p>"
    return (f"<html><head><title>Bus lane</title></head><body><article>{article}</article><div id='comments' "
            f"class='comments-area'><ol class='comment-list'>{body}</ol></div></body></html>")


FORMATS = {"reddit.json": reddit, "disqus.xml": disqus, "wordpress.html": wordpress}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--comments", type=int, default=3000, help="comments in the thread (default 3000)")
    ap.add_argument("--reps", type=int, default=3, help="timed repetitions per format (default 3)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    rows = thread(args.comments)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in FORMATS.items():
            path = Path(tmp) / name
            path.write_text(make(rows), "utf-8")
            walls, cpus = [], []
            for rep in range(args.reps):
                print(f"{name}: run {rep + 1}/{args.reps}", file=sys.stderr, flush=True)
                w0, c0 = time.perf_counter(), time.process_time()
                doc = read_document(path)
                walls.append(time.perf_counter() - w0)
                cpus.append(time.process_time() - c0)
            comments = sum(not p.opening for p in doc.posts)
            assert comments == args.comments, (name, comments)
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            results[name] = {"bytes": path.stat().st_size, "comments": comments, "wall_s": round(wall, 3),
                             "cpu_s": round(cpu, 3), "comments_per_cpu_s": round(comments / cpu)}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for name, r in results.items():
            print(f"{name:15} {r['bytes'] / 1e6:6.2f} MB  {r['comments']} comments  wall {r['wall_s']:.2f} s  "
                  f"CPU {r['cpu_s']:.2f} s  ({r['comments_per_cpu_s']} comments per CPU second)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
