"""Issue 13 items 2 and 3: platform exports (Reddit, Disqus, Discourse, YouTube) and comment markup in HTML
pages -> thread Documents, recognised from their content; the example files under docs/examples against
golden files; the markup rules as positive and negative table rows; the assembler's rules.

Golden files: tests/ingest/data/exports-golden/<example>.json. After a deliberate change to a reader, rewrite
them with ``KG_UPDATE_GOLDEN=1 pytest tests/ingest/test_ingest_platforms.py`` and review the diff."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import lxml.html
import pytest

from kg.errors import InputError
from kg.ingest import detect_kind, read_document
from kg.ingest.comments import Comment, assemble_thread
from kg.ingest.html_comments import find_comments
from kg.ingest.platforms import is_discourse, is_reddit, is_youtube

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
GOLDEN = Path(__file__).parent / "data" / "exports-golden"

#: example file -> (reader, kind detected without --kind)
EXAMPLE_READERS = {
    "reddit-thread.json": "Reddit thread JSON",
    "disqus-export.xml": "Disqus XML export",
    "discourse-topic.json": "Discourse topic JSON",
    "youtube-comment-threads.json": "YouTube commentThreads JSON",
    "wordpress-comments.html": "HTML comment section (comment markup)",
    "disqus-embed.html": "HTML comment section (comment markup)",
    "microdata-comments.html": "HTML comment section (schema.org microdata)",
    "jsonld-forum-posting.html": "HTML comment section (schema.org JSON-LD)",
    "comments-export.json": "comment export (kg JSON)",
}


def summary(doc) -> dict:
    return {
        "reader": doc.reader, "kind": doc.kind, "title": doc.title, "published": doc.published,
        "warnings": doc.warnings,
        "posts": [{"author": p.author, "author_type": p.author_type, "published": p.published,
                   "reply_to": p.reply_to, "opening": p.opening, "text": doc.text[p.start:p.end]}
                  for p in doc.posts],
    }


@pytest.mark.parametrize("name", sorted(EXAMPLE_READERS))
def test_example_against_golden(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # warnings name the file as given: docs/examples/...
    doc = read_document(Path("docs/examples") / name)  # --kind auto: recognised from the content
    got = summary(doc)
    golden = GOLDEN / f"{Path(name).stem}.json"
    if os.environ.get("KG_UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", "utf-8")
    assert got == json.loads(golden.read_text("utf-8")), f"{golden.name} differs: review, then KG_UPDATE_GOLDEN=1"
    assert doc.reader == EXAMPLE_READERS[name] and doc.kind == "thread"
    assert doc.text == "\n\n".join(p["text"] for p in got["posts"])  # texts joined by blank lines, offsets exact
    comments = [p for p in doc.posts if not p.opening]
    assert len(comments) >= 3 and any(p.reply_to is not None for p in comments), "examples show replies"
    assert all(p.published for p in comments), "every example comment has a date"
    assert all(p.reply_to is None or p.reply_to < p.index for p in doc.posts), "a parent comes first"


@pytest.mark.parametrize(("name", "expected"), [
    # the facts each example file is written to show, independent of the golden files
    ("reddit-thread.json", {"removed": "[removed]", "authors": ["quiet_cyclist_88", "elm_st_resident",
                                                                "cabbie_dave", "quiet_cyclist_88", None],
                            "replies": [None, None, 1, 2, None], "opening": True}),
    ("disqus-export.xml", {"removed": "cheap watches", "authors": ["Helen Marsh", None, "Raj Patel"],
                           "replies": [None, 0, 1], "opening": False}),
    ("discourse-topic.json", {"removed": "my son cycles to school on his own</p>", "replies": [None, None, 1, 2],
                              "authors": ["transport_team", "mlopes", "gh_driver", "transport_team"],
                              "opening": True}),
    ("youtube-comment-threads.json", {"removed": "&#39;", "replies": [None, None, 0, 2],
                                      "authors": ["@annebryce4021", "@mike.t", "@harbourviewbnb", "@annebryce4021"],
                                      "opening": False}),
])
def test_platform_examples(name, expected):
    doc = read_document(EXAMPLES / name)
    assert [p.author for p in doc.posts] == expected["authors"]
    assert [p.reply_to for p in doc.posts] == expected["replies"]
    assert doc.posts[0].opening is expected["opening"]
    assert expected["removed"] not in doc.text  # deleted/spam comments, quoted parents, HTML entities


def test_discourse_quote_is_the_parents_words_not_the_authors():
    doc = read_document(EXAMPLES / "discourse-topic.json")
    third = doc.text[doc.posts[2].start:doc.posts[2].end]
    assert third.startswith("Good for him") and "mlopes:" not in third


@pytest.mark.parametrize(("data", "reddit", "discourse", "youtube"), [
    ([{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {}}]}},
      {"kind": "Listing", "data": {"children": []}}], True, False, False),
    ([{"kind": "Listing", "data": {"children": [{"kind": "t1", "data": {}}]}},
      {"kind": "Listing", "data": {"children": []}}], False, False, False),  # no post: a user's comment page
    ([{"id": "1", "text": "a"}, {"id": "2", "text": "b"}], False, False, False),  # kg's own format
    ({"post_stream": {"posts": []}}, False, True, False),
    ({"post_stream": {"stream": [1, 2]}}, False, False, False),
    ({"kind": "youtube#commentThreadListResponse", "items": []}, False, False, True),
    ({"items": [{"snippet": {"topLevelComment": {}}}]}, False, False, True),
    ({"items": [{"snippet": {"title": "a video"}}]}, False, False, False),  # a videos.list response
])
def test_platform_recognisers(data, reddit, discourse, youtube):
    assert (is_reddit(data), is_discourse(data), is_youtube(data)) == (reddit, discourse, youtube)


# ---------------------------------------------------------------------------------------- HTML markup
def _page(body: str, head: str = "") -> str:
    return f"<html><head><title>T</title>{head}</head><body>{body}</body></html>"


WP_OLD = ("<div id='comments'><ol class='commentlist'>"
          "<li class='comment depth-1' id='li-comment-1'><div id='comment-1'>"
          "<div class='comment-author vcard'><cite class='fn'>Ann</cite> <span class='says'>says:</span></div>"
          "<div class='comment-meta commentmetadata'><a href='#comment-1'>March 3, 2024 at 9:00 am</a></div>"
          "<div class='comment-body'><p>Keep the library open on Mondays.</p></div>"
          "<div class='reply'><a class='comment-reply-link'>Reply</a></div></div>"
          "<ul class='children'><li class='comment depth-2' id='li-comment-2'><div id='comment-2'>"
          "<div class='comment-author vcard'><cite class='fn'>Bob</cite> <span class='says'>says:</span></div>"
          "<div class='comment-meta commentmetadata'><a href='#comment-2'>March 4, 2024 at 10:00 am</a></div>"
          "<div class='comment-body'><p>It costs too much.</p></div></div></li></ul></li></ol></div>")

ARTICLE_COMMENT = ("<section id='comments'><article class='comment' id='comment-7'><header><span class='author'>"
                   "Chloe</span> <time datetime='2024-05-01T10:00:00Z'>1 May</time></header><p>Build the crossing."
                   "</p></article></section>")

JSONLD_GRAPH = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
                '{"@type": "NewsArticle", "@id": "#a", "headline": "Bridge tolls", "comment": []},'
                '{"@type": "Comment", "@id": "#c1", "author": {"@type": "Organization", "name": "Road Users Union"},'
                ' "dateCreated": "2024-06-01T09:00:00Z", "text": "Tolls hit commuters hardest.", "parentItem": {"@id": "#a"}},'
                '{"@type": "Comment", "@id": "#c2", "author": "Dee", "datePublished": "2024-06-02T09:00:00Z",'
                ' "text": "<p>They pay for the repairs.</p>", "parentItem": {"@id": "#c1"}}]}</script>')


@pytest.mark.parametrize(("html", "reader", "expected"), [
    # positive rows: (author, author_type, reply_to among comments, text)
    (_page(WP_OLD), "HTML comment section (comment markup)",
     [("Ann", "person", None, "Keep the library open on Mondays."), ("Bob", "person", 0, "It costs too much.")]),
    (_page(ARTICLE_COMMENT), "HTML comment section (comment markup)", [("Chloe", "person", None, "Build the crossing.")]),
    (_page("<p>x</p>", JSONLD_GRAPH), "HTML comment section (schema.org JSON-LD)",
     [("Road Users Union", "organisation", None, "Tolls hit commuters hardest."),
      ("Dee", "person", 0, "They pay for the repairs.")]),
    (_page("<div itemscope itemtype='http://schema.org/Comment'><span itemprop='author'>Eve</span>"
           "<p itemprop='text'>Fewer cars, please.</p><div itemscope itemtype='http://schema.org/Comment'>"
           "<span itemprop='author' itemscope itemtype='http://schema.org/Organization'><b itemprop='name'>"
           "Taxi Guild</b></span><p itemprop='text'>No.</p></div></div>"), "HTML comment section (schema.org microdata)",
     [("Eve", "person", None, "Fewer cars, please."), ("Taxi Guild", "organisation", 0, "No.")]),
    (_page("<ul class='post-list' id='post-list'><li class='post' id='post-11'><span class='author'>Fay</span>"
           "<div class='post-message'><p>Plant more trees.</p></div><ul class='children'><li class='post' "
           "id='post-12'><span class='author'>Gil</span><div class='post-message'><p>Where?</p></div></li></ul>"
           "</li></ul>"), "HTML comment section (comment markup)",
     [("Fay", "person", None, "Plant more trees."), ("Gil", "person", 0, "Where?")]),
    # a comment-content block around the header and the text: the text is the comment-text inside it
    (_page("<div class='comments-list'><div class='comment-item' data-comment-id='41'><div class='comment-content'>"
           "<div class='comment-header'><span class='comment-author'>Hana</span><span class='comment-time'>"
           "2 days ago</span><span class='comment-edited'>(edited)</span></div><div class='comment-text'>Resurface"
           " the towpath first.</div><div class='comment-footer'><button class='comment-action'>Like 3</button>"
           "</div></div></div></div>"), "HTML comment section (comment markup)",
     [("Hana", "person", None, "Resurface the towpath first.")]),
    (_page("<div class='comment-list'><div class='comment-container'><div class='comment-user-name'>Ivo</div>"
           "<div class='comment-content'>More benches by the river.</div></div></div>"),
     "HTML comment section (comment markup)", [("Ivo", "person", None, "More benches by the river.")]),
    (_page("<section class='comments'><div class='comment'><div class='comment-content'><div class='comment-details'>"
           "<div class='comment-header'><span class='author-name'>Jo</span><span class='timestamp'>2024-02-02"
           "</span></div><div class='comment-text'><p>Ban idling outside schools.</p></div></div></div></div>"
           "</section>"), "HTML comment section (comment markup)", [("Jo", "person", None, "Ban idling outside schools.")]),
    # a comment the page shows twice (a featured copy above the list): kept once, its reply answers the first
    (_page("<div id='comments'><div class='featured'><article class='comment' id='comment-5'><span class='author'>"
           "Kim</span><div class='comment-content'>Open the pool at 6am.</div></article></div><ol class='comment-list'>"
           "<li class='comment' id='comment-5'><span class='author'>Kim</span><div class='comment-content'>Open the "
           "pool at 6am.</div><ol class='children'><li class='comment' id='comment-6'><span class='author'>Lu</span>"
           "<div class='comment-content'>Yes, before work.</div></li></ol></li></ol></div>"),
     "HTML comment section (comment markup)", [("Kim", "person", None, "Open the pool at 6am."),
                                        ("Lu", "person", 0, "Yes, before work.")]),
    # two different comments under one element id (a sloppy template): both kept
    (_page("<div id='comments'><div class='comment' id='comment-1'><span class='author'>Mo</span><div class="
           "'comment-content'>Fix the lights.</div></div><div class='comment' id='comment-1'><span class='author'>"
           "Ned</span><div class='comment-content'>And the pavement.</div></div></div>"),
     "HTML comment section (comment markup)", [("Mo", "person", None, "Fix the lights."),
                                        ("Ned", "person", None, "And the pavement.")]),
    # negative rows: no comment markup the readers take
    (_page("<article class='post' id='post-5'><h1>Blog</h1><div class='post-content'><p>A blog post's own text"
           " is not a comment.</p></div></article>"), None, None),
    (_page("<div class='comment'><p>A block named comment with no author or time: the text reader decides.</p>"
           "</div>"), None, None),
    (_page("<p>x</p>", '<script type="application/ld+json">{"@type": "Comment", "text": </script>'), None, None),
    (_page("<div itemscope itemtype='http://schema.org/Review'><p itemprop='reviewBody'>Five stars.</p></div>"),
     None, None),
    (_page("<div id='comments'><div class='reply'><a>Reply</a></div><p class='no-comments'>Comments are closed."
           "</p></div>"), None, None),
])
def test_comment_markup(html, reader, expected):
    found = find_comments(lxml.html.document_fromstring(html))
    if reader is None:
        assert found is None
        return
    assert found is not None and found.reader == reader
    ids = [c.id for c in found.comments]
    assert [(c.author, c.author_type, ids.index(c.parent) if c.parent else None, c.text)
            for c in found.comments] == expected


def test_comment_markup_dates():
    found = find_comments(lxml.html.document_fromstring(_page(WP_OLD)))
    assert [c.when.date().isoformat() for c in found.comments] == ["2024-03-03", "2024-03-04"]


@pytest.mark.parametrize(("body", "kind"), [
    (ARTICLE_COMMENT, "thread"),
    ("<article><p>" + "Words of an article. " * 20 + "</p></article>", "article"),
])
def test_html_kind_detection(body, kind):
    assert detect_kind(_page(body), "html") == kind


def test_html_article_with_comments_is_a_thread_opened_by_the_article(tmp_path):
    doc = read_document(EXAMPLES / "wordpress-comments.html")
    opening = doc.posts[0]
    assert opening.opening and (opening.author, opening.published) == ("Priya Shah", "2024-03-02")
    article = doc.text[opening.start:opening.end]
    assert article.startswith("Northfield Town Council will vote") and "Mill Lane first." in article
    for chrome in ("Leave a Reply", "says:", "Reply", "thoughts on", "Post Comment", "Privacy policy"):
        assert chrome not in doc.text
    assert sum("takings fell" in doc.text[p.start:p.end] for p in doc.posts) == 1  # each comment once


# -------------------------------------------------------------------------------------------- assembler
T0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def c(cid, parent=None, minutes=0, text="x", **kw):
    return Comment(id=cid, text=text, author=kw.pop("author", "A"), where=f"comment {cid}",
                   when=None if minutes is None else T0 + dt.timedelta(minutes=minutes), parent=parent, **kw)


@pytest.mark.parametrize(("comments", "order", "replies", "warnings"), [
    ([c("1"), c("2", "1", 5)], ["1", "2"], [None, 0], 0),
    # ordered by time, a parent before its replies even in the same minute
    ([c("3", "2", 10), c("1"), c("2", "1", 10)], ["1", "2", "3"], [None, 0, 1], 0),
    # a reply to a comment not in the export: kept, top-level, one warning
    ([c("1"), c("2", "9", 5), c("3", "8", 6)], ["1", "2", "3"], [None, None, None], 1),
    # a reply to a deleted comment (empty text): the same
    ([c("1", text=""), c("2", "1", 5)], ["2"], [None], 1),
    # no dates: file order
    ([c("b", minutes=None), c("a", "b", minutes=None)], ["b", "a"], [None, 0], 0),
])
def test_assemble_thread(comments, order, replies, warnings):
    texts = {cm.id: f"text {cm.id}" for cm in comments}
    for cm in comments:
        cm.text = texts[cm.id] if cm.text else ""
    doc = assemble_thread(comments, doc_id="d", source="f.json", reader="test")
    assert [doc.text[p.start:p.end] for p in doc.posts] == [texts[i] for i in order]
    assert [p.reply_to for p in doc.posts] == replies
    assert len(doc.warnings) == warnings
    if warnings:
        assert doc.warnings[0].startswith("f.json: ") and "kept as top-level" in doc.warnings[0]


@pytest.mark.parametrize(("comments", "problem"), [
    ([c("1"), c("1", minutes=3)], "comment 1: comment id '1' is used twice (also by comment 1)"),
    ([c("1", "2"), c("2", "1", 3)], "the replies go round in a cycle ('1' -> '2' -> '1')"),
    ([c("1", "1")], "comment '1' replies to itself"),
    ([c("1", "2", 0), c("2", None, 30)], "replies to comment '2', which was written later"),
    ([c("1", "2", None), c("2", None, None)], "comes later in the file and has no date"),
    ([c("1", text="")], "the export has no comments with text"),
])
def test_assemble_thread_refuses(comments, problem):
    with pytest.raises(InputError) as err:
        assemble_thread(comments, doc_id="d", source="f.json", reader="test")
    assert str(err.value).startswith("f.json: ") and problem in str(err.value)


def _yt(cid, author, text, minute, parent=None):
    snippet = {"authorDisplayName": author, "textOriginal": text, "publishedAt": f"2024-07-03T10:{minute:02d}:00Z"}
    if parent:
        snippet["parentId"] = parent
    return {"id": cid, "snippet": snippet}


@pytest.mark.parametrize(("replies", "parents"), [
    # "@name" answers that author's latest earlier comment in the thread (YouTube files it under the top one)
    ([_yt("r1", "@bo", "Too dear.", 1, "t"), _yt("r2", "@al", "@bo it pays for itself.", 2, "t")], ["t", "r1"]),
    ([_yt("r1", "@bo", "Too dear.", 1, "t"), _yt("r2", "@bo", "And slow.", 3, "t"),
      _yt("r3", "@cy", "@Bo not on the new line.", 4, "t")], ["t", "t", "r2"]),
    # negative rows: the top comment's author, a name not in the thread, a mention not at the start, a later one
    ([_yt("r1", "@bo", "@al agreed.", 1, "t")], ["t"]),
    ([_yt("r1", "@bo", "@zed where?", 1, "t")], ["t"]),
    ([_yt("r1", "@bo", "Too dear.", 1, "t"), _yt("r2", "@cy", "Ask @bo about it.", 2, "t")], ["t", "t"]),
    ([_yt("r1", "@cy", "@bo no.", 1, "t"), _yt("r2", "@bo", "Too dear.", 5, "t")], ["t", "t"]),
])
def test_youtube_mentions_give_the_parent(replies, parents, tmp_path):
    data = {"kind": "youtube#commentThreadListResponse", "items": [{
        "snippet": {"videoId": "v", "topLevelComment": _yt("t", "@al", "Build the tram.", 0)},
        "replies": {"comments": replies}}]}
    path = tmp_path / "yt.json"
    path.write_text(json.dumps(data), "utf-8")
    doc = read_document(path)
    by_text = {doc.text[p.start:p.end]: p for p in doc.posts}
    ids = {r["snippet"]["textOriginal"]: r["id"] for r in replies} | {"Build the tram.": "t"}
    index_to_id = {p.index: ids[doc.text[p.start:p.end]] for p in doc.posts}
    got = [index_to_id[by_text[r["snippet"]["textOriginal"]].reply_to] for r in replies]
    assert got == parents


def test_html_nesting_wins_over_shown_dates(tmp_path):
    """On a page the nesting shows the parent; a reply shown with an earlier time (another time zone, an edit
    time) is still read, its parent first. An export with such dates is refused (test_assemble_thread_refuses)."""
    page = _page("<div id='comments'><article class='comment' id='comment-1'><span class='author'>Al</span>"
                 "<time datetime='2024-05-02T10:00:00Z'>2 May</time><div class='comment-content'>Open late.</div>"
                 "<article class='comment' id='comment-2'><span class='author'>Bo</span><time datetime="
                 "'2024-05-01T10:00:00Z'>1 May</time><div class='comment-content'>Agreed.</div></article></article>"
                 "</div>")
    path = tmp_path / "page.html"
    path.write_text(page, "utf-8")
    doc = read_document(path)
    assert [(doc.text[p.start:p.end], p.reply_to) for p in doc.posts] == [("Open late.", None), ("Agreed.", 0)]
