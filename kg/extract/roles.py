"""Roles: "Ken Marsh, chairman of the Metropolitan Police Federation" -> (chairman, Metropolitan Police Federation).

Three shapes, each a pure function over the parse:

- apposition after the name:    "Ken Marsh, chairman of the Metropolitan Police Federation"
- the name in apposition:       "Labour's London Assembly policing and crime spokesperson, Unmesh Desai"
- a title before the name:      "London Victims' Commissioner Claire Waxman", "MPS constable Wayne Couzens"

The organisation is the ORG entity inside the role phrase (after "of"/"at"/"for", or as a possessive or a
modifier); a place before a title ("London Victims' Commissioner") stands for the organisation when no ORG does.
"""

from __future__ import annotations

import re
from typing import Iterator

from spacy.tokens import Doc, Span, Token

from kg.extract.actors import ActorIndex, Mention, clean_name
from kg.extract.lexicon import Lexicons, lexicons
from kg.extract.nlp import entities
from kg.records import Role

_CUT_DEPS = {"relcl", "acl", "advcl", "punct", "appos"}
_PLACES = frozenset({"GPE", "LOC"})
_DETS = {"the", "a", "an", "his", "her", "their", "its", "our", "then", "former", "new"}


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").split()).strip(" ,;:.-–—")


def _phrase_tokens(head: Token, exclude: set[int]) -> list[Token]:
    """The head's noun phrase: its subtree without relative clauses, appositions or anything in ``exclude``."""
    keep: list[Token] = []

    def walk(t: Token) -> None:
        if t.i in exclude:
            return
        keep.append(t)
        for child in t.children:
            if child.dep_ in _CUT_DEPS and child.i > head.i:
                continue
            if child.dep_ in ("cc", "conj") and t is head:
                continue
            if child.dep_ == "punct" and child.text not in ("'", "’"):
                continue
            walk(child)

    walk(head)
    keep.sort(key=lambda t: t.i)
    # keep only the contiguous run that contains the head
    run = [t for t in keep]
    out: list[Token] = []
    for t in run:
        if out and t.i != out[-1].i + 1:
            if t.i > head.i:
                break
            out = []
        out.append(t)
    return out


def _split_role(doc: Doc, tokens: list[Token], index: ActorIndex, lex: Lexicons) -> Role | None:
    """Split a role phrase into role text and organisation."""
    while tokens and tokens[0].lower_ in _DETS:
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].lower_ in {"'s", "’s"}):
        tokens = tokens[:-1]
    if not tokens or not any(t.lower_ in lex.role_nouns or t.lemma_.lower() in lex.role_nouns for t in tokens):
        return None
    ids = {t.i for t in tokens}
    ents = entities(doc)
    inside = [e for e in ents.starting_in(min(ids), max(ids)) if e.start in ids]
    orgs = [e for e in inside if e.label_ == "ORG"]
    known_places = ents.texts(_PLACES)
    places = [e for e in inside if e.label_ in ("GPE", "NORP", "LOC")]
    if not places and tokens[0].text in known_places and tokens[0].is_title:
        places = [doc[tokens[0].i:tokens[0].i + 1]]
    org_name: str | None = None
    role_tokens = tokens
    if not orgs:
        orgs = _named_elsewhere(doc, tokens, index, lex)
    if orgs:
        ent = orgs[-1]
        org_tokens = [t for t in ent]
        cut = [k for k, t in enumerate(org_tokens[:-1]) if t.text in ("'s", "’s", "'", "’")]
        if cut:
            ent = doc[org_tokens[cut[-1] + 1].i:ent.end]
        org_name = getattr(ent, "org_name", None) or clean_name(ent.text)
        cluster = index.by_name(org_name)
        if cluster is not None and cluster.type == "organisation":
            org_name = cluster.name
        before = [t for t in tokens if t.i < ent.start]
        after = [t for t in tokens if t.i >= ent.end and t.lower_ not in {"'s", "’s", "'", "’"}]
        # "chairman of the X": the role is before the ORG; "X's executive member": after it
        if before and any(t.lower_ in ("of", "at", "for", "with", "from") for t in before[-2:]):
            role_tokens = before
            while role_tokens and (role_tokens[-1].lower_ in ("of", "at", "for", "with", "from", "the")):
                role_tokens = role_tokens[:-1]
        else:
            role_tokens = after
    elif places and places[0].start == tokens[0].i and places[0].end < tokens[-1].i + 1 and \
            not any(t.lower_ == "of" for t in tokens):
        ent = places[0]
        org_name = clean_name(ent.text)
        role_tokens = [t for t in tokens if t.i >= ent.end and t.lower_ not in {"'s", "’s"}]
    if not role_tokens:
        return None
    role = _norm(doc[role_tokens[0].i:role_tokens[-1].i + 1].text)
    if not role or not any(w.lower().strip("'") in lex.role_nouns for w in role.split()):
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    return Role(role=role, organisation=org_name, start=start, end=end)


class _OrgWords:
    """Words of a role phrase that stand for an organisation the document names elsewhere; quacks like the
    entity span ``_split_role`` takes (``start``, ``end``, iteration, ``text``) and carries the full name."""

    def __init__(self, doc: Doc, start: int, end: int, org_name: str):
        self.doc, self.start, self.end, self.org_name = doc, start, end, org_name
        self.text = org_name

    def __iter__(self):
        return iter(self.doc[self.start:self.end])


def _named_elsewhere(doc: Doc, tokens: list[Token], index: ActorIndex, lex: Lexicons) -> list:
    """The organisation of a role phrase that names none outright: a word that is an organisation of the
    document or a group the model tags (NORP: "Labour MP"), or a common noun that ends the name of exactly one
    organisation of the document ("the council's transport lead" in an article about Kent County Council)."""
    from kg.extract.actors import organisation_words

    role_heads = {t.i for t in tokens if t.lower_ in lex.role_nouns or t.lemma_.lower() in lex.role_nouns}
    for t in tokens:
        if t.i in role_heads or t.is_punct:
            continue
        if t.pos_ == "PROPN" and t.is_title:
            cluster = index.by_name(t.text)
            if cluster is not None and cluster.type == "organisation" or t.ent_type_ == "NORP":
                name = cluster.name if cluster is not None else t.text
                return [_OrgWords(doc, t.i, t.i + 1, name)]
    words = organisation_words()
    orgs = [c for c in index.clusters.values() if c.type == "organisation"]
    for t in tokens:
        if t.i in role_heads or t.pos_ != "NOUN" or t.lemma_.lower() not in words:
            continue
        owners = [c for c in orgs if c.name.split()[-1].lower() in (t.lower_, t.lemma_.lower())]
        if len(owners) == 1:
            end = t.i + 1
            if end < len(doc) and doc[end].text in ("'s", "’s", "'", "’"):
                end += 1
            return [_OrgWords(doc, t.i, end, owners[0].name)]
    return []


def _mention_tokens(doc: Doc, m: Mention) -> Span | None:
    return doc.char_span(m.start, m.end, alignment_mode="expand")


def find_roles(doc: Doc, mentions: list[Mention], index: ActorIndex,
               lex: Lexicons | None = None) -> Iterator[tuple[Mention, Role]]:
    """Roles of the people mentioned in ``doc``, each with the offsets of its evidence."""
    lex = lex or lexicons()
    for m in mentions:
        if m.type != "person":
            continue
        span = _mention_tokens(doc, m)
        if span is None:
            continue
        name_ids = {t.i for t in span}
        root = span.root
        # 1. apposition after the name
        for child in root.children:
            if child.dep_ == "appos" and child.i > span.end - 1:
                role = _split_role(doc, _phrase_tokens(child, name_ids), index, lex)
                if role:
                    yield m, role
        # 2. the name in apposition to a role phrase before it
        if root.dep_ == "appos" and root.head.i < span.start:
            role = _split_role(doc, _phrase_tokens(root.head, name_ids), index, lex)
            if role:
                yield m, role
        # 3. a relative clause: "X, who chairs the Y", "X, who is the chairman of Y"
        for child in root.children:
            if child.dep_ != "relcl" or child.i < span.end:
                continue
            if not any(c.lower_ in ("who", "that") and c.dep_ in ("nsubj", "nsubjpass") for c in child.children):
                continue
            lemma = child.lemma_.lower()
            if lemma in lex.role_verbs:
                objs = [c for c in child.children if c.dep_ in ("dobj", "pobj")]
                org = None
                if objs:
                    ents = [e for e in entities(doc).containing(objs[0].i) if e.label_ == "ORG"]
                    org = clean_name(ents[0].text) if ents else None
                    if org:
                        cluster = index.by_name(org)
                        org = cluster.name if cluster is not None and cluster.type == "organisation" else org
                if org:
                    end_tok = max(t.i for t in objs[0].subtree)
                    yield m, Role(role=lex.role_verbs[lemma], organisation=org, start=child.idx,
                                  end=doc[end_tok].idx + len(doc[end_tok]))
            elif lemma == "be":
                for attr in child.children:
                    if attr.dep_ == "attr":
                        role = _split_role(doc, _phrase_tokens(attr, name_ids), index, lex)
                        if role:
                            yield m, role
        # 4. a title run right before the name (and its honorifics)
        j = span.start - 1
        run: list[Token] = []
        while j >= 0 and len(run) < 7:
            t = doc[j]
            if t.is_punct and t.text not in ("'", "’") or "\n" in t.text_with_ws or t.is_space:
                break
            if t.pos_ not in ("PROPN", "NOUN", "ADJ", "PART") and t.lower_ not in ("'s", "’s", "'", "’"):
                break
            if t.lower_ in lex.honorifics and not run:
                j -= 1
                continue
            run.insert(0, t)
            j -= 1
        if run and (run[-1].lower_ in lex.role_nouns or run[-1].lemma_.lower() in lex.role_nouns):
            role = _split_role(doc, run, index, lex)
            if role:
                yield m, role


def _sentence_organisation(doc: Doc, role: Role, index: ActorIndex) -> str | None:
    """The one organisation named in the sentence of a role that names none ("the force ... prompted the
    resignation of Commissioner Jane Smith ... the Met Police"); None when there are none or several."""
    span = doc.char_span(role.start, role.end, alignment_mode="expand") if role.start is not None else None
    if span is None or not len(span):
        return None
    sent = span[0].sent
    found = {id(c): c for m, c in index._between(sent.start_char, sent.end_char - 1)
             if c.type == "organisation" and m.end <= sent.end_char}
    # a name or alias of an organisation of the document written there though the model missed it ("the Met
    # Police" for the Metropolitan Police Service): capitalised, whole words, not opening the sentence
    for c in index.clusters.values():
        if c.type != "organisation" or id(c) in found:
            continue
        for name in (c.name, *c.aliases):
            if len(name) >= 3 and name[0].isupper() and \
                    any(m.start() > 0 for m in re.finditer(r"\b" + re.escape(name) + r"\b", sent.text)):
                found[id(c)] = c
                break
    return next(iter(found.values())).name if len(found) == 1 else None


def attach_roles(doc: Doc, mentions: list[Mention], index: ActorIndex, lex: Lexicons | None = None) -> None:
    """Find roles and attach each to its person's cluster, once per (role, organisation). A role that names no
    organisation takes the one organisation its sentence names, if there is exactly one."""
    for m, role in find_roles(doc, mentions, index, lex):
        cluster = index.at(m.start, m.end)
        if cluster is None or cluster.type != "person":
            continue
        if role.organisation is None and not any(w in role.role.lower().split() for w in ("of", "for", "at")):
            role.organisation = _sentence_organisation(doc, role, index)
        key = (role.role.lower(), (role.organisation or "").lower())
        if all((r.role.lower(), (r.organisation or "").lower()) != key for r in cluster.roles):
            cluster.roles.append(role)
