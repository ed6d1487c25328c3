"""One actor per person across the corpus: the corpus-level actor file and its machine proposals.

Extraction works one document at a time, and an actor's id is its name's slug: "Justin Trudeau" in one article
and "Trudeau" in another are two actors, "the Met" and "Metropolitan Police Service" two organisations. This
module reads the extracts (records only: it imports nothing from later stages) and proposes which actors are
one, across documents:

- **people named by surname or title** ("Trudeau", "Mr Khan") go to the one person of the corpus with that
  surname and a longer name ("Justin Trudeau"); never when two people share the surname (Theresa May and
  Elizabeth May: "May" stays "May"); full names that differ only by a middle name or initial ("Justin P. J.
  Trudeau") are one person when no other full name with that surname fits;
- **role mentions** ("the Mayor of London") go to the person the extracts give that role, when exactly one
  person holds it in the time of the documents that mention it (a year either side of that person's role
  evidence);
- **organisation variants**: abbreviations ("Met Police", "Metropolitan Police"), acronyms ("MPS"), trailing
  generic words ("Labour" / "Labour Party"), but never a narrower name ("NHS" is not "NHS England").

The extracts keep what each text said. The resolution lives in ONE file a researcher can edit,
``EXTRACTS_DIR/actors.yaml`` (``ACTOR_FILE``): kg writes its proposals there (``by: kg``) and keeps every entry
a person wrote or changed; the graph build (``kg.graph.build``) applies the whole file on every rebuild. An
entry::

    - id: "sadiq-khan"          # the actor that stays (an actor id of the extracts)
      name: "Sadiq Khan"        # optional: rename
      type: "person"            # optional: recode (person | organisation)
      merge:                    # actor ids that are this actor
      - "khan"
      by: "kg"                  # kg's proposal; anything else (or a changed entry) is a person's

Merge, split (remove an id from ``merge``), rename and recode are edits of this file. A person's entry wins:
kg proposes nothing into its actor and never moves the ids it names. Which entries are kg's is known by
comparing with the copy of kg's last proposals in ``EXTRACTS_DIR/.kg/machine/actors.yaml`` (as
``kg.corrections`` does for extracts): an entry a person deleted stays deleted (its actor stays alone).

A bad file (not YAML, an id merged into itself or into two actors, an unknown id, ...) raises
``ActorFileError`` naming the file, the line and the problem, before anything is built or written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import defaultdict
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

from kg.errors import ActorFileError
from kg.ids import digest, slug
from kg.records import Extract

ACTOR_FILE = "actors.yaml"
STATE_DIR = ".kg"  # as kg.corrections
MACHINE_DIR = "machine"
MACHINE = "kg"  # ``by`` of kg's proposals
TYPES = ("person", "organisation")
_KEYS = ("id", "name", "type", "merge", "by", "note")

#: Words before a name that are not part of it (honorifics and titles used as one: "Mayor Doug McCallum").
TITLES = frozenset("""
mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend hon honourable rt right cllr councillor
sen senator rep representative president premier minister mayor chief inspector sgt sergeant det detective
supt superintendent commissioner judge justice gov governor mp mpp mla mep gen general col colonel capt captain
father sister brother rabbi imam bishop archbishop cardinal pope king queen prince princess deputy
""".split())
_SUFFIXES = frozenset("jr sr ii iii iv phd qc kc obe mbe cbe".split())
#: Trailing words an organisation's name may drop ("Labour Party" / "Labour", "Metropolitan Police Service").
GENERIC_ORG_WORDS = frozenset("""
party service services department dept agency force inc incorporated ltd limited plc llc corp corporation
company co group organisation organization association foundation trust union
""".split())
_STOP = frozenset("the of for and a an in on to at by with from".split())
_ROLE_DETERMINERS = ("the ", "a ", "an ")
#: How far (days) a role mention's document may be from the role holder's own evidence.
ROLE_WINDOW_DAYS = 366


# ------------------------------------------------------------------------------------------- names
@lru_cache(maxsize=1 << 16)
def _words(name: str) -> tuple[str, ...]:
    name = re.sub(r"['’]s\b", "", name)
    return tuple(w for w in slug(name.replace(".", " ")).split("-") if w)


@lru_cache(maxsize=1 << 16)
def name_tokens(name: str) -> tuple[str, ...]:
    """``"Mr. Justin P.J. Trudeau Jr"`` -> ``("justin", "p", "j", "trudeau")``: folded words, leading titles
    and trailing suffixes off (while a word is left)."""
    toks = list(_words(name))
    while len(toks) > 1 and toks[0] in TITLES:
        toks.pop(0)
    while len(toks) > 1 and toks[-1] in _SUFFIXES:
        toks.pop()
    return tuple(toks)


def _given_compatible(a: Sequence[str], b: Sequence[str]) -> bool:
    """Given names of one person: the first of each is equal, or one is an initial of the other."""
    if not a or not b:
        return True
    x, y = a[0], b[0]
    return x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))


@lru_cache(maxsize=1 << 16)
def _org_tokens(name: str) -> tuple[str, ...]:
    return tuple(t for t in _words(name) if t not in _STOP)


def acronym(tokens: Sequence[str]) -> str:
    return "".join(t[0] for t in tokens if t not in _STOP)


def org_variant(short: Sequence[str], long: Sequence[str]) -> bool:
    """``short`` names the organisation ``long`` names: each of its words is, in order, a word of ``long`` or
    the start (3+ letters) of one, and the words of ``long`` it leaves out are generic ("service", "party");
    or it is one word, the acronym of ``long`` (with or without its generic words). ``("nhs",)`` is no
    variant of ``("nhs", "england")``: "england" is not generic."""
    short, long = tuple(short), tuple(long)
    if not short or short == long or len(short) > len(long):
        return False
    if len(short) == 1 and len(short[0]) >= 2:
        core = long
        while len(core) > 2 and core[-1] in GENERIC_ORG_WORDS:
            core = core[:-1]
        if short[0] in (acronym(long), acronym(core)) and len(core) >= 2:
            return True
    j = 0
    for tok in short:
        while j < len(long) and not (long[j] == tok or (len(tok) >= 3 and long[j].startswith(tok))):
            if long[j] not in GENERIC_ORG_WORDS:
                return False
            j += 1
        if j == len(long):
            return False
        j += 1
    return all(t in GENERIC_ORG_WORDS for t in long[j:])


def role_key(text: str) -> str:
    """``"the Mayor of London"`` -> ``"mayor of london"``: a role phrase folded for comparison."""
    t = " ".join(_words(text))
    for det in _ROLE_DETERMINERS:
        if t.startswith(det):
            t = t[len(det):]
    return t


# ------------------------------------------------------------------------------------ the corpus
@dataclass
class ActorInfo:
    """One actor id as the extracts of the corpus give it."""

    id: str
    name: str
    type: str
    documents: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)  # publication dates of its documents
    statements: int = 0
    roles: set[tuple[str, str | None]] = field(default_factory=set)  # (role key, date)


def corpus_actors(extracts: Iterable[Extract]) -> dict[str, ActorInfo]:
    """Every non-anonymous actor id of the extracts (and organisation named in a role), with where it occurs."""
    out: dict[str, ActorInfo] = {}
    for ex in extracts:
        doc = ex.document
        said: dict[str, int] = defaultdict(int)
        for s in ex.statements:
            said[s.speaker] += 1
        for a in ex.actors:
            if a.type == "anonymous":
                continue
            info = out.get(a.id)
            if info is None:
                info = out[a.id] = ActorInfo(a.id, a.name, a.type)
            elif a.type == "organisation":
                info.type = "organisation"  # as the graph build types it
            info.documents.add(doc.id)
            if doc.published:
                info.dates.add(doc.published)
            info.statements += said.get(a.id, 0)
            for r in a.roles:
                keys = {role_key(r.role)}
                if r.organisation:
                    keys.add(role_key(f"{r.role} of {r.organisation}"))
                    oid = slug(r.organisation)
                    org = out.get(oid)
                    if org is None:
                        org = out[oid] = ActorInfo(oid, r.organisation, "organisation")
                    org.type = "organisation"
                    org.documents.add(doc.id)
                info.roles.update((k, doc.published) for k in keys if k)
    return out


# ------------------------------------------------------------------------------------ proposals
@dataclass
class Entry:
    """One entry of the actor file: ``merge`` ids are the actor ``id``."""

    id: str
    merge: list[str] = field(default_factory=list)
    name: str | None = None
    type: str | None = None
    by: str = MACHINE
    note: str | None = None
    why: dict[str, str] = field(default_factory=dict)  # merged id -> kg's reason (a comment in the file)
    line: int | None = None  # where it is in the file (for messages)
    lines: dict[str, int] = field(default_factory=dict)  # merged id -> its line
    # ids that are this actor in some documents only: id -> those document ids (``{id: X, in: [DOC]}``)
    merge_in: dict[str, list[str]] = field(default_factory=dict)
    why_in: dict[str, str] = field(default_factory=dict)
    lines_in: dict[str, int] = field(default_factory=dict)

    def named(self) -> set[str]:
        """Every actor id the entry names."""
        return {self.id, *self.merge, *self.merge_in}

    @property
    def machine(self) -> bool:
        return self.by == MACHINE

    def key(self) -> tuple[Any, ...]:
        """What a person may change (compared with kg's last proposal of the same id)."""
        return (self.id, tuple(sorted(self.merge)), tuple(sorted((k, tuple(sorted(v))) for k, v in self.merge_in.items())),
                self.name, self.type, self.by, self.note)


def _rank(info: ActorInfo) -> tuple[Any, ...]:
    """The member whose id a cluster keeps: a name, not a role mention ("the mayor"); a full name (two whole
    words, not "Khan" or "J. Smith"); the form in most documents; the most whole words; the most statements;
    the shortest written form (no title); then the id."""
    toks = name_tokens(info.name)
    words = sum(len(t) > 1 for t in toks)
    return (is_description(info.name), words < 2, -len(info.documents), -words,
            -len(toks), -info.statements, len(info.name), info.id)


class _Clusters:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.why: dict[str, str] = {}

    def find(self, x: str) -> str:
        while self.parent.get(x, x) != x:
            x = self.parent[x]
        return x

    def union(self, member: str, into: str, why: str) -> None:
        a, b = self.find(member), self.find(into)
        if a != b:
            self.parent[a] = b
            self.why.setdefault(member, why)


def _within(dates: set[str], held: set[str | None]) -> bool:
    """Every date in ``dates`` is within ``ROLE_WINDOW_DAYS`` of some date the role was held (undated: yes)."""
    held_days = [dt.date.fromisoformat(d) for d in held if d]
    if not dates or not held_days:
        return True
    for d in dates:
        day = dt.date.fromisoformat(d)
        if not any(abs((day - h).days) <= ROLE_WINDOW_DAYS for h in held_days):
            return False
    return True


def _per_document(extracts: Sequence[Extract], actors: dict[str, ActorInfo], toks: dict[str, tuple[str, ...]],
                  head_of: dict[str, str], cluster_size: dict[str, int],
                  holders: dict[str, dict[str, set[str | None]]]) -> dict[str, dict[str, tuple[set[str], str]]]:
    """Merges that hold in one document: a surname or a role mention the corpus leaves open ("May" where
    Theresa May and Elizabeth May are both in the corpus) is the one person of its own document with that
    surname or that role; a role mention is also the one person the corpus gives the role within a year of
    the document's date. Only actors kg did not merge everywhere. head -> merged id -> (documents, why)."""
    out: dict[str, dict[str, tuple[set[str], list[str]]]] = defaultdict(dict)
    for ex in extracts:
        doc = ex.document
        present = [a for a in ex.actors if a.id in toks and actors[a.id].type == "person"]
        for a in present:
            if cluster_size.get(a.id, 1) > 1:
                continue
            t = toks[a.id]
            heads: set[str] = set()
            why = ""
            if a.name.strip().lower().startswith(_ROLE_DETERMINERS):
                key = role_key(a.name)
                heads = {head_of[b.id] for b in present if b.id != a.id for r in b.roles
                         if key == role_key(r.role) or (r.organisation and key == role_key(f"{r.role} of {r.organisation}"))}
                why = f"role: the one person of this document given the role {key!r}"
                if not heads and doc.published:
                    heads = {head_of[h] for h, dates in holders.get(key, {}).items()
                             if any(dates) and _within({doc.published}, dates)}  # dated evidence only
                    why = f"role: the one person the corpus gives the role {key!r} within a year of the document"
            elif len(t) == 1:
                fits = [b for b in present if b.id != a.id and toks[b.id][-1] == t[0]
                        and sum(len(w) > 1 for w in toks[b.id]) >= 2]  # a full name, not "J. Smith"
                why = f"surname: the only person of this document named {t[0].title()}"
                if len(fits) > 1:  # two of one family: the one the text calls by the given name is not the surname
                    fits = [b for b in fits if not any(name_tokens(x) == toks[b.id][:1] for x in b.aliases)]
                    why = (f"surname: the only person of this document named {t[0].title()} not called by "
                           f"the given name")
                if not fits:  # no person: an organisation of the document named after it ("Hydro", "BC Hydro")
                    fits = [b for b in ex.actors if b.type == "organisation" and b.id != a.id
                            and _words(b.name)[-1:] == (t[0],) and len(_words(b.name)) >= 2]
                    why = f"surname: the only actor of this document whose name ends in {t[0].title()}"
                heads = {head_of.get(b.id, b.id) for b in fits}
            heads.discard(a.id)
            if len(heads) == 1:
                head = heads.pop()
                docs, whys = out[head].setdefault(a.id, (set(), []))
                docs.add(doc.id)
                if why not in whys:
                    whys.append(why)
    return {h: {m: (d, "; ".join(w)) for m, (d, w) in ms.items()} for h, ms in out.items()}


def propose(extracts: Iterable[Extract], actors: dict[str, ActorInfo] | None = None) -> list[Entry]:
    """kg's proposals for the extracts: one ``Entry`` per actor that others are merged into, sorted by id.
    ``actors``: ``corpus_actors(extracts)``, if the caller has it."""
    extracts = sorted(extracts, key=lambda ex: ex.document.id)  # the same proposals whatever the order
    actors = corpus_actors(extracts) if actors is None else actors
    c = _Clusters()
    people = {i: a for i, a in actors.items() if a.type == "person"}
    orgs = {i: a for i, a in actors.items() if a.type == "organisation"}

    # 1. people: full names grouped by surname; names with an initial or without a middle name join the one
    #    full name they fit, when only one fits
    toks = {i: name_tokens(a.name) for i, a in people.items()}
    by_surname: dict[str, list[str]] = defaultdict(list)
    for i, t in toks.items():
        if len(t) >= 2 and not is_description(people[i].name):  # "paramedics union" is no full name
            by_surname[t[-1]].append(i)
    full_groups: dict[str, list[list[str]]] = {}  # surname -> groups of ids of one person
    for sur, ids in by_surname.items():
        ids.sort(key=lambda i: _rank(people[i]))
        groups: list[list[str]] = []
        for i in ids:
            fits = [g for g in groups if _given_compatible(toks[i][:-1], toks[g[0]][:-1])]
            if not fits:  # a compound surname without the given name ("Paz Akin" of "Lorena Paz Akin")
                fits = [g for g in groups if len(toks[g[0]]) > len(toks[i]) and toks[g[0]][-len(toks[i]):] == toks[i]]
            if len(fits) == 1:
                c.union(i, fits[0][0], f"another form of the name {people[fits[0][0]].name!r}")
                fits[0].append(i)
            elif not fits:
                groups.append([i])
            # several fit (an initial shared by two people): left alone
        full_groups[sur] = groups
    for i, t in toks.items():
        if len(t) != 1:
            continue
        groups = full_groups.get(t[0], [])
        if len(groups) == 1:
            head = groups[0][0]
            c.union(i, head, f"surname: {people[head].name} is the only person of the corpus named {t[0].title()}")

    # 2. role mentions: the one person the extracts give the role at the time of the mention's documents
    holders: dict[str, dict[str, set[str | None]]] = defaultdict(lambda: defaultdict(set))
    for i, a in people.items():
        for key, date in a.roles:
            holders[key][c.find(i)].add(date)
    for i, a in people.items():
        low = a.name.strip().lower()
        if len(toks[i]) < 1 or not low.startswith(_ROLE_DETERMINERS):
            continue
        key = role_key(a.name)
        fitting = {h for h, dates in holders.get(key, {}).items() if h != c.find(i) and _within(a.dates, dates)}
        # everywhere only for a holder known by a full name ("Khan" with the role may be two people: the
        # documents decide, below)
        if len(fitting) == 1 and sum(len(w) > 1 for w in toks.get(next(iter(fitting)), ())) >= 2:
            head = fitting.pop()
            c.union(i, head, f"role: {people[head].name} is the one person the corpus gives the role {key!r} "
                             f"at the time of its documents")

    # 3. organisations: variants, abbreviations and acronyms of exactly one longer name
    otoks = {i: _org_tokens(a.name) for i, a in orgs.items()}
    # candidates, found by index (not by comparing every pair): an acronym; for a one-word short form, the
    # names with one word that is not generic; for longer ones, the names with a word starting like each word
    acronyms: dict[str, set[str]] = defaultdict(set)
    one_word: dict[str, set[str]] = defaultdict(set)
    by_word: dict[str, set[str]] = defaultdict(set)
    for j, u in otoks.items():
        if len(u) < 2:
            continue
        core = u
        while len(core) > 2 and core[-1] in GENERIC_ORG_WORDS:
            core = core[:-1]
        acronyms[acronym(u)].add(j)
        acronyms[acronym(core)].add(j)
        specific = [w for w in u if w not in GENERIC_ORG_WORDS]
        if len(specific) == 1:
            one_word[specific[0][:3]].add(j)
        for w in u:
            by_word[w[:3]].add(j)
    for i in sorted(orgs, key=lambda i: _rank(orgs[i])):
        t = otoks[i]
        if not t:
            continue
        if len(t) == 1:
            near = acronyms.get(t[0], set()) | one_word.get(t[0][:3], set())
        else:
            sets = sorted((by_word.get(w[:3], set()) for w in t), key=len)  # the smallest first
            near = sets[0].intersection(*sets[1:])
        fits = {c.find(j) for j in near if j != i and len(otoks[j]) > len(t) and org_variant(t, otoks[j])}
        if len(fits) == 1:
            head = fits.pop()
            c.union(i, head, f"organisation: a shorter form or acronym of {orgs[head].name!r}")

    members: dict[str, list[str]] = defaultdict(list)
    for i in actors:
        members[c.find(i)].append(i)
    head_of: dict[str, str] = {}
    for ids in members.values():
        head = min(ids, key=lambda i: _rank(actors[i]))
        head_of.update((i, head) for i in ids)
    scoped = _per_document(extracts, actors, toks, head_of, {i: len(members[c.find(i)]) for i in actors}, holders)
    entries = []
    for root, ids in members.items():
        head = head_of[root]
        merged = sorted(i for i in ids if i != head)
        merge_in = scoped.get(head, {})
        if not merged and not merge_in:
            continue
        entries.append(Entry(id=head, merge=merged, name=actors[head].name, type=actors[head].type,
                             why={i: c.why.get(i, "") for i in merged},
                             merge_in={m: sorted(d) for m, (d, _) in sorted(merge_in.items())},
                             why_in={m: w for m, (_, w) in merge_in.items()}))
    return sorted(entries, key=lambda e: e.id)


# ------------------------------------------------------------------------------------ the file
def actor_file(extracts_dir: Path | str) -> Path:
    return Path(extracts_dir) / ACTOR_FILE


def base_file(extracts_dir: Path | str) -> Path:
    return Path(extracts_dir) / STATE_DIR / MACHINE_DIR / ACTOR_FILE


def _fail(path: Path, line: int | None, problem: str) -> ActorFileError:
    where = f"{path}: line {line}" if line is not None else str(path)
    return ActorFileError(f"{where}: {problem}")


def _scalar(node: yaml.Node, path: Path, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null" or not str(node.value).strip():
        raise _fail(path, node.start_mark.line + 1, f"{what} must be a text, not {_shown(node)}")
    return str(node.value).strip()


def _shown(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "nothing" if node.tag.endswith(":null") or node.value == "" else repr(node.value)


def parse(text: str, path: Path) -> list[Entry]:
    """The entries of an actor file's text (structure checked, ids not yet: see ``check``)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise _fail(path, line, f"not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise _fail(path, None, f"not valid YAML: {exc}") from None
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        raise _fail(path, root.start_mark.line + 1, "the file must be a mapping with a list `actors:`")
    actors_node = None
    for k, v in root.value:
        key = _scalar(k, path, "a key")
        if key == "actors":
            actors_node = v
        elif key != "version":
            raise _fail(path, k.start_mark.line + 1, f"unknown key {key!r}; the file has `version` and `actors`")
    if actors_node is None or (isinstance(actors_node, yaml.ScalarNode) and actors_node.tag.endswith(":null")):
        return []
    if not isinstance(actors_node, yaml.SequenceNode):
        raise _fail(path, actors_node.start_mark.line + 1, "`actors` must be a list of entries")
    entries: list[Entry] = []
    for item in actors_node.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            raise _fail(path, line, f"an entry must be a mapping (id, merge, name, type, by), not {_shown(item)}")
        fields: dict[str, yaml.Node] = {}
        for k, v in item.value:
            key = _scalar(k, path, "a key")
            if key not in _KEYS:
                raise _fail(path, k.start_mark.line + 1, f"unknown key {key!r}; an entry has {', '.join(_KEYS)}")
            if key in fields:
                raise _fail(path, k.start_mark.line + 1, f"{key!r} is given twice in this entry")
            fields[key] = v
        if "id" not in fields:
            raise _fail(path, line, "this entry has no `id` (the actor that stays)")
        e = Entry(id=_scalar(fields["id"], path, "id"), line=fields["id"].start_mark.line + 1,
                  by=_scalar(fields["by"], path, "by") if "by" in fields else "person")
        if "name" in fields:
            e.name = _scalar(fields["name"], path, "name")
        if "note" in fields:
            e.note = _scalar(fields["note"], path, "note")
        if "type" in fields:
            e.type = _scalar(fields["type"], path, "type")
            if e.type not in TYPES:
                raise _fail(path, fields["type"].start_mark.line + 1,
                            f"type {e.type!r}: one of {', '.join(TYPES)}")
        m = fields.get("merge")
        if m is not None and not (isinstance(m, yaml.ScalarNode) and m.tag.endswith(":null")):
            if not isinstance(m, yaml.SequenceNode):
                raise _fail(path, m.start_mark.line + 1, "merge must be a list of actor ids")
            for n in m.value:
                if isinstance(n, yaml.MappingNode):  # {id: X, in: [DOC, ...]}: X is this actor in those documents
                    mid, docs = _scoped(n, path)
                else:
                    mid, docs = _scalar(n, path, "a merged id"), None
                if mid in e.lines or mid in e.lines_in:
                    raise _fail(path, n.start_mark.line + 1, f"{mid!r} is listed twice in this entry")
                if docs is None:
                    e.merge.append(mid)
                    e.lines[mid] = n.start_mark.line + 1
                else:
                    e.merge_in[mid] = docs
                    e.lines_in[mid] = n.start_mark.line + 1
        entries.append(e)
    return entries


def _scoped(node: yaml.MappingNode, path: Path) -> tuple[str, list[str]]:
    """``{id: X, in: [DOC, ...]}`` -> ``(X, [DOC, ...])``."""
    fields = {}
    for k, v in node.value:
        key = _scalar(k, path, "a key")
        if key not in ("id", "in"):
            raise _fail(path, k.start_mark.line + 1, f"unknown key {key!r}; a merge in some documents is "
                                                     "{id: ACTOR, in: [DOCUMENT, ...]}")
        fields[key] = v
    if "id" not in fields or "in" not in fields:
        raise _fail(path, node.start_mark.line + 1, "a merge in some documents is {id: ACTOR, in: [DOCUMENT, ...]}")
    docs_node = fields["in"]
    if not isinstance(docs_node, yaml.SequenceNode) or not docs_node.value:
        raise _fail(path, docs_node.start_mark.line + 1, "`in` must be a list of document ids")
    return _scalar(fields["id"], path, "id"), sorted({_scalar(d, path, "a document id") for d in docs_node.value})


def _check_merge(path: Any, line: int | None, e: Entry, mid: str, merged_into: dict[str, Entry],
                 known_ids: Any) -> None:
    """One merge of ``mid`` into entry ``e`` (corpus-wide or in some documents): not into itself, not into a
    second actor, and of an id some extract has."""
    if mid == e.id:
        raise _fail(path, line, f"{mid!r} is merged into itself")
    if mid in merged_into:
        other = merged_into[mid]
        raise _fail(path, line, f"{mid!r} is merged into {e.id!r} here and into {other.id!r} at line "
                                f"{other.lines.get(mid, other.line)}; an actor is merged into one actor")
    if known_ids is not None and mid not in known_ids:
        raise _fail(path, line, f"unknown actor id {mid!r}: no extract has an actor with this id")


def check(entries: Sequence[Entry], path: Path, known: Iterable[str] | None = None,
          documents: Iterable[str] | None = None) -> None:
    """Refuse entries that cannot apply: an id merged into itself, into two actors, an actor both merged and
    kept (a chain), one actor in two entries, or (with ``known``, the actor ids of the extracts) an unknown id."""
    known_ids = set(known) if known is not None else None
    documents = set(documents) if documents is not None else None
    target_at: dict[str, Entry] = {}
    merged_into: dict[str, Entry] = {}
    for e in entries:
        if e.id in target_at:
            raise _fail(path, e.line, f"{e.id!r} has two entries (also line {target_at[e.id].line}); give it one")
        target_at[e.id] = e
        if known_ids is not None and e.id not in known_ids:
            raise _fail(path, e.line, f"unknown actor id {e.id!r}: no extract has an actor with this id")
        for mid in e.merge:
            line = e.lines.get(mid, e.line)
            _check_merge(path, line, e, mid, merged_into, known_ids)
            merged_into[mid] = e
    scoped: dict[tuple[str, str], Entry] = {}
    for e in entries:
        for mid, docs in e.merge_in.items():
            line = e.lines_in.get(mid, e.line)
            _check_merge(path, line, e, mid, merged_into, known_ids)
            for doc in docs:
                other = scoped.setdefault((mid, doc), e)
                if other is not e:
                    raise _fail(path, line, f"{mid!r} is merged into {e.id!r} here and into {other.id!r} at line "
                                            f"{other.lines_in.get(mid, other.line)} in document {doc!r}; an actor "
                                            f"is merged into one actor")
                if documents is not None and doc not in documents:
                    raise _fail(path, line, f"unknown document {doc!r}: no extract has this document id")
    for e in entries:
        if e.id in merged_into:
            other = merged_into[e.id]
            raise _fail(path, e.line, f"{e.id!r} keeps actors merged into it, but is itself merged into "
                                      f"{other.id!r} at line {other.lines.get(e.id, other.line)}; merge its "
                                      f"actors into {other.id!r} directly")


def read_file(path: Path) -> list[Entry] | None:
    """The entries of ``path`` (structure checked), or None when there is no such file."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(path, None, "not UTF-8 text; the actor file is UTF-8 YAML") from None
    except OSError as exc:
        raise _fail(path, None, f"cannot read: {exc.strerror or exc}") from None
    entries = parse(text, path)
    check(entries, path)
    return entries


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


HEADER = """\
# kg actor file: which actors of the extracts are one actor across the corpus. Applied on every rebuild
# (kg run, kg export rdf, kg load ...); the extracts keep what each text said.
#
# Each entry keeps the actor `id` and merges the actor ids under `merge:` into it; `name:` renames it and
# `type:` recodes it (person | organisation). Entries with `by: "kg"` are kg's proposals and are made again
# on every run. To change one, edit it (it becomes yours); to split an actor off, remove its id from
# `merge:`; to refuse a proposal, delete the entry (its actor then stays alone); to merge, add an entry
# (`by:` your name). Your entries are kept, and kg proposes nothing that touches the actors they name.
# A merge in some documents only is written {id: ACTOR, in: [DOCUMENT, ...]}. A person named by a
# description ("a spokesperson", "the prime minister") is one actor per document unless an entry names it.
"""


def dumps(entries: Sequence[Entry]) -> str:
    """The file's text: the person's entries first, then kg's, each sorted by id; kg's reasons as comments."""
    lines = [HEADER.rstrip("\n"), "version: 1", "actors:" if entries else "actors: []"]
    ordered = sorted(entries, key=lambda e: (e.machine, e.id))
    for e in ordered:
        lines.append(f"- id: {_q(e.id)}")
        if e.name is not None:
            lines.append(f"  name: {_q(e.name)}")
        if e.type is not None:
            lines.append(f"  type: {_q(e.type)}")
        if e.merge or e.merge_in:
            lines.append("  merge:")
            for mid in e.merge:
                why = e.why.get(mid)
                lines.append(f"  - {_q(mid)}" + (f"  # {' '.join(why.split())}" if why else ""))
            for mid, docs in sorted(e.merge_in.items()):
                why = e.why_in.get(mid)
                lines.append(f"  - {{id: {_q(mid)}, in: [{', '.join(_q(d) for d in docs)}]}}"
                             + (f"  # {' '.join(why.split())}" if why else ""))
        else:
            lines.append("  merge: []")
        lines.append(f"  by: {_q(e.by)}")
        if e.note is not None:
            lines.append(f"  note: {_q(e.note)}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------ resolution
@dataclass
class Resolution:
    """The entries in force: ``canonical(id)`` is the actor an id is; ``entry(id)`` the entry of a kept actor."""

    entries: list[Entry] = field(default_factory=list)
    path: Path | None = None
    names: dict[str, str] = field(default_factory=dict)  # kept actor id -> its name in the extracts
    local: frozenset[str] = frozenset()  # ids of descriptions ("a spokesperson"): one actor per document

    def __post_init__(self) -> None:
        self._target = {m: e.id for e in self.entries for m in e.merge}
        self._scoped = {(m, d): e.id for e in self.entries for m, docs in e.merge_in.items() for d in docs}
        self._entry = {e.id: e for e in self.entries}

    def name(self, actor_id: str) -> str | None:
        """The name of the actor ``actor_id`` resolves to: its entry's, else the kept actor's as extracted."""
        cid = self.canonical(actor_id)
        e = self._entry.get(cid)
        return (e.name if e is not None and e.name else None) or self.names.get(cid)

    def canonical(self, actor_id: str, document: str | None = None) -> str:
        """The actor ``actor_id`` is (in ``document``: merges that hold in some documents only count too, and
        followed: "the mayor" -> "Khan" -> "Sadiq Khan" in one document)."""
        seen = {actor_id}
        while True:
            nxt = self._step(actor_id, document)
            if nxt in seen:
                return actor_id
            seen.add(nxt)
            actor_id = nxt

    def _step(self, actor_id: str, document: str | None) -> str:
        if document is not None and (actor_id, document) in self._scoped:
            return self._scoped[(actor_id, document)]
        if document is not None and actor_id in self.local:
            return local_id(actor_id, document)
        return self._target.get(actor_id, actor_id)

    def entry(self, actor_id: str) -> Entry | None:
        return self._entry.get(actor_id)

    @property
    def merged(self) -> int:
        """Actor ids merged everywhere, and (id, document) pairs merged in one document."""
        return len(self._target) + len(self._scoped)

    @property
    def by_person(self) -> list[Entry]:
        return [e for e in self.entries if not e.machine]


def combine(machine: Sequence[Entry], person: Sequence[Entry]) -> list[Entry]:
    """kg's proposals around a person's entries: a proposal keeps nothing of what a person's entry names
    (its actor, the ids it merges); a proposal left with nothing to merge is dropped."""
    taken = set().union(*(e.named() for e in person))
    out = list(person)
    for e in machine:
        if e.id in taken:
            continue
        merge = [m for m in e.merge if m not in taken]
        merge_in = {m: d for m, d in e.merge_in.items() if m not in taken}
        if merge or merge_in:
            out.append(Entry(id=e.id, merge=merge, name=e.name, type=e.type, by=MACHINE,
                             why={m: e.why.get(m, "") for m in merge}, merge_in=merge_in,
                             why_in={m: e.why_in.get(m, "") for m in merge_in}))
    return out


def person_entries(current: Sequence[Entry] | None, base: Sequence[Entry] | None) -> list[Entry]:
    """The person's part of the file: entries not by kg, or changed since kg wrote them, or added; and for
    each of kg's proposals a person deleted, an entry keeping that actor alone."""
    if current is None:
        return []
    base_by = {e.id: e for e in base or []}
    mine = []
    for e in current:
        b = base_by.get(e.id)
        if not e.machine or (base is not None and (b is None or b.key() != e.key())):
            if e.machine:  # a proposal a person changed is theirs now
                e = Entry(id=e.id, merge=list(e.merge), name=e.name, type=e.type, by=_coder(), note=e.note,
                          line=e.line, lines=dict(e.lines), merge_in=dict(e.merge_in), lines_in=dict(e.lines_in))
            mine.append(e)
    present = {e.id for e in current}
    for b in base or []:
        if b.id not in present:
            mine.append(Entry(id=b.id, merge=[], by=_coder(),
                              note=f"kg's proposal to merge {', '.join([*b.merge, *b.merge_in])} into it was "
                                   f"deleted by a person"))
    return mine


def _coder() -> str:
    return os.environ.get("KG_CODER") or "person"


def local_id(actor_id: str, document_id: str) -> str:
    """The id of a description's actor in one document: stable, and apart from every name's slug."""
    return f"{actor_id}--{digest(document_id, length=8)}"


def is_description(name: str) -> bool:
    """A person named by a description, not a name: "a spokesperson", "the prime minister", "officials"
    (lower case, or a determiner first). Two documents' "spokesperson" are not one person."""
    name = name.strip()
    return bool(name) and (name[:1].islower() or name.lower().startswith(_ROLE_DETERMINERS))


def described(extracts: Iterable[Extract]) -> set[str]:
    """Person actor ids every extract names by a description only (see ``is_description``)."""
    seen: dict[str, bool] = {}
    for ex in extracts:
        for a in ex.actors:
            if a.type == "person":
                seen[a.id] = seen.get(a.id, True) and is_description(a.name)
            elif a.type == "organisation":
                seen[a.id] = False
    return {i for i, d in seen.items() if d}


def resolve(extracts: Sequence[Extract], extracts_dir: Path | str | None) -> Resolution:
    """The resolution in force for ``extracts``: kg's proposals, around the person's entries of the actor file
    of ``extracts_dir`` (if there is one). Writes nothing; a bad file raises ``ActorFileError``."""
    extracts = sorted(extracts, key=lambda ex: ex.document.id)  # the same resolution whatever the order
    person: list[Entry] = []
    path = None
    known = corpus_actors(extracts)
    documents = [ex.document.id for ex in extracts]
    if extracts_dir is not None and Path(extracts_dir).is_dir():
        path = actor_file(extracts_dir)
        current = read_file(path)
        base = read_file(base_file(extracts_dir)) if current is not None else None
        # a proposal a person deleted whose actor is gone from the extracts has nothing left to keep apart
        person = [e for e in person_entries(current, base) if e.line is not None or e.id in known]
        check(person, path, known, documents)
    entries = combine(propose(extracts, known), person)
    descriptions = described(extracts)
    if path is not None:
        check(entries, path, known, documents)
    named = set().union(*(e.named() for e in entries)) if entries else set()
    local = frozenset(i for i, a in known.items() if i in descriptions and i not in named)
    return Resolution(entries, path, names={e.id: known[e.id].name for e in entries if e.id in known}, local=local)


def resolve_and_write(extracts: Sequence[Extract], extracts_dir: Path | str) -> Resolution:
    """``resolve``, then write the actor file (the person's entries and kg's new proposals) and the copy of
    kg's proposals, each atomically, both only after every check passed."""
    from kg.extracts import atomic_write_text

    res = resolve(extracts, extracts_dir)
    path = actor_file(extracts_dir)
    text = dumps(res.entries)
    machine = [e for e in res.entries if e.machine]
    old = path.read_text("utf-8") if path.exists() else None
    if old != text:
        atomic_write_text(path, text)
    atomic_write_text(base_file(extracts_dir), dumps(machine))
    res.path = path
    return res


def precheck(extracts_dir: Path | str) -> None:
    """Read the actor file of ``extracts_dir`` (if any) for what can be checked without the extracts (YAML,
    keys, self-merges, two targets), so a long run stops before its work."""
    read_file(actor_file(extracts_dir))


def resolved_extracts(extracts: Sequence[Extract], res: Resolution) -> list[Extract]:
    """Copies of ``extracts`` in which every actor id is the actor it resolves to (for analyses that read
    extracts, not the graph): speakers renamed, merged actors one record (name and type of the entry)."""
    from kg.records import Actor, Role

    out = []
    for ex in extracts:
        actors: dict[str, Actor] = {}
        for a in ex.actors:
            cid = res.canonical(a.id, ex.document.id)
            e = res.entry(cid)
            b = actors.get(cid)
            if b is None:
                b = actors[cid] = Actor(cid, res.name(cid) or a.name, (e.type if e and e.type else a.type), [], [])
            for alias in ([a.name] if a.name != b.name else []) + list(a.aliases):
                if alias not in b.aliases:
                    b.aliases.append(alias)
            b.roles.extend(Role(r.role, r.organisation, r.start, r.end) for r in a.roles)
        statements = [type(s).from_dict({**s.to_dict(), "speaker": res.canonical(s.speaker, ex.document.id)}) for s in ex.statements]
        out.append(Extract(document=ex.document, actors=list(actors.values()), issues=list(ex.issues),
                           statements=statements, run=dict(ex.run)))
    return out
