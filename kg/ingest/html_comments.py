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
    return Found("HTML comments (schema.org JSON-LD)", comments, opening_text=text, opening_author=_name(opening.get("author")),
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
    ids = {el: el.get("itemid") or el.get("id") or f"microdata-comment-{n}" for n, el in enumerate(items, 1)}
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
    found = Found("HTML comments (schema.org microdata)", comments, containers=tuple(items))
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
    return any(pattern.match(t) for t in _classes(el))


def _in_section(el: lxml.etree._Element) -> bool:
    for node in [el, *el.iterancestors()]:
        if any(_SECTION.search(t) for t in _classes(node)) or _SECTION.search(node.get("id") or ""):
            return True
    return False


def _owner(el: lxml.etree._Element, containers: set[lxml.etree._Element]) -> lxml.etree._Element | None:
    return next((a for a in el.iterancestors() if a in containers), None)


def _owned(item: lxml.etree._Element, containers: set[lxml.etree._Element], pattern: re.Pattern[str]) -> list[lxml.etree._Element]:
    return [d for d in item.iterdescendants() if isinstance(d.tag, str) and _any(pattern, d)
            and _owner(d, containers) is item]


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
    every = {el for el in candidates}
    bodies: dict[int, lxml.etree._Element] = {}
    for el in candidates:
        fine = _innermost(_owned(el, every, _BODY_FINE))
        coarse = _innermost(_owned(el, every, _BODY_COARSE))
        if fine or coarse:
            bodies[el] = (fine or coarse)[0]
    # a candidate with no body of its own that wraps no comment (<article class="comment"><p>...</p>): itself
    for el in candidates:
        if el not in bodies and not any(_owner(b, every) is el for b in candidates if b in bodies):
            strong = any(_CONTAINER.match(t) and t.lower() not in ("post", "reply") for t in _classes(el)) or \
                _COMMENT_ID.match(el.get("id") or "")
            # only when the markup shows who wrote it or when: else the page's text tells more (kg.ingest.thread)
            if strong and (_owned(el, every, _AUTHOR) or any(_owner(t, every) is el for t in el.iter("time"))):
                bodies[el] = el
    items = [el for el in candidates if el in bodies]
    if not items:
        return None
    item_ids = {el for el in items}
    # a wrapper (<li id="li-comment-3"> around <div id="comment-3">) stands for the comment it holds
    stands_for: dict[int, lxml.etree._Element] = {}
    for el in candidates:
        if el not in item_ids:
            inner = next((i for i in items if _owner(i, every) is el), None)
            if inner is not None:
                stands_for[el] = inner
    names = {el: el.get("id") or el.get("data-id") or el.get("data-comment-id") or f"markup-comment-{n}"
             for n, el in enumerate(items, start=1)}
    comments: list[Comment] = []
    for n, el in enumerate(items, start=1):
        parent = None
        for anc in el.iterancestors():
            target = anc if anc in item_ids else stands_for.get(anc)
            if target is not None and target is not el:
                parent = target
                break
        body = bodies[el]
        drop = {d for d in body.iterdescendants() if d in every}
        drop |= {d for d in _chrome(body)}
        drop |= {d for d in _owned(el, every, _AUTHOR) + _owned(el, every, _DATE)}
        drop |= {d for d in body.iterdescendants("time")}
        text = clean(element_text(_without(body, drop)))
        comments.append(Comment(id=names[el], text=text, author=_author(el, every), when=_when(el, every),
                                where=f"comment {n} (<{el.tag}{' id=' + repr(el.get('id')) if el.get('id') else ''}>)",
                                parent=names[parent] if parent is not None else None))
    if not any(c.text for c in comments):
        return None
    return Found("HTML comments (comment markup)", comments, containers=tuple(items))


def _innermost(found: list[lxml.etree._Element]) -> list[lxml.etree._Element]:
    """The matches that hold no other match: a ``comment-content`` block around the header and the
    ``comment-text`` gives the ``comment-text``."""
    inside = set(found)
    return [el for el in found if not any(d in inside for d in el.iterdescendants())]


def _chrome(body: lxml.etree._Element) -> list[lxml.etree._Element]:
    return [d for d in body.iterdescendants() if isinstance(d.tag, str) and _any(_CHROME, d)]


def _author(item: lxml.etree._Element, items: set[lxml.etree._Element]) -> str | None:
    found = _owned(item, items, _AUTHOR)
    found += [d for d in item.iterdescendants() if isinstance(d.tag, str) and _owner(d, items) is item
              and ("author" in _tokens(d.get("itemprop")) or "author" in _tokens(d.get("rel")))]
    for first in found:  # in page order; an avatar link with no text is passed over
        el = first
        while True:  # the innermost match: .comment-author > .fn gives the name without "says:"
            inner = next((d for d in el.iterdescendants() if d in found), None)
            if inner is None:
                break
            el = inner
        name = " ".join(clean(element_text(_without(el, set(_chrome(el))))).split())
        if name:
            return name
    return None


def _when(item: lxml.etree._Element, items: set[lxml.etree._Element]) -> dt.datetime | None:
    times = [d for d in item.iterdescendants("time") if _owner(d, items) is item]
    for t in times:
        found = _date(t.get("datetime")) or _date(clean(element_text(t)))
        if found:
            return found
    for d in _owned(item, items, _DATE):
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
            return found
    return None
