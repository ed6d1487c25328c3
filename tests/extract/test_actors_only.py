"""Only actors (issue 12): headlines, bylines, photo credits, places, months and documents are no actors;
organisations are typed as organisations; a doubled title is kept once. A table of (text, actors that must be
there with their type, names that must not be actors), each rule with positive and negative rows."""

from __future__ import annotations

import pytest

from kg.extract.actors import furniture_line
from tests.extract.test_statements import run

CASES = [
    # headlines and bylines
    ("Councils Slam Government Over Housing Targets\n\nBy William Eichler\n\nSarah Jones said the targets were "
     "wrong.", {"Sarah Jones": "person"}, {"Councils Slam Government", "William Eichler"}),
    ("William Eichler, Local Government Reporter\n\nSarah Jones said the targets were wrong.",
     {"Sarah Jones": "person"}, {"William Eichler", "Local Government"}),
    # a person named in running text is an actor, even when the same line has no full stop
    ("Jane Holt met William Eichler on Monday. Jane Holt said the targets were wrong.",
     {"Jane Holt": "person", "William Eichler": "person"}, set()),
    # photo credits
    ("Photo: Credit: John Smith/PA\n\nJane Holt said the targets were wrong.", {"Jane Holt": "person"},
     {"John Smith", "Credit"}),
    # places
    ("In Sittingbourne, residents said the station at Charing Cross was too busy.", {},
     {"Sittingbourne", "Charing Cross"}),
    ("Tom Lee, Labour MP for Leeds North, said the plan would fail.", {"Tom Lee": "person"}, {"Leeds North"}),
    # a person whose surname is a place word is still a person
    ("Mary Hill said the plan would fail.", {"Mary Hill": "person"}, set()),
    # documents speak for their authors, or for nobody
    ("The letter said the funding would end next year.", {}, {"letter"}),
    ("A statement from the Home Office said the rules were clear.", {"Home Office": "organisation"},
     {"statement"}),
    # organisations typed as organisations, places speaking as institutions
    ("Labour said the plan was a failure from the start.", {"Labour": "organisation"}, set()),
    ("Tories said the plan was a failure from the start.", {"Tories": "organisation"}, set()),
    ("Kent County Council said the plan was a failure.", {"Kent County Council": "organisation"}, set()),
    # a doubled title is written once
    ("Dame Dame Cressida Dick said the force would change.", {"Cressida Dick": "person"}, set()),
]


@pytest.mark.parametrize("text, present, absent", CASES, ids=[c[0][:40] for c in CASES])
def test_only_actors(nlp, text, present, absent):
    _, ex = run(nlp, text)
    actors = {a.name: a.type for a in ex.actors}
    for name, type_ in present.items():
        assert actors.get(name) == type_, (name, actors)
    assert not (set(actors) & absent), actors
    for a in ex.actors:
        assert not any(w.lower() == v.lower() for alias in a.aliases
                       for w, v in zip(alias.split(), alias.split()[1:])), a.aliases


@pytest.mark.parametrize("line, furniture", [
    ("Councils Slam Government Over Housing Targets", True),
    ("By William Eichler", True),
    ("William Eichler, Local Government Reporter", True),
    ("Photo: Jane Smith/PA", True),
    ("MINISTERS TO LOSE POWERS OVER LONGER TERM", True),
    ("Jane Holt said the targets were wrong.", False),
    ("The council met on Monday and agreed the budget.", False),
    ("“We will act,” she said.", False),
])
def test_furniture_lines(line, furniture):
    assert furniture_line(line) is furniture


@pytest.mark.parametrize("text, name, expected", [
    # an organisation the document names elsewhere
    ("Kent County Council met on Monday. The council's transport lead, Jane Holt, said buses would run.",
     "Jane Holt", [("transport lead", "Kent County Council")]),
    ("Kent County Council met on Monday. Ann Bell, the council leader, said buses would run.",
     "Ann Bell", [("leader", "Kent County Council")]),
    # a title before the name
    ("Home Secretary Priti Patel said the plan works.", "Priti Patel", [("Home Secretary", None)]),
    # a party the document names as an organisation
    ("Labour said no. Tom Lee, Labour MP for Leeds North, said the plan would fail.", "Tom Lee",
     [("MP for Leeds North", "Labour")]),
    # "who leads ..."
    ("Mary Fox, who leads Kent County Council, said yes.", "Mary Fox", [("leader", "Kent County Council")]),
    # negatives: two councils, no guess; no organisation named anywhere, none made up
    ("Kent County Council and Leeds City Council met. Ann Bell, the council leader, said buses would run.",
     "Ann Bell", [("council leader", None)]),
    ("Ann Bell, the council leader, said buses would run.", "Ann Bell", [("council leader", None)]),
    ("Mary Fox, who lives in Kent, said yes.", "Mary Fox", []),
])
def test_role_shapes(nlp, text, name, expected):
    _, ex = run(nlp, text)
    (actor,) = [a for a in ex.actors if a.name == name]
    assert [(r.role, r.organisation) for r in actor.roles] == expected


@pytest.mark.parametrize("text, name, expected", [
    # a bare title takes the one organisation its sentence names
    ("The force faced scandals which prompted the resignation of Commissioner Jane Smith, a review of the "
     "Metropolitan Police found.", "Jane Smith", [("Commissioner", "Metropolitan Police")]),
    # an organisation's alias written where the model tagged no organisation
    ("The Metropolitan Police Service (MPS) said it would act.\n\nThe MPS faced scandals which prompted the "
     "resignation of Commissioner Jane Smith.", "Jane Smith", [("Commissioner", "Metropolitan Police Service")]),
    # negatives: two organisations, no guess; a title that names its place keeps it
    ("Home Secretary Priti Patel met the Metropolitan Police and the Home Office on Monday.", "Priti Patel",
     [("Home Secretary", None)]),
])
def test_role_organisation_from_the_sentence(nlp, text, name, expected):
    _, ex = run(nlp, text)
    (actor,) = [a for a in ex.actors if a.name == name]
    assert [(r.role, r.organisation) for r in actor.roles] == expected
