"""Ingest: files -> ``Document`` records (articles, and threads of ``Post``s).

``read_document(path, kind="auto")`` picks a reader from the registry ``READERS`` by kind and file format;
``read_documents(paths, kind)`` expands folders; ``read_inputs(paths, kind)`` does the same for the commands:
it goes on past a file in a folder that cannot be read and reports it, and lists the files it skipped.
Every reader is a pure function ``(text, *, doc_id, source) -> Document`` over the file's checked, normalised
text, so it can be tested on strings; a PDF is turned into text first (``kg.ingest.pdf``). Bad input raises
``kg.errors.InputError`` with one line naming the file and the problem. See docs/ingest.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

from kg.errors import ConfigError, InputError
from kg.ids import document_id_from_path
from kg.ingest.article import parse_article
from kg.ingest.exports import ExtractsFileError, parse_csv_export, parse_json_export
from kg.ingest.html import has_comment_markup, html_to_text, parse_html_article, parse_html_thread
from kg.ingest.pdf import first_line_title, pdf_text
from kg.ingest.platforms import parse_xml_export
from kg.ingest.text import check_regular_file, read_bytes, read_text
from kg.ingest.thread import looks_like_thread, parse_thread_page
from kg.records import Document

__all__ = ["read_document", "read_file", "read_documents", "read_inputs", "find_inputs", "detect_kind", "format_of", "READERS",
           "FORMATS", "KINDS", "EXTENSIONS", "Skipped", "Inputs", "ReadResult"]


class Reader(Protocol):
    # a list for a file that holds several documents (a Disqus export of several threads)
    def __call__(self, text: str, /, *, doc_id: str, source: str) -> Document | list[Document]: ...


KINDS: tuple[str, ...] = ("auto", "article", "thread")

#: File extension -> format. A PDF is turned into text and then read by the ``text`` readers.
FORMATS: dict[str, str] = {".txt": "text", ".md": "text", ".html": "html", ".htm": "html", ".json": "json",
                           ".csv": "csv", ".pdf": "pdf", ".xml": "xml"}
#: Extensions ``read_documents`` picks up in folders.
EXTENSIONS: tuple[str, ...] = tuple(FORMATS)

#: (kind, format) -> reader.
READERS: dict[tuple[str, str], Reader] = {
    ("article", "text"): parse_article,
    ("article", "html"): parse_html_article,
    ("thread", "text"): parse_thread_page,
    ("thread", "html"): parse_html_thread,
    ("thread", "json"): parse_json_export,
    ("thread", "csv"): parse_csv_export,
    ("thread", "xml"): parse_xml_export,  # Disqus
}


def format_of(path: Path | str) -> str:
    """The format of a file from its extension; unknown extensions are read as plain text."""
    return FORMATS.get(Path(path).suffix.lower(), "text")


def detect_kind(text: str, fmt: str) -> str:
    """``thread`` for exports and for pages with comment-thread markers, ``article`` otherwise."""
    if fmt in ("json", "csv", "xml"):
        return "thread"
    if fmt == "html":
        if has_comment_markup(text):
            return "thread"
        try:
            text = html_to_text(text, "page")
        except InputError:
            return "article"  # the article reader reports the problem with the file's name
    return "thread" if looks_like_thread(text) else "article"


def read_document(path: Path | str, kind: str = "auto", doc_id: str | None = None, *,
                  max_bytes: int | None = None) -> Document:
    """Read one file as a ``Document`` of the given kind (``auto`` detects it).

    ``doc_id`` defaults to the file name without its extension. Only ordinary files are read (a pipe or a
    device is refused before it is opened), of at most ``max_bytes`` (``kg.ingest.text.max_document_bytes``).
    A file that holds several documents (``read_file``) is refused with a line naming them.
    """
    documents = read_file(path, kind, doc_id, max_bytes=max_bytes)
    if len(documents) > 1:
        raise InputError(f"{path}: holds {len(documents)} documents ({', '.join(d.id for d in documents[:3])}"
                         f"{', ...' if len(documents) > 3 else ''}); read it with read_file or kg extract")
    return documents[0]


def read_file(path: Path | str, kind: str = "auto", doc_id: str | None = None, *,
              max_bytes: int | None = None) -> list[Document]:
    """Read one file as its documents: one, or one per thread of an export that holds several."""
    if kind not in KINDS:
        raise ConfigError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    path = Path(path)
    fmt = shown_format = format_of(path)
    pdf = None
    if fmt == "pdf":
        pdf = pdf_text(read_bytes(path, max_bytes), str(path))
        text, fmt = pdf.text, "text"
    else:
        text = read_text(path, max_bytes)
    chosen = detect_kind(text, fmt) if kind == "auto" else kind
    reader = READERS.get((chosen, fmt))
    if reader is None:
        able = sorted(k for k, f in READERS if f == fmt)
        raise InputError(f"{path}: a {fmt.upper()} file cannot be read as {chosen}; "
                         f"use --kind {' or '.join(able + ['auto'])}")
    document = reader(text, doc_id=doc_id or document_id_from_path(str(path)), source=str(path))
    if isinstance(document, list):
        return document
    if pdf is not None and document.kind == "article":
        document.title = pdf.title or document.title or first_line_title(document.text)
        document.published = pdf.published or document.published
    if document.reader is None:
        document.reader = f"{document.kind} ({shown_format})"
    return [document]


#: Files in folders that describe the folder rather than being documents (README.md, LICENSE...): skipped
#: in folders, read when named on the command line. Matched on the file name without its extension.
NOT_DOCUMENTS = re.compile(
    r"^(?:readme|licen[cs]e|copying|changelog|changes|contributing|authors|notice|code[_-]of[_-]conduct"
    r"|security|citation)$|^licen[cs]e[-_]",
    re.I,
)


@dataclass
class Skipped:
    """A file in a folder that is not read, and why."""

    path: Path
    reason: str


@dataclass
class Inputs:
    """What ``find_inputs`` found: the files to read (``named`` when given on the command line) in order,
    and the files in folders it skips."""

    files: list[tuple[Path, bool]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def find_inputs(paths: Iterable[Path | str]) -> Inputs:
    """Files and folders -> the files to read. Folders are searched recursively in sorted order; hidden files
    and folders are left out without a word; other files that are not read (unknown extensions such as images,
    README/LICENSE-like files, pipes and devices) are listed in ``skipped``. A named file must exist and be an
    ordinary file (checked with ``stat``, before anything is opened)."""
    found = Inputs()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if any(part.startswith(".") for part in f.relative_to(p).parts) or f.is_dir():
                    continue
                if not f.is_file():
                    found.skipped.append(Skipped(f, "not an ordinary file"))
                elif f.suffix.lower() not in EXTENSIONS:
                    found.skipped.append(Skipped(f, f"not a document format ({f.suffix or 'no extension'})"))
                elif NOT_DOCUMENTS.match(f.stem):
                    found.skipped.append(Skipped(f, "describes the folder (README, LICENSE...)"))
                else:
                    found.files.append((f, False))
        elif p.exists() or p.is_symlink():
            check_regular_file(p)
            found.files.append((p, True))
        else:
            raise InputError(f"{p}: no such file or folder")
    return found


def read_documents(paths: Iterable[Path | str], kind: str = "auto", *,
                   max_bytes: int | None = None) -> Iterator[Document]:
    """Read files and folders (recursively, sorted, known extensions only) as ``Document``s, in order.

    The first file that cannot be read raises its ``InputError``; extracts files in folders are skipped.
    ``read_inputs`` goes on instead and reports what it skipped."""
    if kind not in KINDS:
        raise ConfigError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    for path, named in find_inputs(paths).files:
        try:
            yield from read_file(path, kind=kind, max_bytes=max_bytes)
        except ExtractsFileError:
            if named:
                raise


#: Why ``read_inputs`` skipped a file in a folder: it is what ``kg extract`` writes.
EXTRACTS_FILE = "a kg extracts file, not a document"


@dataclass
class ReadResult:
    documents: list[Document] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one line each: "FILE: problem"
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # repaired problems, one line each: "FILE: what"


def read_inputs(paths: Iterable[Path | str], kind: str = "auto", *, max_bytes: int | None = None,
                progress: Callable[[str, int, int], None] | None = None) -> ReadResult:
    """Read files and folders for a command. A file named in ``paths`` that cannot be read raises its
    ``InputError`` (the user meant that file: nothing should be done without it); a file found in a folder
    that cannot be read is listed in ``failures`` and the rest are read. Extracts files (what ``kg extract``
    writes) in folders are skipped, as are the files ``find_inputs`` skips. ``progress("read", done, total)``
    is called after each file."""
    if kind not in KINDS:
        raise ConfigError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    found = find_inputs(paths)
    result = ReadResult(skipped=list(found.skipped))
    total = len(found.files)
    for n, (path, named) in enumerate(found.files, start=1):
        try:
            for document in read_file(path, kind=kind, max_bytes=max_bytes):
                result.documents.append(document)
                result.warnings.extend(document.warnings)
        except ExtractsFileError:
            if named:
                raise
            result.skipped.append(Skipped(path, EXTRACTS_FILE))
        except InputError as err:
            if named:
                raise
            result.failures.append(str(err))
        if progress is not None:
            progress("read", n, total)
    return result
