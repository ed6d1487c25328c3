"""The thread dev set (devsets/threads/): build its gold from the hand-written specs, check it, count it.

    python scripts/thread_devset.py build  [DIR]   # spec/<id>.yaml + pages/<id>.txt -> gold/<id>.json
    python scripts/thread_devset.py check  [DIR]   # gold against pages and sources.tsv; exit 1 on any problem
    python scripts/thread_devset.py stats  [DIR]   # comments per page, pages per site, share of replies, by split
    python scripts/thread_devset.py report EVAL.json [EVAL.json ...]   # per-page table of `kg eval --json` output

DIR defaults to devsets/threads next to this script's repository. See devsets/threads/README.md.

A spec lists a page's comments in page order. Each comment names its text either exactly (``text``) or by
two anchors (``from`` .. ``to``, both inclusive), which are looked up in the page after the previous
comment, so the gold text is always a verbatim piece of the page. ``author: null`` is an anonymous or
deleted author; anonymous authors are numbered anonymous-1, anonymous-2 ... in order of appearance, one
actor per comment.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "devsets" / "threads"
SPLITS = ("tune", "heldback")
SOURCE_COLUMNS = ("id", "address", "site", "layout", "title", "retrieved", "split", "bytes", "byte_check")
_ANON = re.compile(r"anonymous-(\d+)$")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}$")
STATEMENT_KEYS = ("speaker", "text", "kind", "reply_to", "published", "published_as_shown", "author_as_shown")
OPTIONAL_KEYS = ("opening", "truncated", "quoted_text", "signature", "note")


def page_path(d: Path, doc_id: str) -> Path | None:
    for ext in (".txt", ".html"):
        p = d / "pages" / f"{doc_id}{ext}"
        if p.exists():
            return p
    return None


def read_page(path: Path) -> str:
    # newline="" keeps the page's own line ends; the pages are stored exactly as the search tool gave them
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def read_sources(d: Path) -> dict[str, dict[str, str]]:
    path = d / "sources.tsv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return {r["id"]: r for r in rows}


# --- build -----------------------------------------------------------------------------------------

def _locate(page: str, c: dict, cursor: int, where: str) -> tuple[int, int]:
    if "text" in c:
        start = page.find(c["text"], cursor)
        if start < 0:
            raise SystemExit(f"{where}: text not found after offset {cursor}: {c['text'][:60]!r}")
        return start, start + len(c["text"])
    start = page.find(c["from"], cursor)
    if start < 0:
        raise SystemExit(f"{where}: 'from' not found after offset {cursor}: {c['from']!r}")
    end = page.find(c["to"], start)
    if end < 0:
        raise SystemExit(f"{where}: 'to' not found after 'from': {c['to']!r}")
    return start, end + len(c["to"])


def build_one(spec_path: Path, d: Path, sources: dict[str, dict[str, str]]) -> dict:
    import yaml  # only the build step needs it

    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    doc_id = spec_path.stem
    page = read_page(page_path(d, doc_id))
    src = sources[doc_id]
    actors: list[dict] = []
    by_name: dict[str, dict] = {}
    statements = []
    cursor = 0
    n_anon = 0
    for i, c in enumerate(spec["comments"]):
        where = f"{spec_path.name} comment {i}"
        start, end = _locate(page, c, cursor, where)
        cursor = end
        text = page[start:end]
        if text != text.strip():
            raise SystemExit(f"{where}: text has outer white space: {text[:40]!r}")
        author = c.get("author")
        if author is None:
            n_anon += 1
            name = f"anonymous-{n_anon}"
            actor = {"name": name, "type": "anonymous", "aliases": [], "roles": []}
            actors.append(actor)
        else:
            name = author
            if name not in by_name:
                actor = {"name": name, "type": c.get("author_type", "person"),
                         "aliases": list(c.get("aliases", [])), "roles": []}
                by_name[name] = actor
                actors.append(actor)
        st = {
            "speaker": name,
            "text": text,
            "kind": "comment",
            "reply_to": c.get("reply_to"),
            "published": c.get("published"),
            "published_as_shown": c.get("published_as_shown"),
            "author_as_shown": c.get("author_as_shown"),
        }
        for key in OPTIONAL_KEYS:
            if key in c:
                st[key] = c[key]
        for key in ("published", "published_as_shown", "author_as_shown"):
            if st[key] is not None and not isinstance(st[key], str):
                raise SystemExit(f"{where}: {key} must be a quoted string in the YAML, not {st[key]!r}")
        statements.append(st)
    return {
        "id": doc_id,
        "kind": "thread",
        "source": src["address"],
        "site": src["site"],
        "split": src["split"],
        "note": " ".join(spec["note"].split()),
        "actors": actors,
        "statements": statements,
    }


def cmd_build(d: Path) -> int:
    sources = read_sources(d)
    (d / "gold").mkdir(exist_ok=True)
    for spec_path in sorted((d / "spec").glob("*.yaml")):
        gold = build_one(spec_path, d, sources)
        out = d / "gold" / f"{spec_path.stem}.json"
        out.write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{out.relative_to(d)}: {len(gold['statements'])} comments")
    return 0


# --- check -----------------------------------------------------------------------------------------

def check_gold(gold: dict, page: str, doc_id: str) -> list[str]:
    """Problems of one gold file against its page; an empty list when it is sound."""
    out: list[str] = []
    err = out.append
    if gold.get("id") != doc_id:
        err(f"id {gold.get('id')!r} is not the file name {doc_id!r}")
    if gold.get("kind") != "thread":
        err("kind is not 'thread'")
    if not isinstance(gold.get("note"), str) or not gold["note"].strip():
        err("no note (say how replies were decided)")
    actors = gold.get("actors")
    statements = gold.get("statements")
    if not isinstance(actors, list) or not isinstance(statements, list) or not statements:
        return out + ["actors or statements missing, or no statements"]
    names = [a.get("name") for a in actors]
    for name, k in Counter(names).items():
        if k > 1:
            err(f"actor {name!r} listed {k} times")
    types = {a.get("name"): a.get("type") for a in actors}
    for a in actors:
        anon = _ANON.match(a.get("name") or "")
        if bool(anon) != (a.get("type") == "anonymous"):
            err(f"actor {a.get('name')!r}: anonymous-N names and type 'anonymous' go together")
        if a.get("type") not in ("person", "organisation", "anonymous"):
            err(f"actor {a.get('name')!r}: type {a.get('type')!r}")
    # anonymous actors: anonymous-1, -2, ... in order of first appearance
    seen_anon = []
    for s in statements:
        m = _ANON.match(s.get("speaker") or "")
        if m and s["speaker"] not in seen_anon:
            seen_anon.append(s["speaker"])
    want = [f"anonymous-{k}" for k in range(1, len(seen_anon) + 1)]
    if seen_anon != want:
        err(f"anonymous speakers are not numbered in order of appearance: {seen_anon}")
    used = {s.get("speaker") for s in statements}
    for name in names:
        if name not in used:
            err(f"actor {name!r} says nothing")
    cursor = 0
    spans = []
    for i, s in enumerate(statements):
        at = f"statements/{i}"
        for key in STATEMENT_KEYS:
            if key not in s:
                err(f"{at}: no {key!r}")
        text = s.get("text")
        if not isinstance(text, str) or not text.strip():
            err(f"{at}: empty text")
            continue
        if text != text.strip():
            err(f"{at}: text has outer white space")
        if s.get("speaker") not in types:
            err(f"{at}: speaker {s.get('speaker')!r} is not an actor")
        if s.get("kind") != "comment":
            err(f"{at}: kind {s.get('kind')!r} is not 'comment'")
        start = page.find(text, cursor)
        if start < 0:
            if text in page:
                err(f"{at}: text is in the page only before the previous comment (gold lists comments in page order)")
            else:
                err(f"{at}: text is not an exact substring of the page: {text[:60]!r}")
        else:
            spans.append((start, start + len(text)))
            cursor = start + len(text)
        for key in ("quoted_text", "signature"):
            if key in s and (not isinstance(s[key], str) or s[key] not in page):
                err(f"{at}: {key} is not an exact substring of the page")
        r = s.get("reply_to")
        if r is not None and (not isinstance(r, int) or isinstance(r, bool) or not 0 <= r < i):
            err(f"{at}: reply_to {r!r} is not the index of an earlier comment")
        if s.get("opening") and i != 0:
            err(f"{at}: only the first comment can be the opening post")
        if s.get("opening") and r is not None:
            err(f"{at}: the opening post replies to nothing")
        pub = s.get("published")
        if pub is not None and not (isinstance(pub, str) and _ISO.match(pub)):
            err(f"{at}: published {pub!r} is not YYYY-MM-DD or null")
        if pub is not None and not s.get("published_as_shown"):
            err(f"{at}: a resolved date needs published_as_shown")
    # reply_to always points backwards, so there can be no cycle; check anyway in case the rule changes
    for i in range(len(statements)):
        seen, j = set(), i
        while isinstance(j, int) and 0 <= j < len(statements):
            if j in seen:
                err(f"statements/{i}: reply chain has a cycle")
                break
            seen.add(j)
            j = statements[j].get("reply_to")
    return out


def check_dir(d: Path) -> list[str]:
    problems: list[str] = []
    try:
        sources = read_sources(d)
    except (OSError, KeyError) as exc:
        return [f"sources.tsv: {exc}"]
    gold_files = sorted((d / "gold").glob("*.json"))
    if not gold_files:
        problems.append("gold/: no gold files")
    site_split: dict[str, set[str]] = defaultdict(set)
    for doc_id, row in sources.items():
        missing = [c for c in SOURCE_COLUMNS if not (row.get(c) or "").strip()]
        if missing:
            problems.append(f"sources.tsv {doc_id}: empty {', '.join(missing)}")
        if row.get("split") not in SPLITS:
            problems.append(f"sources.tsv {doc_id}: split {row.get('split')!r} is not tune or heldback")
        site_split[row.get("site")].add(row.get("split"))
        p = page_path(d, doc_id)
        if p is None:
            problems.append(f"sources.tsv {doc_id}: no page pages/{doc_id}.txt")
        elif str(len(read_page(p).encode("utf-8"))) != row.get("bytes"):
            problems.append(f"sources.tsv {doc_id}: bytes {row.get('bytes')} but the page has "
                            f"{len(read_page(p).encode('utf-8'))}")
        if not (d / "gold" / f"{doc_id}.json").exists():
            problems.append(f"sources.tsv {doc_id}: no gold/{doc_id}.json")
    for site, splits in site_split.items():
        if len(splits) > 1:
            problems.append(f"site {site!r} is in both splits (whole sites are held back)")
    for gp in gold_files:
        doc_id = gp.stem
        try:
            gold = json.loads(gp.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"gold/{gp.name}: unreadable: {exc}")
            continue
        if doc_id not in sources:
            problems.append(f"gold/{gp.name}: no row in sources.tsv")
            continue
        p = page_path(d, doc_id)
        if p is None:
            continue
        if gold.get("split") not in (None, sources[doc_id]["split"]):
            problems.append(f"gold/{gp.name}: split {gold.get('split')!r} differs from sources.tsv")
        problems += [f"gold/{gp.name}: {x}" for x in check_gold(gold, read_page(p), doc_id)]
    return problems


def cmd_check(d: Path) -> int:
    problems = check_dir(d)
    for p in problems:
        print(p)
    n = len(list((d / "gold").glob("*.json")))
    print(f"{n} gold files: {'OK' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


# --- stats -----------------------------------------------------------------------------------------

def collect(d: Path) -> list[dict]:
    sources = read_sources(d)
    rows = []
    for doc_id, src in sorted(sources.items(), key=lambda kv: (kv[1]["split"] != "tune", kv[0])):
        gold = json.loads((d / "gold" / f"{doc_id}.json").read_text(encoding="utf-8"))
        sts = gold["statements"]
        rows.append({
            "id": doc_id, "site": src["site"], "split": src["split"], "comments": len(sts),
            "replies": sum(s["reply_to"] is not None for s in sts),
            "authors": len(gold["actors"]),
            "anonymous": sum(a["type"] == "anonymous" for a in gold["actors"]),
            "dated": sum(s["published"] is not None for s in sts),
            "truncated": sum(bool(s.get("truncated")) for s in sts),
            "opening": sum(bool(s.get("opening")) for s in sts),
        })
    return rows


def cmd_stats(d: Path) -> int:
    rows = collect(d)
    cols = ("comments", "replies", "authors", "anonymous", "dated", "truncated", "opening")
    print("| page | site | split | " + " | ".join(cols) + " |")
    print("|---|---|---|" + "---:|" * len(cols))
    for r in rows:
        print(f"| {r['id']} | {r['site']} | {r['split']} | " + " | ".join(str(r[c]) for c in cols) + " |")
    print()
    print("| split | sites | pages | comments | replies | share of replies | anonymous authors | dated comments |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for split in SPLITS + ("all",):
        sel = [r for r in rows if split in ("all", r["split"])]
        c = sum(r["comments"] for r in sel)
        rep = sum(r["replies"] for r in sel)
        print(f"| {split} | {len({r['site'] for r in sel})} | {len(sel)} | {c} | {rep} | "
              f"{rep / c if c else 0:.2f} | {sum(r['anonymous'] for r in sel)} | {sum(r['dated'] for r in sel)} |")
    print()
    print("| site | split | pages | comments |")
    print("|---|---|---:|---:|")
    by_site: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_site[r["site"]].append(r)
    for site, sel in sorted(by_site.items(), key=lambda kv: (kv[1][0]["split"] != "tune", kv[0])):
        print(f"| {site} | {sel[0]['split']} | {len(sel)} | {sum(r['comments'] for r in sel)} |")
    return 0


# --- report ----------------------------------------------------------------------------------------

def cmd_report(eval_files: list[Path], matcher: str = "dice") -> int:
    """Per-page thread figures from `kg eval --json` files: comments found, authors, replies, duplicates."""
    print(f"| page | read as | gold comments | predicted | found ({matcher}) | right author | right parent | duplicates |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    total = Counter()
    for ef in eval_files:
        report = json.loads(Path(ef).read_text(encoding="utf-8"))
        for doc in report["per_document"]:
            sc = doc["scores"][matcher]
            try:
                kind = json.loads(Path(doc["extract"]).read_text(encoding="utf-8"))["document"]["kind"]
            except (OSError, KeyError, json.JSONDecodeError):
                kind = "?"
            print(f"| {doc['id']} | {kind} | {sc['gold']} | {sc['predicted']} | {sc['matched']} | "
                  f"{sc['speaker_correct']} | {sc['reply_correct']} | {sc['duplicates']} |")
            total.update(gold=sc["gold"], predicted=sc["predicted"], matched=sc["matched"],
                         authors=sc["speaker_correct"], replies=sc["reply_correct"], dup=sc["duplicates"])
    g = total["gold"] or 1
    print(f"| **all** | | {total['gold']} | {total['predicted']} | {total['matched']} ({total['matched'] / g:.1%}) | "
          f"{total['authors']} ({total['authors'] / g:.1%}) | {total['replies']} | {total['dup']} |")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=("build", "check", "stats", "report"))
    ap.add_argument("paths", nargs="*", type=Path, help="DIR (default devsets/threads), or EVAL.json files for report")
    args = ap.parse_args(argv)
    if args.command == "report":
        if not args.paths:
            ap.error("report needs one or more `kg eval --json` files")
        return cmd_report(args.paths)
    d = args.paths[0] if args.paths else DEFAULT_DIR
    if not (d / "sources.tsv").is_file():
        print(f"{d}: not a dev set folder (no sources.tsv)", file=sys.stderr)
        return 2
    return {"build": cmd_build, "check": cmd_check, "stats": cmd_stats}[args.command](d)


if __name__ == "__main__":
    sys.exit(main())
