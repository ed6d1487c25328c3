"""HTML pages: articles through trafilatura (main text, title, date); thread pages through their text.

The article text is trafilatura's main text with its paragraphs separated by blank lines and then
normalised like any other text; offsets refer to that text, not to the HTML.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

import lxml.etree
import lxml.html

from kg.errors import InputError
from kg.ingest.dates import parse_date
from kg.ingest.text import normalise
from kg.ingest.thread import parse_thread_page
from kg.records import Document

if TYPE_CHECKING:
    from kg.ingest.html_comments import Found

_PARSER = lxml.html.HTMLParser(huge_tree=True)  # deep nesting must not cut the page short
MIN_WORDS = 5  # fewer words than this in the main text: the page has no article
#: A page with comments: fewer words than this outside them and the page has no article to open the thread
#: (a comment embed's own page holds only its buttons and counters).
MIN_OPENING_WORDS = 20
_COMMENT_SECTION = re.compile(r"comment|disqus|respond|replies|discussion", re.I)
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_BLOCK = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "table", "article",
          "section", "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "main", "aside", "nav",
          "form", "button", "figure", "figcaption", "hr"}
_HIDDEN = {"script", "style", "noscript", "template"}


def parse_html_article(html: str, *, doc_id: str, source: str) -> Document:
    """An article ``Document`` from an HTML page; ``InputError`` when the page has no main text."""
    import trafilatura  # a quarter of a second to import: only when an HTML article is read

    try:
        extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                                include_tables=False, date_extraction_params=_DATE_PARAMS)
    except Exception as err:  # trafilatura raises assorted lxml errors on broken markup
        raise InputError(f"{source}: cannot parse the HTML ({type(err).__name__}: {err})") from None
    body = (extracted.text or "") if extracted is not None else ""
    if len(body.split()) < MIN_WORDS:
        raise InputError(f"{source}: no main text found in this HTML page")
    paragraphs = [line.strip() for line in normalise(body).split("\n") if line.strip()]
    title = normalise(extracted.title).strip() if extracted.title else None
    return Document(id=doc_id, source=source, kind="article", text="\n\n".join(paragraphs),
                    title=title or None, published=parse_date(extracted.date))


def html_to_text(html: str, source: str) -> str:
    """The visible text of a page, one line per block element (for thread pages, whose structure
    trafilatura would drop)."""
    root = _parse(html, source)
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    return element_text(root)


def element_text(root: lxml.etree._Element) -> str:
    """The visible text of an element, one line per block element, blank lines between blocks."""
    out: list[str] = []
    for event, el in lxml.etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        is_element = isinstance(el.tag, str)  # comments and processing instructions have no text to show
        block = is_element and el.tag.lower() in _BLOCK
        if event in ("comment", "pi"):
            if el.tail:
                out.append(el.tail)
        elif event == "start":
            if block:
                out.append("\n")
            if is_element and el.text and el.tag.lower() not in _HIDDEN:
                out.append(el.text)
        else:
            if block:
                out.append("\n")
            if el.tail and el is not root:
                out.append(el.tail)
    text = re.sub(r"[ \t\r\f\v]+", " ", "".join(out))
    lines = [line.strip() for line in text.split("\n")]
    # blank lines between blocks, no runs of them
    return normalise(re.sub(r"\n{3,}", "\n\n", "\n\n".join(line for line in lines if line)))


def fragment_text(html: str) -> str:
    """The visible text of an HTML fragment (a comment's ``cooked`` or ``message`` HTML)."""
    return element_text(fragment(html))


def fragment(html: str) -> lxml.etree._Element:
    """An HTML fragment parsed into one ``<div>``; scripts and styles removed."""
    root = lxml.html.fragment_fromstring(html or "", create_parent="div", parser=_PARSER)
    for bad in root.xpath(".//script|.//style|.//noscript|.//template"):
        bad.drop_tree()
    return root


def parse_html_thread(html: str, *, doc_id: str, source: str) -> Document:
    """A thread ``Document`` from an HTML page: from its comment markup when it has some
    (``kg.ingest.html_comments``: the page's article becomes the opening post), else read like its scraped
    text (``kg.ingest.thread``)."""
    from kg.ingest.html_comments import find_comments

    if _LAST and _LAST[0] is html:  # the same text kind detection just looked at: its tree and comments
        root, found = _LAST[1], _LAST[2]
    else:
        root = _parse(html, source)
        found = find_comments(root)
    _LAST.clear()
    if found is None:
        return parse_thread_page(html_to_text(html, source), doc_id=doc_id, source=source)
    return _comment_thread(root, found, doc_id=doc_id, source=source)


def has_comment_markup(html: str) -> bool:
    """True when the page marks up a comment section that ``parse_html_thread`` reads."""
    from kg.ingest.html_comments import find_comments

    try:
        root = _parse(html, "page")
    except InputError:
        return False
    found = find_comments(root)
    _LAST[:] = [html, root, found]  # read_document goes on to parse_html_thread with this very text
    return found is not None


#: The page ``has_comment_markup`` parsed last: [text, tree, comments found], for the reader that follows it.
_LAST: list[Any] = []


def _parse(html: str, source: str) -> lxml.etree._Element:
    try:
        return lxml.html.document_fromstring(html, parser=_PARSER)
    except Exception as err:
        raise InputError(f"{source}: cannot parse the HTML ({type(err).__name__}: {err})") from None


def _comment_thread(root: lxml.etree._Element, found: "Found", *, doc_id: str, source: str) -> Document:
    import trafilatura

    from kg.ingest.comments import Comment, assemble_thread, clean, iso_time
    from kg.ingest.html_comments import from_markup, from_microdata

    containers = found.containers or next((f.containers for f in (from_microdata(root), from_markup(root))
                                           if f is not None), ())
    marked = []
    for el in containers:  # the comments are left out of the article text
        el.set("data-kg-comment", "1")
        marked.append(el)
    page = copy.deepcopy(root)
    for el in marked:
        del el.attrib["data-kg-comment"]
    for el in page.xpath("//*[@data-kg-comment]"):
        el.drop_tree()
    # what is left of the comment section (its heading, "Leave a reply" form) is not the article
    for el in page.iter():
        if (isinstance(el.tag, str) and el.getparent() is not None
                and _COMMENT_SECTION.search(" ".join([el.get("id") or "", el.get("class") or ""]))
                and len(element_text(el).split()) < MIN_OPENING_WORDS):
            el.set("data-kg-comment", "1")
    for el in page.xpath("//*[@data-kg-comment]"):
        if el.getparent() is not None:
            el.drop_tree()
    meta: Any  # trafilatura's Document (its metadata and main text), or None
    try:
        meta = trafilatura.bare_extraction(lxml.html.tostring(page, encoding="unicode"), with_metadata=True,
                                           include_comments=False, include_tables=False,
                                           date_extraction_params=_DATE_PARAMS)
    except Exception:  # no article on the page is no reason to lose its comments
        meta = None
    text = found.opening_text
    if not text and meta is not None and len((meta.text or "").split()) >= MIN_OPENING_WORDS:
        text = "\n\n".join(line.strip() for line in normalise(meta.text).split("\n") if line.strip())
    author = found.opening_author or (meta.author if meta is not None else None) or None
    site = (meta.sitename if meta is not None else None) or None
    published = parse_date(meta.date) if meta is not None else None
    comments = list(found.comments)
    if text:
        comments.insert(0, Comment(id="\0opening", text=clean(text), author=author or site, where="the article",
                                   author_type="person" if author else "organisation", opening=True,
                                   when=iso_time(published)))
    title = found.title or (normalise(meta.title).strip() if meta is not None and meta.title else None)
    return assemble_thread(comments, doc_id=doc_id, source=source, reader=found.reader, title=title,
                           published=published, trust_nesting=True)
