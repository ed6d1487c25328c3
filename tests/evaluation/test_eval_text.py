"""Locating gold texts, word sets and Dice: rule tables with hand-computed expectations."""

from __future__ import annotations

import pytest

from kg.evaluation.text import Locator, dice, name_tokens, trimmed_span, words

DOC = "He said “no change”, not now.\nShe said \u201cwe’ll see\u00a0about  it.\u201d\nHe said no change again."


@pytest.mark.parametrize(
    ("gold", "how", "expected"),
    [
        ("no change", "exact", "no change"),                    # first free occurrence, word-bounded
        ("we’ll see\u00a0about  it.", "exact", "we’ll see\u00a0about  it."),
        ("we'll see about it.", "normalised", "we’ll see\u00a0about  it."),  # straight apostrophe, one space
        ("WE'LL SEE ABOUT IT", "folded", "we’ll see\u00a0about  it"),  # case and end punctuation
        ("\u201cno change,\u201d", "folded", "no change"),           # quotation marks and comma trimmed
        ("not in the text", None, None),
    ],
)
def test_locate(gold: str, how: str | None, expected: str | None) -> None:
    found = Locator(DOC).locate(gold)
    if how is None:
        assert found is None
    else:
        assert found is not None and found[0] == how
        start, end = found[1]
        assert DOC[start:end] == expected


def test_repeated_text_takes_the_next_free_occurrence_in_order() -> None:
    loc = Locator(DOC)
    first = loc.locate("no change")[1]
    second = loc.locate("no change")[1]
    assert first == (DOC.index("no change"), DOC.index("no change") + 9)
    assert second == (DOC.rindex("no change"), DOC.rindex("no change") + 9)


def test_a_short_text_is_not_found_inside_a_word() -> None:
    text = "It is not enough. We say no."
    assert Locator(text).locate("no")[1] == (text.rindex("no"), text.rindex("no") + 2)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("a b c", "c b a", 1.0),
        ("a b c d", "a b", 2 * 2 / 6),
        ("don’t stop", "Don't STOP!", 1.0),
        ("one two", "three four", 0.0),
        ("the the the cat", "the cat", 1.0),   # sets, not bags
        ("", "", 0.0),
    ],
)
def test_dice(a: str, b: str, expected: float) -> None:
    assert dice(a, b) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Well, don’t—stop", {"well", "don't", "stop"}), ("U.S. 5G", {"u", "s", "5g"})],
)
def test_words(text: str, expected: set[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dame Cressida Dick", ("cressida", "dick")),
        ("Mr Marsh's", ("marsh",)),
        ("the Metropolitan Police", ("metropolitan", "police")),
        ("Martin Luther King Jr.", ("martin", "luther", "king")),
        ("O’Regan", ("oregan",)),  # apostrophes dropped: O’Regan == O'Regan == ORegan
    ],
)
def test_name_tokens(name: str, expected: tuple[str, ...]) -> None:
    assert name_tokens(name) == expected


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("say “yes, now,” he", (4, 15), "yes, now"),
        ("say yes now", (4, 11), "yes now"),
        ("a ... b", (1, 6), ""),
    ],
)
def test_trimmed_span(text: str, span: tuple[int, int], expected: str) -> None:
    s, e = trimmed_span(text, *span)
    assert text[s:e] == expected
