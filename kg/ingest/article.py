"""Plain-text news articles: title, publication date, body without the page furniture after it.

The document text is the normalised file text with only the trailing furniture cut off (and outer
whitespace trimmed), so an offset into it is also an offset into the file as read. Byline and date lines stay
in the text; they carry no quotes, so they do not matter to extraction.
"""

from __future__ import annotations

import re

from kg.ingest.dates import find_date
from kg.records import Document

#: A line that starts the page furniture after an article's body; the body ends before it.
FURNITURE = re.compile(
    r"^\s*(?:"
    r"related (?:news|articles|stories|content|posts|reading)"
    r"|more (?:news|stories|from)\b.*"
    r"|select vacancies|latest vacancies|jobs?"
    r"|(?:copyright\s*)?©.*|copyright\s+(?:\d{4}|©).*|all rights reserved\.?"
    r"|share this (?:article|story|page).*|sign up (?:for|to) our newsletter.*"
    r"|viewing this article on our beta mobile site\?.*"
    r"|advertisement|read next|you may also like|recommended for you"
    r"|read more about:?|also on [\w ]{2,30}:"
    r")\s*$",
    re.I,
)

#: What may stand on a date line besides the date: a label, a time, a time zone, separators.
_DATE_LINE_REST = re.compile(
    r"^(?:[\s,|:.\u2013\u2014-]|(?:last |first )?(?:published|posted|updated|date|on|at)\b"
    r"|\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?|(?:GMT|BST|UTC|CET|CEST|[ECMP][SD]T)\b)*$",
    re.I,
)
_BYLINE_PREFIX = re.compile(r"^\s*by\s+[^,|\u2013\u2014]{1,50}[,|\u2013\u2014]", re.I)  # "By Jane Doe, "
_DATE_LINE_MAX = 80  # characters: a date line is short
_HEAD_LINES = 15  # the date line, when there is one, sits near the top
_SHORT_LINE_WORDS = 12  # furniture lines after the marker (vacancy titles, employers) are short
_TRAILING_PUNCT = re.compile(r"(?:\n[\s.\u2022\u00b7|*_-]*)+$")  # separator lines such as " ." after the body
_BYLINE = re.compile(r"^by\s|,\s*(?:the\s+)?(?:associated|canadian)\s+press$|^\w+$", re.I)


def cut_furniture(text: str) -> str:
    """``text`` without its furniture tail, outer whitespace trimmed.

    The tail starts at the first furniture line (``FURNITURE``) that follows some body text and is followed
    only by blank lines, other furniture lines and short lines (vacancy titles, employer names: at most
    ``_SHORT_LINE_WORDS`` words). A long paragraph after it means the marker was part of the body.
    """
    lines = text.split("\n")
    starts = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    body_seen = False
    for i, line in enumerate(lines):
        if FURNITURE.match(line):
            if body_seen and all(not ln.strip() or FURNITURE.match(ln) or len(ln.split()) <= _SHORT_LINE_WORDS
                                 for ln in lines[i + 1:]):
                text = text[: starts[i]]
                break
        elif line.strip():
            body_seen = True
    return _TRAILING_PUNCT.sub("", text.rstrip()).strip()


def title_of(text: str) -> str | None:
    """The first line when it reads like a headline: short, followed by a blank line, not a sentence."""
    lines = text.split("\n")
    first = lines[0].strip()
    if not first or len(first) > 150 or len(first.split()) > 25:
        return None
    if len(lines) > 1 and lines[1].strip():
        return None  # the first paragraph runs on: it is body text
    if first.rstrip("\"'”’)]")[-1:] in (".", ",", ";", ":", "") or _BYLINE.search(first):
        return None  # a sentence, a byline or a single token (an id)
    return first


def date_of(text: str) -> str | None:
    """The date of a short date line among the first lines (``"Mar 24, 2022"`` -> ``"2022-03-24"``)."""
    for line in text.split("\n")[:_HEAD_LINES]:
        if not line.strip() or len(line) > _DATE_LINE_MAX:
            continue
        found = find_date(line)
        if found is None:
            continue
        iso, start, end = found
        rest = _BYLINE_PREFIX.sub("", line[:start]) + " " + line[end:]
        if _DATE_LINE_REST.match(rest):
            return iso
    return None


def parse_article(text: str, *, doc_id: str, source: str) -> Document:
    """A plain-text article from its normalised text."""
    body = cut_furniture(text)
    return Document(id=doc_id, source=source, kind="article", text=body, title=title_of(body),
                    published=date_of(body))
