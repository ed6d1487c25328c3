"""HTML pages: articles through trafilatura (main text, title, date); thread pages through their text.

The article text is trafilatura's main text with its paragraphs separated by blank lines and then
normalised like any other text; offsets refer to that text, not to the HTML.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from kg.errors import InputError
from kg.ingest.dates import parse_date
from kg.ingest.text import normalise
from kg.ingest.thread import parse_thread_page
from kg.records import Document

_PARSER = lxml.html.HTMLParser(huge_tree=True)  # deep nesting must not cut the page short
MIN_WORDS = 5  # fewer words than this in the main text: the page has no article
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_BLOCK = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "table", "article",
          "section", "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "main", "aside", "nav",
          "form", "button", "figure", "figcaption", "hr"}


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
    try:
        root = lxml.html.document_fromstring(html, parser=_PARSER)
    except Exception as err:
        raise InputError(f"{source}: cannot parse the HTML ({type(err).__name__}: {err})") from None
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
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
            if is_element and el.text:
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


def parse_html_thread(html: str, *, doc_id: str, source: str) -> Document:
    """A thread ``Document`` from an HTML thread page, read like its scraped text."""
    return parse_thread_page(html_to_text(html, source), doc_id=doc_id, source=source)
