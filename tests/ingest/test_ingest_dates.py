"""Dates as pages and exports write them -> YYYY-MM-DD, never guessed."""

import pytest

from kg.ingest.dates import find_date, parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mar 24, 2022", "2022-03-24"),
        ("March 24, 2022", "2022-03-24"),
        ("March 24th 2022", "2022-03-24"),
        ("24 March 2022", "2022-03-24"),
        ("24th of March, 2022", "2022-03-24"),
        ("Thursday, 24 March 2022", "2022-03-24"),
        ("Thu Mar 24, 2022", "2022-03-24"),
        ("Sept. 3, 2021", "2021-09-03"),
        ("2022-03-24", "2022-03-24"),
        ("2022-03-24T10:15:00+01:00", "2022-03-24"),
        ("2022/3/4", "2022-03-04"),
        ("24/03/2022", "2022-03-24"),
        ("24.03.2022", "2022-03-24"),
        ("Published 12:00 BST, 24 Mar 2022", "2022-03-24"),
        ("The discussion ran from 25 October 2016 - 25 January 2017", "2016-10-25"),
        # negatives: no date, ambiguous, impossible, partial
        ("", None),
        (None, None),
        ("no date here", None),
        ("03/04/2022", None),  # 3 April or March 4? not guessed
        ("2022-02-30", None),
        ("31 February 2022", None),
        ("May 2022", None),
        ("24 March", None),
        ("You may 24 times", None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_find_date_gives_the_span():
    text = "Posted on 5 May 2020 by staff"
    iso, start, end = find_date(text)
    assert (iso, text[start:end]) == ("2020-05-05", "5 May 2020")
