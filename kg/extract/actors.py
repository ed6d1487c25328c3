"""Actors: people and organisations named in a document, their aliases, and resolution of later mentions.

``find_mentions(doc)`` is a pure function from a parsed ``Doc`` to name mentions; ``ActorIndex`` clusters them
within the document ("Mr Khan" and "Sadiq Khan" are one person; "Dame Cressida" is Cressida Dick) and resolves
a span, a surname, a role noun ("the chairman") or a pronoun at a position to an actor.
"""

from __future__ import annotations

import re
from functools import lru_cache
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from kg.extract.nlp import text_of
from kg.extract.lexicon import Lexicons, lexicons, load_yaml

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_SPACES = re.compile(r"\s+")
PRONOUNS = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female", "hers": "female"}
ORG_LABELS = {"ORG"}
_MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
           "february", "march", "april", "june", "july", "august", "september", "october", "november", "december"}
PERSON_LABELS = {"PERSON"}


def clean_name(text: str) -> str:
    text = _SPACES.sub(" ", text.strip())
    text = _POSSESSIVE.sub("", text).strip()
    text = re.sub(r"^(?:the|The)\s+", "", text)
    return text.strip(" ,.;:-–—\"“”'‘’()")


@dataclass
class Mention:
    start: int
    end: int
    text: str  # as written, honorifics included ("Dame Dame Cressida Dick")
    name: str  # honorifics stripped ("Cressida Dick")
    type: str  # person | organisation
    honorifics: tuple[str, ...] = ()
    is_subject: bool = False


def _is_title_of_next(doc: Doc, ent: Span, following: list[Span], lex: Lexicons) -> bool:
    """A PERSON entity that runs into the next person's name through a possessive or a role noun."""
    if not following or following[0].label_ not in PERSON_LABELS:
        return False
    between = doc[ent.end:following[0].start]
    if len(between) > 3 or any(t.is_space or "\n" in t.text for t in between):
        return False
    if not len(between) and ent[-1].lower_ not in lex.role_nouns:
        return False
    return all(t.text in ("'", "’", "'s", "’s") or t.lower_ in lex.role_nouns or (t.is_title and t.pos_ in ("PROPN", "NOUN"))
               for t in between)


def _honorific(token_text: str, lex: Lexicons) -> bool:
    return token_text.lower().rstrip(".") in lex.honorifics


# Lines that name no actor however the model tags their words: bylines ("By Jane Doe"), photo credits and
# captions ("Photo: PA", "Credit: Getty Images").
_BYLINE_LINE = re.compile(r"^\s*by\s+\S", re.I)
_CREDIT = re.compile(r"\b(?:photo(?:graph)?s?|pictures?|images?|credits?|captions?|illustrations?)\s*(?::|by\b|/)",
                     re.I)
_LOCATIVE = {"in", "near", "outside", "around", "across", "throughout", "towards", "toward", "via", "inside"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}


@lru_cache(maxsize=1)
def _actor_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(words that never name an actor, last words of place names, last words of organisations' names)."""
    people = load_yaml("people.yaml")
    return (frozenset(w.lower() for w in people.get("non_actor_words", [])),
            frozenset(w.lower() for w in people.get("place_words", [])),
            frozenset(w.lower() for w in people.get("organisation_words", [])))


def organisation_words() -> frozenset[str]:
    return _actor_words()[2]


def _line_of(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, end if end >= 0 else len(text)


def furniture_line(line: str) -> bool:
    """A line that is no running text: a headline (words mostly capitalised, no closing full stop), a byline, a
    name alone on its line ("William Eichler", "William Eichler, Local Government Reporter"), a line in
    capitals, a photo credit or caption."""
    stripped = line.strip()
    if not stripped:
        return False
    if _BYLINE_LINE.match(stripped) or _CREDIT.search(stripped):
        return True
    words = re.findall(r"[^\W\d][\w'’-]*", stripped)
    if not words:
        return False
    if stripped[-1] in ".!?\"”’:;)…" and len(words) > 3:
        return False
    upper = sum(1 for w in words if w.isupper() and len(w) > 1)
    if len(words) >= 2 and upper / len(words) >= 0.7:
        return True  # A LINE IN CAPITALS
    small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "with", "by", "or", "as", "over"}
    capitalised = sum(1 for w in words if w[0].isupper() or w.lower() in small)
    return len(words) <= 14 and capitalised == len(words) and stripped[-1] not in ".!?"


def is_place_name(doc: Doc, ent: Span, place_words: frozenset[str]) -> bool:
    """A PERSON or ORG entity that names a place: the model tags the same words as a place elsewhere, it
    follows a locative preposition ("in Sittingbourne"), it is a constituency ("MP for Leeds North"), or its last
    word is a street-type word in a name of three words or more or after a preposition ("Charing Cross")."""
    prev = doc[ent.start - 1] if ent.start > 0 else None
    prev2 = doc[ent.start - 2] if ent.start > 1 else None
    if prev is not None and prev.lower_ == "the" and prev2 is not None:
        prev, prev2 = prev2, doc[ent.start - 3] if ent.start > 2 else None
    words = ent.text.split()
    after_prep = prev is not None and prev.lower_ in _LOCATIVE | {"at", "from", "to"}
    if words and _POSSESSIVE.sub("", words[-1].lower()) in place_words and (len(words) >= 3 or after_prep):
        return True
    if prev is not None and prev.lower_ in _LOCATIVE and ent.label_ in PERSON_LABELS:
        return True
    if prev is not None and prev.lower_ == "for" and prev2 is not None and prev2.lower_ in ("mp", "mla", "mpp",
                                                                                             "msp", "mep", "mayor"):
        return True
    return False


def find_mentions(doc: Doc, lex: Lexicons | None = None) -> list[Mention]:
    """People (PERSON) and organisations (ORG) named in ``doc``, with honorifics split off. Entities in lines
    that are no running text (headlines, bylines, photo credits), names of places and words that never name an
    actor ("Credit") are left out."""
    lex = lex or lexicons()
    non_actor, place_words, _ = _actor_words()
    text = text_of(doc)
    places = {e.text for e in doc.ents if e.label_ in PLACE_LABELS}
    line_cache: dict[int, bool] = {}
    out: list[Mention] = []
    ents = [e for e in doc.ents if e.label_ in PERSON_LABELS | ORG_LABELS and "\n" not in e.text]
    for n, ent in enumerate(ents):
        line_start, line_end = _line_of(text, ent.start_char)
        if line_start not in line_cache:
            line_cache[line_start] = furniture_line(text[line_start:line_end])
        if line_cache[line_start]:
            continue
        if ent.text in places or is_place_name(doc, ent, place_words):
            continue
        if all(w.lower().strip(".,:;") in non_actor for w in ent.text.split()):
            continue
        if ent.label_ in PERSON_LABELS and len(ent) == 1 and ent.text.isupper() and len(ent.text) > 3:
            continue  # "LONGER": a word in capitals, no name
        if ent.text.isupper() and not text[line_start:ent.start_char].strip() and \
                re.match(r"\s*(?:,[^—–\n]{0,40})?[—–-]", text[ent.end_char:ent.end_char + 45]):
            continue  # a dateline: "LEEDS — ...", "OTTAWA, Ont. — ..."
        if ent.label_ in PERSON_LABELS and _is_title_of_next(doc, ent, ents[n + 1:n + 2], lex):
            continue  # "London Victims’ Commissioner Claire Waxman": a title, not a person
        tokens = list(ent)
        if ent.label_ in PERSON_LABELS:
            # the small model often tags only the surname: take in given names before it ("Sadiq" Khan)
            j = ent.start - 1
            while j >= 0 and doc[j].pos_ == "PROPN" and doc[j].is_title and doc[j].dep_ == "compound" \
                    and doc[j].head.i in range(ent.start, ent.end) and not doc[j].ent_type_ \
                    and not _honorific(doc[j].text, lex) and doc[j].lower_ not in lex.role_nouns:
                tokens.insert(0, doc[j])
                j -= 1
        # honorifics inside the entity ("Dame Dame Cressida Dick") or just before it ("Mr" + "Khan")
        start_i = tokens[0].i
        while start_i > 0 and _honorific(doc[start_i - 1].text, lex) and doc[start_i - 1].is_title:
            start_i -= 1
        hon = [t.text.rstrip(".") for t in doc[start_i:ent.start]]
        while tokens and _honorific(tokens[0].text, lex):
            hon.append(tokens[0].text.rstrip("."))
            tokens = tokens[1:]
        hon = list(dict.fromkeys(hon))  # "Dame Dame Cressida Dick" (a doubled title) is Dame once
        while tokens and (tokens[-1].text in {"'s", "’s", "'", "’"} or tokens[-1].is_punct):
            tokens = tokens[:-1]
        if not tokens:
            continue
        kind = "person" if ent.label_ in PERSON_LABELS else "organisation"
        if kind == "organisation":  # "Labour’s London Assembly" -> "London Assembly"
            cut = [k for k, t in enumerate(tokens[:-1]) if t.text in ("'s", "’s", "'", "’")]
            if cut:
                tokens = tokens[cut[-1] + 1:]
                start_i = tokens[0].i
        name = clean_name(doc[tokens[0].i:tokens[-1].i + 1].text)
        if name.split()[0].lower().rstrip(".") in _MONTHS and (len(name.split()) == 1 or
                                                                 any(ch.isdigit() for ch in name)):
            continue  # "Mar 24, 2022" read as a person
        if kind == "person" and any(ch.isdigit() for ch in name):
            continue
        if not name or not any(c.isalpha() for c in name) or name.lower() in lex.honorifics:
            continue
        if kind == "person" and hon and len(name.split()) == 1 and not name[0].isupper():
            continue
        span = doc[start_i:tokens[-1].i + 1]
        is_subject = any(t.dep_ in ("nsubj", "nsubjpass") or
                         (t.dep_ in ("appos", "compound") and t.head.dep_ in ("nsubj", "nsubjpass"))
                         for t in span)
        out.append(Mention(span.start_char, span.end_char, span.text, name, kind, tuple(hon), is_subject))
    return out


@dataclass
class Cluster:
    key: str
    name: str
    type: str
    aliases: set[str] = field(default_factory=set)
    gender: str | None = None
    mentions: list[Mention] = field(default_factory=list)
    roles: list = field(default_factory=list)  # kg.records.Role, filled by kg.extract.roles

    def add(self, m: Mention, lex: Lexicons) -> None:
        self.mentions.append(m)
        if m.text != self.name:
            alias = clean_name(m.text) if not m.honorifics else m.text.strip()
            words = alias.split()
            # a title written twice ("Dame Dame Cressida Dick") is kept once
            alias = " ".join(w for k, w in enumerate(words) if k == 0 or w.lower() != words[k - 1].lower())
            self.aliases.add(alias)
        for h in m.honorifics:
            if h.lower() in lex.male:
                self.gender = self.gender or "male"
            elif h.lower() in lex.female:
                self.gender = self.gender or "female"


class _PersonNames:
    """The first of ``persons`` (in their order) whose name, last name or an alias is a given name; ``note`` a
    person again after its aliases grow."""

    def __init__(self, persons: list[Cluster]):
        self._rank = {id(c): n for n, c in enumerate(persons)}
        self._named: dict[str, dict[int, Cluster]] = {}
        for c in persons:
            self.note(c)

    def note(self, c: Cluster) -> None:
        if id(c) in self._rank:
            for key in (c.name, c.name.split()[-1], *c.aliases):
                self._named.setdefault(key, {})[id(c)] = c

    def __call__(self, name: str) -> Cluster | None:
        found = self._named.get(name)
        return min(found.values(), key=lambda c: self._rank[id(c)]) if found else None


class ActorIndex:
    """The actors of one document and how their mentions resolve."""

    def __init__(self, doc: Doc, mentions: list[Mention], lex: Lexicons | None = None):
        self.doc = doc
        self.lex = lex or lexicons()
        self.clusters: dict[str, Cluster] = {}
        # (mention, cluster) by mention start; ``_starts`` and ``_longest`` let look-ups bisect to the mentions
        # near a position instead of scanning them all (per look-up, that made long documents quadratic)
        self._by_mention: list[tuple[Mention, Cluster]] = []
        self._starts: list[int] = []
        self._longest = 0
        self._acronyms: dict[str, str] = {}
        self._build(mentions)

    # ----------------------------------------------------------------------------------------- build
    def _build(self, mentions: list[Mention]) -> None:
        lex = self.lex
        text = text_of(self.doc)
        # acronyms introduced as "Long Name (ABC)"
        for m in mentions:
            if m.type == "organisation":
                tail = text[m.end:m.end + 12]
                am = re.match(r"\s*\(([A-Z][A-Za-z&]{1,8})\)", tail)
                if am:
                    self._acronyms[am.group(1)] = m.name
        full = [m for m in mentions if m.type == "person" and len(m.name.split()) >= 2]
        single = [m for m in mentions if m.type == "person" and len(m.name.split()) < 2]
        orgs = [m for m in mentions if m.type == "organisation"]
        for m in full:
            # "Dame Cressida Dick" and "Cressida Dick" share a key; a longer name absorbs a shorter one
            # only when it is the same person written out ("Sadiq Khan" vs "Sadiq Aman Khan" is rare)
            c = self._cluster(m.name, "person")
            c.add(m, lex)
            self._by_mention.append((m, c))
        persons = [c for c in self.clusters.values() if c.type == "person"]
        # look-ups by a word of the name, made once (a scan of all people per mention was quadratic)
        by_word: dict[tuple[int, str], list[Cluster]] = {}
        for c in persons:
            words = c.name.split()
            by_word.setdefault((-1, words[-1]), []).append(c)
            by_word.setdefault((0, words[0]), []).append(c)
        for m in single:
            token = m.name
            by_last = by_word.get((-1, token), [])
            by_first = by_word.get((0, token), [])
            match = by_last if len(by_last) == 1 else by_first if len(by_first) == 1 else []
            c = match[0] if match else self._cluster(m.name, "person")
            c.add(m, lex)
            self._by_mention.append((m, c))
        person_named = _PersonNames([c for c in self.clusters.values() if c.type == "person"])
        for m in orgs:
            name = self._acronyms.get(m.name, m.name)
            person = person_named(name)
            if person is not None:  # the model sometimes tags a person's name as ORG
                person.add(m, lex)
                person_named.note(person)
                self._by_mention.append((m, person))
                continue
            c = self._cluster(name, "organisation")
            c.add(m, lex)
            if m.name != name:
                c.aliases.add(m.name)
            if c.type == "person":
                person_named.note(c)
            self._by_mention.append((m, c))
        for acronym, long_name in self._acronyms.items():
            if long_name.lower() in self.clusters:
                self.clusters[long_name.lower()].aliases.add(acronym)
        self._merge_short_org_names()
        self._by_mention.sort(key=lambda mc: mc[0].start)
        self._starts = [m.start for m, _ in self._by_mention]
        self._longest = max((m.end - m.start for m, _ in self._by_mention), default=0)

    def _merge_short_org_names(self) -> None:
        """"Met" and "Metropolitan Police" are "Metropolitan Police Service" when they begin its name word by word
        (each word a prefix of the longer one's). Between several such organisations, the one mentioned most
        (acronyms included) takes them; a tie merges nothing."""
        orgs = [c for c in self.clusters.values() if c.type == "organisation"]

        def shortens(short: list[str], long: list[str]) -> bool:
            return len(short) <= len(long) and short != long and \
                all(b.lower().startswith(a.lower()) for a, b in zip(short, long))

        # the organisations by their first word, lower-cased: the names a name shortens are among those whose
        # first word it begins, a range of this order (comparing every pair was quadratic)
        first = sorted((c.name.split()[0].lower() if c.name.split() else "", n) for n, c in enumerate(orgs))
        firsts = [f for f, _ in first]
        merged: dict[int, Cluster] = {}  # id(cluster) -> the cluster it went into
        for c in sorted(orgs, key=lambda c: len(c.name)):
            if c.key not in self.clusters:
                continue
            words = c.name.split()
            if words:
                p = words[0].lower()
                after = p[:-1] + chr(ord(p[-1]) + 1) if ord(p[-1]) < 0x10FFFF else p + "\U0010ffff"
                near = sorted(n for _, n in first[bisect_left(firsts, p):bisect_left(firsts, after)])
            else:
                near = list(range(len(orgs)))
            longer = [o for o in (orgs[n] for n in near)
                      if o is not c and o.key in self.clusters and shortens(words, o.name.split())]
            if not longer:
                continue
            # a cluster's mentions are the mentions indexed to it (the merges below keep it so)
            weight = {o.key: len(o.mentions) + sum(1 for m in o.mentions if m.name in o.aliases) for o in longer}
            best = max(weight.values())
            top = [o for o in longer if weight[o.key] == best]
            if len(top) != 1:
                continue
            target = top[0]
            target.aliases |= {c.name} | c.aliases
            target.mentions.extend(c.mentions)
            merged[id(c)] = target
            del self.clusters[c.key]
        if merged:
            def final(k: Cluster) -> Cluster:
                while id(k) in merged:
                    k = merged[id(k)]
                return k

            self._by_mention = [(m, final(k)) for m, k in self._by_mention]

    def _cluster(self, name: str, type_: str) -> Cluster:
        key = name.lower()
        c = self.clusters.get(key)
        if c is None:
            c = self.clusters[key] = Cluster(key, name, type_)
        return c

    def add_actor(self, name: str, type_: str, start: int | None = None, end: int | None = None,
                  is_subject: bool = True) -> Cluster:
        """An actor found as a speaker but not by the NER; with offsets, later mentions can resolve to it."""
        c = self._cluster(name, type_)
        if start is not None and end is not None:
            m = Mention(start, end, text_of(self.doc)[start:end], name, type_, (), is_subject)
            c.mentions.append(m)
            k = bisect_right(self._starts, start)  # after the mentions that start there too, as a stable sort
            self._by_mention.insert(k, (m, c))
            self._starts.insert(k, start)
            self._longest = max(self._longest, end - start)
        return c

    def _between(self, first: int, last: int) -> list[tuple[Mention, Cluster]]:
        """(mention, cluster) for the mentions that start in [first, last], in order."""
        return self._by_mention[bisect_left(self._starts, first):bisect_right(self._starts, last)]

    # --------------------------------------------------------------------------------------- resolve
    def at(self, start: int, end: int) -> Cluster | None:
        """The actor named by a mention overlapping [start, end), preferring people."""
        near = self._between(start - self._longest + 1, end - 1)  # a mention that overlaps starts in here
        hits = [c for m, c in near if m.start < end and start < m.end]
        people = [c for c in hits if c.type == "person"]
        return (people or hits or [None])[0]

    def resolve_name(self, text: str) -> Cluster | None:
        """A name as written in running text, honorifics stripped; a single word resolves to the one
        person whose first or last name it is."""
        words = [w for w in clean_name(text).split() if w.lower().rstrip(".") not in self.lex.honorifics]
        if not words:
            return None
        found = self.by_name(" ".join(words))
        if found is not None or len(words) > 1:
            return found
        persons = [c for c in self.clusters.values() if c.type == "person"]
        by_last = [c for c in persons if c.name.split()[-1] == words[0]]
        by_first = [c for c in persons if c.name.split()[0] == words[0]]
        return by_last[0] if len(by_last) == 1 else by_first[0] if len(by_first) == 1 else None

    def by_name(self, text: str) -> Cluster | None:
        name = clean_name(text)
        if not name:
            return None
        low = name.lower()
        if low in self.clusters:
            return self.clusters[low]
        if name in self._acronyms and self._acronyms[name].lower() in self.clusters:
            return self.clusters[self._acronyms[name].lower()]
        for c in self.clusters.values():
            if name in c.aliases:
                return c
        return None

    def by_role_noun(self, noun: str, before: int) -> Cluster | None:
        """'the chairman' -> the most recently mentioned actor holding a role with that noun."""
        noun = noun.lower()
        best: tuple[int, Cluster] | None = None
        for c in self.clusters.values():
            if any(noun in r.role.lower().split() for r in c.roles):
                last = max((m.start for m in c.mentions if m.start < before), default=-1)
                if last >= 0 and (best is None or last > best[0]):
                    best = (last, c)
        return best[1] if best else None

    def pronoun(self, word: str, position: int, last_speaker: Cluster | None = None,
                last_speaker_pos: int = -1, window: int = 1500) -> Cluster | None:
        """Resolve he/she/they at ``position``: the last speaker if recent and compatible, else the most
        recent compatible person mentioned as a subject, else the most recent compatible person."""
        w = word.lower()
        gender = PRONOUNS.get(w)
        if w in ("it", "they", "we"):
            # "it said" / "they said": the last organisation (or group) that spoke or was named as a subject
            if last_speaker is not None and last_speaker.type == "organisation" and \
                    position - last_speaker_pos < window:
                return last_speaker
            for m, c in reversed([(m, c) for m, c in self._between(position - window + 1, position)
                                  if m.end <= position and position - m.start < window]):
                if c.type == "organisation" and m.is_subject:
                    return c
            return None
        if gender is None:
            return None  # some, others, one...: not resolved to one actor

        def fits(c: Cluster) -> bool:
            return c.type == "person" and (gender is None or c.gender in (None, gender))

        if last_speaker is not None and fits(last_speaker) and position - last_speaker_pos < window:
            # only when no other compatible person was named as a subject after the last speaker's turn
            rivals = [c for m, c in self._between(last_speaker_pos + 1, position - 1)
                      if last_speaker_pos < m.start < position and m.is_subject and fits(c) and c is not last_speaker]
            if not rivals:
                return last_speaker
        earlier = [(m, c) for m, c in self._between(position - window + 1, position)
                   if m.end <= position and position - m.start < window]
        # people introduced by a full name or an honorific first; a lone word ("Stella's") may be no person
        for strict in (True, False):
            for want_subject in (True, False):
                for m, c in reversed(earlier):
                    if fits(c) and (m.is_subject or not want_subject) and \
                            (not strict or len(c.name.split()) > 1 or c.gender is not None):
                        return c
        return None
