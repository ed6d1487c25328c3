"""Scraped comment-thread pages, from any site: one general reader that finds the repeating comment block.

The page text has lost its markup, but every comment still comes with the same few lines around it: an
author line, a date, vote / reply / report controls. ``kg.ingest.thread_layout.find_headers`` finds the
header shape the page repeats (``u/name date``, ``Name said...``, ``## Name (date)``, a bulleted handle over
a date, ``Avatar for - Name``, a name over member lines ...); each comment is the text from one header to the
next, without its meta lines, controls, quoted parent text (``>`` lines, ``X said:`` quote blocks, a parent's
lines pasted in front of the reply), signature (``--``) and the page furniture after it (sign-in, cookie and
guideline text, footers). See docs/threads.md.

Talk London's 2016 page is one case (``Avatar for -`` headers)::

    Avatar for - Tiger          <- "Avatar for -" alone: an anonymous commenter
    Up vote 0                   <- controls, not comment text
    Care 0
    Report

    <comment text, or a preview ending in "...">
    Show full comment           <- only for long comments: the preview above is dropped,
    <full comment text>            the full text below is the comment
    Show less of comment

The document text is rebuilt from verbatim pieces of the page: the opening post, then each comment's text
once, separated by blank lines. Each ``Post`` points at its piece. Comments signed with the site team's name
(``Talk London Team``) are the moderator's. Parents come from what the page shows: indentation, a quoted
parent, ``replying to X``, a leading ``@X`` (the latest earlier comment by X), a reply verb; only the
``Avatar for -`` layout, whose pages flatten the nesting, infers replies from the words (``infer_replies``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.errors import InputError
from kg.ingest.dates import find_date
from kg.ingest.thread_layout import (
    DELETED,
    FURNITURE,
    LABEL,
    MEMBER_LABEL,
    MENTION,
    NOTICE,
    QUOTE_HEAD,
    QUOTE_LINE,
    REPLYING_TO,
    SIGNATURE,
    Header,
    absolute_date,
    date_only,
    find_headers,
    is_control,
    resolve_relative,
)
from kg.records import Document, Post

SHOW_FULL = re.compile(r"^\s*Show full comment\s*$")
SHOW_LESS = re.compile(r"^\s*Show less of comment\s*$")
COMMENTS_COUNT = re.compile(r"^\s*Comments\s*\(\d+\)\s*$")
ADDED_BY = re.compile(r"^\s*Added by\s+(?P<name>\S.*?)\s*$")
RAN_FROM = re.compile(r"\b(?:ran|runs|open|opened)\s+from\b", re.I)

#: Lines of page chrome: buttons, counters, account prompts. Never comment text.
CHROME = re.compile(
    r"^\s*(?:Up vote \d+|Down vote \d+|Care \d+|Like \d+|Report|Reply|Load more|Closed|Open"
    r"|User Image for.*|Show full comment|Show less of comment|Comments\s*\(\d+\)"
    r"|Join [\w ]+|Log into your account|Already have an account\?|Want to join our next discussion\?"
    r"|New here\?.*)\s*$"
)

#: The first line of the page footer after the last comment.
FOOTER = re.compile(
    r"^\s*(?:(?:copyright\s*)?©.*|copyright\s+(?:\d{4}|©).*|privacy(?: policy| notice)?|cookies?(?: policy| settings)?"
    r"|terms(?: of use| and conditions)?|accessibility(?: statement)?|contact us|back to top|site map|sitemap)\s*$",
    re.I,
)

#: Organisation names a moderator signs with, besides "<opening author> Team".
MODERATOR_SIGNATURES: tuple[str, ...] = ("Talk London Team",)

#: Markers that make a page look like a comment thread (``looks_like_thread``).
THREAD_MARKERS = (
    re.compile(r"^Avatar for\s*-", re.M),
    re.compile(r"^\s*Show full comment\s*$", re.M),
    re.compile(r"^\s*Comments\s*\(\d+\)\s*$", re.M),
)


def looks_like_thread(text: str) -> bool:
    """True when the page shows a comment thread: the ``Avatar for -`` markers (several commenter avatars, one
    avatar plus a comment counter or "Show full comment" link, or a comment counter under an "Added by"
    opening post), or comment headers of one shape (``kg.ingest.thread_layout``) that give comments:

    - a header shape that only comment pages use (``u/name date``, ``## Name (date)``, ``Name said...``,
      ``@handle ... date``, ``by name`` with a date or score, bulleted names over dates, ``name date time``),
      twice, or once with a comment counter (``2 comments``) on the page;
    - names alone on a line over a forum's member lines (``Joined``, ``Messages``), or repeated and answered
      by ``@mention`` paragraphs; two or more paragraphs that open with an ``@mention``;
    - a numbered list under the page's comment guidelines ("Comments are ...").

    A heading repeated in an article ("Story continues below") is not a name: it has no member lines."""
    avatars = len(THREAD_MARKERS[0].findall(text))
    if avatars >= 2 or (avatars >= 1 and any(m.search(text) for m in THREAD_MARKERS[1:])):
        return True
    # a discussion page whose comments are all gone still has its counter and its "Added by" line
    if THREAD_MARKERS[2].search(text) and re.search(r"^\s*Added by\s", text, re.M):
        return True
    return thread_evidence(text) is not None


def thread_evidence(text: str) -> str | None:
    """The layout that makes ``text`` a thread page (see ``looks_like_thread``), or ``None``."""
    lines = text.split("\n")
    layout = find_headers(lines)
    n = len(layout.headers)
    if not n:
        return None
    if layout.strong:
        counter = any(REPLY_COUNTER.match(t) or re.match(r"^\s*\d+\s+of\s+\d+\s+comments?\b", t, re.I)
                      for t in lines)
        ok = n >= 2 or counter
    elif layout.shape == "name":
        # names over member, date or score lines (not a heading repeated in an article), or answered by @mentions
        ok = sum(h.verb == "member" for h in layout.headers) >= 2 or any(h.shape == "mention" for h in layout.headers)
    elif layout.shape == "mention":
        ok = n >= 2
    elif layout.shape == "by":
        ok = n >= 3
    elif layout.shape in ("controls", "signed"):
        ok = n >= 3 if layout.shape == "controls" else n >= 2
    elif layout.shape == "numbered":
        ok = any(re.match(r"^\s*comments?\s+(?:are|is|policy|guidelines|will be|must|may be)\b", t, re.I)
                 for t in lines)
    else:
        ok = False
    if not ok:
        return None
    try:
        parse_thread_page(text, doc_id="-", source="-")
    except InputError:
        return None
    return layout.shape


def _lines(text: str) -> list[tuple[int, int, str]]:
    out = []
    start = 0
    for line in text.split("\n"):
        out.append((start, start + len(line), line))
        start += len(line) + 1
    return out


def _span(lines: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    """The span from the first to the last line with text in ``lines`` (chrome removed at both ends)."""
    kept = [ln for ln in lines if ln[2].strip() and not CHROME.match(ln[2])]
    if not kept:
        return None
    first = lines.index(kept[0])
    last = lines.index(kept[-1])
    return lines[first][0], lines[last][1]


def _strip_outer(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _moderator(body: str, signatures: tuple[str, ...]) -> str | None:
    tail = body.rstrip()
    for sig in signatures:
        if tail.endswith(sig):
            return sig
    return None


@dataclass
class _Comment:
    """One comment as found on the page, before the text is rebuilt."""

    runs: list[tuple[int, int]]  # verbatim pieces of the page (offsets), in order
    author: str | None
    author_type: str
    header: Header | None = None
    opening: bool = False
    published: str | None = None
    shown_date: str | None = None
    quotes: list[str] = field(default_factory=list)  # quoted parent text kept out of the body
    quote_names: list[str] = field(default_factory=list)  # "X said:" quote blocks
    lines: list[int] = field(default_factory=list)  # the page lines of the body
    parent: int | None = None  # position in the comment list, once known
    under: bool = False  # listed under the comment before it (replies after an "N comments" counter)


#: A reply that greets the one it answers: ``Hi anon``, ``Dear Susan`` (a first name, alone on its line or
#: followed by a comma).
GREETING = re.compile(r"^(?:hi|hello|hey|dear)\s+(?P<name>[\w-]+)\s*(?:,|\n|$)", re.I)
#: "N comments" alone under an item: what follows without headers are the item's replies.
REPLY_COUNTER = re.compile(r"^\s*\d+\s+(?:comments?|replies)\s*$", re.I)
#: An opening post that quotes its submitter: ``An anonymous reader writes: "..."``.
WRITES = re.compile(r"^\s*(?P<name>[\w .'’-]{2,60}?)\s+(?:writes|wrote|asks|says)\s*:\s*[\"“]?", re.I)
PAGE_DATE = re.compile(r"^\s*(?:retrieved|saved|captured|accessed|archived|snapshot)(?: on| at)?\s*:?\s*(?P<d>.+)$",
                       re.I | re.M)
_ANONYMOUS = re.compile(r"^(?:anonymous|anon|\[deleted\]|deleted|\[removed\]|removed|an? anonymous(?: \w+)?)$", re.I)


def author_name(shown: str | None) -> str | None:
    """The author as a name: ``u/``, ``@`` and ``by`` dropped, spaces collapsed; ``None`` for an anonymous,
    deleted or e-mail-obfuscated (``[email protected]``) author. A label glued to an id (``9GTRFJSRepublican``)
    is cut off."""
    if not shown:
        return None
    name = " ".join(shown.split()).strip(" •·|:")
    name = re.sub(r"^(?:u/|@|by\s+)", "", name, flags=re.I)
    if not name or _ANONYMOUS.match(name) or ("[email" in name and "protected]" in name):
        return None
    glued = re.fullmatch(r"([0-9A-Z]{5,})([A-Z][a-z]{3,})", name)
    return glued.group(1) if glued else name


def _key(name: str | None) -> str:
    return re.sub(r"[\W_]+", "", name or "").lower()


def _body(lines: list[tuple[int, int, str]], first: int, last: int, col: int = 0,
          leading_meta: bool = True) -> tuple[list[int], list[str], list[str], bool]:
    """The body lines of one comment between page lines ``first`` and ``last`` (excluded): meta lines at the
    top, controls, quotes, the signature and the furniture after it left out. Returns the kept line numbers,
    the quoted texts, the names of ``X said:`` quote blocks, and whether the body was a deleted placeholder."""
    idx = list(range(first, last))
    raw = [lines[i][2][col:] if i == first else lines[i][2] for i in idx]
    # "Show full comment": the full text below it is the comment, the preview above is dropped
    full = next((k for k, t in enumerate(raw) if SHOW_FULL.match(t)), None)
    if full is not None:
        less = next((k for k in range(full + 1, len(raw)) if SHOW_LESS.match(raw[k])), len(raw))
        if any(t.strip() and not CHROME.match(t) for t in raw[full + 1:less]):
            idx, raw = idx[full + 1:less], raw[full + 1:less]
        else:
            idx, raw = idx[:full], raw[:full]
    k = 0
    if leading_meta:  # the header's meta lines: dates, scores, ranks, member lines
        while k < len(raw):
            t = raw[k]
            member = MEMBER_LABEL.match(t)
            if not t.strip() or is_control(t) or CHROME.match(t) or date_only(t):
                k += 1
            elif member:
                k += 1
                if not member.group("value").strip():  # "Joined" / "Apr 27, 2014" on the next line
                    while k < len(raw) and not raw[k].strip():
                        k += 1
                    k += 1
            elif LABEL.match(t) and k + 1 < len(raw) and (not raw[k + 1].strip() or MEMBER_LABEL.match(raw[k + 1])):
                k += 1
            else:
                break
    kept: list[int] = []
    quotes: list[str] = []
    names: list[str] = []
    while k < len(raw):
        t = raw[k]
        if FURNITURE.match(t) or FOOTER.match(t) or SIGNATURE.match(t):
            break
        head = QUOTE_HEAD.match(t)
        nxt = next((j for j in range(k + 1, len(raw)) if raw[j].strip()), None)
        if head and nxt is not None and QUOTE_LINE.match(raw[nxt]):
            names.append(head.group("name").strip())
            k += 1
            continue
        if QUOTE_LINE.match(t):
            block = []
            while k < len(raw) and (QUOTE_LINE.match(raw[k]) or not raw[k].strip()):
                if raw[k].strip():
                    block.append(re.sub(r"^\s*>+\s?", "", raw[k]))
                k += 1
            quotes.append("\n".join(block).strip())
            continue
        if t.strip() and not is_control(t) and not CHROME.match(t):
            kept.append(idx[k])
        k += 1
    deleted = bool(kept) and all(DELETED.match(lines[i][2]) for i in kept)
    return ([] if deleted else kept), quotes, names, deleted


def _runs(lines: list[tuple[int, int, str]], kept: list[int], col_line: int = -1, col: int = 0) -> list[tuple[int, int]]:
    """Kept lines -> verbatim runs: lines separated only by blank lines are one run."""
    runs: list[tuple[int, int]] = []
    prev = None
    for i in kept:
        start = lines[i][0] + (col if i == col_line else 0)
        if prev is not None and all(not lines[j][2].strip() for j in range(prev + 1, i)):
            runs[-1] = (runs[-1][0], lines[i][1])
        else:
            runs.append((start, lines[i][1]))
        prev = i
    return runs


def _strip(text: str, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for a, b in runs:
        a, b = _strip_outer(text, a, b)
        if b > a:
            out.append((a, b))
    return out


def _substantial(paragraph: str) -> bool:
    """Prose, not a title, a question line or a menu: two sentences, or 25 words, or a title with a link."""
    words = paragraph.split()
    sentences = len(re.findall(r"[.!?](?:\s|$)", paragraph.strip() + " "))
    return len(words) >= 25 or (sentences >= 2 and len(words) >= 8)


def _preamble_post(lines: list[tuple[int, int, str]], end: int, text: str) -> _Comment | None:
    """The post at the top of the page, before the first comment header (a blog post, a Mastodon status, a
    story): after the page's last date heading (and the title under it), else from its first paragraph of
    prose; ``None`` when the top holds only a title, menus, a question or furniture. Text above the page's
    last sign-in, cookie, guideline or newsletter line is the site's, not a post."""
    region = 1 + max((i for i in range(end) if FURNITURE.match(lines[i][2]) or NOTICE.search(lines[i][2])),
                     default=-1)
    start, published, shown = region, None, None
    for i in range(region, end):
        t = lines[i][2]
        if t.strip() and date_only(t) and absolute_date(t):
            start, published, shown = i + 1, absolute_date(t), t.strip()
    if published is not None:
        # the post's title under its date heading
        j = next((k for k in range(start, end) if lines[k][2].strip()), None)
        if j is not None and _title_line(lines, j, end):
            start = j + 1
    else:
        paragraphs = _paragraphs(lines, region, end)
        texts = [" ".join(lines[k][2] for k in range(a, b)) for a, b in paragraphs]
        first = next((n for n, t in enumerate(texts) if _substantial(t)), None)
        if first is None:
            return None
        # the sentences before it are the same post's ("I said. / Then he said.")
        while first > 0 and len(texts[first - 1].split()) >= 8 and texts[first - 1].rstrip()[-1:] in ".!?\"”'’" \
                and not FURNITURE.match(texts[first - 1]):
            first -= 1
        start = paragraphs[first][0]
    kept, _, _, _ = _body(lines, start, end, leading_meta=False)
    if not kept:
        return None
    body = " ".join(lines[k][2] for k in kept)
    if published is None and not _substantial(body):
        return None
    author: str | None = None
    runs = _strip(text, _runs(lines, kept))
    m = WRITES.match(lines[kept[0]][2])
    if m:  # "An anonymous reader writes: "...": the quoted words, by the one who wrote them
        author = author_name(m.group("name"))
        a, b = runs[0]
        a = lines[kept[0]][0] + m.end()
        runs[0] = (a, b)
        a2, b2 = runs[-1]
        while b2 > a2 and text[b2 - 1] in " \"”":
            b2 -= 1
        runs[-1] = (runs[-1][0] if len(runs) > 1 else a, b2)
        runs = _strip(text, runs)
    if not runs:
        return None
    return _Comment(runs, author, "person" if author else "anonymous", published=published, shown_date=shown,
                    lines=kept)


def _title_line(lines: list[tuple[int, int, str]], j: int, end: int) -> bool:
    t = lines[j][2].strip()
    return len(t.split()) <= 14 and t[-1:] not in ".!?:" and (j + 1 >= end or not lines[j + 1][2].strip())


def _paragraphs(lines: list[tuple[int, int, str]], first: int, end: int) -> list[tuple[int, int]]:
    out, a = [], None
    for i in range(first, end):
        if lines[i][2].strip():
            if a is None:
                a = i
        elif a is not None:
            out.append((a, i))
            a = None
    if a is not None:
        out.append((a, end))
    return out


def _cut_off_header(lines: list[tuple[int, int, str]], text: str, heads: list[Header]) -> int | None:
    """The line where a page cut off in the middle of the next comment's header starts, or ``None``: the page
    ends without a line end on a short line (at most three words, no sentence punctuation) after a blank line,
    below a comment header (``Anasnake Tue`` for ``name Tue 14-Feb-17 10:28:09``, ``@ajsa``)."""
    if text.endswith("\n") or len(lines) < 3 or heads[-1].line >= len(lines) - 2:
        return None
    last = lines[-1][2].strip()
    if not last or lines[-2][2].strip() or len(last.split()) > 3 or last[-1:] in ".!?,;:)\"”'’":
        return None
    if not any(ln[2].strip() for ln in lines[heads[-1].body_line: -1]):
        return None  # it is the last comment's only line ("No"), not a header
    return len(lines) - 1


def _split_counter_replies(lines: list[tuple[int, int, str]], heads: list[Header]) -> list[Header]:
    """Replies listed under an item without headers of their own: after the item's ``N comments`` line, one
    post up to each ``>`` quote that opens the next."""
    if not heads:
        return heads
    last = heads[-1]
    at = next((i for i in range(last.body_line, len(lines)) if REPLY_COUNTER.match(lines[i][2])), None)
    if at is None or not any(lines[i][2].strip() for i in range(at + 1, len(lines))):
        return heads
    extra = [Header(at + 1, "under", None, body_line=at + 1, verb="under")]
    for i in range(at + 2, len(lines)):
        if QUOTE_LINE.match(lines[i][2]) and not lines[i - 1][2].strip() \
                and not QUOTE_LINE.match(lines[i - 2][2] if i >= 2 else ""):
            extra.append(Header(i, "under", None, body_line=i, verb="quote"))
    return heads + extra


def _pasted_quotes(comments: list[_Comment], lines: list[tuple[int, int, str]]) -> None:
    """A parent's lines pasted in front of a reply (a quote box that lost its frame): leading lines that are
    an earlier comment's lines. When the earlier comment opens with the same lines, both quote a post that is
    not on the page; otherwise the earlier comment is the parent."""
    def norm(i: int) -> str:
        return " ".join(lines[i][2].split())

    seen: dict[str, tuple[int, int]] = {}  # a line -> (the latest comment that has it, its position there)
    for j, c in enumerate(comments):
        if c.header is not None:
            n = 0
            source: int | None = None
            shared = False
            while n < len(c.lines) - 1:
                line = norm(c.lines[n])
                hit = seen.get(line) if len(line.split()) >= 4 else None
                if hit is None:
                    break
                i, pos = hit
                shared = shared or pos == n
                source = i
                n += 1
            if n and source is not None:
                c.quotes.append("\n".join(norm(k) for k in c.lines[:n]))
                c.lines = c.lines[n:]
                if shared:
                    earlier = comments[source]
                    if len(earlier.lines) > n:
                        earlier.lines = earlier.lines[n:]
                elif c.parent is None:
                    c.parent = source
        for pos, k in enumerate(c.lines):
            seen[norm(k)] = (j, pos)


#: A phrase in quotation marks inside a comment: ``they aren't "upgrading their guns to bigger guns."``
QUOTED_PHRASE = re.compile(r"[\"“](?P<q>[^\"“”\n]{12,200}?)[\"”]")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _quoted_phrase_source(body: str, earlier: list[str], keys: list[str], own: str) -> int | None:
    """The latest earlier comment (by someone else) that a phrase of four or more words quoted in ``body``
    comes from: 60% of the phrase's words in order within a stretch of the earlier comment, three of them
    words of four letters or more (a retyped quote with changed word forms still counts)."""
    for m in QUOTED_PHRASE.finditer(body):
        phrase = _words(m.group("q"))
        if len(phrase) < 4:
            continue
        for i in range(len(earlier) - 1, -1, -1):
            if own and keys[i] == own:
                continue
            if _quotes(phrase, _words(earlier[i])):
                return i
    return None


def _same_word(a: str, b: str) -> bool:
    return a == b or (len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5])


def _quotes(phrase: list[str], words: list[str]) -> bool:
    """Whether ``words`` holds ``phrase`` (see ``_quoted_phrase_source``): the longest common subsequence of the
    phrase and a stretch of ``words`` a little longer than it."""
    n = len(phrase)
    for start in range(len(words)):
        if not any(_same_word(words[start], w) for w in phrase):
            continue
        window = words[start: start + n + 2]
        table = [[0] * (len(window) + 1) for _ in range(n + 1)]  # LCS lengths
        long = [[0] * (len(window) + 1) for _ in range(n + 1)]  # of which words of 4+ letters
        for a in range(n):
            for b in range(len(window)):
                if _same_word(phrase[a], window[b]):
                    table[a + 1][b + 1] = table[a][b] + 1
                    long[a + 1][b + 1] = long[a][b] + (len(phrase[a]) >= 4)
                elif table[a][b + 1] >= table[a + 1][b]:
                    table[a + 1][b + 1], long[a + 1][b + 1] = table[a][b + 1], long[a][b + 1]
                else:
                    table[a + 1][b + 1], long[a + 1][b + 1] = table[a + 1][b], long[a + 1][b]
        if table[n][len(window)] >= 0.6 * n and long[n][len(window)] >= 3:
            return True
    return False


def _replies(comments: list[_Comment], texts: list[str], layout_shape: str) -> None:
    """Parents from what the page shows (see the module docstring)."""
    keys = [_key(c.author) for c in comments]
    indents = [c.header.indent for c in comments if c.header is not None]
    top = min(indents) if indents else 0
    verbs = {c.header.verb for c in comments if c.header is not None and c.header.verb}
    for j, c in enumerate(comments):
        if c.parent is not None or j == 0:
            continue
        h = c.header
        parent: int | None = None
        if h is not None and h.verb == "under":
            parent = next((i for i in range(j - 1, -1, -1) if (hi := comments[i].header) is not None
                           and hi.verb != "under"), None)
        if parent is None and h is not None and h.indent > top and len(set(indents)) > 1:
            parent = next((i for i in range(j - 1, -1, -1) if (hi := comments[i].header) is not None
                           and hi.indent < h.indent), None)
        if parent is None and c.quote_names:
            k = _key(author_name(c.quote_names[0]) or c.quote_names[0])
            parent = next((i for i in range(j - 1, -1, -1) if keys[i] == k), None)
        if parent is None and c.quotes:
            q = " ".join(c.quotes[0].split()[:12])
            parent = next((i for i in range(j - 1, -1, -1) if q and q in " ".join(texts[i].split())), None)
        body = texts[j]
        if parent is None:
            parent = _quoted_phrase_source(body, texts[:j], keys, keys[j])
        if parent is None:
            m = GREETING.match(body)
            if m:
                k = _key(m.group("name"))
                if k in ("anon", "anonymous"):
                    parent = next((i for i in range(j - 1, -1, -1) if comments[i].author is None
                                   and comments[i].header is not None), None)
                else:
                    parent = next((i for i in range(j - 1, -1, -1) if keys[i] and (keys[i] == k
                                   or keys[i].split()[0:1] == [k] or _key((comments[i].author or "").split()[0]) == k)),
                                  None)
        if parent is None:
            m = REPLYING_TO.search((h.shown or "") if h else "") or REPLYING_TO.match(body)
            if m:
                parent = next((i for i in range(j - 1, -1, -1) if keys[i] == _key(m.group("name"))), None)
        if parent is None:
            m = MENTION.match(body)
            if m:
                k = _key(m.group("name"))
                parent = next((i for i in range(j - 1, -1, -1) if keys[i] and (keys[i] == k or k.startswith(keys[i])
                                                                            or keys[i].startswith(k))), None)
                if parent is None and layout_shape == "mention" and comments[0].header is None \
                        and comments[0].author is None and k not in keys:
                    parent = 0  # an unnamed status page: the @-replies answer its post
        if parent is None and h is not None and h.verb in ("commented", "replied", "responded") \
                and verbs & {"agreed", "disagreed"}:
            parent = j - 1  # a reply verb among agree/disagree verbs: placed under the comment it answers
        c.parent = parent


def _fold_duplicates(comments: list[_Comment], texts: list[str]) -> list[int]:
    """Positions to keep: a comment read twice (the same author and words) or a preview ending in "..."
    whose words start a later comment is kept once."""
    keep = []
    norm = [" ".join(t.split()) for t in texts]
    seen: set[tuple[str, str]] = set()
    for j, t in enumerate(norm):
        key = (_key(comments[j].author), t)
        if key in seen:
            continue
        stem = re.sub(r"\s*(?:\.\.\.|…)\s*(?:read more|more)?\s*$", "", t, flags=re.I)
        if stem != t and any(norm[i].startswith(stem) and i != j for i in range(len(norm))):
            continue  # only previews (rare) are compared with every comment
        seen.add(key)
        keep.append(j)
    return keep


def parse_thread_page(text: str, *, doc_id: str, source: str) -> Document:
    """A thread ``Document`` from a scraped page's normalised text; ``InputError`` when it has no comments."""
    lines = _lines(text)
    raw = [ln[2] for ln in lines]
    layout = find_headers(raw)
    heads = layout.headers
    if not heads:
        raise InputError(f"{source}: no comments found on this thread page (no comment headers: no author, date "
                         "or reply lines repeat on it)")
    if layout.strong and layout.shape in ("by", "user", "heading", "name-date"):
        heads = _split_counter_replies(lines, heads)
    cut = _cut_off_header(lines, text, heads)
    if cut is not None:
        lines = lines[:cut]
    first = heads[0].line
    title = next((ln[2].strip().lstrip("#").strip() for ln in lines[:first] if ln[2].strip()), None)
    preamble = lines[:first]

    comments: list[_Comment] = []
    published = None
    site = None
    opener = next((i for i, ln in enumerate(preamble) if ADDED_BY.match(ln[2])), None)
    if opener is not None:  # an opening post "Added by <site>", up to the dates / prompts / the counter
        site = " ".join(ADDED_BY.match(preamble[opener][2]).group("name").split())
        stop = len(preamble)
        for i, ln in enumerate(preamble):
            if RAN_FROM.search(ln[2]) and find_date(ln[2]):
                published = find_date(ln[2])[0]
                stop = min(stop, i)
            elif COMMENTS_COUNT.match(ln[2]) or re.match(r"^\s*Want to join", ln[2]):
                stop = min(stop, i)
        span = _span(preamble[opener + 1: stop])
        if span is not None:
            comments.append(_Comment([span], site, "organisation", opening=True))
    elif first > 0:
        top = _preamble_post(lines, first, text)
        if top is not None:
            comments.append(top)
    if layout.shape == "avatar" and published is None:
        found = find_date(text[: lines[first][0]])
        published = found[0] if found else None
    page_date = None
    for m in PAGE_DATE.finditer(text):
        page_date = page_date or absolute_date(m.group("d"))

    signatures = tuple(dict.fromkeys(MODERATOR_SIGNATURES + ((f"{site} Team",) if site else ())))
    for n, h in enumerate(heads):
        end = heads[n + 1].line if n + 1 < len(heads) else len(lines)
        if h.end_line is not None:
            end = min(end, h.end_line)
        kept, quotes, names, _ = _body(lines, h.body_line, end, h.body_col, leading_meta=h.shape != "numbered")
        if not kept:
            continue  # a header with no words of its own (deleted, all quote, cut off)
        name = author_name(h.author)
        date_iso = absolute_date(h.date) if h.date else None
        if date_iso is None and h.date:
            date_iso = resolve_relative(h.date, page_date)
        comments.append(_Comment(_runs(lines, kept, h.body_line, h.body_col), name,
                                 "person" if name else "anonymous", header=h, published=date_iso,
                                 shown_date=h.date, quotes=quotes, quote_names=names, lines=kept))
    if layout.shape != "avatar":
        _pasted_quotes(comments, lines)
        for c in comments:
            if c.header is not None:
                c.runs = _runs(lines, c.lines, c.header.body_line, c.header.body_col)
    for c in comments:
        c.runs = _strip(text, c.runs)
    comments = [c for c in comments if c.runs]
    if not any(not c.opening for c in comments):
        raise InputError(f"{source}: no comments found on this thread page (every comment block is empty)")
    for c in comments:
        if c.author is None and not c.opening:
            moderator = _moderator(text[c.runs[0][0]:c.runs[-1][1]], signatures)
            if moderator:
                c.author, c.author_type = moderator, "organisation"

    texts = ["\n\n".join(text[a:b] for a, b in c.runs) for c in comments]
    if layout.shape != "avatar":
        keep = _fold_duplicates(comments, texts)
        comments = [comments[j] for j in keep]
        texts = [texts[j] for j in keep]
        _replies(comments, texts, layout.shape)

    # rebuild the text from the verbatim pieces
    parts: list[str] = []
    posts: list[Post] = []
    offset = 0
    for index, (c, piece) in enumerate(zip(comments, texts)):
        if parts:
            parts.append("\n\n")
            offset += 2
        posts.append(Post(index=index, start=offset, end=offset + len(piece), author=c.author,
                          author_type=c.author_type, published=c.published, opening=c.opening,  # type: ignore[arg-type]
                          reply_to=c.parent))
        parts.append(piece)
        offset += len(piece)
    document_text = "".join(parts)
    if layout.shape == "avatar":
        replying = [q for q in posts if not q.opening]
        replies = infer_replies([document_text[q.start:q.end] for q in replying], [q.author for q in replying])
        for q, parent in zip(replying, replies):
            q.reply_to = replying[parent].index if parent is not None else None
    if published is None and layout.shape != "avatar":
        published = page_date or next((c.published for c in comments if c.header is None and c.published), None)
    document = Document(id=doc_id, source=source, kind="thread", text=document_text, title=title,
                        published=published, posts=posts)
    document.reader = f"thread page ({LAYOUT_NAMES.get(layout.shape, layout.shape)})"
    return document


#: How each layout is named in the run summary and with ``-v``.
LAYOUT_NAMES = {
    "avatar": "'Avatar for - Name' headers", "user": "'u/name date' headers", "heading": "'## Name (date)' headings",
    "said": "'Name said...' lines", "by": "'by name' lines with a date or score", "handle": "'@handle ... date' lines",
    "bullet": "bulleted names over dates, nested by indentation", "name-date": "'name date time' lines",
    "name": "names alone on a line", "mention": "paragraphs opening with @mentions",
    "numbered": "a numbered list of comments", "controls": "comments closed by reply/report controls",
    "signed": "letters signed below",
}


# ------------------------------------------------------------------------------------ reply structure
#: The opening of a comment that answers the comment before it.
REPLY_OPENERS = re.compile(
    r"^(?:(?:yes|yeah|yep|yup|agreed|exactly|absolutely|indeed|quite right|well said|same here"
    r"|i (?:totally |completely |fully )?(?:agree|disagree))[\s,.!?]*(?:$|[,.!?]|\n)"
    r"|(?:yes|yeah|yep|yup|nope),"
    r"|i (?:totally |completely |fully )?(?:agree|disagree) with you\b"
    r"|(?:then|but|and|so)\s+(?:how|why|what|who|where|when)\b"
    r"|@\w+)",
    re.I,
)
#: A bare "No" answering a question ("No, ...", "No after a criminal has been charged ..."), not "No more ...".
ANSWER_NO = re.compile(
    r"^(?:no|nope)(?:[,.!]|\s+(?:after|because|i|it|it's|they|we|you|not|thanks|sorry|way)\b)", re.I
)
#: Words that address the author of a particular comment rather than readers in general.
ADDRESS = re.compile(
    r"\b(?:what you mean|you are (?:proposing|suggesting|saying)|you (?:said|say|suggest|mention)"
    r"|your (?:\w+ ){0,2}(?:response|comment|reply|post|point|suggestion|question)"
    r"|same (?:thing )?happened to me|for me too|me too)\b",
    re.I,
)
#: "I agree with Tanyad": agreeing with a named commenter (not with "the Mayor's priorities").
AGREE_WITH_NAME = re.compile(r"^I (?:totally |completely |fully )?(?:agree|disagree) with (?P<name>[A-Z][\w-]*)\b")
_NOT_NAMES = {"The", "This", "That", "These", "Those", "A", "An", "Most", "All", "Some", "Mr", "Mrs", "Ms", "You"}
_FIRST_SENTENCE = re.compile(r"^.*?(?:[.!?](?:\s|$)|\n|$)", re.S)
#: A comment that asks something: a question mark, or a sentence opening like a question.
QUESTION = re.compile(
    r"\?|(?:^|[.!]\s+|\n)(?:why|how|what|who|where|when|should|would|could|do|does|is|are|can)\s+\w+", re.I
)
_WINDOW = 3  # how far back an answer looks for the question it answers


def infer_replies(texts: list[str], authors: list[str | None]) -> list[int | None]:
    """For each comment, the index of the comment it answers, or ``None`` for a top-level comment.

    The scraped text has lost the indentation, so only what the words show is used, and a reply always
    answers an earlier comment: a comment that opens like an answer ("Yep, ...", "I agree!!", "Then how
    ...", "@Name"), agrees with a named commenter, or addresses one reader ("what you mean", "your ...
    response") answers the comment before it. A bare yes/no answers the nearest of the few comments before
    it that asks a question; a comment naming an author shown on the page answers that author's latest
    comment. Comments addressed to everyone ("Hi all", "Thanks all") stay top-level.
    """
    replies: list[int | None] = []
    for i, text in enumerate(texts):
        parent: int | None = None
        first = _FIRST_SENTENCE.match(text.strip()).group(0)
        named = AGREE_WITH_NAME.match(text)
        if i == 0 or re.match(r"^(?:hi|hello|thanks|thank you)\s+(?:all|everyone)\b", text, re.I):
            parent = None
        elif named and named.group("name") not in _NOT_NAMES:
            name = named.group("name")
            earlier = [j for j in range(i) if authors[j] and authors[j].lower() == name.lower()]
            parent = earlier[-1] if earlier else i - 1
        elif ANSWER_NO.match(text):
            asking = [j for j in range(i - 1, max(-1, i - 1 - _WINDOW), -1) if QUESTION.search(texts[j])]
            parent = asking[0] if asking else i - 1
        elif REPLY_OPENERS.match(text) or ADDRESS.search(first):
            parent = i - 1
        replies.append(parent)
    return replies
