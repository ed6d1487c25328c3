"""Reading a file into text: the checks every reader shares, and the one normalisation all offsets refer to.

Normalisation is deliberately small so the document text stays a faithful copy of the source and quoted
words can still be found verbatim: a leading byte-order mark is dropped, line ends become ``\\n``, the text
is put in Unicode NFC. Nothing else changes: double spaces, non-breaking spaces, curly quotes and dashes are
kept as they are.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from kg.errors import InputError


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


def read_text(path: Path | str) -> str:
    """The file's text, checked and normalised."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err.strerror})") from None
    return normalise(decode(data, str(path)))


def line_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line of ``text`` (end excludes the ``\\n``)."""
    spans = []
    start = 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans
