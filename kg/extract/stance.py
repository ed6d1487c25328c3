"""Stance: support / oppose / neutral of a statement toward its issue or target, with confidence and evidence.

Evaluative cues (``lexicons/stance.yaml``) count for or against; a negator before a cue in its clause flips it
("no detail", "not welcome"); the words after a final "but" weigh double; a rhetorical question ("Why doesn't
the mayor ...?") reads as a challenge; the reporting words count double ("welcomed the plan, saying ...").
The proponent of the target (the subject of "unveil", "launch", "publish"...) supports it unless the words say
otherwise. The rules are a transparent baseline a researcher can audit: every cue is kept as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from kg.extract.nlp import text_of
from kg.extract.lexicon import Lexicons, lexicons
from kg.records import Evidence

PROPOSE_VERBS = {"unveil", "launch", "publish", "announce", "propose", "introduce", "present", "table", "set"}
_CONTRAST = re.compile(r"\b(?:but|however|yet)\b", re.IGNORECASE)


@dataclass
class StanceResult:
    polarity: str
    confidence: float
    score: float
    evidence: list[Evidence]


@lru_cache(maxsize=4)
def _phrase_patterns(words: frozenset[str]) -> re.Pattern[str] | None:
    phrases = sorted((w for w in words if " " in w), key=len, reverse=True)
    if not phrases:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)", re.IGNORECASE)


def _hits(doc: Doc, start: int, end: int, lex: Lexicons) -> list[tuple[int, int, str, int]]:
    """(start, end, cue, sign) for each cue in [start, end), negation applied."""
    out: list[tuple[int, int, str, int]] = []
    taken: set[int] = set()
    for words, sign in ((lex.oppose, -1), (lex.support, 1)):
        pat = _phrase_patterns(words)
        if pat is None:
            continue
        for m in pat.finditer(text_of(doc), start, end):
            if any(i in taken for i in range(m.start(), m.end())):
                continue
            taken.update(range(m.start(), m.end()))
            out.append((m.start(), m.end(), m.group(0).lower(), sign))
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return out
    for tok in span:
        if tok.idx in taken:
            continue
        low, lemma = tok.lower_, tok.lemma_.lower()
        sign = -1 if (low in lex.oppose or lemma in lex.oppose) else 1 if (low in lex.support or lemma in lex.support) else 0
        if not sign:
            continue
        # a negator within three tokens before, in the same clause, flips the cue
        negated = any(c.dep_ == "neg" for c in tok.children) or any(c.dep_ == "neg" for c in tok.head.children
                                                                    if tok.dep_ in ("acomp", "dobj", "attr"))
        for k in range(tok.i - 1, max(span.start, tok.i - 3) - 1, -1):  # back to the clause's edge
            t = doc[k]
            if t.is_punct and t.text in ",;:.":
                break
            if t.lower_ in lex.negators:
                negated = True
        out.append((tok.idx, tok.idx + len(tok), low, -sign if negated else sign))
    return sorted(out)


def score_stance(doc: Doc, start: int, end: int, lex: Lexicons | None = None, *,
                 frame: tuple[int, int] | None = None, proponent: bool = False,
                 cue: str | None = None) -> StanceResult:
    lex = lex or lexicons()
    text = text_of(doc)[start:end]
    score = 0.0
    evidence: list[Evidence] = []
    contrast = [m.end() + start for m in _CONTRAST.finditer(text)]
    pivot = contrast[-1] if contrast else None
    for s, e, word, sign in _hits(doc, start, end, lex):
        weight = 1.0
        if pivot is not None:
            weight = 2.0 if s >= pivot else 0.5
        score += sign * weight
        evidence.append(Evidence(s, e, word, "support" if sign > 0 else "oppose"))
    if frame is not None:
        for s, e, word, sign in _hits(doc, frame[0], frame[1], lex):
            score += 2.0 * sign
            evidence.append(Evidence(s, e, word, "support" if sign > 0 else "oppose"))
    low = text.lower()
    rhetorical = []
    for opener in lex.rhetorical:
        for m in re.finditer(re.escape(opener), low):
            tail = low[m.end():m.end() + 200]
            if "?" in tail and (m.start() == 0 or low[m.start() - 1] in " .!?…\n\"“"):
                rhetorical.append((m.start(), m.end(), opener))
                break
    if rhetorical:  # one challenge per statement, however many openers match it
        s, e, opener = min(rhetorical)
        score -= 2.0
        evidence.append(Evidence(start + s, start + e, opener, "oppose"))
    if cue in lex.concession:
        score *= 0.5
    if proponent and score > -3.0:
        # the proponent of the target supports it; the problems they name are what it addresses
        score = max(score, 0.0) + 1.5
    if score >= 1.0:
        polarity = "support"
    elif score <= -1.0:
        polarity = "oppose"
    else:
        polarity = "neutral"
    magnitude = abs(score)
    confidence = 0.5 + min(0.45, 0.1 * magnitude) if polarity != "neutral" else max(0.4, 0.6 - 0.1 * magnitude)
    evidence.sort(key=lambda e: (e.start, e.end))
    return StanceResult(polarity, round(confidence, 3), score, evidence)


def find_target(doc: Doc, lex: Lexicons | None = None) -> tuple[str | None, set[str]]:
    """The document's main target ("Police and Crime Plan") and its proponents' names, if the text says
    someone unveiled / launched / published it."""
    for tok in doc:
        if tok.lemma_.lower() in PROPOSE_VERBS and tok.pos_ == "VERB":
            objs = [c for c in tok.children if c.dep_ in ("dobj",)]
            subjs = [c for c in tok.children if c.dep_ in ("nsubj",)]
            if not objs:
                continue
            obj = objs[0]
            words = [t for t in doc[obj.left_edge.i:obj.i + 1]
                     if t.dep_ not in ("det", "amod") or t.is_title and t.i > obj.left_edge.i]
            words = [t for t in words if t.lower_ not in ("a", "an", "the", "new", "its", "his", "her", "their")]
            name = " ".join(t.text for t in words).strip()
            if name and any(t.is_title for t in words):
                names = set()
                for s in subjs:
                    names.update(e.text for e in doc.ents if e.label_ == "PERSON"
                                 and s.left_edge.i <= e.start and e.end <= s.right_edge.i + 1)
                    names.add(s.text)
                return name, names
    return None, set()


def reply_relation(text: str, lex: Lexicons | None = None) -> str | None:
    """A reply's relation to its parent: "agree", "disagree" or None, from its opening words."""
    lex = lex or lexicons()
    head = text.strip().lower()[:160]
    for cue in lex.reply_disagree:
        if re.match(r"(?:\W|yes|no|well|so|and|but)*" + re.escape(cue), head) or \
                (cue.startswith("then how") and cue in head):
            return "disagree"
    for cue in lex.reply_agree:
        if re.match(r"(?:\W|yes|well|so|and|oh)*" + re.escape(cue), head):
            return "agree"
    if head.count("?") >= 2 and re.match(r"\W*(?:then|so|but|and|how|why|what)\b", head):
        return "disagree"
    return None
