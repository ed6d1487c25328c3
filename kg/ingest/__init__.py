"""Ingest: files -> ``Document`` records (articles, and threads of ``Post``s).

``read_document(path, kind="auto")`` picks a reader from the registry ``READERS`` by kind and file format;
``read_documents(paths, kind)`` expands folders. Every reader is a pure function
``(text, *, doc_id, source) -> Document`` over the file's checked, normalised text, so it can be tested on
strings. Bad input raises ``kg.errors.InputError`` with one line naming the file and the problem.
See docs/ingest.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Protocol

from kg.errors import ConfigError, InputError
from kg.ids import document_id_from_path
from kg.ingest.article import parse_article
from kg.ingest.exports import parse_csv_export, parse_json_export
from kg.ingest.html import html_to_text, parse_html_article, parse_html_thread
from kg.ingest.text import read_text
from kg.ingest.thread import looks_like_thread, parse_thread_page
from kg.records import Document

__all__ = ["read_document", "read_documents", "detect_kind", "format_of", "READERS", "FORMATS", "KINDS",
           "EXTENSIONS"]


class Reader(Protocol):
    def __call__(self, text: str, *, doc_id: str, source: str) -> Document: ...


KINDS: tuple[str, ...] = ("auto", "article", "thread")

#: File extension -> format.
FORMATS: dict[str, str] = {".txt": "text", ".md": "text", ".html": "html", ".htm": "html", ".json": "json",
                           ".csv": "csv"}
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
}


def format_of(path: Path | str) -> str:
    """The format of a file from its extension; unknown extensions are read as plain text."""
    return FORMATS.get(Path(path).suffix.lower(), "text")


def detect_kind(text: str, fmt: str) -> str:
    """``thread`` for exports and for pages with comment-thread markers, ``article`` otherwise."""
    if fmt in ("json", "csv"):
        return "thread"
    if fmt == "html":
        try:
            text = html_to_text(text, "page")
        except InputError:
            return "article"  # the article reader reports the problem with the file's name
    return "thread" if looks_like_thread(text) else "article"


def read_document(path: Path | str, kind: str = "auto", doc_id: str | None = None) -> Document:
    """Read one file as a ``Document`` of the given kind (``auto`` detects it).

    ``doc_id`` defaults to the file name without its extension.
    """
    if kind not in KINDS:
        raise ConfigError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    path = Path(path)
    fmt = format_of(path)
    text = read_text(path)
    chosen = detect_kind(text, fmt) if kind == "auto" else kind
    reader = READERS.get((chosen, fmt))
    if reader is None:
        able = sorted(k for k, f in READERS if f == fmt)
        raise InputError(f"{path}: a {fmt.upper()} file cannot be read as {chosen}; "
                         f"use --kind {' or '.join(able + ['auto'])}")
    return reader(text, doc_id=doc_id or document_id_from_path(str(path)), source=str(path))


def _expand(paths: Iterable[Path | str]) -> Iterator[Path]:
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*")
                           if f.is_file() and f.suffix.lower() in EXTENSIONS
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            yield from found
        elif p.exists():
            yield p
        else:
            raise InputError(f"{p}: no such file or folder")


def read_documents(paths: Iterable[Path | str], kind: str = "auto") -> Iterator[Document]:
    """Read files and folders (recursively, sorted, known extensions only) as ``Document``s, in order."""
    if kind not in KINDS:
        raise ConfigError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    for path in _expand(paths):
        yield read_document(path, kind=kind)
