"""quote_spans: quotation marks alone, no model. (text, expected quoted texts)."""

import pytest

from kg.extract.statements import quote_spans


@pytest.mark.parametrize("text, expected", [
    ("“We will act,” Mr Smith said.", ["We will act,"]),
    ('"We will act," Mr Smith said.', ["We will act,"]),
    ("He said: “One.” Then: “Two.”", ["One.", "Two."]),
    # a quote that continues in the next paragraph: no closing mark at the end of the first
    ("“First part.\n\n“Second part.”", ["First part.", "Second part."]),
    # unbalanced: an opening mark with no closing mark quotes to the paragraph's end, never crashes
    ("He said “this never ends.\n\nNext paragraph.", ["this never ends."]),
    # a stray closing mark is ignored
    ("Nothing here” at all.", []),
    ("", []),
    ("“”", []),
    ("“ … ”", []),
    # inch marks between digits are not quotation marks
    ('A 5"6 board.', []),
    ("« Bonjour », dit-il.", ["Bonjour"]),
    # misprints read as meant: ’’ closing, ” opening after a bracket
    ("“We dedicate ourselves to comics,’’ says the founder.", ["We dedicate ourselves to comics,"]),
    ("the appraisal (”This guy is landing rockets”) of him", ["This guy is landing rockets"]),
    ("‘‘Two singles open,’’ he said.", ["Two singles open,"]),
    ("he said. ‘’It’s not a question of who wins.” Then", ["It’s not a question of who wins."]),
])
def test_quote_spans(text, expected):
    spans = quote_spans(text)
    assert [text[q.start:q.end] for q in spans] == expected


def test_offsets_are_inside_the_marks():
    text = "Intro. “Quoted words,” she said."
    (q,) = quote_spans(text)
    assert text[q.open_mark] == "“" and text[q.close_mark] == "”"
    assert text[q.start:q.end] == "Quoted words,"
