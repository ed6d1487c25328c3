"""Statements in articles: direct quotes and reported speech, each attributed to a speaker.

``quote_spans(text)`` finds quoted spans from the characters alone (straight and curly marks, paragraphs that
continue a quote, unbalanced marks that never crash); ``find_statements(doc, index)`` attributes each quote to
the speaker of the nearest reporting verb (or the previous speaker for a floating paragraph, or the holder of a
possessive), skips scare quotes and titles of works, and adds reported speech ("X said (that) ...",
"according to X, ...") that no quote covers. Both are pure functions of their inputs.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from dataclasses import dataclass, field
from itertools import accumulate

from spacy.tokens import Doc, Span, Token

from kg.extract.actors import ActorIndex, Cluster, clean_name
from kg.extract.nlp import text_of
from kg.extract.lexicon import Lexicons, lexicons, load_yaml

OPENERS = {"“", "«", "„", '"', "‘‘", "''"}
CLOSERS = {"”", "»"}
NAMING_VERBS = {"call", "title", "entitle", "dub", "name", "label", "brand", "headline", "term", "nickname"}
# Verbs that characterise their object: "calls it a rookie mistake", "described the plan as a betrayal".
# Verbs whose object is the hearer, not the subject of what is reported ("told reporters that ...").
HEARER_VERBS = {"tell", "ask", "remind", "inform", "urge", "warn", "advise", "assure", "convince", "persuade"}
CHARACTERISING_VERBS = {"call", "describe", "label", "brand", "dub", "term", "characterise", "characterize"}
_PRONOUN_WORDS = {"i", "you", "he", "she", "it", "we", "they", "him", "her", "us", "them", "one", "some", "others",
                  "who", "that", "which", "this", "these", "those", "someone", "anyone", "everyone", "nobody"}
_ALNUM = re.compile(r"\w")  # a line of only "." or "*" is no paragraph
_PARA = re.compile(r"\n\s*\n|\n")


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # first character inside the marks (whitespace trimmed)
    end: int  # end excluded
    open_mark: int  # position of the opening mark
    close_mark: int | None  # position of the closing mark, None when the paragraph ends first
    paragraph: int


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line-delimited paragraph."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        if _ALNUM.search(text, pos, m.start()):
            out.append((pos, m.start()))
        pos = m.end()
    if _ALNUM.search(text, pos):
        out.append((pos, len(text)))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# An opening mark: “ « „ ", two single marks ‘‘ or '' used as one, or a misprinted ” that opens (space or bracket
# before it, a letter after it). A closing mark: ” » ", two single marks ’’ or '', or a misprinted “ that closes.
_OPEN = re.compile(r"‘‘|‘’(?=\w)|''|[“«„\"]|(?:(?<=^)|(?<=[\s(\[]))”(?=\w)")
_CLOSE = {
    "«": re.compile(r"»"),
    "default": re.compile(r"’’|''|[”\"]|(?<=[^\s])“(?=[\s,.;:!?)]|$)"),
}


# A single mark that opens a quote (British style): ‘ or ' at the start of a word, after a space, a bracket, a
# double mark or a dash, followed by a word or an ellipsis; never an elision ('90s, 'n', 'em, 'til, 'cause).
_SINGLE_OPEN = re.compile(r"(?:(?<=[\s(\[“\"—–])|(?<=^))[‘'](?=[\w…“\"]|\.\.\.)")
_ELISION = re.compile(r"(?:\d\d(?:s|’s|'s)?\b|n['’]|em\b|til\b|cause\b|twas\b|tis\b|round\b|bout\b)", re.I)
_SINGLE_MARKS = "’'"


def _single_close(text: str, start: int, end: int) -> int | None:
    """The closing single mark of a quote opened before ``start``: a ’ or ' after a non-space that no letter
    or digit follows (so not don’t, o'clock). A mark after an s that a word follows may be a plural possessive
    (the Smiths’ house): a later candidate in the paragraph wins over it."""
    first_possessive: int | None = None
    k = start
    while k < end:
        k = min((j for j in (text.find(c, k, end) for c in _SINGLE_MARKS) if j >= 0), default=-1)
        if k < 0:
            break
        prev = text[k - 1] if k > start else " "
        nxt = text[k + 1] if k + 1 < end else ""
        if not prev.isspace() and not nxt.isalnum():
            if prev in "sS" and nxt == " " and k + 2 < end and text[k + 2].isalpha():
                if first_possessive is None:
                    first_possessive = k
            else:
                return k
        k += 1
    return first_possessive


def quote_spans(text: str) -> list[QuoteSpan]:
    """Quoted spans, one per contiguous quotation, never crossing a paragraph. An opening mark with no closing
    mark before the paragraph ends quotes to the paragraph's end (the convention for quotes that continue in
    the next paragraph); a stray closing mark is ignored; common misprints (’’ for ”, ” for “) are read as meant.
    Single marks (‘…’, '…') quote too, told apart from apostrophes (don't, the Smiths' house, rock 'n' roll,
    the '90s); a straight ' with no closing mark quotes on only when it opens its paragraph."""
    out: list[QuoteSpan] = []
    for n, (p_start, p_end) in enumerate(paragraphs(text)):
        i = p_start
        while i < p_end:
            m = _OPEN.search(text, i, p_end)
            ms = _SINGLE_OPEN.search(text, i, p_end)
            while ms is not None and _ELISION.match(text, ms.end()):
                ms = _SINGLE_OPEN.search(text, ms.end(), p_end)
            if ms is not None and (m is None or ms.start() < m.start()):
                o = ms.start()
                c_pos = _single_close(text, ms.end(), p_end)
                if c_pos is None and text[o] == "'" and text[p_start:o].strip():
                    i = ms.end()  # a lone straight mark inside running text: an apostrophe, not a quote
                    continue
                s, e = _trim(text, ms.end(), c_pos if c_pos is not None else p_end)
                if e > s and any(ch.isalnum() for ch in text[s:e]):
                    out.append(QuoteSpan(s, e, o, c_pos, n))
                i = c_pos + 1 if c_pos is not None else p_end
                continue
            if m is None:
                break
            o = m.start()
            if m.group(0) == '"' and o > p_start and text[o - 1].isalnum() and m.end() < p_end \
                    and text[m.end()].isalnum():
                i = m.end()  # inch marks and the like: 5"6
                continue
            closer = _CLOSE.get(m.group(0), _CLOSE["default"])
            c = closer.search(text, m.end(), p_end)
            s, e = _trim(text, m.end(), c.start() if c else p_end)
            if e > s and any(ch.isalnum() for ch in text[s:e]):
                out.append(QuoteSpan(s, e, o, c.start() if c else None, n))
            i = c.end() if c else p_end
    return out


@dataclass
class Found:
    """A statement before actor ids exist: offsets, kind, the speaker's cluster and how it was found."""

    start: int
    end: int
    kind: str  # direct | indirect
    speaker: Cluster
    cue: str
    confidence: float
    frame: tuple[int, int] | None = None  # offsets of the attributing words (verb phrase), for stance
    paragraph: int = 0
    evidence: list = field(default_factory=list)


class _Attributor:
    def __init__(self, doc: Doc, index: ActorIndex, lex: Lexicons):
        self.doc, self.index, self.lex = doc, index, lex
        self.text = text_of(doc)
        self.paras = paragraphs(text_of(doc))
        self.para_starts = [p[0] for p in self.paras]
        self.last_speaker: Cluster | None = None
        self.last_speaker_pos = -1
        self.last_speaker_para = -10
        self.quoted: list[bool] | None = None

    def para_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, pos) - 1)

    # ------------------------------------------------------------------------------- speaker phrase
    def speaker_of_token(self, tok: Token, speech: bool = False) -> Cluster | None:
        """Resolve a subject (or 'according to' object) token to an actor; ``speech``: it is the subject of a
        verb of saying that governs a quote, so any noun phrase may be the speaker."""
        lex, index = self.lex, self.index
        if self.quoted is not None and self.quoted[tok.i]:
            return None  # words inside a quote do not speak
        if tok.lower_ in lex.non_speakers or tok.lemma_.lower() in lex.non_speakers:
            return None
        if tok.lemma_.lower() in _document_nouns() and tok.pos_ == "NOUN":
            return self.document_owner(tok, speech)
        left = min(t.idx for t in tok.subtree)
        right = max(t.idx + len(t) for t in tok.subtree)
        # do not let a long subject swallow a clause: use the token's own noun phrase
        np_tokens = [t for t in tok.subtree if t.i <= tok.i or t.dep_ in ("appos", "prep", "pobj", "compound")]
        if np_tokens:
            left = min(t.idx for t in np_tokens)
            right = max(t.idx + len(t) for t in np_tokens)
        if tok.lower_ in ("who", "that", "which") and tok.head.dep_ == "relcl":
            return self.speaker_of_token(tok.head.head)
        if tok.lower_ in _PRONOUN_WORDS:
            found = index.pronoun(tok.text, tok.idx, self.last_speaker, self.last_speaker_pos)
            if found is None and tok.lower_ == "they":
                # "Republican senators are eager ..., and they say ...": the plural subject just before
                sents = [tok.sent] + ([self.doc[tok.sent.start - 1].sent] if tok.sent.start > 0 else [])
                for sent in sents:
                    for t in reversed([t for t in sent if t.i < tok.i]):
                        if t.dep_ == "nsubj" and t.tag_ in ("NNS", "NNPS") and t.lower_ not in lex.non_speakers:
                            return self.speaker_of_token(t, speech=True)
            return found
        found = index.at(tok.idx, tok.idx + len(tok))
        if found is not None:
            return found
        low = tok.lemma_.lower()
        role_subject = tok.pos_ == "NOUN" and tok.tag_ == "NN" and low in lex.role_nouns and \
            any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children)
        for child in tok.children:  # "the founder of the shop, Ana Ruiz", "Tom Lee's father, Joseph"
            if child.dep_ == "appos" and child.pos_ == "PROPN":
                found = self.speaker_of_token(child, speech)
                if found is not None:
                    return found
        if tok.pos_ == "NOUN":
            # a common noun's own phrase, not its possessor or the object of its preposition: "Tom Lee's staff"
            # and "the founder of Studio Press" are neither Tom Lee nor Studio Press
            aside = {t.i for c in tok.children if c.dep_ in ("poss", "prep") for t in c.subtree}
            own = [t for t in np_tokens if t.i not in aside]
            found = index.at(min(t.idx for t in own), max(t.idx + len(t) for t in own)) if own else None
        else:
            found = index.at(left, right)
        if found is not None and not (role_subject and found.type == "organisation"):
            return found
        if (tok.pos_ == "PROPN" or tok.pos_ == "PRON" and tok.lower_ not in _PRONOUN_WORDS) and tok.text[:1].isupper():
            parts = [t for t in tok.subtree if t.dep_ in ("compound", "flat") or t.i == tok.i]
            name = " ".join(t.text for t in parts)
            known = index.resolve_name(name)
            if known is not None:
                return known
            name = " ".join(w for w in clean_name(name).split() if w.lower().rstrip(".") not in lex.honorifics)
            if name and name.lower() not in lex.non_speakers:
                kind = _proper_kind(tok, name)
                if kind is None:
                    return None  # a place or a building does not speak
                return index.add_actor(name, kind, parts[0].idx, parts[-1].idx + len(parts[-1]))
        if low in lex.role_nouns or low in lex.speaker_nouns:
            det = [c for c in tok.children if c.dep_ == "det"]
            definite = bool(det) and det[0].lower_ == "the" and tok.tag_ == "NN"
            if definite and low in lex.role_nouns:
                by_role = index.by_role_noun(low, tok.idx)
                if by_role is not None:
                    return by_role
                recent = self._recent_person(tok)
                if recent is not None:
                    return recent
            spokes = low in lex.spokes_nouns
            # "a spokesperson for the Home Office" -> the Home Office
            for child in tok.children:
                if spokes and child.dep_ == "prep" and child.lower_ in ("for", "of", "at", "from"):
                    for pobj in child.children:
                        org = index.at(pobj.idx, pobj.idx + len(pobj))
                        if org is not None:
                            return org
            name = self._noun_phrase(tok)
            if name:
                plural = tok.tag_ in ("NNS", "NNPS")
                return index.add_actor(name, "organisation" if plural else "person")
        if speech and tok.pos_ in ("NOUN", "PROPN", "ADJ") and low not in lex.non_speakers:
            # any noun phrase that says something in so many words: "says my two-year-old"
            name = self._noun_phrase(tok)
            if name and name.lower() not in lex.non_speakers:
                return index.add_actor(name, "organisation" if tok.tag_ in ("NNS", "NNPS") else "person")
        return None

    def document_owner(self, tok: Token, speech: bool = False, fallback: bool = True) -> Cluster | None:
        """The author a document noun speaks for: "the letter said", "a statement from the Home Office said",
        "the council's letter", "a statement e-mailed by X", "the RCMP statement"; with ``fallback``, a
        document with no author named speaks for the speaker just before or the organisation named last."""
        for child in tok.children:
            if child.dep_ == "poss":
                return self.speaker_of_token(child)
            if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return self.speaker_of_token(pobj, speech)
            if child.dep_ == "acl":  # "a statement e-mailed to The Globe by Reagan Ruslim"
                for agent in child.children:
                    if agent.dep_ == "agent" or (agent.dep_ == "prep" and agent.lower_ in ("by", "from")):
                        for pobj in agent.children:
                            if pobj.dep_ == "pobj":
                                return self.speaker_of_token(pobj, speech)
        names = [c for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
        if names:  # "the RCMP statement", "the Sensei website"
            return self.speaker_of_token(names[-1], speech)
        # "A statement said ...": the speaker just before (in this paragraph or the one before), else the
        # organisation that spoke or was named last (as "it said" resolves)
        if not fallback:
            return None
        if self.last_speaker is not None and self.para_of(tok.idx) - self.last_speaker_para <= 1:
            return self.last_speaker
        return self.index.pronoun("it", tok.idx, self.last_speaker, self.last_speaker_pos)

    def _recent_person(self, tok: Token) -> Cluster | None:
        """The person a definite role noun refers back to when no one holds that role by name: "I'm talking
        about Ana Ruiz, who ... “...,” says the founder of the shop" -> the person named last before it, in its
        paragraph or the one before, by a full name, and not inside the role phrase itself."""
        para = self.para_of(tok.idx)
        first = self.paras[max(0, para - 1)][0]
        inside = (min(t.idx for t in tok.subtree), max(t.idx + len(t) for t in tok.subtree))
        for m, c in reversed(self.index._between(first, tok.idx - 1)):
            if inside[0] <= m.start < inside[1] or (self.quoted is not None and self._in_quote(m.start)):
                continue
            if c.type == "person" and len(c.name.split()) > 1:
                return c
            if c.type == "person":
                return None
        return None

    def _in_quote(self, pos: int) -> bool:
        span = self.doc.char_span(pos, pos + 1, alignment_mode="expand")
        return span is not None and len(span) > 0 and bool(self.quoted and self.quoted[span[0].i])

    def _noun_phrase(self, tok: Token) -> str:
        """The speaker's whole noun phrase, determiners dropped: "one veteran of the infrastructure projects",
        "immigration lawyers and experts", "a person familiar with the talks" -> "person familiar with the talks"."""
        keep = {"compound", "amod", "nummod", "nmod", "prep", "pobj", "conj", "cc", "acl", "npadvmod", "advmod",
                "quantmod", "punct", "poss", "case", "det", "pcomp", "dobj", "agent", "nsubj"}
        words: list[Token] = []

        def walk(t: Token) -> None:
            words.append(t)
            for c in t.children:
                if c.dep_ in keep and not (self.quoted is not None and self.quoted[c.i]) and \
                        not (c.dep_ == "punct" and c.text not in ("-", "–")):
                    walk(c)

        walk(tok)
        words.sort(key=lambda t: t.i)
        run = [w for w in words if tok.left_edge.i <= w.i <= tok.right_edge.i]
        while run and (run[0].dep_ == "det" or run[0].is_punct):
            run = run[1:]  # (a possessor stays: "Tom Lee's staff" is not Tom Lee nor any staff)
        if run and run[0].dep_ == "poss" and run[0].lower_ in _PRONOUN_WORDS | {"his", "her", "its", "their",
                                                                                "our", "my", "your"}:
            run = run[1:]  # "his staff" -> "staff"
        while run and (run[-1].is_punct or run[-1].dep_ in ("cc", "prep")):
            run = run[:-1]
        if not run or len(run) > 10:
            return clean_name(tok.text)
        return clean_name(self.doc[run[0].i:run[-1].i + 1].text)

    def subject_of(self, verb: Token) -> Token | None:
        if not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
            # an inverted speaker read as an object: "“...,” points out Ana Ruiz"
            if any(c.dep_ == "ccomp" and c.i < verb.i for c in verb.children) or \
                    (verb.i > 0 and verb.doc[verb.i - 1].text == "," and verb.dep_ in ("conj", "parataxis", "advcl")):
                for c in verb.children:
                    if c.dep_ in ("dobj", "attr") and c.i > verb.i and c.pos_ == "PROPN":
                        return c
        v = verb
        for _ in range(4):
            subjects = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass") and not c.is_punct
                        and not (self.quoted is not None and self.quoted[c.i])]
            if subjects:
                # two subjects is a misparse of "London Victims’ Commissioner Claire Waxman": prefer a person
                named = [c for c in subjects
                         if (found := self.index.at(c.idx, c.idx + len(c))) is not None and found.type == "person"]
                return (named or subjects)[-1 if named else 0]
            for child in v.children:  # passive: "it was said by X"
                if child.dep_ == "agent":
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            return pobj
            if v.dep_ in ("advcl", "xcomp", "conj", "ccomp", "acl", "pcomp") and v.head is not v:
                v = v.head
            else:
                break
        # the small model sometimes splits "Vickers | said he ..." into two sentences: take the name before
        if v.i > 0 and v.i == v.sent.start:
            prev = v.doc[v.i - 1]
            if prev.pos_ in ("PROPN", "NOUN") and "\n" not in prev.text_with_ws and not prev.is_punct and \
                    not (self.quoted is not None and self.quoted[prev.i]):
                return prev
        return None

    def note_speaker(self, cluster: Cluster, pos: int) -> None:
        self.last_speaker, self.last_speaker_pos = cluster, pos
        self.last_speaker_para = self.para_of(pos)


@lru_cache(maxsize=1)
def _document_nouns() -> frozenset[str]:
    return frozenset(str(w).lower() for w in load_yaml("reporting.yaml").get("document_nouns", []))


def _proper_kind(tok: Token, name: str) -> str | None:
    """The type of an actor found as a proper-noun speaker: an organisation when the model tags it ORG or as a
    group (NORP: "Labour"), when it names a place speaking as an institution (GPE: "Ottawa said") or when its
    last word is an organisation's ("Kent County Council"); None for other places (LOC, FAC) and buildings."""
    from kg.extract.actors import organisation_words

    if tok.ent_type_ in ("LOC", "FAC"):
        return None
    if tok.ent_type_ in ("ORG", "NORP", "GPE") or name.split()[-1].lower() in organisation_words():
        return "organisation"
    return "person"


def _is_reporting(tok: Token, lex: Lexicons) -> bool:
    lemma = tok.lemma_.lower()
    return tok.pos_ in ("VERB", "AUX") and (lemma in lex.speech or lemma in lex.cognition)


def _according(tok: Token) -> Token | None:
    """'according to X' -> X."""
    if tok.lower_ == "according":
        for child in tok.children:
            if child.lower_ == "to":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj
    return None


def _title_like(text: str) -> bool:
    """Capitalised like a title of a work or a programme: “The Kid Who Would Be King”, “Face the Nation”."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text)]
    small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "with", "by", "or"}
    capitalised = all(w[0].isupper() or w.lower() in small for w in words)
    if not (0 < len(words) <= 8 and capitalised and words[0][0].isupper()):
        return False
    stripped = text.rstrip()
    return not stripped.endswith(("?", "!")) and (len(words) >= 2 or not stripped.endswith((".", ",")))


def find_statements(doc: Doc, index: ActorIndex, lex: Lexicons | None = None,
                    skip_before: int = 0) -> list[Found]:
    """Direct quotes and reported speech in ``doc``, attributed; sorted by offset."""
    lex = lex or lexicons()
    att = _Attributor(doc, index, lex)
    all_quotes = quote_spans(text_of(doc))
    quotes = [q for q in all_quotes if q.start >= skip_before]
    quoted = [False] * (len(doc) + 1)
    for q in all_quotes:
        span = doc.char_span(q.open_mark, q.close_mark + 1 if q.close_mark is not None else q.end,
                             alignment_mode="expand")
        if span is not None:
            for t in span:
                quoted[t.i] = True
    att.quoted = quoted
    found: list[Found] = []
    # walk quotes and reported speech in text order, so "the last speaker" is always the previous one
    events: list[tuple[int, str, object]] = [(q.start, "quote", q) for q in quotes]
    for tok in doc:
        if tok.idx < skip_before or quoted[tok.i]:
            continue
        if _is_reporting(tok, lex) or _according(tok) is not None:
            events.append((tok.idx, "verb", tok))
    events.sort(key=lambda e: (e[0], e[1]))
    quote_ranges = _QuoteRanges(quotes)
    by_quote: dict[int, Found | None] = {}

    for pos, what, obj in events:  # noqa: B007
        if what == "quote":
            f = _attribute_quote(doc, obj, att, quoted, lex)  # type: ignore[arg-type]
            by_quote[obj.start] = f  # type: ignore[union-attr]
        else:
            f = _reported(doc, obj, att, quoted, quote_ranges, lex)  # type: ignore[arg-type]
        if f is not None:
            found.append(f)
            att.note_speaker(f.speaker, f.end)
    _speak_chains(quotes, by_quote, att, found)
    _run_on(doc, att, quoted, found, lex)
    # a reported clause that quotes fragments is one statement: the fragments are not statements of their own
    # (a direct statement inside an indirect one that starts before it: the indirect ones by start, with the
    # furthest end among those that start before each, so each look-up is a bisection, not a scan)
    indirect = sorted((f.start, f.end) for f in found if f.kind == "indirect")
    starts = [s for s, _ in indirect]
    reach = list(accumulate((e for _, e in indirect), max))
    found = [f for f in found if not (f.kind == "direct" and (k := bisect.bisect_left(starts, f.start)) > 0
                                      and reach[k - 1] >= f.end)]
    found.sort(key=lambda f: (f.start, f.end))
    out: list[Found] = []
    for f in found:
        # ``out`` holds disjoint statements sorted by start, none starting after ``f``: those that overlap ``f``
        # are the ones at its end that reach past f.start
        k = len(out)
        while k > 0 and out[k - 1].end > f.start:
            k -= 1
        clash = out[k:]
        if not clash:
            out.append(f)
        elif f.kind == "direct" and all(g.kind == "indirect" for g in clash):
            del out[k:]
            out.append(f)
    return out


def _speak_chains(quotes: list[QuoteSpan], by_quote: dict[int, Found | None], att: _Attributor,
                  found: list[Found]) -> None:
    """A quote over several paragraphs has an opening mark on each and a closing mark only at its end; the
    speaker named anywhere in it (usually after its last part: "..., she said.") speaks all of it. A part
    before the first attributed one takes that speaker (it had none, or only the previous speaker's)."""
    text = att.text
    chain: list[QuoteSpan] = []

    def settle() -> None:
        if len(chain) < 2:
            return
        named = next((k for k, q in enumerate(chain) if (f := by_quote.get(q.start)) is not None
                      and f.cue != "continuation"), None)
        if not named:
            return  # none named, or the first part is: the continuation rule already gave them its speaker
        speaker = by_quote[chain[named].start].speaker  # type: ignore[union-attr]
        for q in chain[:named]:
            f = by_quote.get(q.start)
            if f is None:
                f = Found(q.start, q.end, "direct", speaker, "continuation", 0.7, paragraph=q.paragraph)
                by_quote[q.start] = f
                found.append(f)
            else:
                f.speaker, f.cue = speaker, "continuation"

    for q in quotes:
        starts_para = not text[att.paras[q.paragraph][0]:q.open_mark].strip()
        if chain and chain[-1].close_mark is None and q.paragraph == chain[-1].paragraph + 1 and starts_para:
            chain.append(q)
            continue
        settle()
        chain = [q] if starts_para else []
    settle()


_BACKSHIFT = {"would", "'d", "’d"}  # could, might and should are as often the writer's own


def _run_on(doc: Doc, att: _Attributor, quoted: list[bool], found: list[Found], lex: Lexicons) -> None:
    """Reported speech goes on in the next sentence without a verb of saying when the sentence keeps the
    reported tense ("She said the council would cut routes. The savings would pay for repairs."): a sentence
    right after an indirect statement in the same paragraph, with the backshifted "would" on
    its main verb, no quote, no verb of saying and no new named speaker, continues the same speaker."""
    text = att.text
    taken = sorted((f.start, f.end) for f in found)
    starts = [a for a, _ in taken]
    for f in [f for f in found if f.kind == "indirect" and f.cue != "according to"]:
        end_tok = doc.char_span(f.start, f.end, alignment_mode="expand")
        if end_tok is None or not len(end_tok):
            continue
        sent = end_tok[-1].sent
        if sent.end >= len(doc):
            continue
        nxt = doc[sent.end].sent
        if nxt.start < sent.end:
            continue
        between = text[sent.end_char:nxt.start_char]
        if "\n" in between:
            continue  # a new paragraph: reported speech runs on within its paragraph only
        words = [t for t in nxt if not t.is_punct and not t.is_space]
        if len(words) < 5 or not nxt.text.rstrip().endswith("."):
            continue
        if any(quoted[t.i] for t in nxt) or any(_is_reporting(t, lex) or _according(t) is not None for t in nxt):
            continue
        root = nxt.root
        if not (root.lower_ in _BACKSHIFT or any(c.dep_ in ("aux", "auxpass") and c.lower_ in _BACKSHIFT
                                                   for c in root.children)):
            continue
        subj = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subj and subj[0].lower_ in ("one", "this", "that", "these", "those", "another"):
            continue  # "One would be a temporary measure": the writer's, about things just named
        if subj and (other := att.index.at(subj[0].idx, subj[0].idx + len(subj[0]))) is not None \
                and other is not f.speaker and other.type == "person":
            continue  # a new person does the would-ing: the writer's sentence about them
        s, e = _trim(text, nxt.start_char, nxt.end_char)
        k = bisect.bisect_left(starts, e)
        if k > 0 and max(b for _, b in taken[max(0, k - 3):k]) > s:
            continue  # a statement there already
        found.append(Found(s, e, "indirect", f.speaker, "continuation", 0.6, paragraph=att.para_of(s)))


class _QuoteRanges:
    """The quotes' ranges in text order: the opening mark, the end of the closing mark (or of the quote when
    it runs to its paragraph's end) and the end of the quoted words. Quotes do not overlap, so both the opening
    and the closing positions increase, and the look-ups bisect."""

    def __init__(self, quotes: list[QuoteSpan]):
        rows = sorted((q.open_mark, (q.close_mark + 1) if q.close_mark is not None else q.end, q.end) for q in quotes)
        self.opens = [a for a, _, _ in rows]
        self.closes = [b for _, b, _ in rows]
        self.content_ends = [c for _, _, c in rows]

    def run_on(self, start: int, end: int) -> int:
        """``end``, moved to the end of the words of each quote that opens in [start, end) as it grows."""
        k = bisect.bisect_left(self.opens, start)
        while k < len(self.opens) and self.opens[k] < end:
            end = max(end, self.content_ends[k])
            k += 1
        return end

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a quote (marks included) overlaps [start, end)."""
        k = bisect.bisect_left(self.opens, end)  # the quotes that open before ``end``; the last closes latest
        return k > 0 and self.closes[k - 1] > start


def _attribute_quote(doc: Doc, q: QuoteSpan, att: _Attributor, quoted: list[bool], lex: Lexicons) -> Found | None:
    text = text_of(doc)
    span = doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    n_words = sum(1 for t in span if not t.is_punct)
    if n_words <= 2 and not re.search(r"[.!?]\W*$", text[q.start:q.end]):
        return None  # a term or a scare quote (“road map”, “honorific”), not a statement
    sents = {t.sent.start: t.sent for t in (span[0], span[-1])}
    # the attribution may sit in the sentence right after the quote ('"..." Nunes said.') or right before it
    # ("He said:"), when the parser splits them
    last_sent = span[-1].sent
    if last_sent.end < len(doc) and "\n" not in doc[last_sent.end - 1].text_with_ws:
        nxt = doc[last_sent.end].sent
        if len(nxt) <= 12:
            sents.setdefault(nxt.start, nxt)
    first_sent = span[0].sent
    if first_sent.start > 0 and "\n" not in doc[first_sent.start - 1].text_with_ws:
        prev = doc[first_sent.start - 1].sent
        if prev[-1].text == ":" or (len(prev) > 1 and prev[-2].text == ":"):
            sents.setdefault(prev.start, prev)
    frame = [t for s in sents.values() for t in s if not quoted[t.i] and not t.is_punct and not t.is_space]
    # the paragraph around the quote
    p_start, p_end = att.paras[q.paragraph]
    outside = (text[p_start:q.open_mark] + text[(q.close_mark + 1) if q.close_mark is not None else q.end:p_end])
    whole_paragraph = not re.search(r"[A-Za-z0-9]", outside)

    # naming, not saying: "a campaign called “Safer Streets”"
    before = [t for t in frame if t.idx < q.start]
    if before and before[-1].lemma_.lower() in NAMING_VERBS:
        return None
    line_start = text.rfind("\n", 0, q.open_mark) + 1
    if _LINK_LABEL.match(text, line_start):
        return None  # "READ MORE: ... ‘...’": a link to another story
    labelled = _labelled_speaker(doc, q, att, quoted)
    if labelled is not None:
        return Found(q.start, q.end, "direct", labelled[0], labelled[1], 0.8, paragraph=q.paragraph)
    verbs = [t for t in frame if _is_reporting(t, lex)]
    according = [(t, _according(t)) for t in frame if _according(t) is not None]
    strong = [v for v in verbs if v.lemma_.lower() not in lex.weak or _governs(v, span)
              or any(c.dep_ == "prt" and c.lower_ == "out" for c in v.children)]  # "points out"
    if strong or according:
        def distance(t: Token) -> tuple[bool, int]:
            # a verb that governs the quote beats a nearer one that does not
            return (not _governs(t, span), min(abs(t.idx - q.start), abs(t.idx - q.end)))
        cands: list[tuple[tuple[bool, int], Token, Token | None]] = [(distance(v), v, att.subject_of(v)) for v in strong]
        cands += [(distance(a), a, obj) for a, obj in according]
        cands.sort(key=lambda c: c[0])
        for _, verb, subj in cands:
            if subj is None:
                continue
            speaker = att.speaker_of_token(subj, speech=verb.lemma_.lower() in lex.speech and subj.head == verb)
            if speaker is not None:
                if n_words <= 6 and _title_like(text[q.start:q.end]) and \
                        (not _governs(verb, span) or _after_title_cue(doc, span)):
                    return None
                cue = verb.lemma_.lower() if verb.lower_ != "according" else "according to"
                return Found(q.start, q.end, "direct", speaker, cue, 0.9, frame=_frame(verb, quoted),
                             paragraph=q.paragraph)
        if not whole_paragraph and any(c[2] is not None for c in cands):
            return None  # a reporting verb whose subject is no actor ("the plan notes ..."): not a statement
    if att.last_speaker is not None and q.paragraph == att.last_speaker_para and n_words >= 4 \
            and att.last_speaker_pos <= q.open_mark:
        # the next sentence of the same speaker: “...,” says Tom Lee, who ran the shop. “We were ready.”
        gap = text[att.last_speaker_pos:q.open_mark]
        if len(gap.split()) <= 20 and re.search(r"[.!?]\s*$", gap) and len(re.findall(r"[.!?]\s", gap)) <= 1 \
                and not any(_is_reporting(t, lex) for t in verbs if t.idx > q.end):
            return Found(q.start, q.end, "direct", att.last_speaker, "continuation", 0.7, paragraph=q.paragraph)
    if whole_paragraph or (q.paragraph - att.last_speaker_para <= 1 and n_words >= 8 and not verbs
                           and _starts_paragraph(text, p_start, q.open_mark)):
        # a floating quote: it continues the previous speaker
        if n_words <= 5 and whole_paragraph and not any(t.pos_ in ("VERB", "AUX") for t in span):
            return None  # a quoted subheading ("‘Life-changing and heartbreaking’."), no continuation
        if att.last_speaker is not None and q.paragraph - att.last_speaker_para <= 2:
            return Found(q.start, q.end, "direct", att.last_speaker, "continuation", 0.75, paragraph=q.paragraph)
        return None
    verbs_in_frame = [t for t in frame if t.pos_ in ("VERB", "AUX")]
    if not verbs_in_frame and att.last_speaker is not None and q.paragraph == att.last_speaker_para:
        # a split quote: “We are ready,” said Tom Lee. “We have been for years.”
        return Found(q.start, q.end, "direct", att.last_speaker, "continuation", 0.7, paragraph=q.paragraph)
    if not verbs_in_frame and n_words >= 4 and span[0].sent.start > 0:
        # a quoted sentence standing alone after a sentence about a person: "Mr. Fry describes himself as ...
        # “Why would I pander to them?”"
        prev = doc[span[0].sent.start - 1].sent
        if att.para_of(prev.start_char) == q.paragraph:
            for tok in prev:
                if tok.dep_ in ("nsubj", "nsubjpass") and tok.head == prev.root and not quoted[tok.i]:
                    speaker = att.speaker_of_token(tok)
                    if speaker is not None and speaker.type == "person":
                        return Found(q.start, q.end, "direct", speaker, "continuation", 0.6, paragraph=q.paragraph)
    if n_words < 4 or _title_like(text[q.start:q.end]):
        return None  # a scare quote or a title
    # a possessive holder: "his “determination to ...”"
    for tok in (span.root, *span.root.ancestors):
        for child in tok.children:
            if child.dep_ == "poss" and not quoted[child.i]:
                speaker = att.speaker_of_token(child)
                if speaker is not None:
                    return Found(q.start, q.end, "direct", speaker, "possessive", 0.6, paragraph=q.paragraph)
        if tok.pos_ in ("VERB", "AUX"):
            break
    # the subject of the verb that governs the quote: "he aims to “restore trust in the police”"
    for tok in span.root.ancestors:
        if tok.pos_ in ("VERB", "AUX") and not quoted[tok.i]:
            subj = att.subject_of(tok)
            if subj is not None and not quoted[subj.i]:
                speaker = att.speaker_of_token(subj)
                if speaker is not None and speaker.type != "organisation" or \
                        (speaker is not None and subj.ent_type_ == "ORG"):
                    return Found(q.start, q.end, "direct", speaker, tok.lemma_.lower(), 0.55, paragraph=q.paragraph)
            break
    return None


_LINK_LABEL = re.compile(r"\s*[A-Z][A-Z ]{2,}:\s")  # "READ MORE: ", "WATCH: "
# "— Sarah Jones, council leader": a dash, then a name (and maybe a role after a comma), ending the paragraph
_DASH_TAIL = re.compile(r"[\s,]*[—–]\s*([^\W\d][^,;:()\n]{1,60}?)\s*(?:,[^\n]{0,120})?\s*[.]?\s*$")
# "Smith: ‘...’": a short label and a colon, opening the paragraph or the sentence
_COLON_LABEL = re.compile(r"(?:^|(?<=[.!?]\s))\s*([^\W\d][^\n:;,.!?“”\"‘’]{0,60}?)\s*:\s*$")


def _labelled_speaker(doc: Doc, q: QuoteSpan, att: _Attributor, quoted: list[bool]) -> tuple[Cluster, str] | None:
    """The speaker a quote is labelled with instead of a verb of saying: a dash line after it ("— Sarah Jones,
    council leader", at the end of its paragraph or as the next paragraph) or a name and a colon before it
    ("Jane Smith: ‘We will…’"). The label is a name (or a noun phrase that can speak) with no verb in it."""
    text = att.text
    p_start, p_end = att.paras[q.paragraph]
    tails: list[tuple[int, int]] = []
    if q.close_mark is not None:
        tails.append((q.close_mark + 1, p_end))
    if q.paragraph + 1 < len(att.paras) and (q.close_mark is None or not text[q.close_mark + 1:p_end].strip()):
        nxt = att.paras[q.paragraph + 1]
        if text[nxt[0]:nxt[1]].lstrip()[:1] in ("—", "–"):
            tails.append(nxt)
    for a, b in tails:
        m = _DASH_TAIL.match(text, a, b)
        if m is not None:
            found = _label_actor(doc, m.start(1), m.end(1), att, quoted)
            if found is not None:
                return found, "dash"
    m = _COLON_LABEL.search(text, p_start, q.open_mark)
    if m is not None and m.start(1) >= p_start:
        found = _label_actor(doc, m.start(1), m.end(1), att, quoted)
        if found is not None:
            return found, "colon"
    return None


def _label_actor(doc: Doc, start: int, end: int, att: _Attributor, quoted: list[bool]) -> Cluster | None:
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None or not len(span) or len(span) > 8 or any(quoted[t.i] for t in span):
        return None
    if any(t.pos_ in ("VERB", "AUX") and t.tag_ not in ("VBN",) for t in span):
        return None  # a clause, not a label ("He added: ...")
    known = att.index.at(span.start_char, span.end_char)
    if known is not None:
        return known
    if span[0].pos_ == "PRON" or (span.text.isupper() and len(span.text) > 5):
        return None  # a pronoun, or a label in capitals ("READ MORE:")
    return att.speaker_of_token(span.root)


def _starts_paragraph(text: str, p_start: int, pos: int) -> bool:
    return not text[p_start:pos].strip()


def _governs(verb: Token, span: Span) -> bool:
    """The verb is an ancestor of the quote's root (the quote is its object or clause)."""
    root = span.root
    return verb in root.ancestors or root.head == verb


def _reported(doc: Doc, verb: Token, att: _Attributor, quoted: list[bool],
              quote_ranges: _QuoteRanges, lex: Lexicons) -> Found | None:
    obj = _according(verb)
    if obj is not None:
        # "according to X, CLAUSE": the rest of the sentence
        sent = verb.sent
        phrase_end = max(t.i for t in obj.subtree) + 1
        clause = [t for t in sent if (t.i >= phrase_end or t.i < verb.i) and not t.is_punct]
        if len(clause) < 4:
            return None
        start, end = clause[0].idx, clause[-1].idx + len(clause[-1])
        subj = obj
        cue = "according to"
    else:
        lemma = verb.lemma_.lower()
        comps = [c for c in verb.children if c.dep_ in ("ccomp",) and c.i != verb.i]
        # the clause after the verb, not a word before it the parser hung there ("OTTAWA — X says ...")
        after = [c for c in comps if c.i > verb.i]
        if after and len(after) < len(comps):
            comps = after + [c for c in comps if c.i < verb.i and len(list(c.subtree)) >= 3]
        if not comps:
            # "said in a statement that ...": the parser hangs the clause on the noun of the phrase
            for prep in (c for c in verb.children if c.dep_ == "prep" and c.i > verb.i):
                for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                    comps += [c for c in pobj.children if c.dep_ in ("acl", "relcl", "ccomp")
                              and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)]
        characterisation = _characterisation(verb) if lemma in CHARACTERISING_VERBS else None
        if characterisation is not None:
            # "He now calls it a rookie mistake", "she described the plan as a betrayal of victims"
            cut = set()
            tokens = characterisation
        elif comps:
            comp = comps[0]
            # leave out clauses of their own reporting verbs ("..., as he asked: “...”"): they are statements
            cut = {t.i for d in comp.subtree if d is not comp and _is_reporting(d, lex)
                   and d.dep_ in ("advcl", "conj") for t in d.subtree}
            tokens = sorted((t for t in comp.subtree if t.i not in cut), key=lambda t: t.i)
            # "says the unemployment rate ... is more than double": the parser makes the subject an object
            if lemma not in HEARER_VERBS and not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in comp.children):
                objs = [c for c in verb.children if c.dep_ == "dobj" and verb.i < c.i < comp.i]
                if objs:
                    tokens = sorted(set(tokens) | set(objs[0].subtree), key=lambda t: t.i)
        elif (told := _told_to(verb)) is not None:
            # "BC Hydro reminded customers to consider food safety": what the hearer is told to do
            cut = set()
            tokens = told
        elif _parenthetical(verb) and not any(quoted[t.i] for t in verb.sent):
            # "Meeting the costs can be impossible, she said, especially for refugees.": the sentence around it,
            # less the verb and its speaker
            cut = set()
            speaker_tok = att.subject_of(verb)
            inner = {verb.i} | ({t.i for t in speaker_tok.subtree} if speaker_tok is not None and
                                speaker_tok.head == verb else set())
            tokens = [t for t in verb.sent if t.i not in inner]
        else:
            return None
        if cut:
            first_cut = min(cut)
            tokens = [t for t in tokens if t.i < first_cut]
            while tokens and (tokens[-1].is_punct or tokens[-1].dep_ in ("mark", "cc")):
                tokens = tokens[:-1]
        while tokens and (tokens[0].dep_ == "mark" or tokens[0].is_punct):
            tokens = tokens[1:]
        while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
            tokens = tokens[:-1]
        if characterisation is None and (len(tokens) < 3 or not any(t.pos_ in ("VERB", "AUX") for t in tokens)):
            return None
        if _not_said(verb):
            return None  # "has not said he would veto", "declined to say why", "when asked whether ..."
        if lemma in lex.weak and characterisation is None:
            return None
        if not tokens or quoted[tokens[0].i] or tokens[0].text in OPENERS:
            return None  # the clause opens with a quote: the quote is the statement
        belief = lemma in lex.cognition and lemma not in lex.speech
        if belief and not comps:
            return None  # "X believes in ..." states no claim
        if comps and characterisation is None and not cut:
            tokens = _coordinated_tail(verb, tokens, quoted, lex)
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        # a clause that quotes a fragment ("said police were “very committed” to ...") runs to the quote's end
        end = quote_ranges.run_on(start, end)
        subj = att.subject_of(verb)
        cue = lemma
        if subj is None or subj.i in {t.i for t in tokens}:
            return None
        if subj.dep_ == "nsubjpass" and subj.head == verb:
            return None  # "Residents were asked whether ...": the passive subject is the hearer, not the speaker
        if belief and not (_named(subj, att) and _that_clause(comps[0])):
            # "many people think ...": a view of nobody in particular; "she thinks it is ..." without "that":
            # a passing view more often than a claim. "X believes that ..." is an attributed claim.
            return None
    if obj is not None and quote_ranges.overlaps(start, end):
        return None
    line_start = text_of(doc).rfind("\n", 0, start) + 1
    line_end = text_of(doc).find("\n", end)
    line = text_of(doc)[line_start:line_end if line_end >= 0 else len(text_of(doc))].strip()
    if line and line[-1] not in ".!?\"”’)…:" and len(line.split()) < 20:
        return None  # a headline or a link line, not running text
    if cue == "according to" and (subj.lemma_.lower() in att.lex.non_speakers or
                                  subj.lemma_.lower() in _document_nouns()) and subj.pos_ == "NOUN":
        speaker = att.document_owner(subj, speech=True, fallback=False)  # "according to the X study"
    else:
        speaker = att.speaker_of_token(subj, speech=cue in ("say", "tell", "according to") and
                                       (subj.head == verb or cue == "according to"))
    if speaker is None and verb.tag_ == "VBG":
        # "X argued that A, noting B": the participle's speaker is the reporting verb's
        for anc in verb.ancestors:
            if _is_reporting(anc, lex) and (s2 := att.subject_of(anc)) is not None:
                speaker = att.speaker_of_token(s2)
                break
    if speaker is None:
        return None
    return Found(start, end, "indirect", speaker, cue, 0.7, frame=_frame(verb, quoted),
                 paragraph=att.para_of(start))


def _told_to(verb: Token) -> list[Token] | None:
    """The infinitive a verb of telling puts to its hearer ("urged residents to conserve water", "warned the
    public not to speculate"), three words or more; None for other shapes."""
    if verb.lemma_.lower() not in HEARER_VERBS or not any(c.dep_ == "dobj" for c in verb.children):
        return None
    for c in verb.children:
        if c.dep_ == "xcomp" and c.i > verb.i and c.pos_ in ("VERB", "AUX") and \
                any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
            tokens = sorted(c.subtree, key=lambda t: t.i)
            while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
                tokens = tokens[:-1]
            if len(tokens) >= 3:
                return tokens
    return None


def _not_said(verb: Token) -> bool:
    """A verb of saying that reports nothing said: negated ("did not say whether"), the complement of a refusal
    ("declined to say why", "refused to comment"), or a question put to the subject ("when asked whether")."""
    if any(c.dep_ == "neg" for c in verb.children):
        return True
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ("decline", "refuse", "fail") or \
            any(c.dep_ == "neg" for c in verb.head.children) and verb.dep_ == "xcomp":
        return True
    if verb.lemma_.lower() == "ask" and verb.tag_ == "VBN" and \
            not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return True  # "When asked whether he was overstating the debt": the asker is not named
    return False


def _after_title_cue(doc: Doc, span: Span) -> bool:
    """The quote follows a preposition or a possessive, as the name of a programme or a work does
    ("said on CBS' “Face the Nation.”", "in the “Safer Streets” report")."""
    k = span[0].i - 1
    while k >= 0 and (doc[k].is_quote or doc[k].text in OPENERS):
        k -= 1
    return k >= 0 and (doc[k].pos_ == "ADP" or doc[k].tag_ == "POS" or doc[k].text in ("'", "’"))


def _that_clause(comp: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in comp.children)


def _named(tok: Token, att: _Attributor) -> bool:
    """The token names an actor of the document (a name the model found)."""
    return att.index.at(tok.idx, tok.idx + len(tok)) is not None or tok.ent_type_ in ("PERSON", "ORG")


def _coordinated_tail(verb: Token, tokens: list[Token], quoted: list[bool], lex: Lexicons) -> list[Token]:
    """"She said A, but B." reports A and B: the parser hangs B on "said", the reader does not. The clause
    runs on to the sentence's end over a coordinated clause that has no reporting verb or quote of its own."""
    sent = verb.sent
    last = tokens[-1].i
    rest = [t for t in sent if t.i > last]
    while rest and (rest[-1].is_punct or rest[-1].is_space):
        rest = rest[:-1]
    if not rest or verb.i > last:
        return tokens
    words = [t for t in rest if not t.is_punct]
    if not words or words[0].dep_ != "cc" or words[0].head != verb:
        return tokens
    conjuncts = [c for c in verb.children if c.dep_ == "conj" and c.i > last]
    if any(quoted[t.i] for t in rest) or any(_is_reporting(c, lex) for c in conjuncts):
        return tokens  # "..., but he stressed ...": a statement of its own
    return tokens + rest


def _characterisation(verb: Token) -> list[Token] | None:
    """The characterising phrase of an active "call X Y" / "describe X as Y" (two words or more), or None."""
    if verb.tag_ == "VBN" or not any(c.dep_ == "dobj" and c.tag_ not in ("WP", "WDT") for c in verb.children):
        return None
    for c in verb.children:
        head = None
        if c.dep_ in ("oprd", "xcomp") and c.pos_ in ("NOUN", "PROPN", "ADJ"):
            head = c
        elif c.dep_ == "prep" and c.lower_ == "as":
            head = next((p for p in c.children if p.dep_ == "pobj"), None)
        if head is not None:
            tokens = sorted(head.subtree, key=lambda t: t.i)
            while tokens and tokens[0].is_punct:
                tokens = tokens[1:]
            while tokens and tokens[-1].is_punct:
                tokens = tokens[:-1]
            if len(tokens) >= 2:
                return tokens
    return None


def _parenthetical(verb: Token) -> bool:
    """A reporting verb set off inside or after the clause it reports: "..., she said, ..." / "..., X said."."""
    if verb.dep_ not in ("parataxis", "ccomp", "advcl", "conj") or verb.head.i >= verb.i:
        return False
    if any(c.dep_ in ("ccomp", "xcomp") or c.dep_ == "dobj" and not (c.pos_ == "PROPN" and c.i > verb.i)
           for c in verb.children):
        return False  # ("..., argued Sevaun Palvetzian." keeps its inverted speaker, read as an object)
    left = min(t.i for t in verb.subtree if not t.is_punct)
    before = {verb.doc[left - 1].text if left > verb.sent.start else "", verb.doc[verb.i - 1].text}
    return verb.i > verb.sent.start and bool(before & {",", "—", "–"})


def _frame(verb: Token, quoted: list[bool]) -> tuple[int, int]:
    """The attributing words whose tone counts toward stance: the verb and its object ("welcomed the plan"),
    or the verb it depends on ("welcomed the plan, saying: ...")."""
    head = verb.head if verb.dep_ in ("advcl", "xcomp") and verb.head.pos_ == "VERB" else verb
    tokens = [head] + [t for c in head.children if c.dep_ in ("dobj", "acomp", "advmod", "neg") for t in c.subtree]
    tokens = [t for t in tokens if not quoted[t.i]] or [verb]
    return min(t.idx for t in tokens), max(t.idx + len(t) for t in tokens)
