"""Text helpers of the evaluation: locating gold quotes in a document, word sets, names and roles.

Gold files give a statement's text, not its offsets, so each gold text is located in the document text of
the extract it is scored against. ``locate`` tries, in order: the exact substring; the substring after
normalising both sides (curly quotes to straight, dashes to ``-``, every run of white space to one space,
zero-width characters and soft hyphens dropped, ``…`` to ``...``); the same, case-folded, with quotation
marks and punctuation trimmed from the ends of the gold text. The offsets returned always refer to the
original document text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

# ------------------------------------------------------------------------------------------- normalising
_CHAR_MAP = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}
_DROP = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_EDGE = " \t\r\n\"'.,;:!?-()[]"


@dataclass(frozen=True)
class Normalised:
    """A normalised string and, for each of its characters, the index of the original character."""

    text: str
    index: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.index[start], self.index[end - 1] + 1


def normalise(text: str, *, fold_case: bool = False) -> Normalised:
    """Normalise quotes, dashes, white space and invisible characters, keeping a map to the original."""
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        if ch.isspace():
            if not in_space:
                out.append(" ")
                index.append(i)
            in_space = True
            continue
        in_space = False
        mapped = _CHAR_MAP.get(ch, ch)
        if fold_case:
            low = mapped.lower()
            mapped = low if len(low) == len(mapped) else mapped
        for c in mapped:
            out.append(c)
            index.append(i)
    return Normalised("".join(out), tuple(index))


_TRANSLATE = str.maketrans({**_CHAR_MAP, **dict.fromkeys(_DROP)})
_SPACES = re.compile(r"\s+")


def normal_text(text: str) -> str:
    """``normalise(text, fold_case=True).text`` without the offset map, fast (for word sets)."""
    return _SPACES.sub(" ", text.translate(_TRANSLATE)).lower()


# ---------------------------------------------------------------------------------------------- locating
EXACT, NORMALISED, FOLDED = "exact", "normalised", "folded"


def _occurrences(haystack: str, needle: str) -> list[int]:
    found, at = [], haystack.find(needle)
    while at >= 0 and needle:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def _bounded(text: str, start: int, end: int) -> bool:
    """True when the span neither starts nor ends inside a word (``no`` in ``not`` is not bounded)."""
    left = start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
    right = end >= len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
    return left and right


class Locator:
    """Locates the gold texts of one document, in gold order.

    A text found more than once is given the first occurrence that starts inside no word and ends inside
    no word, is not already taken by an earlier gold text, and starts at or after the previous gold text's
    start (gold files list statements in document order); failing that, the first free occurrence."""

    def __init__(self, document_text: str) -> None:
        self.text = document_text
        self._norm = normalise(document_text)
        self._folded = normalise(document_text, fold_case=True)
        self._taken: set[tuple[int, int]] = set()
        self._cursor = 0

    def _candidates(self, gold: str) -> tuple[str, list[tuple[int, int]]]:
        spans = [(s, s + len(gold)) for s in _occurrences(self.text, gold)]
        if spans:
            return EXACT, spans
        needle = normalise(gold).text.strip()
        spans = [self._norm.original_span(s, s + len(needle)) for s in _occurrences(self._norm.text, needle)]
        if spans:
            return NORMALISED, spans
        needle = normalise(gold, fold_case=True).text.strip(_EDGE)
        spans = [self._folded.original_span(s, s + len(needle)) for s in _occurrences(self._folded.text, needle)]
        return FOLDED, spans

    def locate(self, gold: str) -> tuple[str, tuple[int, int]] | None:
        """``(how, (start, end))`` of ``gold`` in the document, or None when it cannot be found."""
        how, spans = self._candidates(gold)
        if not spans:
            return None
        free = [sp for sp in spans if sp not in self._taken]
        bounded = [sp for sp in free if _bounded(self.text, *sp)]
        ordered = [sp for sp in bounded if sp[0] >= self._cursor]
        pick = (ordered or bounded or free or spans)[0]
        self._taken.add(pick)
        self._cursor = pick[0]
        return how, pick


def trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without quotation marks, white space and punctuation at its ends (for exact matching)."""
    while start < end and (text[start] in _EDGE or normalise(text[start]).text in ("'", '"', "-", "")):
        start += 1
    while end > start and (text[end - 1] in _EDGE or normalise(text[end - 1]).text in ("'", '"', "-", "", "...")):
        end -= 1
    return start, end


# ------------------------------------------------------------------------------------------------ words
_WORD = re.compile(r"\w+(?:'\w+)*")


@lru_cache(maxsize=16384)
def words(text: str) -> frozenset[str]:
    """The set of lower-case words of a text (apostrophes normalised, so ``don’t`` == ``don't``)."""
    return frozenset(_WORD.findall(normal_text(text)))


def dice(a: str, b: str) -> float:
    """Dice coefficient of the two texts' word sets: 2|A & B| / (|A| + |B|); 0 when both are empty."""
    wa, wb = words(a), words(b)
    if not wa and not wb:
        return 0.0
    return 2 * len(wa & wb) / (len(wa) + len(wb))


# ------------------------------------------------------------------------------------------------ names
PRONOUNS = frozenset(
    "i me my mine we us our ours you your he him his she her hers it its they them their theirs "
    "who whom whose which this that these those one someone somebody".split()
)
#: Stripped from the front of a name while another word follows: "Sen. Jon Tester" is "Jon Tester".
HONORIFICS = frozenset(
    "mr mrs ms miss mx dr dame sir lord lady baroness baron prof professor councillor cllr coun rev reverend "
    "hon honourable the a an sen senator rep representative gov governor justice judge president premier "
    "prime minister mayor deputy chief sgt sergeant det detective insp inspector const constable supt "
    "superintendent officer gen general col colonel capt captain lt cmdr commissioner mp mla mpp rabbi imam "
    "pastor bishop father sister brother".split()
)
_NAME_SUFFIXES = frozenset("jr sr ii iii iv".split())
_STOP = frozenset("the of for and a an in on to at by with from".split())
_TOKEN = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")


def _tokens(text: str) -> list[str]:
    """Case-folded word tokens; possessive ``'s`` off, inner apostrophes dropped (``O’Regan`` -> ``oregan``)."""
    text = unicodedata.normalize("NFKC", normalise(text, fold_case=True).text)
    text = re.sub(r"'s\b", "", text)
    toks = [t.strip("'") for t in _TOKEN.findall(text)]
    return [t.replace("'", "") for t in toks if t]


def name_tokens(name: str) -> tuple[str, ...]:
    """``"Dame Cressida Dick's"`` -> ``("cressida", "dick")``: folded, possessive, leading honorifics and titles
    (while a word follows) and trailing suffixes (``Jr``) off."""
    toks = _tokens(name)
    while len(toks) > 1 and toks[0] in HONORIFICS:
        toks.pop(0)
    while len(toks) > 1 and toks[-1] in _NAME_SUFFIXES:
        toks.pop()
    return tuple(toks)


def is_pronoun(mention: str) -> bool:
    toks = _TOKEN.findall(mention.lower())
    return len(toks) == 1 and toks[0] in PRONOUNS


def name_forms(name: str, aliases: Iterable[str]) -> set[tuple[str, ...]]:
    """Every non-pronoun way of naming an actor, as token tuples."""
    forms = set()
    for n in (name, *aliases):
        if n and not is_pronoun(n):
            toks = name_tokens(n)
            if toks:
                forms.add(toks)
    return forms


def acronym(tokens: tuple[str, ...]) -> str:
    """``("metropolitan", "police", "service")`` -> ``"mps"`` (stop words skipped)."""
    return "".join(t[0] for t in tokens if t not in _STOP)


def content_tokens(text: str | None) -> set[str]:
    """Lower-case tokens of a role or organisation string, without stop words and possessives."""
    if not text:
        return set()
    return set(_tokens(text)) - _STOP - {"s"}


def abbreviates(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """True when each token of ``short`` is a prefix (3+ letters) of the next unused token of ``long``, in
    order, and ``short`` is not longer: ``met police`` abbreviates ``metropolitan police service``."""
    short = tuple(t for t in short if t not in _STOP)
    long = tuple(t for t in long if t not in _STOP)
    if not short or len(short) > len(long):
        return False
    j = 0
    for tok in short:
        while j < len(long) and not (long[j].startswith(tok) and (len(tok) >= 3 or tok == long[j])):
            j += 1
        if j == len(long):
            return False
        j += 1
    return True
