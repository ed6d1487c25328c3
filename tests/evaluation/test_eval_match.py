"""Speaker, role and organisation matching, coverage and the greedy one-to-one matchers."""

from __future__ import annotations

import pytest

from kg.evaluation.gold import GoldActor, GoldRole
from kg.evaluation.match import (MATCHERS, Item, coverage, org_equivalents, organisations_match, roles_match,
                                 speakers_match)
from kg.records import Actor, Role


def gold(name: str, type_: str = "person", *aliases: str) -> GoldActor:
    return GoldActor(name, type_, list(aliases))


def pred(name: str, type_: str = "person", *aliases: str) -> Actor:
    return Actor("x", name, type_, list(aliases))


@pytest.mark.parametrize(
    ("g", "p", "expected"),
    [
        (gold("Ken Marsh", "person", "Mr Marsh"), pred("Ken Marsh"), True),
        (gold("Ken Marsh", "person", "Mr Marsh"), pred("Marsh"), True),                 # surname
        (gold("Ken Marsh"), pred("Mr Marsh"), True),                                     # honorific off
        (gold("Ken Marsh"), pred("Kenneth Marsh"), True),                                # same surname
        (gold("Ken Marsh"), pred("Ken Loach"), False),
        (gold("Michael Greenspan", "person", "Michael"), pred("Dorie Greenspan"), False),  # other given name
        (gold("Jon Tester"), pred("Sen. Jon Tester"), True),
        (gold("Dwayne Croteau"), pred("Organizer Dwayne Croteau"), True),
        (gold("Sean Dunphy", "person", "Dunphy"), pred("Justice Dunphy"), True),
        (gold("Cressida Dick", "person", "Dame Cressida"), pred("Dame Cressida Dick's"), True),
        (gold("Sadiq Khan", "person", "the mayor"), pred("The Mayor"), True),            # shared alias
        (gold("Sadiq Khan", "person", "he"), pred("Ken Marsh", "person", "he"), False),  # pronouns never count
        (gold("Metropolitan Police Service", "organisation"), pred("MPS", "organisation"), True),  # acronym
        (gold("Metropolitan Police Service", "organisation", "Met"), pred("Met", "organisation"), True),
        (gold("London Assembly", "organisation"), pred("London Councils", "organisation"), False),
        (gold("Police Federation", "organisation"), pred("Federation", "person"), False),  # surname: people only
        (gold("Some voters"), pred("voters", "organisation"), True),   # a gold person, whatever we typed
        (gold("Na'moks"), pred("Wet'suwet'en Hereditary Chief Na'moks", "organisation"), True),
        (gold("anonymous-3", "anonymous"), pred("anonymous-7", "anonymous"), True),
        (gold("anonymous-3", "anonymous"), pred("Tiger"), False),
        (gold("Tiger"), pred("anonymous-1", "anonymous"), False),
        (gold("Tiger"), pred("tiger"), True),
    ],
)
def test_speakers_match(g: GoldActor, p: Actor, expected: bool) -> None:
    assert speakers_match(g, p) is expected


GREENSPANS = [gold("Dorie Greenspan", "person", "Greenspan", "she"), gold("Michael Greenspan", "person", "Michael")]


@pytest.mark.parametrize(
    ("g", "p", "expected"),
    [
        (GREENSPANS[0], pred("Greenspan"), True),      # her alias
        (GREENSPANS[1], pred("Greenspan"), False),     # only his surname, and another gold actor's alias
        (GREENSPANS[1], pred("Michael Greenspan"), True),
        (GREENSPANS[1], pred("Mike Greenspan"), False),
    ],
)
def test_a_surname_does_not_match_when_it_names_another_gold_actor(g: GoldActor, p: Actor, expected: bool) -> None:
    assert speakers_match(g, p, GREENSPANS) is expected


MPS = [{("metropolitan", "police", "service"), ("met",), ("mps",)}]


@pytest.mark.parametrize(
    ("g", "p", "equivalents", "expected"),
    [
        (GoldRole("Commissioner", "Metropolitan Police Service"), Role("commissioner", "Met Police"), [], True),
        (GoldRole("Commissioner", "Metropolitan Police Service"), Role("Commissioner", "MPS"), [], True),
        (GoldRole("Commissioner", "Metropolitan Police Service"), Role("Commissioner", "Met"), MPS, True),
        (GoldRole("Commissioner", "Metropolitan Police Service"), Role("Commissioner", None), [], False),
        (GoldRole("Commissioner", "Metropolitan Police Service"),
         Role("Metropolitan Police Commissioner", None), [], True),             # 2 of 3 org words in the role
        (GoldRole("Mayor of London", None), Role("mayor", "London"), [], True),
        (GoldRole("Victims' Commissioner", "London"), Role("London Victims’ Commissioner", None), [], True),
        (GoldRole("executive member for crime and public protection", "London Councils"),
         Role("executive member", "London Councils"), [], True),                 # containment
        (GoldRole("policing and crime spokesperson", "London Assembly"),
         Role("crime spokesperson", "London Assembly"), [], True),
        (GoldRole("chairman", "Metropolitan Police Federation"),
         Role("chairman", "Metropolitan Police Service"), [], False),             # other organisation
        (GoldRole("constable", "Metropolitan Police Service"), Role("sergeant", "MPS"), [], False),
        (GoldRole("chairman", None), Role("chairman", None), [], True),
        (GoldRole("chief executive officer", None), Role("chief constable", None), [], False),  # Jaccard 1/4
    ],
)
def test_roles_match(g: GoldRole, p: Role, equivalents: list, expected: bool) -> None:
    assert roles_match(g, p, equivalents) is expected


def test_org_equivalents_come_from_gold_organisation_aliases() -> None:
    actors = [GoldActor("Metropolitan Police Service", "organisation", ["Met", "MPS"]), GoldActor("Ken Marsh")]
    assert org_equivalents(actors) == MPS
    assert organisations_match("the Met", "Metropolitan Police Service", org_equivalents(actors))


@pytest.mark.parametrize(
    ("g", "p", "expected"),
    [
        ((10, 20), (10, 20), 1.0),
        ((10, 20), (0, 100), 1.0),
        ((10, 20), (15, 30), 0.5),
        ((10, 20), (17, 18), 0.1),
        ((10, 20), (20, 30), 0.0),
    ],
)
def test_coverage_is_the_share_of_the_gold_span(g, p, expected) -> None:
    assert coverage(Item(*g, ""), Item(*p, "")) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("matcher", "gold", "preds", "expected"),
    [
        # threshold is exclusive: exactly 30% does not match
        ("ggt-0.3", [(0, 10)], [(0, 3)], []),
        ("ggt-0.3", [(0, 10)], [(0, 4)], [(0, 0)]),
        ("ggt-0.8", [(0, 10)], [(0, 8)], []),
        ("ggt-0.8", [(0, 10)], [(0, 9)], [(0, 0)]),
        # one prediction covering two gold quotes matches the first only (gold order)
        ("ggt-0.3", [(0, 10), (10, 20)], [(0, 20)], [(0, 0)]),
        # each gold quote takes the best free prediction
        ("ggt-0.3", [(0, 10), (10, 20)], [(0, 5), (0, 12), (12, 20)], [(0, 1), (1, 2)]),
        # ties go to the earliest prediction
        ("ggt-0.3", [(0, 10)], [(0, 10), (0, 10)], [(0, 0)]),
    ],
)
def test_greedy_one_to_one(matcher: str, gold, preds, expected) -> None:
    pairs = MATCHERS[matcher].match([Item(*g, "") for g in gold], [Item(*p, "") for p in preds], "")
    assert [(gi, pi) for gi, pi, _ in pairs] == expected


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ("a b c d", "a b c d e f", True),     # 2*4/10 = 0.8
        ("a b c d", "a", False),              # 2*1/5 = 0.4
        ("a b c d", "a b", True),             # 2*2/6 = 0.67
        ("a b c", "a d e", False),            # 2*1/6 = 0.33
        ("a b", "a c", True),                 # 2*1/4 = 0.5: the rule is >= 0.5
    ],
)
def test_dice_matcher(gold: str, pred: str, expected: bool) -> None:
    pairs = MATCHERS["dice"].match([Item(0, len(gold), gold)], [Item(50, 50 + len(pred), pred)], "")
    assert bool(pairs) is expected
