"""Scraped comment-thread pages: each comment once, full text, author, moderator, opening post, replies."""

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import read_document
from kg.ingest.thread import infer_replies, looks_like_thread, parse_thread_page

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[2]
SHARED = ROOT.parent / "shared"
THREAD = "talk-london-mayor-and-policing-2016"

HEAD = "Avatar for -{name}\nUp vote 0\nCare 0\nReport\n\n"


def page(*comments: tuple[str, str]) -> str:
    """A minimal scraped page: a title, then one block per (author, body)."""
    blocks = [HEAD.format(name=f" {a}" if a else "") + body + "\n" for a, body in comments]
    return "A thread\n\nComments (%d)\n\n" % len(comments) + "\n".join(blocks)


def texts(doc):
    return [doc.text[p.start:p.end] for p in doc.posts]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Short comment.", "Short comment."),
        # a truncated preview and its full text: the full text, once
        ("Long comment that goes...\n\nShow full comment\n\nLong comment that goes on and on.\n\n"
         "Show less of comment", "Long comment that goes on and on."),
        # a preview identical to the full text: still once
        ("Same.\n\nShow full comment\n\nSame.\n\nShow less of comment", "Same."),
        # several paragraphs in the full text keep their blank lines
        ("P1...\n\nShow full comment\n\nP1 full.\n\nP2 full.\n\nShow less of comment", "P1 full.\n\nP2 full."),
        # chrome after the comment is not comment text
        ("Body text.\n\nLoad more", "Body text."),
        # "Show full comment" with nothing after it: the preview is all there is
        ("Cut off...\n\nShow full comment", "Cut off..."),
    ],
)
def test_comment_text(body, expected):
    doc = parse_thread_page(page(("", body)), doc_id="t", source="t.txt")
    assert texts(doc) == [expected]


@pytest.mark.parametrize(
    ("head", "body", "author", "author_type"),
    [
        (" Tiger", "Grr.", "Tiger", "person"),
        (" Bob  Tanner", "Hi.", "Bob Tanner", "person"),
        ("", "Anon.", None, "anonymous"),
        ("", "Thanks all!\n\nTalk London Team", "Talk London Team", "organisation"),
        ("", "Thanks all!Talk London Team", "Talk London Team", "organisation"),
        # negatives: the team named inside the text is not a signature
        ("", "I wrote to the Talk London Team and heard nothing.", None, "anonymous"),
        (" Tiger", "Signed by me, not Talk London Team", "Tiger", "person"),  # a shown name wins
    ],
)
def test_comment_author(head, body, author, author_type):
    text = "A thread\n\nComments (1)\n\n" + HEAD.format(name=head) + body + "\n"
    doc = parse_thread_page(text, doc_id="t", source="t.txt")
    (post,) = doc.posts
    assert (post.author, post.author_type) == (author, author_type)


def test_sample_thread_page():
    doc = read_document(DATA / "good" / "riverside-parking-thread.txt")
    assert (doc.kind, doc.title, doc.published) == ("thread", "Parking charges in the town centre", "2021-02-03")
    opening, *comments = doc.posts
    assert opening.opening and (opening.author, opening.author_type) == ("Riverside Voice", "organisation")
    assert doc.text[opening.start:opening.end].endswith("Would cheaper buses get you out of the car?")
    assert [(p.author, p.author_type, p.reply_to) for p in comments] == [
        ("Marigold", "person", None),
        (None, "anonymous", None),
        (None, "anonymous", 2),  # "Yep, ..." answers the comment before
        ("Riverside Voice Team", "organisation", None),  # signed by the site's team; "Hi all" is top-level
        ("Bob Tanner", "person", 1),  # "I agree with Marigold" -> Marigold's comment
        (None, "anonymous", None),  # "No more cars ..." is not an answer
    ]
    assert texts(doc)[2] == ("I take the bus every day and it is late half the time. If the money really goes "
                             "to buses I would support this, but I doubt it will.\n\nLast year the same promise "
                             "was made about the bus lane and nothing changed.")
    for chrome in ("Up vote", "Care 0", "Report", "Show full comment", "Load more", "Log into", "Comments ("):
        assert chrome not in doc.text
    assert [p.index for p in doc.posts] == list(range(len(doc.posts)))
    assert all(doc.text[p.start:p.end] == doc.text[p.start:p.end].strip() for p in doc.posts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (page(("", "a"), ("", "b")), True),
        ("Title\n\nAvatar for -\nUp vote 0\n\nOne.\n\nShow full comment\n\nOne!\n\nShow less of comment", True),
        ("Title\n\nAdded by Someone\n\nOpening.\n\nComments (0)\n", True),
        # negatives: an article that mentions comments
        ("Title\n\nThe mayor read the comments (42) on the site.", False),
        ("Title\n\nAvatar for - is a phrase in one line of this article.", False),
        ("Title\n\nComments (3)\n\nBut no avatar and no opening post.", False),
    ],
)
def test_looks_like_thread(text, expected):
    assert looks_like_thread(text) is expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Title\n\nAdded by Someone\n\nOpening.\n\nComments (0)\n", "no comments"),
        ("Title\n\nAvatar for -\nUp vote 0\nCare 0\nReport\n\nAvatar for -\nReport\n", "no comments"),
    ],
)
def test_thread_without_comments(text, problem):
    with pytest.raises(InputError, match=problem):
        parse_thread_page(text, doc_id="t", source="t.txt")


def test_bad_sample_thread_page():
    with pytest.raises(InputError, match="no-comments-thread.txt: no comments"):
        read_document(DATA / "bad" / "no-comments-thread.txt")


@pytest.mark.parametrize(
    ("comments", "authors", "expected"),
    [
        (["Root.", "Yep, same here."], [None, None], [None, 0]),
        (["Root.", "I agree!!\nMore police."], [None, None], [None, 0]),
        (["Root.", "Then how do they reform???"], [None, None], [None, 0]),
        (["Profit bodies.", "Please explain what you mean by that."], [None, None], [None, 0]),
        (["Root.", "Thanks for your patronising response, not."], [None, None], [None, 0]),
        (["A by Tanya.", "B.", "I agree with Tanya in part."], ["Tanya", None, None], [None, None, 0]),
        (["A.", "B.", "I agree with Kim in part."], [None, None, None], [None, None, 1]),
        (["Why is it so?", "Unrelated.", "No after a charge they lose rights."], [None] * 3, [None, None, 0]),
        (["Is it?", "No, it is not."], [None, None], [None, 0]),
        (["Root.", "@Tiger you are wrong."], [None, None], [None, 0]),
        # negatives: addressed to everyone, agreeing with a thing, "No more", a lone first comment
        (["Root.", "Hi all, thanks for your comments here."], [None, None], [None, None]),
        (["Root.", "Thanks all for your views."], [None, None], [None, None]),
        (["Root.", "I agree with the mayor's priorities but not all."], [None, None], [None, None]),
        (["Root.", "No more power for the mayor please."], [None, None], [None, None]),
        (["Root.", "Well this would be amusing if it was not real."], [None, None], [None, None]),
        (["Yep, first."], [None], [None]),
        (["Root.", "If you want visible policing, you need more officers."], [None, None], [None, None]),
    ],
)
def test_infer_replies(comments, authors, expected):
    assert infer_replies(comments, authors) == expected


# ------------------------------------------------------------------------------------- golden (shared)
@pytest.fixture(scope="module")
def corpus_thread():
    return read_document(ROOT / "corpus" / f"{THREAD}.txt")


def test_corpus_thread(corpus_thread):
    doc = corpus_thread
    assert (doc.id, doc.kind, doc.title, doc.published) == (THREAD, "thread", "The Mayor and policing", "2016-10-25")
    opening, *comments = doc.posts
    assert opening.opening and (opening.author, opening.author_type, opening.index) == ("Talk London", "organisation", 0)
    assert doc.text[opening.start:opening.end].startswith("The Mayor’s Office for Policing and Crime (MOPAC)")
    assert "The discussion ran from" not in doc.text
    assert len(comments) == 30  # 30 visible on the page; the other 12 sit behind "Load more"
    assert sum(p.author == "Tiger" for p in comments) == 3
    assert sum(p.author == "Talk London Team" for p in comments) == 2
    assert "Show full comment" not in doc.text and "Up vote" not in doc.text
    assert all(p.published is None for p in doc.posts)  # the page shows no comment dates


def _gold_thread():
    return json.loads((SHARED / "gold" / f"{THREAD}.json").read_text("utf-8"))


@pytest.mark.skipif(not (SHARED / "gold").is_dir(), reason="../shared is absent")
def test_corpus_thread_against_gold(corpus_thread):
    gold = _gold_thread()["statements"]
    comments = [p for p in corpus_thread.posts if not p.opening]
    assert len(comments) == len(gold) == 30
    got = [corpus_thread.text[p.start:p.end] for p in comments]
    assert got == [s["text"] for s in gold]  # all 30, each once, exact text, in order
    speakers = [p.author if p.author else "anonymous" for p in comments]
    assert speakers == ["anonymous" if s["speaker"].startswith("anonymous-") else s["speaker"] for s in gold]
    types = {a["name"]: a["type"] for a in _gold_thread()["actors"]}
    assert [p.author_type for p in comments] == [types[s["speaker"]] for s in gold]


@pytest.mark.skipif(not (SHARED / "gold").is_dir(), reason="../shared is absent")
def test_corpus_thread_replies_against_gold(corpus_thread):
    """reply_to is inferred from the words only; measured against the gold (inferred by hand from content)."""
    gold = [s["reply_to"] for s in _gold_thread()["statements"]]
    comments = [p for p in corpus_thread.posts if not p.opening]
    position = {p.index: n for n, p in enumerate(comments)}
    got = [position[p.reply_to] if p.reply_to is not None else None for p in comments]
    agree = sum(g == p for g, p in zip(gold, got))
    gold_edges = {(n, g) for n, g in enumerate(gold) if g is not None}
    got_edges = {(n, g) for n, g in enumerate(got) if g is not None}
    assert got_edges <= gold_edges  # no wrong reply edge
    assert len(got_edges) >= 8 and len(gold_edges) == 10  # 8 of the 10 gold replies found
    assert agree >= 28  # of 30 comments


@pytest.mark.parametrize(
    "footer",
    ["Privacy policy\nCookies\n© Greater London Authority", "Copyright © 2024 City Hall", "Back to top\nTerms of use"],
)
def test_page_footer_is_not_the_last_comment(footer):
    text = page(("", "First."), ("", "Last comment.")) + "\n" + footer + "\n"
    doc = parse_thread_page(text, doc_id="t", source="t.txt")
    assert texts(doc) == ["First.", "Last comment."]
