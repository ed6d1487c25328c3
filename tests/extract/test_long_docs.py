"""Long documents (issue 15 item 17): extraction's work grows linearly with the document's length.

No clock: the work is counted. ``sys.settrace`` counts the lines of kg/extract that run while one document is
extracted; a document made of the sample article twice as many times must cost about twice the lines (the
look-ups that scanned every earlier mention, quote or statement made it ~2.6x at these sizes). Paragraph marking
runs inside spaCy, where per-token ``Token.is_sent_start`` writes each scanned the whole document: it is checked by
the number of those scans, counted by cProfile."""

from __future__ import annotations

import cProfile
import pstats
import sys
from pathlib import Path

import pytest

import kg.extract
from kg.extract import nlp as nlp_mod
from kg.extract.issues import load_codebook
from kg.extract.pipeline import extract_article
from kg.records import Document

EXTRACT_DIR = str(Path(kg.extract.__file__).resolve().parent)


def _lines_run(nlp, text: str) -> int:
    doc = nlp(text)
    document = Document("long", "test", "article", text)
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(EXTRACT_DIR) else None

    sys.settrace(calls)
    try:
        extract_article(document, doc, load_codebook(), {})
    finally:
        sys.settrace(None)
    return count


@pytest.mark.slow
def test_extraction_work_grows_linearly(nlp, paths):
    if not paths.article.exists():
        pytest.skip("no sample article")
    block = paths.article.read_text(encoding="utf-8").strip() + "\n\n"
    small = _lines_run(nlp, block * 4)
    large = _lines_run(nlp, block * 8)
    assert 1.8 < large / small < 2.2, (small, large)


def _sent_start_scans(doc) -> int:
    """How many times spaCy's ``Doc.has_annotation`` (the whole-document scan behind each ``is_sent_start``
    write) runs while the paragraphs are marked."""
    prof = cProfile.Profile()
    prof.runcall(nlp_mod.mark_paragraphs, doc)
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    return sum(v[1] for (_, _, name), v in stats.items() if name == "has_annotation")


def _reference_marks(doc) -> list:
    """The rule, one token at a time: the token after a newline starts a sentence."""
    return [True if i and "\n" in doc[i - 1].text_with_ws else t.is_sent_start for i, t in enumerate(doc)]


@pytest.mark.parametrize("text", [
    "",
    "One line only.",
    "First paragraph.\n\nSecond paragraph.",
    "Line one\nline two\nline three",
    "\n\nStarts with blank lines.\n",
    "Ends with a newline.\n",
    "Indented:\n    next line.\r\nWindows line.",
])
def test_mark_paragraphs(nlp, text):
    doc = nlp.make_doc(text)
    expected = _reference_marks(doc)
    assert [t.is_sent_start for t in nlp_mod.mark_paragraphs(doc)] == expected


def test_mark_paragraphs_does_not_rescan_the_document(nlp):
    doc = nlp.make_doc("A short paragraph here.\n\n" * 400)
    assert _sent_start_scans(doc) <= 1
    assert all(doc[i].is_sent_start for i in range(len(doc)) if i and "\n" in doc[i - 1].text_with_ws)
