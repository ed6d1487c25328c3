"""Long documents (issue 15 items 8 and 17).

Item 8: a text over spaCy's ``max_length`` (1,000,000 characters) is parsed in pieces cut at paragraph
boundaries and joined into one ``Doc`` whose offsets are the document's; a table of the splitter, a document of
over a million characters of real text extracted end to end, and a speaker resolved across a cut.

Item 17: extraction's work grows linearly with the document's length. No clock: the work is counted. ``sys.settrace`` counts the lines of kg/extract that run while one document is
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
from kg.extract.pipeline import extract_article, extract_documents
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


# ------------------------------------------------------------------------------------------ item 8: pieces
@pytest.mark.parametrize("text, limit, pieces", [
    ("", 10, [""]),
    ("short", 10, ["short"]),
    ("abcde", 5, ["abcde"]),  # exactly the limit: one piece
    # at the last line break within the limit
    ("aaaa\nbbbb\ncccc", 10, ["aaaa\nbbbb\n", "cccc"]),
    ("aaaa\nbbbb\ncccc", 9, ["aaaa\n", "bbbb\ncccc"]),
    # the whitespace after the break stays with the piece before: the next one starts on a word
    ("para one\n\n  para two", 12, ["para one\n\n  ", "para two"]),
    ("para one\n\n\n\npara two", 11, ["para one\n\n\n", "\npara two"]),  # never over the limit
    # one long paragraph: after a sentence end, else after a space, else at the limit
    ("One two. Three four five", 12, ["One two. ", "Three four ", "five"]),
    ("“Quoted.” Then more words", 12, ["“Quoted.” ", "Then more ", "words"]),
    ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
])
def test_chunk_spans(text, limit, pieces):
    spans = nlp_mod.chunk_spans(text, limit)
    assert [text[s:e] for s, e in spans] == pieces
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))  # contiguous: together, the whole text
    assert all(e - s <= limit for s, e in spans)


@pytest.mark.parametrize("limit", [0, -5])
def test_chunk_spans_rejects_a_limit_below_one(limit):
    with pytest.raises(ValueError):
        nlp_mod.chunk_spans("text", limit)


def test_parse_joins_the_pieces_into_the_documents_offsets(nlp):
    texts = ["A short one.", "Ken Marsh spoke.\n\nThe board met on Monday.\n\nNothing was decided.\n", ""]
    docs = list(nlp_mod.parse(nlp, texts, limit=30))
    assert len(nlp_mod.chunk_spans(texts[1], 30)) == 3  # cut at the paragraph breaks
    assert [d.text for d in docs] == texts
    whole = nlp(texts[1])
    assert [(t.idx, t.text) for t in docs[1]] == [(t.idx, t.text) for t in whole]
    assert [t.is_sent_start for t in docs[1]] == [t.is_sent_start for t in whole]


def test_a_speaker_named_before_a_cut_speaks_after_it(nlp):
    filler = "The weather stayed dry over the weekend across the region.\n\n" * 6
    text = ("Sadiq Khan unveiled the plan on Monday.\n\n" + filler
            + "“Trust has been eroded and we must rebuild it,” he said.\n")
    assert len(nlp_mod.chunk_spans(text, 120)) >= 3
    doc = next(nlp_mod.parse(nlp, [text], limit=120))
    ex = extract_article(Document("t", "test", "article", text), doc, load_codebook(), {})
    names = {a.id: a.name for a in ex.actors}
    assert [(names[s.speaker], s.text) for s in ex.statements] == \
        [("Sadiq Khan", "Trust has been eroded and we must rebuild it,")]


@pytest.mark.slow
def test_a_document_over_a_million_characters(paths):
    """The sample article again and again, each copy under a numbered heading of its own, past spaCy's limit."""
    if not paths.article.exists():
        pytest.skip("no sample article")
    article = paths.article.read_text(encoding="utf-8").strip()
    copies = []
    n = 0
    while sum(len(c) for c in copies) <= 1_050_000:
        n += 1
        copies.append(f"Part {n} of the collected coverage.\n\n{article}\n\n")
    text = "".join(copies)
    assert len(text) > nlp_mod.load().max_length
    document = Document("long-report", "test", "article", text, title="Part 1 of the collected coverage.")
    (ex,) = list(extract_documents([document]))
    assert len(ex.statements) >= n  # every copy has statements, the ones past the first pieces too
    assert max(s.start for s in ex.statements) > 1_000_000
    for s in ex.statements:
        assert s.text == text[s.start:s.end]
        for e in s.evidence:
            assert 0 <= e.start < e.end <= len(text) and text[e.start:e.end].lower() == e.cue
    for a in ex.actors:
        for r in a.roles:
            assert r.start is None or 0 <= r.start < r.end <= len(text)
