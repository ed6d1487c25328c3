"""Scraped comment-thread pages (the text of a Talk London discussion page and pages like it).

The page text holds the thread title, the opening post ("Added by ..."), the discussion dates, then one
block per comment::

    Avatar for - Tiger          <- "Avatar for -" alone: an anonymous commenter
    Up vote 0                   <- chrome, not comment text
    Care 0
    Report

    <comment text, or a preview ending in "...">
    Show full comment           <- only for long comments: the preview above is dropped,
    <full comment text>            the full text below is the comment
    Show less of comment

The document text is rebuilt from verbatim pieces of the page: the opening post, then each comment's full
text once, separated by blank lines; page chrome and truncated previews are left out. Each ``Post`` points at
its piece. Comments signed with the site team's name (``Talk London Team``) are the moderator's: author that
name, type organisation, signature kept in the text. Reply structure is inferred (see ``infer_replies``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import InputError
from kg.ingest.dates import find_date
from kg.records import Document, Post

AUTHOR_LINE = re.compile(r"^Avatar for\s*-(?:[ \t]+(?P<name>\S.*?))?[ \t]*$")
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
    """True when the page carries comment-thread markers: several commenter avatars, one avatar plus a
    comment counter or "Show full comment" link, or a comment counter under an "Added by" opening post."""
    avatars = len(THREAD_MARKERS[0].findall(text))
    if avatars >= 2 or (avatars >= 1 and any(m.search(text) for m in THREAD_MARKERS[1:])):
        return True
    # a discussion page whose comments are all gone still has its counter and its "Added by" line
    return bool(THREAD_MARKERS[2].search(text) and re.search(r"^\s*Added by\s", text, re.M))


@dataclass
class _Piece:
    start: int  # offsets into the page text
    end: int
    author: str | None
    author_type: str
    opening: bool = False


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


def _comment_span(block: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    full = next((i for i, ln in enumerate(block) if SHOW_FULL.match(ln[2])), None)
    if full is not None:
        less = next((i for i, ln in enumerate(block) if i > full and SHOW_LESS.match(ln[2])), len(block))
        span = _span(block[full + 1:less])
        if span is not None:
            return span
        block = block[:full]  # "Show full comment" with nothing after it: keep the preview
    return _span(block)


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


def parse_thread_page(text: str, *, doc_id: str, source: str) -> Document:
    """A thread ``Document`` from a scraped page's normalised text; ``InputError`` when it has no comments."""
    lines = _lines(text)
    heads = [i for i, ln in enumerate(lines) if AUTHOR_LINE.match(ln[2])]
    if not heads:
        raise InputError(f"{source}: no comments found on this thread page (no 'Avatar for -' lines)")

    title = next((ln[2].strip() for ln in lines[: heads[0]] if ln[2].strip()), None)
    preamble = lines[: heads[0]]

    # the opening post: from "Added by X" to the discussion dates / the account prompts / the comment counter
    pieces: list[_Piece] = []
    opener = next((i for i, ln in enumerate(preamble) if ADDED_BY.match(ln[2])), None)
    site = " ".join(ADDED_BY.match(preamble[opener][2]).group("name").split()) if opener is not None else None
    published = None
    stop = len(preamble)
    for i, ln in enumerate(preamble):
        if RAN_FROM.search(ln[2]) and find_date(ln[2]):
            published = find_date(ln[2])[0]
            stop = min(stop, i)
        elif COMMENTS_COUNT.match(ln[2]) or re.match(r"^\s*Want to join", ln[2]):
            stop = min(stop, i)
    if opener is not None:
        span = _span(preamble[opener + 1: stop])
        if span is not None:
            pieces.append(_Piece(*span, author=site, author_type="organisation", opening=True))
    if published is None:
        head_text = text[: lines[heads[0]][0]]
        found = find_date(head_text)
        published = found[0] if found else None

    signatures = tuple(dict.fromkeys(MODERATOR_SIGNATURES + ((f"{site} Team",) if site else ())))
    for n, h in enumerate(heads):
        if n + 1 < len(heads):
            end = heads[n + 1]
        else:  # the last comment ends where the page footer starts
            end = next((i for i in range(h + 1, len(lines)) if FOOTER.match(lines[i][2])), len(lines))
        span = _comment_span(lines[h + 1: end])
        if span is None:
            continue  # an avatar with no text (a deleted comment)
        start, stop_ = _strip_outer(text, *span)
        name = AUTHOR_LINE.match(lines[h][2]).group("name")
        name = " ".join(name.split()) if name else None
        body = text[start:stop_]
        moderator = _moderator(body, signatures)
        if name:
            author, author_type = name, "person"
        elif moderator:
            author, author_type = moderator, "organisation"
        else:
            author, author_type = None, "anonymous"
        pieces.append(_Piece(start, stop_, author, author_type))

    if not any(not p.opening for p in pieces):
        raise InputError(f"{source}: no comments found on this thread page (every comment block is empty)")

    # rebuild the text from the verbatim pieces
    parts: list[str] = []
    posts: list[Post] = []
    offset = 0
    for index, p in enumerate(pieces):
        if parts:
            parts.append("\n\n")
            offset += 2
        piece = text[p.start:p.end]
        posts.append(Post(index=index, start=offset, end=offset + len(piece), author=p.author,
                          author_type=p.author_type, opening=p.opening))  # type: ignore[arg-type]
        parts.append(piece)
        offset += len(piece)
    document_text = "".join(parts)
    comments = [q for q in posts if not q.opening]
    replies = infer_replies([document_text[q.start:q.end] for q in comments], [q.author for q in comments])
    for q, parent in zip(comments, replies):
        q.reply_to = comments[parent].index if parent is not None else None
    return Document(id=doc_id, source=source, kind="thread", text=document_text, title=title,
                    published=published, posts=posts)


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
