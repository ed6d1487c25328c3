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


#: A label that dates the article, then the date within a few words: "Published 3 March 2022",
#: "Published: 10:32 GMT, 3 March 2022 | Updated: ...", "First posted on Mar 3, 2022".
_LABELLED = re.compile(r"\b(?P<label>(?:first |last )?(?:published|posted|updated|modified|date)(?: on)?)\b\s*:?\s*",
                       re.I)
_LABEL_REACH = 40  # characters between a label and its date (a time, a weekday)
#: A dateline opening the first paragraph: "LONDON, 3 March 2022 —", "OTTAWA (Reuters), March 3, 2022 -".
_DATELINE = re.compile(r"^\s*[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}\b")  # the place in capitals
_DATELINE_GAP = re.compile(r"^[\s,()A-Za-z.'-]*$")  # ", Ontario (Reuters), " between the place and the date


def date_of(text: str) -> str | None:
    """The publication date the text carries near its top: a line labelled "Published ..." or "Posted ..."
    (before one labelled "Updated ..."), a short line that is only a date (``"Mar 24, 2022"`` ->
    ``"2022-03-24"``), or a dateline opening a paragraph ("LONDON, 3 March 2022 — ..."). ``None`` when none."""
    lines = text.split("\n")[:_HEAD_LINES]
    updated: str | None = None
    for line in lines:
        for m in _LABELLED.finditer(line):
            found = find_date(line[m.end():m.end() + _LABEL_REACH])
            if found is None or not _DATE_LINE_REST.match(line[m.end():m.end() + found[1]]):
                continue
            if m.group("label").lower().startswith(("updated", "last updated", "modified", "last modified")):
                updated = updated or found[0]
            else:
                return found[0]
    for line in lines:
        if not line.strip() or len(line) > _DATE_LINE_MAX:
            continue
        found = find_date(line)
        if found is None:
            continue
        iso, start, end = found
        rest = _BYLINE_PREFIX.sub("", line[:start]) + " " + line[end:]
        if _DATE_LINE_REST.match(rest):
            return iso
    for line in lines:
        m = _DATELINE.match(line)
        if m is None or len(m.group(0).strip()) < 3:
            continue
        found = find_date(line[m.end():m.end() + 60])
        if found is None:
            continue
        gap = line[m.end():m.end() + found[1]]
        if _DATELINE_GAP.match(gap) and len(gap.split()) <= 4 and \
                re.match(r"\s*\)?\s*[—–-]", line[m.end() + found[2]:]):
            return found[0]
    return updated


def parse_article(text: str, *, doc_id: str, source: str) -> Document:
    """A plain-text article from its normalised text."""
    body = cut_furniture(text)
    return Document(id=doc_id, source=source, kind="article", text=body, title=title_of(body),
                    published=date_of(body))
