"""Ids derived from content, so re-runs give identical files and MERGE onto the same nodes."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A lower-case ASCII slug: ``"London Victims’ Commissioner"`` -> ``"london-victims-commissioner"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.replace("'", "")
    return _NON_WORD.sub("-", ascii_text.lower()).strip("-") or "x"


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
