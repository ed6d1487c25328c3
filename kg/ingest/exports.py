"""JSON and CSV exports of comment threads.

One comment per row (CSV) or object (JSON) with the keys ``id`` and ``text`` (required) and ``author``,
``date``, ``parent`` (optional; ``parent`` is the ``id`` of the comment replied to, empty for a top-level
comment), and optionally ``author_type`` (person | organisation | anonymous). A CSV may carry the thread's
``title``, ``url`` and ``published`` in columns of those names (the first non-empty value is used); a JSON
export is either a list of comments or ``{"title": ..., "url": ..., "published": ..., "comments": [...]}``.

The document text is the comment texts (normalised, outer whitespace trimmed) joined by blank lines; post i
points at comment i. ``document.published`` is the thread's ``published`` value, else its earliest comment
date. Any problem raises ``InputError`` naming the file, the row and the fix.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from kg.errors import InputError
from kg.ingest.dates import parse_date
from kg.ingest.text import normalise
from kg.records import ACTOR_TYPES, Document, Post

REQUIRED = ("id", "text")
OPTIONAL = ("author", "author_type", "date", "parent")
THREAD_FIELDS = ("title", "url", "published")


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise TypeError("a nested value")
    return normalise(str(value)).strip()


def build_thread(rows: list[dict[str, Any]], *, meta: dict[str, Any], doc_id: str, source: str,
                 unit: str) -> Document:
    """A thread ``Document`` from comment rows (already parsed); ``unit`` names a row in messages."""
    if not rows:
        raise InputError(f"{source}: the export has no comments")
    ids: dict[str, int] = {}
    comments: list[dict[str, Any]] = []
    for n, row in enumerate(rows, start=1):
        where = f"{source}: {unit} {n}"
        if not isinstance(row, dict):
            raise InputError(f"{where}: expected an object with keys {', '.join(REQUIRED + OPTIONAL)}")
        missing = [k for k in REQUIRED if k not in row]
        if missing:
            raise InputError(f"{where}: missing required {'keys' if unit != 'row' else 'columns'} "
                             f"{', '.join(missing)} (required: {', '.join(REQUIRED)})")
        try:
            cid, text, author = _str(row["id"]), _str(row["text"]), " ".join(_str(row.get("author")).split())
            author_type, date_raw, parent = (_str(row.get("author_type")), _str(row.get("date")),
                                             _str(row.get("parent")))
        except TypeError:
            raise InputError(f"{where}: values must be strings or numbers, not objects or lists") from None
        if not cid:
            raise InputError(f"{where}: empty id")
        if cid in ids:
            raise InputError(f"{where}: id {cid!r} is used twice")
        if not text:
            raise InputError(f"{where}: comment {cid!r} has empty text")
        date = parse_date(date_raw)
        if date_raw and date is None:
            raise InputError(f"{where}: date {date_raw!r} is not a date this reader understands "
                             "(use YYYY-MM-DD)")
        if author_type and author_type not in ACTOR_TYPES:
            raise InputError(f"{where}: author_type {author_type!r} is not one of {', '.join(ACTOR_TYPES)}")
        if not author:
            author_type = "anonymous"
        elif not author_type or author_type == "anonymous":
            author_type = "person"
        ids[cid] = len(comments)
        comments.append({"id": cid, "text": text, "author": author or None, "author_type": author_type,
                         "date": date, "parent": parent, "where": where})

    parts: list[str] = []
    posts: list[Post] = []
    offset = 0
    for index, c in enumerate(comments):
        if c["parent"] and c["parent"] not in ids:
            raise InputError(f"{c['where']}: parent {c['parent']!r} is not the id of a comment in the file")
        if c["parent"] == c["id"]:
            raise InputError(f"{c['where']}: comment {c['id']!r} replies to itself")
        if parts:
            parts.append("\n\n")
            offset += 2
        posts.append(Post(index=index, start=offset, end=offset + len(c["text"]), author=c["author"],
                          author_type=c["author_type"], published=c["date"],
                          reply_to=ids[c["parent"]] if c["parent"] else None))
        parts.append(c["text"])
        offset += len(c["text"])

    try:
        title, published_raw = _str(meta.get("title")) or None, _str(meta.get("published"))
    except TypeError:
        raise InputError(f"{source}: title and published must be strings") from None
    published = parse_date(published_raw)
    if published_raw and published is None:
        raise InputError(f"{source}: published {published_raw!r} is not a date this reader understands "
                         "(use YYYY-MM-DD)")
    if published is None:
        dates = sorted(p.published for p in posts if p.published)
        published = dates[0] if dates else None
    return Document(id=doc_id, source=source, kind="thread", text="".join(parts), title=title,
                    published=published, posts=posts)


def parse_json_export(text: str, *, doc_id: str, source: str) -> Document:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{source}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})") from None
    if isinstance(data, list):
        return build_thread(data, meta={}, doc_id=doc_id, source=source, unit="comment")
    if isinstance(data, dict) and isinstance(data.get("comments"), list):
        meta = {k: data.get(k) for k in THREAD_FIELDS}
        return build_thread(data["comments"], meta=meta, doc_id=doc_id, source=source, unit="comment")
    raise InputError(f"{source}: expected a list of comments or an object with a \"comments\" list")


def parse_csv_export(text: str, *, doc_id: str, source: str) -> Document:
    first_line = text.split("\n", 1)[0]
    delimiter = next((d for d in (",", ";", "\t", "|")
                      if set(REQUIRED) <= {h.strip().strip('"').lower() for h in first_line.split(d)}), None)
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as err:
        raise InputError(f"{source}: not a readable CSV file ({err})") from None
    missing = [k for k in REQUIRED if k not in header]
    if missing:
        raise InputError(f"{source}: missing required columns {', '.join(missing)} "
                         f"(found: {', '.join(header) or 'none'}; required: {', '.join(REQUIRED)})")
    reader.fieldnames = header
    try:
        rows = [{k: v for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as err:
        raise InputError(f"{source}: not a readable CSV file ({err})") from None
    meta = {k: next((r[k] for r in rows if (r.get(k) or "").strip()), None) for k in THREAD_FIELDS}
    return build_thread(rows, meta=meta, doc_id=doc_id, source=source, unit="row")
