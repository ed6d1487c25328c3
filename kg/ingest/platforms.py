"""Platform exports of comment threads, recognised from their content (never from the file name).

- ``reddit``: the JSON of a Reddit thread page (``<thread url>.json``): a two-element array of Listings, the
  post (``t3``) then the comments (``t1``) with nested ``replies``.
- ``discourse``: a Discourse topic (``/t/<slug>/<id>.json``): ``post_stream.posts[]`` with ``cooked`` HTML.
- ``youtube``: a YouTube Data API ``commentThreads.list`` response (``items[].snippet.topLevelComment`` and
  ``replies.comments[]``), or a list of such responses (pages).
- ``disqus``: a Disqus XML export (``<disqus>`` with ``<thread>`` and ``<post>`` elements).

Each reader gives ``kg.ingest.comments.Comment`` records to ``assemble_thread`` (ids, parents, order and the
repair of replies to missing comments are handled there, the same for every platform). See docs/exports.md.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import lxml.etree

from kg.errors import InputError
from kg.ingest.comments import Comment, assemble_thread, clean, epoch_time, iso_time
from kg.ingest.html import element_text, fragment
from kg.records import Document


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ------------------------------------------------------------------------------------------------ Reddit
def is_reddit(data: Any) -> bool:
    return (isinstance(data, list) and len(data) == 2
            and all(isinstance(x, dict) and x.get("kind") == "Listing" for x in data)
            and any(isinstance(c, dict) and c.get("kind") == "t3"
                    for c in (data[0].get("data") or {}).get("children") or []))


_REDDIT_GONE = {"[deleted]", "[removed]"}


def _reddit_text(value: Any) -> str:
    # Reddit's JSON escapes &, < and > in bodies and titles unless fetched with raw_json=1
    return clean(html_lib.unescape(value)) if isinstance(value, str) else ""


def _reddit_author(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() and value not in _REDDIT_GONE else None


def parse_reddit(data: list[Any], *, doc_id: str, source: str) -> Document:
    post = next(c for c in data[0]["data"]["children"] if isinstance(c, dict) and c.get("kind") == "t3")
    p = post.get("data") or {}
    post_id = p.get("name") or f"t3_{p.get('id', '')}"
    comments: list[Comment] = []
    selftext = _reddit_text(p.get("selftext"))
    if selftext and selftext not in _REDDIT_GONE:
        comments.append(Comment(id=post_id, text=selftext, author=_reddit_author(p.get("author")),
                                where="the post", when=epoch_time(p.get("created_utc")), opening=True))
    removed = 0
    not_loaded = 0

    def walk(listing: Any, parent: str | None, depth: int) -> None:
        nonlocal removed, not_loaded
        if not isinstance(listing, dict):
            return  # "replies": "" when a comment has none
        children = (listing.get("data") or {}).get("children")
        if not isinstance(children, list):
            raise InputError(f"{source}: a Reddit listing without a children list: not a Reddit thread JSON")
        for child in children:
            if not isinstance(child, dict):
                continue
            d = child.get("data") or {}
            if child.get("kind") == "more":
                count = d.get("count")
                not_loaded += count if isinstance(count, int) and count > 0 else len(d.get("children") or [])
                continue
            if child.get("kind") != "t1":
                continue
            cid = d.get("name") or (f"t1_{d['id']}" if d.get("id") else None)
            if not cid:
                raise InputError(f"{source}: a Reddit comment without an id (no name or id field)")
            body = _reddit_text(d.get("body"))
            if body in _REDDIT_GONE:
                body = ""
                removed += 1
            stated = d.get("parent_id")
            parent_id = stated if isinstance(stated, str) and stated else parent
            comments.append(Comment(
                id=str(cid), text=body, author=_reddit_author(d.get("author")), where=f"comment {cid}",
                when=epoch_time(d.get("created_utc")),
                parent=None if parent_id is None or parent_id == post_id or parent_id.startswith("t3_")
                else parent_id))
            walk(d.get("replies"), str(cid), depth + 1)

    walk(data[1], None, 0)
    notes: tuple[str, ...] = ()
    if not_loaded:
        notes = (f"{source}: {_plural(not_loaded, 'comment')} not loaded in this Reddit export "
                 "('load more comments'); open them on the thread page and save its .json again to include them",)
    title = _reddit_text(p.get("title")) or None
    when = epoch_time(p.get("created_utc"))
    return assemble_thread(comments, doc_id=doc_id, source=source, reader="Reddit thread JSON", title=title,
                           published=when.date().isoformat() if when else None, removed=removed, notes=notes)


# --------------------------------------------------------------------------------------------- Discourse
def is_discourse(data: Any) -> bool:
    return (isinstance(data, dict) and isinstance(data.get("post_stream"), dict)
            and isinstance(data["post_stream"].get("posts"), list))


def parse_discourse(data: dict[str, Any], *, doc_id: str, source: str) -> Document:
    posts = data["post_stream"]["posts"]
    comments: list[Comment] = []
    removed = 0
    for n, post in enumerate(posts, start=1):
        if not isinstance(post, dict) or not isinstance(post.get("post_number"), int):
            raise InputError(f"{source}: post {n} of post_stream.posts has no post_number: not a Discourse "
                             "topic JSON")
        number = post["post_number"]
        if post.get("post_type") == 3:  # a "small action" (closed, pinned, split): not a post
            continue
        body = fragment(post.get("cooked") or "")
        quoted = None
        for aside in body.xpath(".//aside[contains(concat(' ', normalize-space(@class), ' '), ' quote ')]"):
            quoted = quoted or aside.get("data-post")
            aside.drop_tree()  # the quoted words are the parent's, not this author's
        text = clean(element_text(body))
        if post.get("deleted_at") or post.get("user_deleted"):
            text = ""
            removed += 1
        parent = post.get("reply_to_post_number")
        if not isinstance(parent, int) and quoted and quoted.isdigit() and int(quoted) != number:
            parent = int(quoted)  # a quote of an earlier post without Discourse's reply link
        comments.append(Comment(
            id=str(number), text=text, author=post.get("username") or post.get("name") or None,
            where=f"post {number}", when=iso_time(post.get("created_at")),
            parent=str(parent) if isinstance(parent, int) and parent != 1 else None, opening=number == 1))
    stream = data["post_stream"].get("stream")
    notes: tuple[str, ...] = ()
    if isinstance(stream, list) and len(stream) > len(posts):
        missing = len(stream) - len(posts)
        notes = (f"{source}: {_plural(missing, 'post')} of this topic not in the export (a topic JSON holds the "
                 "first 20); fetch /t/<id>/posts.json?post_ids[]=... for the rest",)
    title = clean(data.get("title")) if isinstance(data.get("title"), str) else None
    when = iso_time(data.get("created_at"))
    return assemble_thread(comments, doc_id=doc_id, source=source, reader="Discourse topic JSON", title=title,
                           published=when.date().isoformat() if when else None, removed=removed, notes=notes)


# ----------------------------------------------------------------------------------------------- YouTube
def _youtube_pages(data: Any) -> list[dict[str, Any]] | None:
    pages = data if isinstance(data, list) else [data]
    if not pages or not all(isinstance(p, dict) and isinstance(p.get("items"), list) for p in pages):
        return None
    kinds = {p.get("kind") for p in pages}
    if kinds == {"youtube#commentThreadListResponse"}:
        return pages
    items = [i for p in pages for i in p["items"]]
    if items and all(isinstance(i, dict) and isinstance(i.get("snippet"), dict)
                     and "topLevelComment" in i["snippet"] for i in items):
        return pages
    return None


def is_youtube(data: Any) -> bool:
    return _youtube_pages(data) is not None


def _youtube_comment(c: Any, where: str, source: str, parent: str | None) -> Comment:
    if not isinstance(c, dict) or not isinstance(c.get("snippet"), dict) or not c.get("id"):
        raise InputError(f"{source}: {where}: a YouTube comment needs an id and a snippet")
    s = c["snippet"]
    text = s.get("textOriginal")
    text = clean(text) if isinstance(text, str) else clean(element_text(fragment(s.get("textDisplay") or "")))
    stated = s.get("parentId")
    return Comment(id=str(c["id"]), text=text, author=s.get("authorDisplayName") or None, where=where,
                   when=iso_time(s.get("publishedAt")), parent=str(stated) if stated else parent)


#: A reply that opens by naming whom it answers: ``@harbourviewbnb Edinburgh has one...``.
_MENTION = re.compile(r"^@([\w.\-]+)")


def _mentioned_parents(top: Comment, answers: list[Comment]) -> None:
    """YouTube keeps one level of replies: a reply to a reply is filed under the top comment and opens with
    ``@name``. Such a reply answers that author's latest comment in the thread written before it."""
    thread = [top, *answers]
    for reply in answers:
        m = _MENTION.match(reply.text)
        if m is None or reply.when is None or reply.parent != top.id:
            continue
        name = m.group(1).lower()
        earlier = [(c.when, c.id) for c in thread if c is not reply and c.author and c.when is not None
                   and c.when < reply.when and c.author.lstrip("@").lower() == name]
        if earlier:
            reply.parent = max(earlier)[1]


def parse_youtube(data: Any, *, doc_id: str, source: str) -> Document:
    pages = _youtube_pages(data) or []
    comments: list[Comment] = []
    not_loaded = 0
    videos: list[str] = []
    for n, item in enumerate((i for p in pages for i in p["items"]), start=1):
        snippet = item.get("snippet") if isinstance(item, dict) else None
        if not isinstance(snippet, dict):
            raise InputError(f"{source}: item {n}: a comment thread needs a snippet")
        top = _youtube_comment(snippet.get("topLevelComment"), f"item {n}", source, None)
        top.parent = None
        comments.append(top)
        video = snippet.get("videoId")
        if isinstance(video, str) and video not in videos:
            videos.append(video)
        replies = ((item.get("replies") or {}).get("comments")) or []
        answers = [_youtube_comment(reply, f"item {n} reply {k}", source, top.id)
                   for k, reply in enumerate(replies, start=1)]
        _mentioned_parents(top, answers)
        comments.extend(answers)
        total = snippet.get("totalReplyCount")
        if isinstance(total, int) and total > len(replies):
            not_loaded += total - len(replies)
    if len(videos) > 1:
        raise InputError(f"{source}: comments on {len(videos)} videos ({', '.join(videos[:3])}...); kg reads one "
                         "video's comment threads per file: save each video's threads in a file of its own")
    notes: tuple[str, ...] = ()
    if not_loaded:
        notes = (f"{source}: {_plural(not_loaded, 'reply')} not in the export (commentThreads gives at most 5 "
                 "replies a thread); fetch comments.list?parentId=<thread id> for the rest",)
    title = f"YouTube video {videos[0]}" if videos else None
    return assemble_thread(comments, doc_id=doc_id, source=source, reader="YouTube commentThreads JSON", title=title, notes=notes)


# ------------------------------------------------------------------------------------------------ Disqus
_DSQ = "{http://disqus.com/disqus-internals}id"
#: The names Disqus gives a guest (isAnonymous) who typed none.
_DISQUS_GUESTS = {"", "guest", "anonymous"}
_XML_PARSER = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _local(tag: Any) -> str:
    return lxml.etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(el: lxml.etree._Element, name: str) -> lxml.etree._Element | None:
    return next((c for c in el if _local(c.tag) == name), None)


def _child_text(el: lxml.etree._Element | None, name: str) -> str:
    c = _child(el, name) if el is not None else None
    return (c.text or "").strip() if c is not None else ""


def _dsq_id(el: lxml.etree._Element | None) -> str | None:
    if el is None:
        return None
    value = el.get(_DSQ) or el.get("id")
    return value.strip() if value and value.strip() else None


def parse_xml_export(text: str, *, doc_id: str, source: str) -> Document | list[Document]:
    """An XML comment export: a Disqus export, else one clear line saying which XML this is not."""
    try:
        root = lxml.etree.fromstring(text.encode("utf-8"), parser=_XML_PARSER)
    except lxml.etree.XMLSyntaxError as err:
        line = getattr(err, "lineno", None)
        msg = str(err.msg if hasattr(err, "msg") else err).split(", line ")[0]
        raise InputError(f"{source}: not valid XML{f' (line {line}: {msg})' if line else f' ({msg})'}; is the "
                         "export cut short?") from None
    if _local(root.tag) != "disqus":
        raise InputError(f"{source}: an XML file with root <{_local(root.tag)}>, not a comment export kg knows "
                         "(the XML kg reads is a Disqus export, root <disqus>)")
    return parse_disqus(root, doc_id=doc_id, source=source)


def parse_disqus(root: lxml.etree._Element, *, doc_id: str, source: str) -> Document | list[Document]:
    """The thread of a Disqus export; one document per thread (id ``<file id>-<thread dsq:id>``) when the export
    holds comments on several (a forum's export holds every thread of the site)."""
    threads: dict[str, lxml.etree._Element] = {}
    for t in root:
        tid = _dsq_id(t) if _local(t.tag) == "thread" else None
        if tid is not None:
            threads[tid] = t
    posts = [p for p in root if _local(p.tag) == "post"]
    if not posts:
        raise InputError(f"{source}: the Disqus export has no <post> elements (no comments)")
    by_thread: dict[str, list[tuple[int, lxml.etree._Element]]] = {}
    for n, p in enumerate(posts, start=1):
        tid = _dsq_id(_child(p, "thread"))
        if tid is None:
            raise InputError(f"{source}: post {n}: a <post> without <thread dsq:id=...>: which thread it is on "
                             "is unknown")
        by_thread.setdefault(tid, []).append((n, p))
    documents = []
    for tid, numbered in by_thread.items():
        documents.append(_disqus_thread(threads.get(tid), numbered, source=source,
                                        doc_id=doc_id if len(by_thread) == 1 else f"{doc_id}-{tid}"))
    return documents[0] if len(documents) == 1 else documents


def _disqus_thread(thread: lxml.etree._Element | None, numbered: list[tuple[int, lxml.etree._Element]], *,
                   doc_id: str, source: str) -> Document:
    comments: list[Comment] = []
    removed = 0
    for n, p in numbered:
        pid = _dsq_id(p)
        where = f"post {n}" + (f" (dsq:id {pid})" if pid else "")
        if pid is None:
            raise InputError(f"{source}: {where}: a <post> without a dsq:id attribute")
        text = clean(element_text(fragment(_child_text(p, "message"))))
        if _child_text(p, "isDeleted").lower() == "true" or _child_text(p, "isSpam").lower() == "true":
            text = ""
            removed += 1
        author_el = _child(p, "author")
        name = _child_text(author_el, "name") or None
        if _child_text(author_el, "isAnonymous").lower() == "true" and (name or "").lower() in _DISQUS_GUESTS:
            name = None  # a guest who left the name field as it was
        comments.append(Comment(id=pid, text=text, author=name, where=where, when=iso_time(_child_text(p, "createdAt")),
                                parent=_dsq_id(_child(p, "parent"))))
    title = (clean(_child_text(thread, "title")) or None) if thread is not None else None
    when = iso_time(_child_text(thread, "createdAt")) if thread is not None else None
    return assemble_thread(comments, doc_id=doc_id, source=source, reader="Disqus XML export", title=title,
                           published=when.date().isoformat() if when else None, removed=removed)


# ------------------------------------------------------------------------------------------- JSON dispatch
#: JSON platform formats: (reader name, recogniser, reader), tried in order.
JSON_PLATFORMS = (
    ("reddit", is_reddit, parse_reddit),
    ("discourse", is_discourse, parse_discourse),
    ("youtube", is_youtube, parse_youtube),
)


def parse_platform_json(data: Any, *, doc_id: str, source: str) -> Document | None:
    """The thread of a platform export recognised from the JSON's shape; ``None`` when no platform's."""
    for _name, recognise, read in JSON_PLATFORMS:
        if recognise(data):
            return read(data, doc_id=doc_id, source=source)
    return None
