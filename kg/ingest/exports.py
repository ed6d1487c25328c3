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
                 unit: str, reader: str | None = None) -> Document:
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

    for c in comments:  # replies that go round in a circle: no comment of the circle opens the exchange
        seen, parent = [c["id"]], c["parent"]
        while parent and parent in ids and parent != c["id"] and parent not in seen:
            seen.append(parent)
            parent = comments[ids[parent]]["parent"]
        if parent == c["id"] and len(seen) > 1:
            loop = " -> ".join(repr(x) for x in seen + [c["id"]])
            raise InputError(f"{c['where']}: the replies go round in a cycle ({loop}); give the comment that "
                             "opens the exchange an empty parent")
    parts: list[str] = []
    posts: list[Post] = []
    offset = 0
    for index, c in enumerate(comments):
        if c["parent"] and c["parent"] not in ids:
            raise InputError(f"{c['where']}: parent {c['parent']!r} is not the id of a comment in the file")
        if c["parent"] == c["id"]:
            raise InputError(f"{c['where']}: comment {c['id']!r} replies to itself")
        parent_date = comments[ids[c["parent"]]]["date"] if c["parent"] else None
        if parent_date and c["date"] and parent_date > c["date"]:
            raise InputError(f"{c['where']}: comment {c['id']!r} ({c['date']}) replies to comment {c['parent']!r}, "
                             f"which is dated later ({parent_date}); correct one of the dates or the parent")
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
                    published=published, posts=posts, reader=reader)


class ExtractsFileError(InputError):
    """A JSON file that is a kg extracts file (what ``kg extract`` writes), not a comment export. Folders
    skip such files with a note; a file named on the command line gives this error."""


def looks_like_extracts(data: Any) -> bool:
    """True for the shape of an extracts file: an object with ``document``, ``actors`` and ``statements``."""
    return (isinstance(data, dict) and isinstance(data.get("document"), dict)
            and isinstance(data.get("statements"), list) and "actors" in data)


def parse_json_export(text: str, *, doc_id: str, source: str) -> Document:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{source}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})") from None
    except RecursionError:
        raise InputError(f"{source}: the JSON is nested too deeply to read (lists or objects inside each other "
                         "hundreds of levels deep); a comment export needs two or three levels") from None
    except ValueError as err:  # e.g. an integer of more than 4300 digits
        raise InputError(f"{source}: cannot read the JSON ({str(err).split(';')[0]})") from None
    if looks_like_extracts(data):
        raise ExtractsFileError(f"{source}: this is a kg extracts file (the output of kg extract), not a comment "
                                "export; give its folder to kg matrix, kg network, kg export rdf or kg load")
    from kg.ingest.platforms import parse_platform_json  # platforms reads HTML fragments through kg.ingest.html

    platform = parse_platform_json(data, doc_id=doc_id, source=source)
    if platform is not None:
        return platform
    if isinstance(data, list) and (not data or all(isinstance(row, dict) and "text" in row for row in data)):
        return build_thread(data, meta={}, doc_id=doc_id, source=source, unit="comment", reader="comment export (kg JSON)")
    if isinstance(data, dict) and isinstance(data.get("comments"), list):
        meta = {k: data.get(k) for k in THREAD_FIELDS}
        return build_thread(data["comments"], meta=meta, doc_id=doc_id, source=source, unit="comment",
                            reader="comment export (kg JSON)")
    if isinstance(data, list):
        return build_thread(data, meta={}, doc_id=doc_id, source=source, unit="comment", reader="comment export (kg JSON)")
    raise InputError(f"{source}: not a comment export kg knows: expected a list of comments or an object with a "
                     "\"comments\" list (kg's own format), a Reddit thread JSON, a Discourse topic JSON or a "
                     "YouTube commentThreads JSON (see docs/exports.md)")


def quote_problem(text: str, delimiter: str) -> tuple[int, int, bool] | None:
    """Where the quoting of a CSV text goes wrong, as the csv module reads it with ``strict=True``:
    ``(line where the quoted field opened, line where the problem shows, unclosed)``, or ``None``.

    The problem is a quote that never closes (``unclosed``; the second line is the last line), or a closing
    quote followed by more text in the same field."""
    line = 1
    state = "start"  # start of a field | unquoted | quoted | after the closing quote
    opened = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        if state == "start":
            if c == '"':
                state, opened = "quoted", line
            elif c not in (delimiter, "\n"):
                state = "unquoted"
        elif state == "unquoted":
            if c in (delimiter, "\n"):
                state = "start"
        elif state == "quoted":
            if c == '"':
                if text.startswith('"', i + 1):
                    i += 1  # "" is a quote inside the field
                else:
                    state = "after"
        elif c in (delimiter, "\n"):
            state = "start"
        else:
            return opened, line, False
        i += 1
    return (opened, line, True) if state == "quoted" else None


def _quote_error(text: str, delimiter: str, source: str, err: csv.Error) -> InputError:
    problem = quote_problem(text, delimiter)
    fix = 'close the quote, and write a quote inside a quoted field as two ("")'
    if problem is None:
        return InputError(f"{source}: not a readable CSV file ({err})")
    opened, at, unclosed = problem
    if unclosed:
        return InputError(f"{source}: line {opened}: a quoted field opens here and never closes, so every row "
                          f"after it would be read as part of one comment; {fix}")
    return InputError(f"{source}: line {opened}: a quoted field opens here and its closing quote (line {at}) is "
                      f"followed by more text in the same field; {fix}")


def _swallowed_row(rows: list[tuple[int, list[str]]], header: list[str], delimiter: str,
                   source: str) -> InputError | None:
    """A quoted field that holds, on a line of its own, what looks like another row of the file (same number
    of fields, a numeric id like the file's ids but none of them, a text): a quote that was closed too late. Only for files
    whose ids are all numbers, where a run-on row can be told from a comment that merely has commas."""
    id_col, text_col = header.index("id"), header.index("text")
    ids = [f[id_col].strip() for _, f in rows if len(f) > id_col]
    if not ids or not all(i.isdigit() for i in ids):
        return None
    known = set(ids)  # a swallowed row's id is missing from the rows read
    for start, fields in rows:
        for j, value in enumerate(fields):
            if "\n" not in value:
                continue
            opened = start + sum(f.count("\n") for f in fields[:j])
            for k, inner in enumerate(value.split("\n")[1:], start=1):
                try:
                    parsed = next(csv.reader([inner], delimiter=delimiter), [])
                except csv.Error:
                    continue
                if (len(parsed) == len(header) and parsed[id_col].strip().isdigit()
                        and parsed[id_col].strip() not in known and parsed[text_col].strip()):
                    return InputError(
                        f"{source}: line {opened}: a quoted field opens here and runs on over line {opened + k}, "
                        f"which looks like a row of its own (id {parsed[id_col].strip()!r}); is a closing quote "
                        'missing? Close it, and write a quote inside a quoted field as two ("")')
    return None


def parse_csv_export(text: str, *, doc_id: str, source: str) -> Document:
    first_line = text.split("\n", 1)[0]
    delimiter = next((d for d in (",", ";", "\t", "|")
                      if set(REQUIRED) <= {h.strip().strip('"').lower() for h in first_line.split(d)}), None)
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    # strict: a stray or unterminated quote is an error instead of rows silently read as one comment
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    raw: list[tuple[int, list[str]]] = []  # (first line of the row, its fields)
    end = 0
    try:
        for fields in reader:
            start, end = end + 1, reader.line_num
            if fields:  # an empty line is no row
                raw.append((start, fields))
    except csv.Error as err:
        raise _quote_error(text, delimiter, source, err) from None
    header = [h.strip().lower() for h in raw[0][1]] if raw else []
    missing = [k for k in REQUIRED if k not in header]
    if missing:
        raise InputError(f"{source}: missing required columns {', '.join(missing)} "
                         f"(found: {', '.join(header) or 'none'}; required: {', '.join(REQUIRED)})")
    body = raw[1:]
    swallowed = _swallowed_row(body, header, delimiter, source)
    if swallowed is not None:
        raise swallowed
    # like csv.DictReader: extra fields dropped, missing ones None
    rows = [{h: (fields[i] if i < len(fields) else None) for i, h in enumerate(header)} for _, fields in body]
    meta = {k: next((r[k] for r in rows if (r.get(k) or "").strip()), None) for k in THREAD_FIELDS}
    return build_thread(rows, meta=meta, doc_id=doc_id, source=source, unit="row", reader="comment export (kg CSV)")
