"""Reading a file into text: the checks every reader shares, and the one normalisation all offsets refer to.

Normalisation is deliberately small so the document text stays a faithful copy of the source and quoted
words can still be found verbatim: a leading byte-order mark is dropped, line ends become ``\\n``, the text
is put in Unicode NFC. Nothing else changes: double spaces, non-breaking spaces, curly quotes and dashes are
kept as they are.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

from kg.errors import ConfigError, InputError


def normalise(text: str) -> str:
    """NFC, ``\\r\\n`` and lone ``\\r`` -> ``\\n``, no byte-order mark. Idempotent."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def decode(data: bytes, where: str) -> str:
    """Strict UTF-8; an empty, binary or non-UTF-8 input raises ``InputError`` naming ``where``."""
    if not data.strip():
        raise InputError(f"{where}: the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{where}: UTF-16 text, not UTF-8; re-save the file as UTF-8")
    if b"\x00" in data:
        raise InputError(f"{where}: the file is binary (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(
            f"{where}: not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
            "re-save the file as UTF-8"
        ) from None
    if not text.lstrip("\ufeff").strip():
        raise InputError(f"{where}: the file is empty")
    return text


#: The largest file read as one document, in bytes, unless ``KG_MAX_DOCUMENT_MB`` or ``max_bytes`` says
#: otherwise: a bigger file is refused rather than read for minutes (or forever, from a device).
DEFAULT_MAX_MB = 50


def max_document_bytes(max_mb: float | None = None) -> int:
    """The size limit in bytes: ``max_mb`` if given, else ``$KG_MAX_DOCUMENT_MB``, else ``DEFAULT_MAX_MB``."""
    if max_mb is None:
        raw = os.environ.get("KG_MAX_DOCUMENT_MB", "").strip()
        if raw:
            try:
                max_mb = float(raw)
            except ValueError:
                raise ConfigError(f"KG_MAX_DOCUMENT_MB={raw!r}: not a number of megabytes") from None
        else:
            max_mb = DEFAULT_MAX_MB
    if not max_mb > 0:
        raise ConfigError(f"document size limit {max_mb:g} MB: must be more than 0")
    return int(max_mb * 1_000_000)


def check_regular_file(path: Path) -> None:
    """``InputError`` unless ``path`` is an ordinary file: a pipe or a device would block or never end,
    and is checked with ``stat`` before anything opens it."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err.strerror})") from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{path}: is a folder, not a file")
    if not stat.S_ISREG(mode):
        what = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or
                stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise InputError(f"{path}: {what}, not an ordinary file; kg reads documents from ordinary files only")


def read_bytes(path: Path | str, max_bytes: int | None = None) -> bytes:
    """The bytes of an ordinary file of at most ``max_bytes`` (default ``max_document_bytes()``)."""
    path = Path(path)
    limit = max_document_bytes() if max_bytes is None else max_bytes
    check_regular_file(path)
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err.strerror})") from None
    if len(data) > limit:
        raise InputError(f"{path}: larger than the {limit / 1_000_000:g} MB limit for one document; split it, "
                         "or raise the limit with --max-mb or KG_MAX_DOCUMENT_MB")
    return data


def read_text(path: Path | str, max_bytes: int | None = None) -> str:
    """The file's text, checked and normalised (an ordinary file of at most ``max_bytes``)."""
    path = Path(path)
    return normalise(decode(read_bytes(path, max_bytes), str(path)))


def line_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line of ``text`` (end excludes the ``\\n``)."""
    spans = []
    start = 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans
