"""PDF articles and reports: their text through pypdf, then read like a plain-text page.

``pdf_text(data, source)`` gives the text of every page (pages separated by a blank line, each page's lines
as pypdf lays them out, trailing spaces dropped) and the title and date of the file's metadata, if it has
them. The text is normalised like any other, so offsets refer to it, not to the PDF. An encrypted PDF that
needs a password, a damaged file or a PDF without a text layer (a scan) raises ``InputError``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from kg.errors import InputError
from kg.ingest.text import normalise

#: A "title" in the metadata that is really a file name or a tool's placeholder: not a title.
_JUNK_TITLE = re.compile(r"^(?:untitled|microsoft word - .*|.*\.(?:docx?|pdf|odt|rtf|tex|indd))$", re.I)


@dataclass
class PdfText:
    text: str
    title: str | None
    published: str | None  # YYYY-MM-DD from the metadata's creation date


def _meta_date(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    m = re.match(r"^(?:D:)?(\d{4})(\d{2})(\d{2})", str(value or ""))
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    return None


def pdf_text(data: bytes, source: str) -> PdfText:
    """The text, title and date of a PDF file's bytes."""
    import io

    import pypdf
    from pypdf.errors import PyPdfError

    # pypdf logs warnings about small defects it repairs; they are not the reader's business
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if not data.lstrip()[:5] == b"%PDF-":
        raise InputError(f"{source}: not a PDF file (it does not start with %PDF-)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened: int = reader.decrypt("")  # many PDFs are encrypted with an empty user password
            except (PyPdfError, NotImplementedError):
                opened = 0
            if not opened:
                raise InputError(f"{source}: the PDF is encrypted and needs a password; save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata
        raw_title = meta.title if meta is not None else None
        raw_date = None
        if meta is not None:
            raw_date = meta.get("/CreationDate") or meta.get("/ModDate")
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, ZeroDivisionError, AssertionError) as err:
        # pypdf raises assorted errors on damaged files
        detail = str(err).splitlines()[0][:120] if str(err) else type(err).__name__
        raise InputError(f"{source}: not a readable PDF (damaged or truncated: {detail})") from None
    cleaned = []
    for page in pages:
        lines = [line.rstrip() for line in normalise(page).split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        if text:
            cleaned.append(text)
    text = "\n\n".join(cleaned)
    if not text.strip():
        raise InputError(f"{source}: the PDF has no text layer (a scanned image?); run OCR on it first")
    title = " ".join(normalise(str(raw_title)).split()) if raw_title else ""
    if not title or _JUNK_TITLE.match(title):
        title = ""
    return PdfText(text=text, title=title or None, published=_meta_date(raw_date))


def first_line_title(text: str) -> str | None:
    """The first line of a PDF's text when it is short enough to be a title."""
    first = text.split("\n", 1)[0].strip()
    if not first or len(first) > 150 or len(first.split()) > 25:
        return None
    return first
