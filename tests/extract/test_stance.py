"""Stance cues on the real model: (text, expected polarity), negation and clause edges included."""

from __future__ import annotations

import pytest

from kg.extract.stance import reply_relation, score_stance


@pytest.mark.parametrize("text, expected", [
    ("I welcome this plan.", "support"),
    ("It rightly prioritises the rights and needs of victims.", "support"),
    ("But there is no detail.", "oppose"),
    ("It is disingenuous to keep playing it out so publicly.", "oppose"),
    ("It is not good.", "oppose"),  # a negator flips the cue
    ("It is fine, not good.", "oppose"),  # the negator in the cue's own clause counts
    ("Not at all, good work.", "support"),  # a negator across a comma does not
    ("Why doesn't the mayor talk about our pay?", "oppose"),  # a rhetorical question challenges
    ("The meeting is on Tuesday.", "neutral"),
])
def test_stance_table(nlp, text, expected):
    assert score_stance(nlp(text), 0, len(text)).polarity == expected


@pytest.mark.parametrize("text, expected", [
    ("I agree!! We need more police officers.", "agree"),
    ("Then how do they reform??? If someone commits a crime...", "disagree"),
    ("Please explain what you mean by profit making bodies.", None),
])
def test_reply_relation_table(text, expected):
    assert reply_relation(text) == expected
