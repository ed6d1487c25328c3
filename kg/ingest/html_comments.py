"""Comment sections in HTML pages, found through their markup with lxml (never by regular expressions over
the HTML).

Three kinds of markup are read, the first that gives comments wins:

1. schema.org JSON-LD (``<script type="application/ld+json">``): ``Comment`` objects anywhere
   (in an ``Article``'s or a ``DiscussionForumPosting``'s ``comment`` list, nested in each other's ``comment``
   lists, or at the top of an ``@graph`` with ``parentItem`` references), with ``author`` (a name or an
   object with a ``name``), ``dateCreated`` / ``datePublished`` and ``text``.
2. schema.org microdata: elements with ``itemscope itemtype=".../Comment"`` and the
   properties (``itemprop``) ``author`` (text, or an item with a ``name``), ``text`` and ``dateCreated`` /
   ``datePublished``; a comment nested in another's element replies to it.
3. the common comment markup of blogs and embeds, recognised from class names and ids:
   WordPress (``ol.commentlist li.comment`` with ``comment-author`` / ``fn``, ``comment-content``, ``time``,
   replies in ``ol.children``), Disqus's rendered embed (``li.post`` with ``author``, ``post-message``,
   ``time-ago``, ``ul.children``), ``<article class="comment">`` and alike. A block counts as a comment
   when its class or id says so (``comment``, ``comment-12``, or ``post`` / ``reply`` inside a comment
   section) and it holds its own body (``comment-content``, ``comment-body``, ``post-message``...).

The page's own text (the article, or the forum's first post) becomes the thread's opening post: the
researcher gets the article as context and every comment as a statement of its author.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from typing import Any, Iterator

import lxml.etree
import lxml.html

from kg.ingest.comments import Comment, clean, iso_time
from kg.ingest.dates import parse_date
from kg.ingest.html import element_text, fragment


@dataclass
class Found:
    """The comments a page's markup holds, and what the markup says about the opening post."""

    reader: str
    comments: list[Comment]
    opening_text: str | None = None  # the forum post's own text (JSON-LD DiscussionForumPosting)
    opening_author: str | None = None
    title: str | None = None
    containers: tuple[lxml.etree._Element, ...] = ()  # the comments' elements (left out of the article)


def _date(value: Any) -> dt.datetime | None:
    """An ISO time, else a date this project reads (``3 March 2024``) at midnight UTC."""
    if not isinstance(value, str):
        return None
    found = iso_time(value)
    if found is not None:
        return found
    day = parse_date(value)
    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc) if day else None


def _text(value: Any) -> str:
    """A text value that may hold HTML (``<p>``, ``<br>``) -> plain text."""
    if not isinstance(value, str):
        return ""
    return clean(element_text(fragment(value)) if "<" in value else value)


# ---------------------------------------------------------------------------------------------- JSON-LD
def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    values = t if isinstance(t, list) else [t]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


#: schema.org types of an author that is an organisation, not a person.
_ORGANISATIONS = {"organization", "corporation", "governmentorganization", "newsmediaorganization", "ngo",
                  "localbusiness", "educationalorganization", "politicalparty", "project"}


def _author_type(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    return "organisation" if isinstance(value, dict) and _types(value) & _ORGANISATIONS else "person"


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("alternateName")
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _ref(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    return value if isinstance(value, str) and value else None


def from_jsonld(root: lxml.etree._Element) -> Found | None:
    comments: list[Comment] = []
    opening: dict[str, Any] = {}
    containers: set[str] = set()

    def visit(obj: Any, parent: str | None, container: dict[str, Any] | None) -> None:
        if isinstance(obj, list):
            for item in obj:
                visit(item, parent, container)
            return
        if not isinstance(obj, dict):
            return
        types = _types(obj)
        if "comment" in types:
            cid = _ref(obj) or f"jsonld-comment-{len(comments) + 1}"
            if any(c.id == cid for c in comments):
                cid = f"{cid} ({len(comments) + 1})"  # one @id on two comments: told apart, folded if equal
            stated = _ref(obj.get("parentItem"))
            comments.append(Comment(
                id=cid, text=_text(obj.get("text") or obj.get("commentText")), author=_name(obj.get("author")),
                author_type=_author_type(obj.get("author")),
                where=f"JSON-LD comment {len(comments) + 1}",
                when=_date(obj.get("dateCreated") or obj.get("datePublished")),
                parent=stated if stated is not None else parent))
            visit(obj.get("comment"), cid, container)
            return
        if "comment" in obj:
            if not opening and types & {"discussionforumposting", "socialmediaposting", "article", "newsarticle",
                                        "blogposting", "reportagenewsarticle", "opinionnewsarticle"}:
                opening.update(obj)
            ref = _ref(obj)
            if ref:
                containers.add(ref)
            visit(obj.get("comment"), None, obj)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "hasPart", "itemListElement", "item"):
            if key in obj and isinstance(obj[key], (dict, list)):
                visit(obj[key], parent, container)

    for script in root.xpath("//script[translate(@type, 'APLICTONJSD+', 'aplictonjsd+')='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue  # a broken JSON-LD block: the other markups are tried
        visit(data, None, None)
    for c in comments:
        if c.parent in containers:
            c.parent = None  # a reply to the post itself is a top-level comment
    if not any(c.text for c in comments):
        return None
    text = _text(opening.get("text") or opening.get("articleBody")) or None
    return Found("HTML comment section (schema.org JSON-LD)", comments, opening_text=text, opening_author=_name(opening.get("author")),
                 title=_name(opening.get("headline")) or _name(opening.get("name")))


# -------------------------------------------------------------------------------------------- microdata
def _tokens(value: str | None) -> list[str]:
    return value.split() if value else []


def _is_comment_item(el: lxml.etree._Element) -> bool:
    return el.get("itemscope") is not None and any(
        t.rstrip("/").rsplit("/", 1)[-1].lower() == "comment" for t in _tokens(el.get("itemtype")))


def _item_owner(el: lxml.etree._Element) -> lxml.etree._Element | None:
    """The item a property belongs to: the nearest ancestor with ``itemscope`` (not the element itself)."""
    for anc in el.iterancestors():
        if anc.get("itemscope") is not None:
            return anc
    return None


def _prop_value(el: lxml.etree._Element) -> str:
    for attr in ("content", "datetime"):
        value = el.get(attr)
        if value:
            return str(value)
    return clean(element_text(el))


def _props(item: lxml.etree._Element, *names: str) -> Iterator[lxml.etree._Element]:
    for el in item.iterdescendants():
        if isinstance(el.tag, str) and set(_tokens(el.get("itemprop"))) & set(names) and _item_owner(el) is item:
            yield el


def from_microdata(root: lxml.etree._Element) -> Found | None:
    items = [el for el in root.iter() if isinstance(el.tag, str) and _is_comment_item(el)]
    if not items:
        return None
    ids = _unique_names(items, ("itemid", "id"), "microdata-comment")
    comments: list[Comment] = []
    for n, item in enumerate(items, start=1):
        parent = next((a for a in item.iterancestors() if a in ids), None)
        author_el = next(_props(item, "author", "creator"), None)
        author, author_type = _item_author(author_el) if author_el is not None else (None, "person")
        body = next(_props(item, "text", "commentText"), None)
        text = ""
        if body is not None:
            body = _without(body, ids)
            text = clean(element_text(body))
        date_el = next(_props(item, "dateCreated", "datePublished", "commentTime"), None)
        comments.append(Comment(id=ids[item], text=text, author=author, author_type=author_type,
                                where=f"comment {n} (microdata)",
                                when=_date(_prop_value(date_el)) if date_el is not None else None,
                                parent=ids[parent] if parent is not None else None))
    if not any(c.text for c in comments):
        return None
    found = Found("HTML comment section (schema.org microdata)", comments, containers=tuple(items))
    post = next((a for a in items[0].iterancestors() if a.get("itemscope") is not None and a not in ids), None)
    if post is not None:  # the article or forum post the comments belong to
        body = next(_props(post, "articleBody", "text"), None)
        if body is not None:
            found.opening_text = clean(element_text(_without(body, set(items)))) or None
        author = next(_props(post, "author", "creator"), None)
        if author is not None:
            found.opening_author, _ = _item_author(author)
        headline = next(_props(post, "headline", "name"), None)
        found.title = _prop_value(headline) if headline is not None else None
    return found


def _item_author(el: lxml.etree._Element) -> tuple[str | None, str]:
    """The name and type (person | organisation) of a microdata ``author`` property."""
    if el.get("itemscope") is not None:
        name = next(_props(el, "name"), None)
        value = _prop_value(name) if name is not None else clean(element_text(el))
        kind = "organisation" if any(t.rstrip("/").rsplit("/", 1)[-1].lower() in _ORGANISATIONS
                                     for t in _tokens(el.get("itemtype"))) else "person"
    else:
        value, kind = _prop_value(el), "person"
    value = " ".join(value.split()) if value else ""
    return value or None, kind


def _without(el: lxml.etree._Element, ids: Any) -> lxml.etree._Element:
    """A copy of ``el`` without the descendants in ``ids`` (nested comments: replies are comments of their own;
    controls, author lines)."""
    if not any(d in ids for d in el.iterdescendants()):
        return el
    marked = [d for d in el.iterdescendants() if d in ids]
    for d in marked:
        d.set("data-kg-drop", "1")
    out = copy.deepcopy(el)
    for d in marked:
        del d.attrib["data-kg-drop"]
    for d in out.xpath(".//*[@data-kg-drop]"):
        d.drop_tree()
    return out


# ---------------------------------------------------------------------------------- common comment markup
_CONTAINER = re.compile(r"^(?:comment|comment[-_](?:item|entry|wrapper|container|\d+)|c-comment|comments?__item"
                        r"|js-comment|single-comment|reply|post)$", re.I)
_COMMENT_ID = re.compile(r"^(?:li-)?comment-\d+$|^post-\d+$", re.I)
#: Where a "post" or "reply" block is a comment: inside a section whose class or id names comments.
_SECTION = re.compile(r"comment|disqus|discussion|conversation|replies|responses|post-list", re.I)
_BODY_FINE = re.compile(r"^(?:comment|post|reply|c-comment)(?:[-_]+|__)(?:content|text|message)$"
                        r"|^(?:comment|post)?-?message$|^commenttext$|^comment-entry$", re.I)
_BODY_COARSE = re.compile(r"^(?:comment|post|reply|c-comment)(?:[-_]+|__)body$", re.I)
_AUTHOR = re.compile(r"^(?:fn|commenter|c-comment__author|comment__author)$"
                     r"|^(?:(?:comment|post|reply)[-_]?)?(?:author|user|nickname|name)(?:[-_]?name)?$", re.I)
_DATE = re.compile(r"^(?:time-?ago|timestamp|date|time|published|comment-?date|comment-?time|post-?meta-?date"
                   r"|comment-metadata|commentmetadata|comment__date|c-comment__date)$", re.I)
#: Controls and meta blocks inside a comment's body: not what the commenter wrote.
_CHROME = re.compile(r"^(?:reply|comment-reply-link|reply-link|edit-link|comment-edit-link|says|comment-meta"
                     r"|comment-edited|edited|badge|member-badge|comment-badge"
                     r"|comment-metadata|commentmetadata|vote|votes|voting|like|likes|share|report|flag"
                     r"|comment-actions|post-menu|post-meta|comment-footer|comment__actions|screen-reader-text"
                     r"|avatar|comment-awaiting-moderation)$", re.I)


def _classes(el: lxml.etree._Element) -> list[str]:
    return _tokens(el.get("class"))


def _any(pattern: re.Pattern[str], el: lxml.etree._Element) -> bool:
    return any(_token_matches(pattern, t) for t in _classes(el))


@functools.lru_cache(maxsize=4096)
def _token_matches(pattern: re.Pattern[str], token: str) -> bool:
    """One class token against one pattern, remembered: a page repeats the same few classes thousands of times."""
    return pattern.match(token) is not None


def _in_section(el: lxml.etree._Element) -> bool:
    for node in [el, *el.iterancestors()]:
        if any(_SECTION.search(t) for t in _classes(node)) or _SECTION.search(node.get("id") or ""):
            return True
    return False


class _Scopes:
    """Which scope (the nearest enclosing element of ``scopes``) every element of a page belongs to, found in one
    pass over the page: each comment's own elements without those of the replies nested in it."""

    def __init__(self, root: lxml.etree._Element, scopes: set[lxml.etree._Element]) -> None:
        self.scopes = scopes
        self.owner: dict[lxml.etree._Element, lxml.etree._Element | None] = {}
        self.owned: dict[lxml.etree._Element, list[lxml.etree._Element]] = {s: [] for s in scopes}
        stack: list[tuple[lxml.etree._Element, lxml.etree._Element | None]] = [(root, None)]
        while stack:
            el, scope = stack.pop()
            children = [c for c in el if isinstance(c.tag, str)]
            for child in reversed(children):  # popped in page order
                stack.append((child, child if child in scopes else scope))
            for child in children:
                self.owner[child] = scope
                if scope is not None:
                    self.owned[scope].append(child)
        order = {el: n for n, el in enumerate(root.iter())}
        for lst in self.owned.values():
            lst.sort(key=order.__getitem__)

    def matching(self, scope: lxml.etree._Element, pattern: re.Pattern[str]) -> list[lxml.etree._Element]:
        return [d for d in self.owned[scope] if _any(pattern, d)]


def _candidates(root: lxml.etree._Element) -> list[lxml.etree._Element]:
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        named = [t.lower() for t in _classes(el) if _CONTAINER.match(t)]
        by_id = bool(_COMMENT_ID.match(el.get("id") or ""))
        if not named and not by_id:
            continue
        weak = (not by_id and all(t in ("post", "reply") for t in named)) or (el.get("id") or "").startswith("post-")
        parent = el.getparent()
        if weak and (parent is None or not _in_section(parent)):
            continue  # a blog's own "post" block, not a comment
        out.append(el)
    return out


def from_markup(root: lxml.etree._Element) -> Found | None:
    candidates = _candidates(root)
    if not candidates:
        return None
    scopes = _Scopes(root, set(candidates))
    bodies: dict[lxml.etree._Element, lxml.etree._Element] = {}
    for el in candidates:
        fine = _innermost(scopes.matching(el, _BODY_FINE))
        coarse = _innermost(scopes.matching(el, _BODY_COARSE))
        if fine or coarse:
            bodies[el] = (fine or coarse)[0]
    wrappers = {scopes.owner[b] for b in bodies}
    # a candidate with no body of its own that wraps no comment (<article class="comment"><p>...</p>): itself
    for el in candidates:
        if el not in bodies and el not in wrappers:
            strong = any(_CONTAINER.match(t) and t.lower() not in ("post", "reply") for t in _classes(el)) or \
                _COMMENT_ID.match(el.get("id") or "")
            # only when the markup shows who wrote it or when: else the page's text tells more (kg.ingest.thread)
            if strong and (scopes.matching(el, _AUTHOR) or any(d.tag == "time" for d in scopes.owned[el])):
                bodies[el] = el
    items = [el for el in candidates if el in bodies]
    if not items:
        return None
    item_set = set(items)
    # a wrapper (<li id="li-comment-3"> around <div id="comment-3">) stands for the comment it holds
    stands_for: dict[lxml.etree._Element, lxml.etree._Element] = {}
    for i in items:
        w = scopes.owner.get(i)
        if w is not None and w not in item_set and w not in stands_for:
            stands_for[w] = i
    names = _unique_names(items, ("id", "data-id", "data-comment-id"), "markup-comment")
    comments: list[Comment] = []
    for n, el in enumerate(items, start=1):
        parent = None
        for anc in el.iterancestors():
            target = anc if anc in item_set else stands_for.get(anc)
            if target is not None and target is not el:
                parent = target
                break
        body = bodies[el]
        own = scopes.owned[el]
        drop = set(_chrome(own)) | set(scopes.matching(el, _AUTHOR)) | set(scopes.matching(el, _DATE))
        drop |= {d for d in own if d.tag == "time"} | {d for d in own if d in scopes.scopes}
        text = clean(element_text(_without(body, drop)))
        comments.append(Comment(id=names[el], text=text, author=_author(el, scopes), when=_when(el, scopes),
                                where=f"comment {n} (<{el.tag}{' id=' + repr(el.get('id')) if el.get('id') else ''}>)",
                                parent=names[parent] if parent is not None else None))
    if not any(c.text for c in comments):
        return None
    return Found("HTML comment section (comment markup)", comments, containers=tuple(items))


def _innermost(found: list[lxml.etree._Element]) -> list[lxml.etree._Element]:
    """The matches that hold no other match: a ``comment-content`` block around the header and the
    ``comment-text`` gives the ``comment-text``."""
    if len(found) < 2:
        return found
    inside = set(found)
    return [el for el in found if not any(a in inside for a in _ancestors_of(found, el))]


def _ancestors_of(found: list[lxml.etree._Element], el: lxml.etree._Element) -> list[lxml.etree._Element]:
    """The elements of ``found`` that have ``el`` as an ancestor."""
    return [f for f in found if f is not el and any(a is el for a in f.iterancestors())]


def _chrome(elements: list[lxml.etree._Element]) -> list[lxml.etree._Element]:
    return [d for d in elements if isinstance(d.tag, str) and _any(_CHROME, d)]


def _author(item: lxml.etree._Element, scopes: _Scopes) -> str | None:
    own = scopes.owned[item]
    found = [d for d in own if _any(_AUTHOR, d)
             or "author" in _tokens(d.get("itemprop")) or "author" in _tokens(d.get("rel"))]
    chosen = set(found)
    for first in found:  # in page order; an avatar link with no text is passed over
        el = first
        while True:  # the innermost match: .comment-author > .fn gives the name without "says:"
            inner = next((d for d in el.iterdescendants() if d in chosen), None)
            if inner is None:
                break
            el = inner
        name = " ".join(clean(element_text(_without(el, set(_chrome(list(el.iterdescendants())))))).split())
        if name:
            return name
    return None


def _when(item: lxml.etree._Element, scopes: _Scopes) -> dt.datetime | None:
    own = scopes.owned[item]
    for t in (d for d in own if d.tag == "time"):
        found = _date(t.get("datetime")) or _date(clean(element_text(t)))
        if found:
            return found
    for d in scopes.matching(item, _DATE):
        for value in (d.get("datetime"), d.get("title"), d.get("content"), clean(element_text(d))):
            found = _date(value)
            if found:
                return found
    return None


# ------------------------------------------------------------------------------------------------ entry
def find_comments(root: lxml.etree._Element) -> Found | None:
    """The comments a parsed page's markup holds (JSON-LD, then microdata, then common markup), or ``None``."""
    for reader in (from_jsonld, from_microdata, from_markup):
        found = reader(root)
        if found is not None:
            found.comments = fold_repeats(found.comments)
            return found
    return None


def _unique_names(items: list[lxml.etree._Element], attrs: tuple[str, ...], prefix: str) -> dict[Any, str]:
    """A name per comment element: its first id-like attribute, numbered when a page repeats one (HTML ids
    are not an export's ids: a page that shows a comment twice, or a sloppy template, repeats them)."""
    names: dict[Any, str] = {}
    used: set[str] = set()
    for n, el in enumerate(items, start=1):
        name = next((el.get(a) for a in attrs if el.get(a)), None) or f"{prefix}-{n}"
        if name in used:
            name = f"{name} ({n})"
        used.add(name)
        names[el] = name
    return names


def fold_repeats(comments: list[Comment]) -> list[Comment]:
    """A comment the page shows twice (a featured or pinned copy, a preview): the same author, text and parent
    as an earlier one. Kept once; replies to the copy answer the first."""
    first: dict[tuple[str | None, str, str | None], str] = {}
    alias: dict[str, str] = {}
    out: list[Comment] = []
    for c in comments:
        if c.parent is not None:
            c.parent = alias.get(c.parent, c.parent)
        key = (c.author, c.text, c.parent)
        if c.text and key in first:
            alias[c.id] = first[key]
            continue
        if c.text:
            first[key] = c.id
        out.append(c)
    return out
