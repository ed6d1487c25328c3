"""Text made safe for the files people open in spreadsheets and XML tools.

Names, issue labels and quoted text come from the documents, so they can hold anything:

- A spreadsheet (Excel, LibreOffice, Google Sheets) runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
  (or a TAB or CR before one of them) as a formula: a commenter named ``=cmd|' /C calc'!A0`` would become a
  live formula in a CSV/TSV/XLSX export. ``formula_safe`` prefixes such text with a single quote ``'`` (as
  OWASP advises for CSV injection), also when the trigger follows leading whitespace, and for the
  full-width forms (``＝ ＋ － ＠``) some spreadsheets treat alike. Numbers are not text and are never
  prefixed: pass them as ``int``/``float``, or as ``Number`` when they are already formatted.
- XML 1.0 (GraphML, GEXF, XLSX) cannot hold the C0 control characters other than TAB, LF and CR, the
  non-characters U+FFFE and U+FFFF, or surrogate code points (a lone surrogate cannot even be encoded as
  UTF-8). ``xml_safe`` writes each of them as visible text, ``\\x00`` / ``\\ufffe`` / ``\\ud800``, so the
  file parses and two names that differ only there stay apart.

``text_cell`` does both, for every text cell of a tabular export (CSV, TSV, XLSX); ``cells`` applies it to a
row. No stage imports anything from here but this module imports nothing from ``kg``: every stage can use it.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

#: First characters that make a spreadsheet read a cell as a formula (OWASP: = + - @ TAB CR), and the
#: full-width forms of the first four.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class Number(str):
    """A number already written as text (``"-0.500000"``): a cell that ``text_cell`` leaves as it is."""

    __slots__ = ()


def formula_safe(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would otherwise read it as a formula."""
    if isinstance(text, Number) or not text:
        return text
    if text[0] in FORMULA_TRIGGERS or text.lstrip()[:1] in FORMULA_TRIGGERS:
        return "'" + text
    return text


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold written as ``\\xNN`` / ``\\uNNNN``."""
    return _XML_ILLEGAL.sub(_escape, text)


def text_cell(value: Any) -> Any:
    """A cell for a CSV/TSV/XLSX file: text is made formula-safe and XML-safe; numbers, ``Number``,
    ``None`` and everything else that is not text pass unchanged."""
    if isinstance(value, Number) or not isinstance(value, str):
        return value
    return xml_safe(formula_safe(value))


def cells(row: Iterable[Any]) -> list[Any]:
    """``text_cell`` of every value of a row."""
    return [text_cell(v) for v in row]
