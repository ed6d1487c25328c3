"""Ids derived from content, so re-runs give identical files and MERGE onto the same nodes."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
#: What separates the words of a slug that keeps other scripts: ASCII that is not a letter or digit.
_SEPARATOR = re.compile(r"[\x00-\x2f\x3a-\x60\x7b-\x7f]+")
#: Letters that are not of a script of their own: Latin ones, and modifier letters (ʼ ʻ ˈ, apostrophes and
#: accents in Latin names). A slug drops them, as it always did.
_NOT_A_SCRIPT = ("LATIN", "MODIFIER LETTER")
#: Blocks whose letters and numbers are dropped too, as they always were: Latin-1 (µ ª º), spacing modifier
#: letters, phonetic extensions (ᴦ), letterlike symbols and number forms (ℵ Ω Ⅻ), enclosed alphanumerics
#: (⓵), Latin Extended-E.
_SYMBOL_BLOCKS = ((0x80, 0x100), (0x2B0, 0x300), (0x1D00, 0x1DC0), (0x2100, 0x2190), (0x2460, 0x2500),
                  (0xAB30, 0xAB70))


def _kept(ch: str) -> bool:
    """A non-ASCII character a slug keeps: a letter or digit of a script other than Latin."""
    category = unicodedata.category(ch)
    if category[0] not in "LN" or category == "No":
        return False
    code = ord(ch)
    if any(lo <= code < hi for lo, hi in _SYMBOL_BLOCKS):
        return False
    return not unicodedata.name(ch, "LATIN").startswith(_NOT_A_SCRIPT)


def slug(text: str) -> str:
    """A lower-case slug: ``"London Victims’ Commissioner"`` -> ``"london-victims-commissioner"``.

    Latin script becomes ASCII (accents dropped, letters with no ASCII form dropped): the ids of Latin-script
    names are what they always were. Letters and digits of other scripts are kept, case-folded and in NFC,
    with the marks that belong to them (``"Иван Петров"`` -> ``"иван-петров"``, ``"张伟"`` -> ``"张伟"``),
    so names in different scripts never share an id. A text with nothing left is ``x-`` and a digest of the
    text, never one ``x`` for all of them (an empty text is ``x``)."""
    chars: list[str] = []
    keep_marks = False  # a combining mark goes with its base: kept after a kept letter, dropped after Latin
    for ch in text:
        if ch < "\x80":
            keep_marks = False
            if ch != "'":
                chars.append(ch.lower())
        elif keep_marks and unicodedata.category(ch)[0] == "M":
            chars.append(ch)
        elif _kept(ch):
            keep_marks = True
            chars.append(unicodedata.normalize("NFKD", ch).casefold())
        else:  # Latin and the rest: what it decomposes to in ASCII ("é" -> "e"), as always
            keep_marks = False
            ascii_part = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
            chars.extend(c.lower() for c in ascii_part if c != "'")
    out = "".join(chars)
    if out.isascii():  # the common case
        out = _NON_WORD.sub("-", out).strip("-")
    else:
        out = _SEPARATOR.sub("-", unicodedata.normalize("NFC", out)).strip("-")
    if out:
        return out
    rest = unicodedata.normalize("NFC", text).strip().casefold()
    return f"x-{digest(rest, length=10)}" if rest else "x"


def digest(*parts: object, length: int = 12) -> str:
    """A short, stable hex digest of the parts (joined with an unambiguous separator)."""
    joined = "\x1f".join(str(p) for p in parts)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:length]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def actor_id(name: str, actor_type: str, document_id: str | None = None) -> str:
    """People and organisations are global (same name, same actor across documents);
    anonymous commenters exist only within their thread."""
    if actor_type == "anonymous":
        return f"anon-{digest(document_id, name, length=10)}-{slug(name)}"
    return slug(name)


def issue_id(label: str) -> str:
    return slug(label)


def statement_id(document_id: str, start: int, end: int) -> str:
    return f"st-{digest(document_id, start, end)}"


def post_id(document_id: str, index: int) -> str:
    return f"post-{digest(document_id, index)}"


def document_id_from_path(path: str) -> str:
    """``document.id`` defaults to the input file's name without its extension."""
    from pathlib import Path

    return Path(path).stem
