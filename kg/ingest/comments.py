"""Comments read from a platform export or a page's comment markup -> one thread ``Document``.

Every platform reader (``kg.ingest.platforms``, ``kg.ingest.html_comments``) turns its file into ``Comment``
records in file order and hands them to :func:`assemble_thread`, which applies one set of rules:

- ids must be unique (two comments with one id: an error naming both places);
- a reply whose parent is not in the file (a deleted comment, a comment the export left out) is kept as a
  top-level comment and counted in one warning on the document;
- replies that go round in a cycle, and a reply dated before the comment it answers (or, without dates, placed
  before it in the file), are errors: the export is inconsistent and nothing is guessed;
- the thread is ordered by time (file order for equal or missing times), a parent always before its replies,
  the opening post (if any) first; the document text is the comment texts joined by blank lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kg.errors import InputError
from kg.ingest.text import normalise
from kg.records import Document, Post


@dataclass
class Comment:
    """One comment as a reader found it. ``where`` names it in messages ("post 3", "comment t1_abc")."""

    id: str
    text: str
    author: str | None
    where: str
    when: dt.datetime | None = None  # timezone-aware
    parent: str | None = None  # id of the comment answered; None: top-level
    author_type: str = "person"
    opening: bool = False


def utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def iso_time(value: object) -> dt.datetime | None:
    """``2024-02-05T10:11:12Z`` / ``2024-02-05T10:11:12.000+01:00`` / ``2024-02-05`` -> aware datetime (UTC when
    no zone is given); ``None`` for anything else."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return utc(dt.datetime.fromisoformat(text))
    except ValueError:
        return None


def epoch_time(value: object) -> dt.datetime | None:
    """Seconds since 1970 (Reddit's ``created_utc``) -> aware datetime; ``None`` when not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return dt.datetime.fromtimestamp(float(value), tz=dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def clean(text: str | None) -> str:
    """Normalised text, each line's trailing blanks and runs of blank lines removed, outer blanks trimmed."""
    if not text:
        return ""
    lines = [line.rstrip() for line in normalise(text).split("\n")]
    out: list[str] = []
    for line in lines:
        if not line.strip() and out and not out[-1].strip():
            continue
        out.append(line)
    return "\n".join(out).strip()


def _check_cycles(comments: list[Comment], by_id: dict[str, Comment], source: str) -> None:
    for c in comments:
        seen = [c.id]
        parent = c.parent
        while parent is not None and parent in by_id:
            if parent == c.id:
                loop = " -> ".join(repr(x) for x in seen + [c.id])
                if len(seen) == 1:
                    raise InputError(f"{source}: {c.where}: comment {c.id!r} replies to itself")
                raise InputError(f"{source}: {c.where}: the replies go round in a cycle ({loop}); "
                                 "the export is inconsistent")
            if parent in seen:
                break  # a cycle further up: reported when its own members are checked
            seen.append(parent)
            parent = by_id[parent].parent


def assemble_thread(comments: list[Comment], *, doc_id: str, source: str, reader: str,
                    title: str | None = None, published: str | None = None, removed: int = 0,
                    notes: tuple[str, ...] = (), trust_nesting: bool = False) -> Document:
    """A thread ``Document`` from a reader's comments (see the module docstring for the rules).

    ``removed``: how many deleted, removed or spam comments the reader left out (named in the warning about
    replies to them); ``notes``: further warning lines (comments the export did not load); ``trust_nesting``:
    the parents come from a page's markup (nesting, parentItem), which is what its reader sees, so a date shown
    earlier than the parent's (a time zone, an edit time) is no reason to refuse the page: the parent is still
    put first."""
    kept = [c for c in comments if c.text]
    if not any(not c.opening for c in kept):
        raise InputError(f"{source}: the export has no comments with text"
                         + (f" ({removed} deleted or removed)" if removed else ""))
    by_id: dict[str, Comment] = {}
    for c in comments:  # ids over every comment, kept or not: a duplicate is a duplicate
        if c.id in by_id:
            raise InputError(f"{source}: {c.where}: comment id {c.id!r} is used twice (also by "
                             f"{by_id[c.id].where})")
        by_id[c.id] = c
    _check_cycles(comments, by_id, source)

    file_order = {c.id: n for n, c in enumerate(comments)}
    kept_ids = {c.id for c in kept}
    orphans = 0
    for c in kept:
        if c.parent is not None and c.parent not in kept_ids:
            c.parent = None
            orphans += 1
    for c in kept:
        if c.parent is None:
            continue
        p = by_id[c.parent]
        if trust_nesting:
            continue
        if c.when is not None and p.when is not None:
            if p.when > c.when:
                raise InputError(f"{source}: {c.where}: comment {c.id!r} ({c.when:%Y-%m-%d %H:%M}) replies to "
                                 f"comment {p.id!r}, which was written later ({p.when:%Y-%m-%d %H:%M}); the "
                                 "export is inconsistent")
        elif file_order[p.id] > file_order[c.id]:
            raise InputError(f"{source}: {c.where}: comment {c.id!r} replies to comment {p.id!r}, which comes "
                             "later in the file and has no date to order them by; the export is inconsistent")

    # order: opening post, then by time (file order for ties or missing times), a parent before its replies
    position = {c.id: n for n, c in enumerate(kept)}
    dated = all(c.when is not None for c in kept if not c.opening)
    ordered_in = sorted(kept, key=lambda c: (not c.opening,
                                             c.when if dated and c.when is not None and not c.opening
                                             else dt.datetime.min.replace(tzinfo=dt.timezone.utc),
                                             position[c.id]))
    order: list[Comment] = []
    placed: set[str] = set()

    def place(c: Comment) -> None:
        while c.id not in placed:
            chain = [c]
            while chain[-1].parent is not None and chain[-1].parent not in placed:
                chain.append(by_id[chain[-1].parent])
            for item in reversed(chain):
                placed.add(item.id)
                order.append(item)

    for c in ordered_in:
        place(c)

    index = {c.id: n for n, c in enumerate(order)}
    parts: list[str] = []
    posts: list[Post] = []
    offset = 0
    for n, c in enumerate(order):
        if parts:
            parts.append("\n\n")
            offset += 2
        author = " ".join(c.author.split()) if c.author else None
        author_type = c.author_type if author else "anonymous"
        posts.append(Post(index=n, start=offset, end=offset + len(c.text), author=author,
                          author_type=author_type,  # type: ignore[arg-type]
                          published=c.when.date().isoformat() if c.when else None,
                          reply_to=index[c.parent] if c.parent is not None else None, opening=c.opening))
        parts.append(c.text)
        offset += len(c.text)
    if published is None:
        dates = sorted(p.published for p in posts if p.published)
        published = dates[0] if dates else None
    warnings = list(notes)
    if orphans:
        why = "deleted, removed or not in the export" if removed else "not in the export"
        warnings.append(f"{source}: {orphans} {'reply' if orphans == 1 else 'replies'} to comments {why} "
                        f"kept as top-level comment{'' if orphans == 1 else 's'}")
    return Document(id=doc_id, source=source, kind="thread", text="".join(parts), title=title or None,
                    published=published, posts=posts, reader=reader, warnings=warnings)
