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


@pytest.mark.parametrize("text, expected", [
    # British single quotes, curly and straight
    ("‘We will act now,’ she said.", ["We will act now,"]),
    ("'We will act now,' she said.", ["We will act now,"]),
    ("Smith: ‘We will deliver 1.5 million homes.’", ["We will deliver 1.5 million homes."]),
    # apostrophes inside the quote do not close it
    ("‘We don’t know what we’ll do,’ she said.", ["We don’t know what we’ll do,"]),
    ("'I can't say it's over,' he said.", ["I can't say it's over,"]),
    # a plural possessive inside the quote does not close it when a real closing mark follows
    ("‘The Smiths’ house was flooded again,’ she said.", ["The Smiths’ house was flooded again,"]),
    # a double quote inside single quotes is part of the quote
    ("‘He called it “a disgrace” today,’ she said.", ["He called it “a disgrace” today,"]),
    # single quotes inside double quotes stay inside
    ("“I told him ‘no way’ at once,” she said.", ["I told him ‘no way’ at once,"]),
    # a single-quoted quote over several paragraphs: an opening mark on each, closing only at the end
    ("‘First we build.\n\n‘Then we let,’ she said.", ["First we build.", "Then we let,"]),
    # negatives: apostrophes and elisions are no quotes
    ("We don't know and the Smiths' house is gone.", []),
    ("It was rock 'n' roll in the '90s and the ‘80s.", []),
    ("They said they'd go 'til dawn.", []),
    ("The Jones' car, the boss' office.", []),
])
def test_single_quotes(text, expected):
    spans = quote_spans(text)
    assert [text[q.start:q.end] for q in spans] == expected
