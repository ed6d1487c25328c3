"""kg.cells: text cells made safe for spreadsheets (no formulas) and for XML 1.0 (GraphML, GEXF, XLSX)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import pytest

from kg.cells import Number, cells, formula_safe, text_cell, xml_safe

FORMULA_CASES = [
    # (text, expected)
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+SUM(1,1)", "'+SUM(1,1)"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1+1)", "'@SUM(1+1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("\t", "'\t"),
    ("  =1+1", "'  =1+1"),  # after leading whitespace
    ("\n+1", "'\n+1"),
    ("\u00a0@x", "'\u00a0@x"),  # no-break space is whitespace too
    ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals sign
    ("-", "'-"),
    ("-0.5", "'-0.5"),  # text that looks like a number is still text: numbers are passed as numbers
    # negatives: ordinary text is left alone
    ("Ken Marsh", "Ken Marsh"),
    ("a=b", "a=b"),
    ("O'Brien", "O'Brien"),
    ("'=already quoted", "'=already quoted"),
    ("Metropolitan Police Federation", "Metropolitan Police Federation"),
    ("", ""),
    ("  Ken", "  Ken"),
    ("x-y", "x-y"),
    ("#REF!", "#REF!"),
]


@pytest.mark.parametrize("text,expected", FORMULA_CASES)
def test_formula_safe(text, expected):
    assert formula_safe(text) == expected


XML_CASES = [
    ("a\x00b", "a\\x00b"),
    ("\x01\x08\x0b\x0c\x0e\x1f", "\\x01\\x08\\x0b\\x0c\\x0e\\x1f"),
    ("x\ufffe\uffffy", "x\\ufffe\\uffffy"),
    ("lone \ud800 surrogate \udfff", "lone \\ud800 surrogate \\udfff"),
    # negatives: what XML 1.0 can hold stays
    ("tab\tlf\ncr\r", "tab\tlf\ncr\r"),
    ("del\x7f and C1 \x85", "del\x7f and C1 \x85"),
    ("Zoë, 张伟, Иван, محمد, 😀", "Zoë, 张伟, Иван, محمد, 😀"),
    ("\ufffd\ufffc", "\ufffd\ufffc"),
    ("", ""),
]


@pytest.mark.parametrize("text,expected", XML_CASES)
def test_xml_safe(text, expected):
    out = xml_safe(text)
    assert out == expected
    parsed = ET.fromstring(f"<a b={quoteattr(out)}>{escape(out)}</a>".encode("utf-8"))  # XML can hold it
    assert (parsed.text or "") == out.replace("\r", "\n")  # (XML reads CR as LF)


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"),
    ("\x00=1+1", "\\x00=1+1"),  # escaped control first: no longer starts a formula
    ("\t=\x01", "'\t=\\x01"),
    (-0.5, -0.5),
    (-3, -3),
    (Number("-0.500000"), "-0.500000"),
    (None, None),
    ("Ken Marsh", "Ken Marsh"),
])
def test_text_cell(value, expected):
    out = text_cell(value)
    assert out == expected
    if not isinstance(value, str) or isinstance(value, Number):
        assert out is value  # numbers, formatted numbers and None pass unchanged


def test_cells_keeps_numbers_and_makes_text_safe():
    assert cells(["=A1", 1, -2.5, Number("-1"), None, "ok"]) == ["'=A1", 1, -2.5, "-1", None, "ok"]
