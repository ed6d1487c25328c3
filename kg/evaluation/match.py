"""Matching predicted statements, speakers and roles to gold ones.

Statement matchers (each one-to-one):

``ggt-0.3`` / ``ggt-0.8``
    The Gender Gap Tracker protocol. The score of a (gold, prediction) pair is the share of the gold
    quote's characters (its span in the document text) that the prediction's span covers. Gold quotes are
    taken in gold order; each takes, among the predictions not yet taken, the one with the highest score,
    if that score *exceeds* the threshold (ties: the earliest prediction in the text).
``dice``
    The rule of ``../shared/EXTRACTS.md`` for the sample gold: Dice coefficient of the word sets
    ``>= 0.5``; same greedy order.
``exact`` (``kg eval --strict``)
    Same spans once quotation marks, white space and punctuation are trimmed from both ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from kg.evaluation.gold import GoldActor, GoldRole
from kg.evaluation.text import (abbreviates, acronym, content_tokens, dice, name_forms, name_tokens,
                                trimmed_span)
from kg.records import Actor, Role


@dataclass(frozen=True)
class Item:
    """A statement reduced to what matching needs: its span in the document text and its text."""

    start: int
    end: int
    text: str


def coverage(gold: Item, pred: Item) -> float:
    """Share of the gold span's characters inside the predicted span (GGT's asymmetric score)."""
    overlap = min(gold.end, pred.end) - max(gold.start, pred.start)
    return max(0, overlap) / (gold.end - gold.start) if gold.end > gold.start else 0.0


@dataclass(frozen=True)
class Matcher:
    """A named statement matcher: ``score`` of a pair and whether that score is a match."""

    name: str
    description: str
    score: Callable[[Item, Item, str], float]
    accepts: Callable[[float], bool]

    def match(self, gold: Sequence[Item], pred: Sequence[Item], text: str) -> list[tuple[int, int, float]]:
        """Greedy one-to-one matching in gold order: ``(gold index, pred index, score)`` triples."""
        free = list(range(len(pred)))
        pairs = []
        for gi, g in enumerate(gold):
            best, best_score = None, 0.0
            for pi in free:
                s = self.score(g, pred[pi], text)
                if self.accepts(s) and (best is None or s > best_score):
                    best, best_score = pi, s
            if best is not None:
                free.remove(best)
                pairs.append((gi, best, best_score))
        return pairs


def _exact(g: Item, p: Item, text: str) -> float:
    return 1.0 if trimmed_span(text, g.start, g.end) == trimmed_span(text, p.start, p.end) else 0.0


DICE_THRESHOLD = 0.5
GGT_THRESHOLDS = (0.3, 0.8)

def _above(threshold: float) -> Callable[[float], bool]:
    """``score > threshold``, with the threshold bound now (not at call time)."""
    return lambda s: s > threshold


MATCHERS: dict[str, Matcher] = {
    "dice": Matcher("dice", "word-set Dice >= 0.5 (EXTRACTS.md rule)",
                    lambda g, p, _t: dice(g.text, p.text), lambda s: s >= DICE_THRESHOLD),
    **{
        f"ggt-{t}": Matcher(f"ggt-{t}", f"prediction covers > {t:.0%} of the gold span (GGT)",
                            lambda g, p, _t: coverage(g, p), _above(t))
        for t in GGT_THRESHOLDS
    },
    "exact": Matcher("exact", "same span, quotes and punctuation trimmed (--strict)", _exact, lambda s: s == 1.0),
}


# --------------------------------------------------------------------------------------------- speakers
def surname(name: str) -> str | None:
    toks = name_tokens(name)
    return toks[-1] if toks else None


def _given_names_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Tokens before the surname: compatible when one side has none, or some token of one starts some token
    of the other (``Ken`` / ``Kenneth``, ``Sen. Jon`` / ``Jon``); ``Dorie`` / ``Michael`` are not."""
    if not a or not b:
        return True
    return any(x.startswith(y) or y.startswith(x) for x in a for y in b)


def speaker_match_kind(gold: GoldActor, pred: Actor) -> str | None:
    """``"name"`` (shared name, alias or acronym; anonymous for anonymous), ``"surname"`` (a gold person and
    a predicted actor, of any type but anonymous, with the same last name word and compatible given names),
    or None."""
    if gold.anonymous or pred.type == "anonymous":
        return "name" if gold.anonymous and pred.type == "anonymous" else None
    g_forms = name_forms(gold.name, gold.aliases)
    p_forms = name_forms(pred.name, pred.aliases)
    if g_forms & p_forms:
        return "name"
    g_acr = {acronym(f) for f in g_forms if len(f) > 1}
    p_acr = {acronym(f) for f in p_forms if len(f) > 1}
    g_single = {f[0] for f in g_forms if len(f) == 1}
    p_single = {f[0] for f in p_forms if len(f) == 1}
    if (g_acr & p_single) or (p_acr & g_single):
        return "name"
    if gold.type == "person":  # the predicted type may be wrong ("voters" as an organisation)
        g_toks, p_toks = name_tokens(gold.name), name_tokens(pred.name)
        if g_toks and p_toks and g_toks[-1] == p_toks[-1] and _given_names_compatible(g_toks[:-1], p_toks[:-1]):
            return "surname"
    return None


def speakers_match(gold: GoldActor, pred: Actor, others: Sequence[GoldActor] = ()) -> bool:
    """A predicted actor is the gold speaker when they share a name or alias (pronouns never count), when
    one is the other's acronym (``MPS``), or when the gold speaker is a person with the predicted actor's
    surname and compatible given names, unless the predicted actor shares a name or alias with another gold actor of the document
    (``others``): ``Greenspan`` is Dorie Greenspan, whose alias it is, not her son Michael Greenspan.
    A predicted anonymous actor matches any anonymous gold actor (``anonymous-N``) and nothing else."""
    kind = speaker_match_kind(gold, pred)
    if kind == "surname":
        return not any(o is not gold and o.name != gold.name and speaker_match_kind(o, pred) == "name"
                       for o in others)
    return kind == "name"


# ------------------------------------------------------------------------------------------------ roles
def organisations_match(a: str, b: str, equivalents: Sequence[set[tuple[str, ...]]] = ()) -> bool:
    """Loose organisation match: same tokens, one abbreviates the other (``Met Police`` / ``Metropolitan
    Police Service``, ``London`` / ``London Assembly``), an acronym (``MPS``), or both are names of the same
    gold organisation (its ``aliases``), given as ``equivalents``."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    if ta == tb or abbreviates(ta, tb) or abbreviates(tb, ta):
        return True
    if (len(ta) == 1 and ta[0] == acronym(tb)) or (len(tb) == 1 and tb[0] == acronym(ta)):
        return True
    return any(ta in forms and tb in forms for forms in equivalents)


def role_strings_match(a: str, b: str) -> bool:
    """Loose role match on content tokens (case, stop words and possessives ignored): one token set
    contains the other, or their Jaccard index is at least 0.5."""
    ta, tb = content_tokens(a), content_tokens(b)
    if not ta or not tb:
        return False
    return ta <= tb or tb <= ta or len(ta & tb) / len(ta | tb) >= 0.5


def roles_match(gold: GoldRole, pred: Role, equivalents: Sequence[set[tuple[str, ...]]] = ()) -> bool:
    """Role strings match loosely, and so do organisations: both absent; both present and matching; or
    one absent and at least half of the other's words inside the role string of the side without one
    (``Mayor of London`` with no organisation matches ``mayor`` of ``London``)."""
    if not role_strings_match(gold.role, pred.role):
        return False
    g_org, p_org = gold.organisation, pred.organisation
    if not g_org and not p_org:
        return True
    if g_org and p_org:
        return organisations_match(g_org, p_org, equivalents)
    org, other_role = (g_org, pred.role) if g_org else (p_org, gold.role)
    org_toks = content_tokens(org)
    return bool(org_toks) and len(org_toks & content_tokens(other_role)) >= len(org_toks) / 2


def org_equivalents(actors: Sequence[GoldActor]) -> list[set[tuple[str, ...]]]:
    """The name forms of each gold organisation, for ``organisations_match``."""
    return [name_forms(a.name, a.aliases) for a in actors if a.type == "organisation"]
