"""Dates as they appear in news pages and exports, normalised to ``YYYY-MM-DD``.

Only unambiguous forms are read: ISO dates (with or without a time), month names in either order
("Mar 24, 2022", "24 March 2022", "Thursday 24th March 2022"), and day/month/year with slashes or dots
only when the day is greater than 12. Anything else gives ``None``: a date is never guessed.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: n
    for n, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"

_PATTERNS = [
    # 2022-03-24, 2022-03-24T10:00:00Z, 2022/03/24
    re.compile(r"\b(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})(?![\d/-])"),
    # Mar 24, 2022 / March 24th 2022 / Thursday, March 24, 2022
    re.compile(r"\b" + _WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + r"\b", re.I),
    # 24 March 2022 / 24th Mar. 2022 / Thursday 24 March, 2022
    re.compile(r"\b" + _WEEKDAY + _DAY + r"(?:\s+of)?\s+" + _MONTH + r",?\s+" + _YEAR + r"\b", re.I),
    # 24/03/2022 or 24.03.2022, only when the first number cannot be a month
    re.compile(r"\b(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4})\b"),
]


def _build(m: re.Match[str]) -> str | None:
    month = m.group("month")
    month_n = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
    day, year = int(m.group("day")), int(m.group("year"))
    if m.re is _PATTERNS[3] and day <= 12:
        return None  # 03/04/2022: day-first or month-first? do not guess
    try:
        return dt.date(year, month_n, day).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> tuple[str, int, int] | None:
    """The first date in ``text``: ``(iso, start, end)``, or ``None``."""
    best: tuple[str, int, int] | None = None
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            iso = _build(m)
            if iso is not None:
                if best is None or m.start() < best[1]:
                    best = (iso, m.start(), m.end())
                break
    return best


def parse_date(value: str | None) -> str | None:
    """``"Mar 24, 2022"`` -> ``"2022-03-24"``; ``None`` when ``value`` holds no unambiguous date."""
    if not value or not value.strip():
        return None
    found = find_date(value)
    return found[0] if found else None
