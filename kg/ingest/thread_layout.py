"""The shapes of a scraped thread page's lines: comment headers, meta lines, controls, furniture, quotes, dates.

A thread page saved as text has lost its markup, but each comment still comes with the same few lines:
who wrote it, when, and the buttons around it. ``find_headers`` tries every header *shape* on every line
and keeps the shape the page repeats (the page's own regularity), so no site is named anywhere here. The
shapes are layouts seen across forum software, not phrases of particular pages:

=============  ==========================================================================================
shape          a comment starts with
=============  ==========================================================================================
``avatar``     ``Avatar for - Name`` (``Avatar for -`` alone: anonymous)
``user``       ``u/name date`` (or ``... • u/name • date``); ``r/place ... date`` opens an unsigned post
``heading``    ``## Name (date)``: a Markdown heading naming the poster and a date
``said``       ``Name said...`` / ``Name wrote:`` alone on a line (not followed by ``>`` quote lines)
``by``         ``... by name`` followed by a relative date, a ``·`` separator or a score
``handle``     ``@handle ...`` with a (relative) date on the same line
``bullet``     ``• name`` alone on a bulleted line, then a date line (indentation shows nesting)
``name-date``  ``name`` then a date and time, alone on a line
``name``       a short name alone on a line, before member lines (rank, Joined, Messages) or repeated
``mention``    a paragraph that opens with ``@someone`` and has no header of its own
``numbered``   ``1.``, ``2.``, ... list items, numbered in order from 1
=============  ==========================================================================================
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kg.ingest.dates import MONTHS, find_date

# ------------------------------------------------------------------------------------------- dates
_MON = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WD = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?"
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*\(?(?:utc|gmt|bst|[a-z]{3})\)?)?)"
#: Dates the news-date reader does not take: ``Apr 11 '25``, ``14-Feb-17``, ``Tue 14-Feb-17 10:28:09``.
SHORT_DATES = [
    re.compile(r"\b(?P<month>" + _MON + r")\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+'(?P<year>\d\d)\b", re.I),
    re.compile(r"\b(?P<day>\d{1,2})-(?P<month>" + _MON + r")-(?P<year>\d\d(?:\d\d)?)\b", re.I),
]
#: A relative date: ``3 years ago``, ``9 months ago``, ``7mos``, ``5h``, ``2704 days ago``, ``yesterday``.
RELATIVE = re.compile(
    r"(?<![\w.])(?P<n>\d+|an?|one)\s*(?P<unit>s(?:ec(?:ond)?s?)?|min(?:ute)?s?|h(?:(?:ou)?rs?)?|d(?:ays?)?|w(?:(?:ee)?ks?)?"
    r"|mo(?:s|nths?)?|y(?:(?:ea)?rs?)?)(?:\s+ago\b|(?=\d*[A-Z]{1,3}\b)|\b)(?P<ago>)|\b(?P<word>yesterday|today|just now)\b",
    re.I,
)
_UNIT_DAYS = {"s": 0, "m": 0, "h": 0, "d": 1, "w": 7, "mo": 30.44, "y": 365.25}


def _unit(u: str) -> str:
    u = u.lower()
    if u.startswith("mo"):
        return "mo"
    if u.startswith(("mi", "s")):
        return "m"
    return u[0]


def absolute_date(text: str) -> str | None:
    """The first absolute date in ``text`` as ``YYYY-MM-DD`` (news forms and the short forms forums use)."""
    found = find_date(text)
    best = (found[1], found[0]) if found else None
    for pattern in SHORT_DATES:
        m = pattern.search(text)
        if not m:
            continue
        year = int(m.group("year"))
        year += 2000 if year < 100 else 0
        name = m.group("month").lower().rstrip(".")
        try:
            iso = dt.date(year, MONTHS.get(name) or MONTHS[name[:3]], int(m.group("day"))).isoformat()
        except (ValueError, KeyError):
            continue
        if best is None or m.start() < best[0]:
            best = (m.start(), iso)
    return best[1] if best else None


def relative_date(text: str) -> re.Match[str] | None:
    """The relative date in ``text`` (``9 months ago``, ``7mos``), as a match, or ``None``."""
    for m in RELATIVE.finditer(text):
        if m.group("word"):
            return m
        unit = m.group("unit")
        ago = text[m.end("unit"): m.end("unit") + 5].strip().lower().startswith("ago")
        # a bare "5 d" or "3 m" is too loose; compact forms need "ago" or a glued unit ("7mos", "5h")
        if ago or (m.group("n").isdigit() and not text[m.end("n"): m.start("unit")].strip() and len(unit) >= 1
                   and _unit(unit) in ("mo", "h", "d", "w", "y") and (len(unit) > 1 or ago)):
            return m
    return None


def resolve_relative(shown: str, page_date: str | None) -> str | None:
    """``"3 years ago"`` against the page's date ``2026-12-02`` -> ``"2023-12-02"``; ``None`` without a page
    date (the form shown is kept by the caller)."""
    if not page_date:
        return None
    m = relative_date(shown)
    if m is None:
        return None
    base = dt.date.fromisoformat(page_date)
    if m.group("word"):
        return (base - dt.timedelta(days=1 if m.group("word").lower() == "yesterday" else 0)).isoformat()
    n = m.group("n").lower()
    count = 1 if n in ("a", "an", "one") else int(n)
    unit = _unit(m.group("unit"))
    if unit == "y":
        try:
            return base.replace(year=base.year - count).isoformat()
        except ValueError:  # 29 February
            return base.replace(year=base.year - count, day=28).isoformat()
    if unit == "mo":
        month = base.month - count
        year = base.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        day = min(base.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
                             31, 31, 30, 31, 30, 31][month - 1])
        return dt.date(year, month, day).isoformat()
    return (base - dt.timedelta(days=round(count * _UNIT_DAYS[unit]))).isoformat()


#: ``Mar 2020``, ``March '19``: a month, no day (a date as shown, not resolved to a day).
MONTH_YEAR = re.compile(r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?,?\s+(?:'\d\d|(?:19|20)\d\d)",
                        re.I)


def date_only(line: str) -> bool:
    """A line that is nothing but a date (absolute or relative), a time, and separators."""
    s = line.strip().strip("•·|-–— ")
    if not s or len(s) > 60:
        return False
    rest = s
    if MONTH_YEAR.fullmatch(s):
        return True
    if absolute_date(s):
        for pattern in [*SHORT_DATES]:
            rest = pattern.sub(" ", rest)
        found = find_date(rest)
        while found:
            rest = rest[: found[1]] + " " + rest[found[2]:]
            found = find_date(rest)
    else:
        m = relative_date(s)
        if m is None:
            return False
        rest = s[: m.start()] + s[m.end():]
        rest = re.sub(r"^\s*\d+\s*[A-Z]{1,3}\b", " ", rest)  # "7mos7MO": the compact form repeated
        rest = re.sub(r"\bago\b", " ", rest, flags=re.I)
    rest = re.sub(r"T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b", " ", rest)  # ISO time
    rest = re.sub(_TIME, " ", rest, flags=re.I)
    rest = re.sub(r"\b" + _WD + r"|\b(?:on|at|posted|edited|updated|published|date|time)\b|\d+\s*[A-Z]{1,3}\b", " ", rest,
                  flags=re.I)
    return not re.sub(r"[\s,.:;()•·|'-]+", "", rest)


# --------------------------------------------------------------------------------------- line kinds
#: Buttons and counters: never comment text, wherever they stand.
CONTROL = re.compile(
    r"^\s*(?:reply|replies|report|share|quote|permalink|edit|delete|flag|like|unlike|upvote|downvote|vote|save"
    r"|(?:up|down) ?vote\s*\d*|care\s+\d+|like\s+\d+|\d+\s+likes?(?:,\s*\d+\s+\w+)*|reply\s+\d+"
    r"|→?\s*more replies(?:\s*\(\d+\))?|→|load more(?: comments| replies)?|read more|see more|show more"
    r"|show (?:full|less of) comment|view all comments|show parent comments|continue this thread|collapse|expand"
    r"|user image for.*|score:?\s*-?\d+.*|[-+]?\d[\d,.]*k?(?:\s+(?:points?|votes?|upvotes?|downvotes?|likes?))?"
    r"|\(?\d[\d,.]*k?\)?\s+(?:comments?|posts?|replies|upvotes?|points?|votes?)\b.*"
    r"|\d+\s+of\s+\d+\s+comments?\b.*|[-=_*~]{3,}|[•·|]+|(?:\d+\s+)?(?:comments?|replies)\s*\(\d+\)"
    r"|load more|closed|open|top (?:comment|answer|reply)|(?:post\s*)?#\d+|post\s+\d+|no\.\s*\d+)\s*$",
    re.I,
)
#: A line of control words only: ``Reply · Share · Report``, ``Quote Reply``, ``Like Reply 3``.
CONTROL_WORDS = re.compile(
    r"^\s*(?:(?:reply|report|share|quote|like|likes|flag|permalink|link|edit|delete|save|award|more|hide"
    r"|vote|upvote|downvote|\d+|\d+\s*(?:[smhdwy]|mins?|hrs?|days?|wks?|weeks?|mos?|months?|yrs?|years?)(?:\s+ago)?)"
    r"\s*[·•|/]?\s*){2,}$",
    re.I,
)


#: Share buttons: ``Share on Facebook``, ``Tweet``, ``Copy link``, ``Email this``.
SHARE = re.compile(r"^\s*(?:share(?: on \w+| this(?: \w+)?| via \w+)?|tweet(?: this)?|copy link|email(?: this)?|print"
                   r"|(?:facebook|twitter|whatsapp|linkedin|reddit|pinterest|x)(?:\s*[·•|]\s*)?)\s*$", re.I)


def is_navigation(line: str) -> bool:
    """A menu: three or more short items between ``|`` or ``·`` (``Home | News | About``)."""
    items = [t.strip() for t in re.split(r"\s[|·•]\s|\s[|·•]$|^[|·•]\s", line.strip()) if t.strip()]
    return len(items) >= 3 and all(len(t.split()) <= 3 and not t.endswith((".", "?", "!")) for t in items)


def is_control(line: str) -> bool:
    """A button, counter or menu line (``Reply``, ``5 points``, ``Reply · Share · Report``, ``Share on X``)."""
    return bool(CONTROL.match(line) or CONTROL_WORDS.match(line) or SHARE.match(line) or is_navigation(line))


#: The first line of text that belongs to the page, not to a comment: sign-in and sign-up prompts, cookie and
#: privacy notices, comment guidelines, newsletters, the footer. Everything from it to the next header goes.
FURNITURE = re.compile(
    r"^\s*(?:(?:please\s+)?(?:sign|log)\s*(?:in|up|on)\b|register\b|create an account|join (?:the|our|now)\b"
    r"|already have an account|new here\?|want to (?:join|comment)"
    r"|(?:we use |this site uses |accept (?:all )?)?cookies?\b|privacy(?: policy| notice| settings)?\s*$"
    r"|comments? (?:are|is|policy|guidelines|will be|must|may be)\b|(?:community|house|posting) (?:guidelines|rules)"
    r"|(?:subscribe|newsletter|get our|sign up to)\b|(?:copyright\s*)?©|copyright\s+(?:\d{4}|©)"
    r"|terms(?: of (?:use|service)| and conditions)\s*$|accessibility(?: statement)?\s*$|contact us\s*$"
    r"|back to top\s*$|site ?map\s*$|an instance for\b|about this (?:site|server|instance)\b)",
    re.I,
)
#: Member lines of a forum post's author box: labels and their values, never the post.
MEMBER_LABEL = re.compile(
    r"^\s*(?:joined|messages|posts|reaction score|points|location|member since|karma|reputation|threads"
    r"|trophy points|likes received|solutions)\b\s*:?\s*(?P<value>.*)$",
    re.I,
)
#: A short title-case label under a name: a rank or badge (``Full Member``, ``Top Agreement``).
LABEL = re.compile(r"^\s*(?:[A-Z][\w'’-]*\s+){1,3}[A-Z][\w'’-]*\s*$")
QUOTE_LINE = re.compile(r"^\s*>")
QUOTE_HEAD = re.compile(r"^\s*(?P<name>\S.{0,60}?)\s+(?:said|wrote)\s*:\s*$", re.I)
SIGNATURE = re.compile(r"^\s*--\s*$")
DELETED = re.compile(r"^\s*\[(?:deleted|removed)\]\s*$", re.I)
REPLYING_TO = re.compile(r"\b(?:replying|in reply|reply) to\s+@?(?P<name>[\w.-]+)", re.I)
MENTION = re.compile(r"^\s*@(?P<name>[\w.-]+)")

_NAME = r"[\w.@\[\]'’-]+(?: [\w.@\[\]'’-]+){0,3}"
_HANDLE = r"[\w.\[\]@-]{2,40}"


@dataclass
class Header:
    """Where one comment starts, who wrote it and when, as the page shows it."""

    line: int  # the header's first line
    shape: str
    author: str | None  # as shown (prefixes u/, @, by kept off); None when the page names nobody
    shown: str | None = None
    date: str | None = None  # the date as shown
    body_line: int = 0  # the first line that can be body
    body_col: int = 0  # where the body starts on that line (numbered items)
    indent: int = 0
    verb: str | None = None  # agreed / disagreed / commented ... (handle lines)
    end_line: int | None = None  # where the body stops, when not at the next header (a signature below it)


def _next_text(lines: list[str], i: int, limit: int = 4) -> int | None:
    for j in range(i + 1, min(len(lines), i + 1 + limit)):
        if lines[j].strip():
            return j
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t\u00a0"))


def _plain_name(text: str) -> bool:
    """A short name alone on a line: 1-4 words, no sentence punctuation, not a number or a control."""
    s = text.strip()
    if not s or len(s) > 40 or s[-1] in ".!?:;,\"”)" or is_control(s) or FURNITURE.match(s):
        return False
    if MEMBER_LABEL.match(s) or date_only(s) or re.fullmatch(r"[\d\W]+", s) or s.startswith(("#", ">", "http")):
        return False
    return 1 <= len(s.split()) <= 4


def _shape_avatar(lines: list[str], i: int) -> Header | None:
    """``Avatar for - Name`` (and ``Avatar of Name``, ``Profile picture of Name``, ``User avatar``)."""
    m = re.match(r"^(?:Avatar for\s*-|(?:user )?avatar(?: (?:for|of))?\s*[-:]?|profile (?:picture|photo|image)"
                 r"(?: (?:of|for))?\s*[-:]?)(?:[ \t]+(?P<name>\S.{0,60}?))?[ \t]*$", lines[i], re.I)
    name = m.group("name") if m else None
    if not m or (name and (len(name.split()) > 5 or name[-1] in ".!?,;:")):
        return None
    return Header(i, "avatar", name, name, body_line=i + 1)


#: A control that closes each comment when nothing opens it: ``Reply``, ``Report``, ``Reply · Report``.
CLOSING_CONTROL = re.compile(r"\b(?:reply|report|flag)\b", re.I)


def _controls(lines: list[str]) -> list[Header]:
    """Comments with no header at all, each closed by a run of control lines that names reply or report: the
    paragraph block before the first run is the first comment, the text after each run the next one."""
    runs: list[int] = []  # the line after each run of controls
    i = 0
    while i < len(lines):
        if is_control(lines[i]) and lines[i].strip():
            j = i
            named = False
            while j < len(lines) and (is_control(lines[j]) or not lines[j].strip()):
                named = named or bool(CLOSING_CONTROL.search(lines[j]) and lines[j].strip())
                j += 1
            if named:
                runs.append(j)
            i = j
        else:
            i += 1
    if len(runs) < 2:
        return []
    first_close = next(k for k in range(len(lines)) if is_control(lines[k]) and lines[k].strip()
                       and CLOSING_CONTROL.search(lines[k]))
    start = first_close
    while start > 0 and lines[start - 1].strip():
        start -= 1
    heads = [Header(start, "controls", None, body_line=start)]
    heads += [Header(r, "controls", None, body_line=r) for r in runs if r < len(lines) and
              any(t.strip() for t in lines[r:])]
    # "Jane Doe" / her words / "Like · Reply · 3y": when most comments open with a name alone, it is the author
    named = [h for h in heads if _plain_name(lines[h.line]) and h.line + 1 < len(lines) and lines[h.line + 1].strip()
             and not META_WORDS.match(lines[h.line].split()[0])]
    if len(named) * 2 > len(heads):
        for h in named:
            h.author = h.shown = lines[h.line].strip()
            h.body_line = h.line + 1
    return heads


_USER = re.compile(r"^\s*(?:(?:r/\S+|\S+)\s*•\s*)?u/(?P<name>[\w-]+|\[deleted\])\s*(?:•\s*)?(?P<rest>.*)$")
_SUB = re.compile(r"^\s*r/\w+\b(?P<rest>.*)$")


def _shape_user(lines: list[str], i: int) -> Header | None:
    m = _USER.match(lines[i])
    if m and (not m.group("rest").strip() or absolute_date(m.group("rest")) or relative_date(m.group("rest"))):
        return Header(i, "user", m.group("name"), "u/" + m.group("name"), m.group("rest").strip() or None,
                      body_line=i + 1)
    m = _SUB.match(lines[i])
    if m and "u/" not in lines[i] and (absolute_date(m.group("rest")) or relative_date(m.group("rest"))):
        return Header(i, "user", None, None, m.group("rest").strip(), body_line=i + 1)
    return None


def _shape_heading(lines: list[str], i: int) -> Header | None:
    m = re.match(r"^(?:#{2,6}\s+|\*\*(?=.*\*\*))?(?P<name>[^\s*#].{0,40}?)(?:\*\*)?\s*\((?P<date>[^()]{4,40})\)\s*$",
                 lines[i])
    if m and len(m.group("name").split()) <= 4 and date_only(m.group("date")):
        return Header(i, "heading", m.group("name"), m.group("name"), m.group("date"), body_line=i + 1)
    return None


def _shape_said(lines: list[str], i: int) -> Header | None:
    m = re.match(r"^\s*(?P<name>\S.{0,50}?)\s+(?:said|wrote|says|writes)\s*(?:\.\.\.|…|:)\s*$", lines[i], re.I)
    if not m or len(m.group("name").split()) > 5:
        return None
    j = _next_text(lines, i)
    if j is not None and QUOTE_LINE.match(lines[j]):
        return None  # "X said:" over "> ..." lines is a quote of X, not a new comment
    return Header(i, "said", m.group("name"), lines[i].strip(), body_line=i + 1)


_BY = re.compile(r"^\s*(?:\d+\.\s+)?(?P<pre>.{0,100}?)(?:^|\s)by\s+(?P<name>" + _HANDLE + r"(?: [A-Z][\w.-]*){0,2})"
                 r"\s*(?P<rest>(?:[·•|»–—-].*|score\b.*|(?:\d+\s*\w+\s+ago|(?:on|at)\s+.{4,40}|\d{4}-\d\d-\d\d.*))?)\s*$",
                 re.I)


_BY_ALONE = re.compile(r"^\s*(?:(?:posted|written|submitted|comment)\s+)?by\s+(?P<name>" + _HANDLE +
                       r"(?: [A-Z][\w.'’-]*){0,2})\s*$", re.I)


def _shape_by(lines: list[str], i: int) -> Header | None:
    alone = _BY_ALONE.match(lines[i])
    if alone:  # "by name" alone, the date on the next line
        j = _next_text(lines, i, 2)
        if j is not None and date_only(lines[j]):
            return Header(i, "by", alone.group("name"), "by " + alone.group("name"), lines[j].strip(),
                          body_line=j + 1, indent=_indent(lines[i]))
        return None
    m = _BY.match(lines[i])
    if not m:
        return None
    rest = m.group("rest")
    if not rest or not (re.search(r"[·•|]|score", rest, re.I) or relative_date(rest) or absolute_date(rest)
                        or MONTH_YEAR.search(rest)):
        return None
    return Header(i, "by", m.group("name"), "by " + m.group("name"), rest.strip(" ·•|»–—-") or None,
                  body_line=i + 1, indent=_indent(lines[i]))


_HANDLE_LINE = re.compile(r"^\s*@(?P<name>" + _HANDLE + r")\s+(?P<rest>.{0,80})$")


def _shape_handle(lines: list[str], i: int) -> Header | None:
    m = _HANDLE_LINE.match(lines[i])
    if not m or not relative_date(m.group("rest")) and not absolute_date(m.group("rest")):
        return None
    rest = m.group("rest")
    verb = re.search(r"\b(agreed|disagreed|commented|replied|responded|answered|posted|wrote)\b", rest, re.I)
    rel = relative_date(rest)
    return Header(i, "handle", m.group("name"), "@" + m.group("name"),
                  rel.group(0) if rel else absolute_date(rest), body_line=i + 1,
                  verb=verb.group(1).lower() if verb else None)


def _shape_bullet(lines: list[str], i: int) -> Header | None:
    m = re.match(r"^(?P<indent>\s*)[•·*‣◦-]\s+(?P<name>@?" + _HANDLE + r"(?: " + _HANDLE + r"){0,2})\s*$", lines[i])
    if not m:
        return None
    j = _next_text(lines, i, 2)
    if j is None or not date_only(lines[j]):
        return None
    return Header(i, "bullet", m.group("name"), m.group("name"), lines[j].strip(), body_line=j + 1,
                  indent=len(m.group("indent")))


#: Words that open a meta line rather than name a poster ("Posted 3 days ago", "Updated Mar 3, 2024").
META_WORDS = re.compile(r"^(?:(?:posted|updated|edited|published|joined|last|active|seen|replied|commented)\w*|on|at"
                        r"|today|yesterday|date|time|(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
                        r"|" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")[.,]?$", re.I)


def _shape_name_date(lines: list[str], i: int) -> Header | None:
    """``name Tue 14-Feb-17 10:28:09``, ``Jane Doe · 3 days ago``, ``kim | March 3, 2024``."""
    m = re.match(r"^\s*(?:\[[–+-]\]\s*)?(?P<name>[\w.@'’-]+(?: [\w.@'’-]+){0,2}?)(?:\s*(?P<sep>[·•|–—,»]|\s-|\son))?"
                 r"(?:\s+(?P<score>-?\d[\d,.]*k?\s+(?:points?|votes?))\s*[·•|]?)?"
                 r"\s+(?P<date>(?i:" + _WD + r"\s+)?(?:\d|" + _MON + r"\s+\d|an?\s).{2,40})$", lines[i], re.I)
    if not m or META_WORDS.match(m.group("name").split()[0]) or not re.search(r"[^\W\d_]", m.group("name")) \
            or not date_only(m.group("date")):
        return None
    date = m.group("date")
    if not absolute_date(date) and not MONTH_YEAR.fullmatch(date.strip()) \
            and not ((m.group("sep") or m.group("score")) and relative_date(date)):
        return None  # "name 3 days ago" needs a separator: "kim 3 days ago" could be words
    return Header(i, "name-date", m.group("name"), m.group("name"), date.strip(), body_line=i + 1)


def _shape_name(lines: list[str], i: int) -> Header | None:
    """A name alone on its line (after a blank line, a control or the page start), then member lines, a date
    line or a score line (a rank line may come between)."""
    if not _plain_name(lines[i]) or (i > 0 and lines[i - 1].strip() and not is_control(lines[i - 1])):
        return None
    if META_WORDS.match(lines[i].split()[0]):
        return None
    j = _next_text(lines, i, 3)
    if j is None:
        return None
    k = j
    for _ in range(2):  # over a rank line or a post number to the member / date / score line
        if (LABEL.match(lines[k]) or (is_control(lines[k]) and not re.search(r"points?|votes?", lines[k], re.I))) \
                and not date_only(lines[k]):
            k = _next_text(lines, k, 2) or k
    t = lines[k]
    if MEMBER_LABEL.match(t) or date_only(t) or re.match(r"^\s*(?:score:?\s*)?-?\d[\d,.]*k?\s+(?:points?|votes?)\b",
                                                         t, re.I):
        return Header(i, "name", lines[i].strip(), lines[i].strip(), body_line=i + 1, verb="member")
    return None


def _shape_name_repeated(lines: list[str], i: int) -> Header | None:
    """A name alone on its line between blank lines (checked for repetition by ``find_headers``)."""
    if not _plain_name(lines[i]) or (i > 0 and lines[i - 1].strip()):
        return None
    j = i + 1
    if j < len(lines) and lines[j].strip():
        return None
    return Header(i, "name", lines[i].strip(), lines[i].strip(), body_line=i + 1)


STRONG_SHAPES = (_shape_avatar, _shape_user, _shape_heading, _shape_said, _shape_by, _shape_handle,
                 _shape_bullet, _shape_name_date)


def _numbered(lines: list[str]) -> list[Header]:
    out: list[Header] = []
    expected = 1
    for i, line in enumerate(lines):
        m = re.match(r"^(?P<lead>\s*)(?P<n>\d{1,3})\.\s+(?=\S)", line)
        if m and int(m.group("n")) == expected and (i == 0 or not lines[i - 1].strip()):
            out.append(Header(i, "numbered", None, None, body_line=i, body_col=m.end(), indent=len(m.group("lead"))))
            expected += 1
    return out if len(out) >= 2 else []


def _mentions(lines: list[str], taken: set[int]) -> list[Header]:
    """Paragraphs opening with ``@someone`` that follow no header: each starts an unsigned post."""
    out = []
    for i, line in enumerate(lines):
        if MENTION.match(line) and (i == 0 or not lines[i - 1].strip()) and _shape_handle(lines, i) is None \
                and len(line.split()) > 1:
            prev = i - 1
            while prev >= 0 and not lines[prev].strip():
                prev -= 1
            if prev >= 0 and prev in taken:
                continue  # the paragraph under a name line is that name's post
            out.append(Header(i, "mention", None, None, body_line=i))
    return out


#: A line that mentions the site's own notices: sign-up, privacy, cookies, newsletters (furniture anywhere in
#: the text above the comments).
NOTICE = re.compile(r"\b(?:privacy (?:notice|policy)|cookie (?:policy|settings)|terms of (?:use|service)|sign up"
                    r"|subscribe|newsletter|unsubscribe|be emailed|email (?:address|updates))\b", re.I)
_SIGNATURE_NAME = re.compile(r"^\s*(?P<name>(?:[A-Z][\w'’.-]+\s+){1,3}[A-Z][\w'’.-]+)\s*(?:,\s*[A-Z][\w .'’-]{1,40})?\s*$")


def _prose(line: str) -> bool:
    return len(line.split()) >= 8 and line.rstrip()[-1:] in ".!?\"”'’)" and not NOTICE.search(line) \
        and not FURNITURE.match(line)


def _signed(lines: list[str]) -> list[Header]:
    """Letters signed below: a name alone (``Susan Fella``, ``Jo Bloggs, Leeds``) right under a line of prose
    and over a blank line. Each letter runs from the line after the previous signature; the first from the
    prose paragraphs above its signature. Two signatures at least."""
    sigs = [i for i in range(1, len(lines)) if _SIGNATURE_NAME.match(lines[i]) and lines[i - 1].strip()
            and lines[i - 1].rstrip()[-1:] in ".!?\"”'’)" and (i + 1 >= len(lines) or not lines[i + 1].strip())
            and not FURNITURE.match(lines[i]) and not is_control(lines[i])]
    if len(sigs) < 2:
        return []
    heads: list[Header] = []
    prev = None
    for sig in sigs:
        if prev is None:
            start = sig - 1  # back over the prose paragraphs above the first signature
            while start > 0 and (not lines[start - 1].strip() or _prose(lines[start - 1])):
                start -= 1
            while start < sig and not lines[start].strip():
                start += 1
            if not _prose(lines[start]):
                return []
        else:
            start = prev + 1
        name = _SIGNATURE_NAME.match(lines[sig]).group("name")  # type: ignore[union-attr]
        heads.append(Header(start, "signed", name, lines[sig].strip(), body_line=start, end_line=sig))
        prev = sig
    return heads


@dataclass
class Layout:
    """The headers of a page and the shape they share (``none`` when nothing repeats)."""

    shape: str
    headers: list[Header]
    strong: bool  # a shape that is a comment header on any page (not a name or a numbered list alone)


def find_headers(lines: list[str]) -> Layout:
    """The comment headers of a page: the strong shape the page repeats most, else a name alone on its
    line (before member lines, or repeated), else paragraphs opening with an @mention, else a numbered list."""
    best: list[Header] = []
    for shape in STRONG_SHAPES:
        found = [h for i in range(len(lines)) if (h := shape(lines, i)) is not None]
        if len(found) > len(best):
            best = found
    if best:
        # a "said" header inside another shape's comment is text; several shapes at once are not read together
        for h in best:  # indentation, where the text keeps it, shows the nesting
            h.indent = h.indent or _indent(lines[h.line])
        return Layout(best[0].shape, sorted(best, key=lambda h: h.line), True)
    bylines = [Header(i, "by", m.group("name"), line.strip(), body_line=i + 1) for i, line in enumerate(lines)
               if (m := _BY_ALONE.match(line))]
    if len(bylines) >= 2:  # "By name" alone over each comment, without dates
        return Layout("by", bylines, False)
    names = [h for i in range(len(lines)) if (h := _shape_name(lines, i)) is not None]
    repeated: dict[str, list[Header]] = {}
    for i in range(len(lines)):
        h = _shape_name_repeated(lines, i)
        if h is not None:
            repeated.setdefault(h.author or "", []).append(h)
    extra = [h for group in repeated.values() if len(group) >= 2 for h in group]
    by_line = {h.line: h for h in extra + names}
    for line in sorted(by_line):  # a rank under a name ("arnie_ni" / "Full Member" / "Joined"): the name is the header
        prev = line - 1
        while prev >= 0 and not lines[prev].strip():
            prev -= 1
        if prev in by_line:
            del by_line[line]
    if len(by_line) >= 2:
        found = sorted(by_line.values(), key=lambda h: h.line)
        mentions = _mentions(lines, {h.line for h in found})
        return Layout("name", sorted(found + mentions, key=lambda h: h.line), False)
    mentions = _mentions(lines, set())
    if len(mentions) >= 2:
        return Layout("mention", mentions, False)
    numbered = _numbered(lines)
    if numbered:
        return Layout("numbered", numbered, False)
    closed = _controls(lines)
    if len(closed) >= 2:
        return Layout("controls", closed, False)
    signed = _signed(lines)
    if signed:
        return Layout("signed", signed, False)
    return Layout("none", [], False)
