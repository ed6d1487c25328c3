"""The general thread-page reader: one table row per layout shape (positive and negative), dates, parents,
kind detection, and a recall floor on the thread dev set's tune pages (never the held-back ones)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.evaluation.text import dice
from kg.ingest import detect_kind, read_document
from kg.ingest.thread import author_name, parse_thread_page
from kg.ingest.thread_layout import (
    absolute_date,
    date_only,
    find_headers,
    resolve_relative,
)

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DEVSET = ROOT / "devsets" / "threads"


def read(text: str):
    doc = parse_thread_page(text, doc_id="t", source="t.txt")
    return [(p.author, doc.text[p.start:p.end], p.reply_to) for p in doc.posts]


# ---------------------------------------------------------------------------------- one row per shape
LAYOUTS = [
    # u/name date lines, scores and "More replies" controls around the bodies
    ("user",
     "r/town • u/poster • Mar 3 '24\nBus fares to rise\n12\nu/amy Mar 3 '24\nFares are too high already.\n7\n"
     "u/[deleted] Mar 4 '24\nI walk instead.\n→ More replies (2)\n",
     [("poster", "Bus fares to rise", None), ("amy", "Fares are too high already.", None),
      (None, "I walk instead.", None)]),
    # "Name said..." with a quote block "X said:" + "> " lines kept out of the reply
    ("said",
     "Anonymous said...\n\nWe need more buses.\n\nKim Lee said...\n\nHi anon\n\nI agree, and cheaper ones.\n",
     [(None, "We need more buses.", None), ("Kim Lee", "Hi anon\n\nI agree, and cheaper ones.", 0)]),
    # Markdown headings; a quote block names its parent
    ("heading",
     "# Forum\n\n## Ann (Jun 1, 2021)\n\nLibraries should open on Sundays.\n\n----------\n\n"
     "## Bo (Jun 2, 2021)\n\nAnn said:\n\n> Libraries should open on Sundays.\n\nThey cannot afford it.\n",
     [("Ann", "Libraries should open on Sundays.", None), ("Bo", "They cannot afford it.", 0)]),
    # @handle lines with a relative date; "commented" among agreed/disagreed verbs is a reply
    ("handle",
     " @AB12CD from Leeds agreed…3mos\n\nMore police on the streets.\n\n @XY99ZZ from York disagreed…2mos\n\n"
     "Not more police, more youth clubs.\n\n @AB12CD from Leeds commented…1mo\n\nYouth clubs closed years ago.\n",
     [("AB12CD", "More police on the streets.", None), ("XY99ZZ", "Not more police, more youth clubs.", None),
      ("AB12CD", "Youth clubs closed years ago.", 1)]),
    # bulleted names over dates: indentation shows the nesting; obfuscated handles are anonymous
    ("bullet",
     "Post text of the opening post, which is long enough to count as prose. It has two sentences.\n\n"
     "  • @[email protected]\n    2 months ago\n\n    Why not tax it?\n\n"
     "    • Kay\n      2 months ago\n\n      Because it is unfair.\n\n"
     "  • Lou\n    1 month ago\n\n    Top level again.\n",
     [(None, "Post text of the opening post, which is long enough to count as prose. It has two sentences.", None),
      (None, "Why not tax it?", None), ("Kay", "Because it is unfair.", 1), ("Lou", "Top level again.", None)]),
    # name, then a date and time on one line
    ("name-date",
     "A thread\n\n(3 Posts)\npinboard Tue 14-Feb-17 10:28:09\n\nThe school will close.\n\n"
     "bluebell Tue 14-Feb-17 10:34:42\n\nThat is sad news.\n",
     [("pinboard", "The school will close.", None), ("bluebell", "That is sad news.", None)]),
    # a name over a forum's member lines (rank, Joined, Messages); a parent's lines pasted before the reply
    ("name",
     "Thread title\n\nann_b\n\nFull Member\nJoined\nApr 27, 2014\nMessages\n1,206\n"
     "Stop and search works when it is targeted.\n \n\ncarl\n\nNew Member\nJoined\nFeb 9, 2017\nMessages\n74\n"
     "Stop and search works when it is targeted.\nIt rarely is.\n",
     [("ann_b", "Stop and search works when it is targeted.", None), ("carl", "It rarely is.", 0)]),
    # a status page: paragraphs that open with an @mention, furniture after the last one
    ("mention",
     "Fare strike on Friday, stickers everywhere. Anyone know who is behind it? What do they want?\n\n"
     "@finn it is the transit union.\n\n@finn free transit, they say.\n\nSign in to participate\nAbout this server\n",
     [(None, "Fare strike on Friday, stickers everywhere. Anyone know who is behind it? What do they want?", None),
      (None, "@finn it is the transit union.", 0), (None, "@finn free transit, they say.", 0)]),
    # an item with "by name N days ago", its replies under "N comments", one quoting the other with ">"
    ("by",
     "Site new | ask\nby someone 20 days ago\nPlanning rules keep prices high.\n1 comments\n\n"
     "You cannot have it both ways.\n\n> You cannot have it both ways.\n\nBuild up, not out.\n",
     [("someone", "Planning rules keep prices high.", None), (None, "You cannot have it both ways.", 0),
      (None, "Build up, not out.", 1)]),
    # a numbered list of comments; a signature after "--" kept out
    ("numbered",
     "Comments are moderated.\n\n  1. First comment here.\n\n  2. Second comment.\n\n    --\n    my signature\n",
     [(None, "First comment here.", None), (None, "Second comment.", None)]),
]


#: Variants of the shapes above.
VARIANTS = [
    # "by name" alone, its date on the next line; a control line of several buttons
    ("by", "Title\n\nby Jane\n3 days ago\n\nFirst words.\n\nReply · Share · Report\n\nby Kim\n2 days ago\n\n"
           "Second words.\n",
     [("Jane", "First words.", None), ("Kim", "Second words.", None)]),
    # name, a separator and a relative date; a month-first date
    ("name-date", "Title\n\nJane Doe · 3 days ago\nFirst words.\n\nKim | March 3, 2024\nSecond words.\n",
     [("Jane Doe", "First words.", None), ("Kim", "Second words.", None)]),
    # a name alone over a date line, and over a score line
    ("name", "Title\n\nJane\nMar 3, 2024\n\nFirst words.\n\nKim\n12 points\n\nSecond words.\n",
     [("Jane", "First words.", None), ("Kim", "Second words.", None)]),
    # a page cut off in the middle of the next header (no line end): the fragment is no text of the last comment
    ("name-date", "T\n\nann Tue 14-Feb-17 10:28:09\n\nOne.\n\nbo Tue 14-Feb-17 10:29:09\n\nTwo.\n\ncy Tue",
     [("ann", "One.", None), ("bo", "Two.", None)]),
    # negative: a last comment of one short line stays, line end or not
    ("name-date", "T\n\nann Tue 14-Feb-17 10:28:09\n\nOne.\n\nbo Tue 14-Feb-17 10:29:09\n\nNo",
     [("ann", "One.", None), ("bo", "No", None)]),
    # no headers at all: each comment closed by its reply/report controls; a menu and share buttons dropped
    ("controls", "Home | News | Sport | About\n\nBus lanes\n\nThe lanes are empty all day.\nReply · Report\n\n"
                 "They fill at rush hour.\nShare on Facebook\nReply · Report\n\nMove them elsewhere.\nReply\n",
     [(None, "The lanes are empty all day.", None), (None, "They fill at rush hour.", None),
      (None, "Move them elsewhere.", None)]),
    # the name alone over the comment, closed by controls that carry a relative date
    ("controls", ("Post title\n\nJane Doe\nBuses should be free.\nLike · Reply · 3y\n\nKim Lee\nThey cost money.\n"
                  "Like · Reply · 2y\n\nAl\nSo do roads.\nLike · Reply · 1y\n"),
     [("Jane Doe", "Buses should be free.", None), ("Kim Lee", "They cost money.", None), ("Al", "So do roads.", None)]),
    # "Post by name » date"; a month-and-year date
    ("by", "Topic\n\nPost by jane » Tue Mar 03, 2020 10:15 am\nFirst.\n\nPost by kim » Mar 2020\nSecond.\n",
     [("jane", "First.", None), ("kim", "Second.", None)]),
    # "[–] name 12 points 3 hours ago" and "Name (date)" without the heading marks
    ("name-date", "T\n\n[–] jane 12 points 3 hours ago\nFirst.\n\n[–] kim 1 point 2 hours ago\nSecond.\n",
     [("jane", "First.", None), ("kim", "Second.", None)]),
    ("heading", "T\n\nJane Doe (March 3, 2020)\nFirst.\n\n**Kim** (2 days ago)\nSecond.\n",
     [("Jane Doe", "First.", None), ("Kim", "Second.", None)]),
    # WordPress: "Name says:" over a date line
    ("said", "T\n\nJane says:\nMarch 3, 2020 at 10:15 am\nFirst.\nReply\n\nKim says:\nMarch 4, 2020 at 9:00 am\n"
             "Second.\nReply\n",
     [("Jane", "First.", None), ("Kim", "Second.", None)]),
    # letters signed below the body; the sign-up line above them is no letter
    ("signed", ("Letters\n\nGet our newsletter. Read our privacy notice before you sign up today.\n\n"
                "The council is wrong to close the library on Sundays.\nFamilies need it most at weekends.\n"
                "Jo Bloggs, Leeds\n\nThe library should open longer, not shorter, in every season.\nAl Smith\n\n"),
     [("Jo Bloggs", "The council is wrong to close the library on Sundays.\nFamilies need it most at weekends.",
       None), ("Al Smith", "The library should open longer, not shorter, in every season.", None)]),
    # "By name" alone over each comment, no dates
    ("by", "Thread\n\nBy ann\n\nFirst.\n\nBy bo\n\nSecond.\n\nBy cy\n\nThird.\n",
     [("ann", "First.", None), ("bo", "Second.", None), ("cy", "Third.", None)]),
    # a name over a post number and an ISO timestamp; a "Date:" line
    ("name", "T\n\nann\n#1\n2025-07-29T10:12:28Z\n\nFirst.\n\nbo\n#2\nDate: 2025-07-30 09:00 (UTC)\n\nSecond.\n",
     [("ann", "First.", None), ("bo", "Second.", None)]),
    # other avatar labels
    ("avatar", "T\n\nProfile picture of Ann\n\nFirst.\n\nUser avatar\n\nSecond.\n",
     [("Ann", "First.", None), (None, "Second.", None)]),
    # a preview ending in "..." and the same comment in full: once
    ("user", "u/a Jan 1 '24\nThe council should fund...\nu/a Jan 1 '24\nThe council should fund buses.\n",
     [("a", "The council should fund buses.", None)]),
]


@pytest.mark.parametrize(("shape", "page", "expected"), VARIANTS)
def test_layout_variants(shape, page, expected):
    assert find_headers(page.split("\n")).shape == shape
    assert read(page) == expected


@pytest.mark.parametrize(
    "line",
    ["Updated 3 days ago", "Posted · 3 days ago", "Story continues below", "kim 3 days ago"],
)
def test_meta_lines_are_not_name_headers(line):
    assert find_headers(["", line, "", "Some words."]).shape == "none"


@pytest.mark.parametrize(("shape", "page", "expected"), LAYOUTS, ids=[row[0] for row in LAYOUTS])
def test_layout_shapes(shape, page, expected):
    assert find_headers(page.split("\n")).shape == shape
    assert read(page) == expected


@pytest.mark.parametrize(
    ("page", "shape"),
    [
        # negatives: what looks like a header but is not one
        ("Ann said:\n\n> a quote\n\nand my words", "none"),  # a quote block, not a comment header
        ("Written by the editor\n\nSome text.", "none"),  # "by" without a date or score
        ("Story continues below\n\nText.\n\nStory continues below\n\nMore text.", "name"),  # a repeated heading...
        ("1. one\n\n3. three", "none"),  # a list not numbered in order
        ("Plain article text. Two sentences.", "none"),
        ("Avatar for - is a phrase in one line of this article.", "none"),  # a sentence, not a name
        ("Dateline\n\n8 March 2019\n\nText.", "none"),  # a date is not a name with a date
        ("Title\n\nA sentence ending (March 3, 2020) here.", "none"),  # a bracketed date inside a sentence
        # an article signed once by its author is not a letters page
        ("Title\n\nThe council closed the library on Sundays this year.\nJo Bloggs\n\nMore text here.", "none"),
        ("One paragraph.\nReply\n\nAnother paragraph.", "none"),  # one control run closes no thread
    ],
)
def test_not_headers(page, shape):
    assert find_headers(page.split("\n")).shape == shape


def test_repeated_heading_is_no_thread():
    """...which detection does not take for a thread: a name needs member lines or @-replies."""
    page = "Title\n\nStory continues below\n\nText one. More.\n\nStory continues below\n\nText two. More."
    assert detect_kind(page, "text") == "article"


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # controls, counters, deleted bodies and previews
        ("u/a Jan 1 '24\nShown text\nReply\nReport\n5 points\nu/b Jan 1 '24\n[deleted]\nu/c Jan 2 '24\nLast.\n",
         [("a", "Shown text", None), ("c", "Last.", None)]),
        # the furniture after the last comment is not its text
        ("u/a Jan 1 '24\nFirst.\nu/b Jan 1 '24\nLast.\n\nLog in to comment\nCookies help us\n",
         [("a", "First.", None), ("b", "Last.", None)]),
        # "replying to X" and a leading @X name the parent (the latest comment by X)
        ("u/a Jan 1 '24\nOne.\nu/b Jan 1 '24\nTwo.\nu/c Jan 1 '24\n@a no.\nu/d Jan 1 '24\nreplying to b: yes.\n",
         [("a", "One.", None), ("b", "Two.", None), ("c", "@a no.", 0), ("d", "replying to b: yes.", 1)]),
        # negative: an @mention of someone not on the page is no parent
        ("u/a Jan 1 '24\nOne.\nu/b Jan 1 '24\n@zed no.\n", [("a", "One.", None), ("b", "@zed no.", None)]),
        # the site's blurb above its sign-in line is no opening post
        ("Welcome to the forum. Be kind to each other and stay on topic, please.\nSign in to post\n\n"
         "u/a Jan 1 '24\nOne.\nu/b Jan 1 '24\nTwo.\n", [("a", "One.", None), ("b", "Two.", None)]),
        # a phrase of an earlier comment quoted, retyped with other word forms: its parent
        ("u/a Jan 1 '24\nThey do not need to upgrade there guns to bigger guns.\nu/b Jan 1 '24\nRight.\n"
         "u/c Jan 1 '24\nThey aren't \"upgrading their guns to bigger guns.\" Rifles are enough.\n",
         [("a", "They do not need to upgrade there guns to bigger guns.", None), ("b", "Right.", None),
          ("c", "They aren't \"upgrading their guns to bigger guns.\" Rifles are enough.", 0)]),
        # negatives: a quote from elsewhere, a short quote, a quote of one's own words
        ("u/a Jan 1 '24\nBuses are late.\nu/b Jan 1 '24\nThe report said \"officers were not confident at all\".\n",
         [("a", "Buses are late.", None), ("b", "The report said \"officers were not confident at all\".", None)]),
        ("u/a Jan 1 '24\nBuses are late again.\nu/b Jan 1 '24\n\"Buses are late\" is old news.\n",
         [("a", "Buses are late again.", None), ("b", "\"Buses are late\" is old news.", None)]),
        ("u/a Jan 1 '24\nWe need more frequent buses.\nu/a Jan 2 '24\nAs I said, \"we need more frequent buses\".\n",
         [("a", "We need more frequent buses.", None), ("a", "As I said, \"we need more frequent buses\".", None)]),
        # negative: "Dear all" greets no one in particular
        ("u/a Jan 1 '24\nOne.\nu/b Jan 1 '24\nDear all, two.\n", [("a", "One.", None), ("b", "Dear all, two.", None)]),
    ],
)
def test_comment_rules(page, expected):
    assert read(page) == expected


@pytest.mark.parametrize(
    ("shown", "expected"),
    [("u/amy", "amy"), ("@Kay", "Kay"), ("by Bo", "Bo"), ("Anonymous", None), ("[deleted]", None),
     ("@[email protected]", None), ("An anonymous reader", None), ("9GTRFJSRepublican", "9GTRFJS"),
     # negatives: ordinary names stay whole
     ("HouseofMouse", "HouseofMouse"), ("John Gray", "John Gray")],
)
def test_author_name(shown, expected):
    assert author_name(shown) == expected


@pytest.mark.parametrize(
    ("text", "iso"),
    [("Apr 11 '25", "2025-04-11"), ("Tue 14-Feb-17 10:28:09", "2017-02-14"), ("Jun 29, 2021", "2021-06-29"),
     ("2025-07-29T10:12:28Z", "2025-07-29"), ("9 months ago", None), ("7mos", None)],
)
def test_absolute_dates(text, iso):
    assert absolute_date(text) == iso


@pytest.mark.parametrize(
    ("shown", "page_date", "iso"),
    [("3 years ago", "2026-12-02", "2023-12-02"), ("9 months ago", "2026-12-02", "2026-03-02"),
     ("2 days ago", "2026-12-02", "2026-11-30"), ("7mos", "2026-12-02", "2026-05-02"),
     ("yesterday", "2026-12-02", "2026-12-01"),
     # without the page's date a relative date stays as shown (None here)
     ("3 years ago", None, None), ("Mar 3", "2026-12-02", None)],
)
def test_relative_dates(shown, page_date, iso):
    assert resolve_relative(shown, page_date) == iso


def test_relative_date_against_the_page_date():
    page = "Retrieved 2026-12-02\n\n@aa11 from X agreed 3 years ago\n\nYes.\n\n@bb22 from Y agreed 2 days ago\n\nNo.\n"
    doc = parse_thread_page(page, doc_id="t", source="t.txt")
    assert [p.published for p in doc.posts] == ["2023-12-02", "2026-11-30"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [("Apr 30 '24", True), ("09 months ago", True), ("7mos7MO", True), ("2704 days ago", True),
     ("Tue 14-Feb-17 10:28:09", True), ("2025-07-29T10:12:28Z", True), ("Date: June 24th, 2005 04:29 pm (UTC)", True),
     ("Mar 2020", True),
     ("I waited 3 days ago for the bus", False), ("Full Member", False), ("March 2020 was cold", False)],
)
def test_date_only(line, expected):
    assert date_only(line) is expected


def test_page_without_comments_is_refused():
    with pytest.raises(InputError, match=r"^x\.txt: no comments found on this thread page"):
        parse_thread_page("A title\n\nAn article with no comments at all. None.\n", doc_id="x", source="x.txt")


# ------------------------------------------------------------------------------------- kind detection
ARTICLES = sorted((SHARED / "eval" / "ggt-dev" / "docs").glob("*.txt")) if (SHARED / "eval").is_dir() else []


@pytest.mark.parametrize(
    ("path", "kind"),
    [(ROOT / "corpus" / "talk-london-mayor-and-policing-2016.txt", "thread"),
     (ROOT / "tests" / "ingest" / "data" / "good" / "riverside-parking-thread.txt", "thread"),
     (ROOT / "corpus" / "police-professional-2022-03-24-police-and-crime-plan.txt", "article"),
     (ROOT / "tests" / "ingest" / "data" / "good" / "plan-article.txt", "article"),
     (ROOT / "tests" / "ingest" / "data" / "good" / "crlf-article.txt", "article"),
     *[(p, "article") for p in ARTICLES]],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_kind_detection_on_files(path, kind):
    doc = read_document(path)
    assert doc.kind == kind
    assert doc.reader.startswith("thread page (" if kind == "thread" else "article (")


@pytest.mark.parametrize(("shape", "page", "expected"), LAYOUTS, ids=[row[0] for row in LAYOUTS])
def test_kind_detection_on_layouts(shape, page, expected):
    assert detect_kind(page, "text") == "thread"


# ---------------------------------------------------------------------- the dev set (tune split only)
def _tune_ids() -> list[str]:
    with (DEVSET / "sources.tsv").open(encoding="utf-8") as fh:
        return [row["id"] for row in csv.DictReader(fh, delimiter="\t") if row["split"] == "tune"]


#: Floors below what the tune pages measure (2026-12-02, commit 5c2d489: recall 64/67, precision 64/65,
#: authors 64/64, parents 63/64, with the dice >= 0.5 rule); the held-back pages are never read here.
FLOORS = {"recall": 0.9, "precision": 0.95, "authors": 0.95, "parents": 0.9}


@pytest.mark.skipif(not (DEVSET / "sources.tsv").is_file(), reason="devsets/threads is absent")
def test_tune_pages_recall_floor():
    gold_n = pred_n = matched = authors = parents = 0
    for doc_id in _tune_ids():
        gold = json.loads((DEVSET / "gold" / f"{doc_id}.json").read_text("utf-8"))["statements"]
        doc = read_document(DEVSET / "pages" / f"{doc_id}.txt")  # no --kind: detection is part of it
        posts = [p for p in doc.posts if not p.opening] if doc.kind == "thread" else []
        texts = [doc.text[p.start:p.end] for p in posts]
        gold_n += len(gold)
        pred_n += len(posts)
        match: dict[int, int] = {}
        for gi, g in enumerate(gold):
            scores = [(dice(g["text"], t), pi) for pi, t in enumerate(texts) if pi not in match.values()]
            best = max(scores, default=(0.0, -1))
            if best[0] >= 0.5:
                match[gi] = best[1]
        matched += len(match)
        position = {p.index: n for n, p in enumerate(posts)}
        for gi, pi in match.items():
            g, p = gold[gi], posts[pi]
            anonymous = g["speaker"].startswith("anonymous-")
            authors += (p.author is None) if anonymous else (p.author == g["speaker"])
            expected = None if g["reply_to"] is None else match.get(g["reply_to"], -1)
            parents += (position.get(p.reply_to) if p.reply_to is not None else None) == expected
    assert matched / gold_n >= FLOORS["recall"]
    assert matched / pred_n >= FLOORS["precision"]
    assert authors / matched >= FLOORS["authors"]
    assert parents / matched >= FLOORS["parents"]
