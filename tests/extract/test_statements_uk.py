"""Statements in the shapes of UK news (issue 12): single quotes, quotes over several paragraphs, attribution
by a dash or a colon, reported speech that runs on, stated beliefs and questions. A table of (text, expected
[(kind, speaker, text)]) on the real model, each shape with positive and negative rows."""

from __future__ import annotations

import pytest

from tests.extract.test_statements import run

CASES = [
    # --- British single quotes
    ("‘Delivering new homes is our first priority,’ said Jane Holt.",
     [("direct", "Jane Holt", "Delivering new homes is our first priority,")]),
    ("Council leader Sarah Jones said: 'We will not stand by and watch this happen.'",
     [("direct", "Sarah Jones", "We will not stand by and watch this happen.")]),
    ("‘We don’t know what the Smiths’ neighbours will do,’ said Tom Reed.",
     [("direct", "Tom Reed", "We don’t know what the Smiths’ neighbours will do,")]),
    # negatives: apostrophes and elisions are no quotes
    ("The band played rock 'n' roll in the '90s at the Smiths' local pub.", []),
    ("Tom Reed said he didn't know the Jones' address.",
     [("indirect", "Tom Reed", "he didn't know the Jones' address")]),
    # --- a quote over several paragraphs: the speaker named at its end speaks all of it
    ("Tom Reed chaired the debate.\n\n‘We have waited far too long for this scheme.\n\n"
     "‘Now we must act on it,’ said Mary Hill.",
     [("direct", "Mary Hill", "We have waited far too long for this scheme."),
      ("direct", "Mary Hill", "Now we must act on it,")]),
    ("Mary Hill said: “We have waited far too long for this scheme.\n\n“Now we must act on it.”",
     [("direct", "Mary Hill", "We have waited far too long for this scheme."),
      ("direct", "Mary Hill", "Now we must act on it.")]),
    # negative: a closed quote in the next paragraph does not pull the speaker of a later one back
    ("Tom Reed chaired the debate.\n\n“We have waited far too long for this scheme,” he said.\n\n"
     "“Now we must act on it,” said Mary Hill.",
     [("direct", "Tom Reed", "We have waited far too long for this scheme,"),
      ("direct", "Mary Hill", "Now we must act on it,")]),
    # --- attribution by a dash or a colon
    ("‘We will fight this decision all the way to the High Court.’\n\n— Sarah Jones, council leader",
     [("direct", "Sarah Jones", "We will fight this decision all the way to the High Court.")]),
    ("“We will fight this decision all the way to the courts,” — Sarah Jones, council leader.",
     [("direct", "Sarah Jones", "We will fight this decision all the way to the courts,")]),
    ("Jane Smith: ‘We will build the homes this city needs.’",
     [("direct", "Jane Smith", "We will build the homes this city needs.")]),
    # negatives: a colon after a common noun, a dash inside a sentence
    ("Warning: ‘Do not enter the site after dark under any circumstances.’", []),
    ("The vote — held on Tuesday after a long debate — was close.", []),
    # --- reported speech that runs on into the next sentence without a verb of its own
    ("Jane Smith said the council would cut bus routes next year. The savings would pay for road repairs "
     "across the county.",
     [("indirect", "Jane Smith", "the council would cut bus routes next year"),
      ("indirect", "Jane Smith", "The savings would pay for road repairs across the county.")]),
    # negative: a plain statement of fact after reported speech is the writer's
    ("Jane Smith said the council would cut bus routes next year. The council meets on Tuesday in Leeds.",
     [("indirect", "Jane Smith", "the council would cut bus routes next year")]),
    # --- attributed beliefs and claims
    ("Jane Smith believes that the cuts will hurt the poorest families in the county.",
     [("indirect", "Jane Smith", "the cuts will hurt the poorest families in the county")]),
    ("Tom Reed warned that the bridge could close within a year.",
     [("indirect", "Tom Reed", "the bridge could close within a year")]),
    # negatives: a belief of nobody in particular, a passing view with no "that", a wish with no clause
    ("Jane Smith thinks the cuts are unfair to the poorest families.", []),
    ("Many people think the minister might lose his seat at the election.", []),
    ("Jane Smith wants the council to act on the bus routes.", []),
    # --- questions put by a speaker
    ("Jane Smith asked whether the council had consulted residents at all.",
     [("indirect", "Jane Smith", "the council had consulted residents at all")]),
    ("‘Who will pay for all of this?’ asked Tom Reed.", [("direct", "Tom Reed", "Who will pay for all of this?")]),
    # --- "according to" names a source in any noun phrase, a study by its owner
    ("Those sectors are the best bets for young people looking for a first job, according to the Civic Action "
     "study.", [("indirect", "Civic Action", "Those sectors are the best bets for young people looking for a "
                "first job")]),
    ("The senators began approaching colleagues after the election, according to a person familiar with the "
     "talks.", [("indirect", "person familiar with the talks", "The senators began approaching colleagues after "
                "the election")]),
    # negative: a study with no owner named is no source
    ("Those sectors are the best bets for young people looking for a first job, according to the study.", []),
    # --- what a speaker tells a hearer to do
    ("The water board reminded customers to boil their water before drinking it.",
     [("indirect", "water board", "to boil their water before drinking it")]),
    ("Police warned the public not to speculate about the case.",
     [("indirect", "Police", "not to speculate about the case")]),
    # negatives: a verb that is no telling; too short to be a statement
    ("The council forced residents to leave their homes in the storm.", []),
    ("Jane Smith told him to go.", []),
    # --- a dateline before the speaker is not what is said
    ("LEEDS — Council leader Jane Smith says the bus routes will be cut next year.",
     [("indirect", "Jane Smith", "the bus routes will be cut next year")]),
    # --- a possessor or a named apposition is not the speaker of a common noun's phrase
    ("Tom Lee said the budget was fine.\n\nTom Lee's staff later said the debt was much smaller this year.",
     [("indirect", "Tom Lee", "the budget was fine"),
      ("indirect", "Tom Lee's staff", "the debt was much smaller this year")]),
    ("Jason Hill died in the attack.\n\nHill's father, Joseph, says his son loved the city.",
     [("indirect", "Joseph", "his son loved the city")]),
    # negative: a name that is the head of the subject still speaks
    ("Tom Lee's lawyer Ann Bell said the case would be dropped.",
     [("indirect", "Ann Bell", "the case would be dropped")]),
    # --- nothing said: a negated verb of saying, a refusal, a question put to the subject
    ("Jane Smith has not said she would veto the council's budget.", []),
    ("The council declined to say why it lost the contract for the buses.", []),
    ("When asked whether he was overstating the debt, Tom Reed smiled.", []),
    # positive counterpart: the same verb, said
    ("Jane Smith has said she would veto the council's budget.",
     [("indirect", "Jane Smith", "she would veto the council's budget")]),
    # --- a programme's name after a preposition is no quote, though "said" seems to govern it
    ("“This could last a long time,” Tom Reed said on the BBC's “Sunday Politics.”",
     [("direct", "Tom Reed", "This could last a long time,")]),
    # --- "what they call X" characterises nothing of its own
    ("The workers want to end what they call unfair treatment of staff.", []),
    # --- a definite role noun refers back to the person just named, not to the organisation in its phrase
    ("I talked to Sarah Jones, who moved here in 2005.\n\n“We only sell local comics,” says the founder of "
     "Studio Press, which opened last year.", [("direct", "Sarah Jones", "We only sell local comics,")]),
    # negative: nobody named before it: the role phrase is the speaker, not the organisation
    ("Studio Press opened last year.\n\n“We only sell local comics,” says the founder of Studio Press.",
     [("direct", "founder of Studio Press", "We only sell local comics,")]),
    # negative: a question put to people, nobody asking
    ("Residents were asked whether they used the bus.", []),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[0][:40] for c in CASES])
def test_uk_statements_table(nlp, text, expected):
    got, _ = run(nlp, text)
    assert got == expected

SAME_SPEAKER = [
    # a quoted sentence right after a speaker's quote and its attribution, in the same paragraph
    ("“We only sell local comics,” says Sarah Jones, who moved here in 2005. “Most of them are made in town.”",
     [("direct", "Sarah Jones", "We only sell local comics,"),
      ("direct", "Sarah Jones", "Most of them are made in town.")]),
    # negative: a quote with an attribution of its own keeps it
    ("“We only sell local comics,” says Sarah Jones, who moved here in 2005. “Most of them are made in town,” "
     "Tom Reed said.",
     [("direct", "Sarah Jones", "We only sell local comics,"),
      ("direct", "Tom Reed", "Most of them are made in town,")]),
]


@pytest.mark.parametrize("text, expected", SAME_SPEAKER, ids=[c[0][:40] for c in SAME_SPEAKER])
def test_same_speaker_next_sentence(nlp, text, expected):
    got, _ = run(nlp, text)
    assert got == expected
