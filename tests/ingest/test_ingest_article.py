"""Plain-text and HTML articles: title, date, body without page furniture, offsets into the text."""

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import read_document
from kg.ingest.article import cut_furniture, date_of, parse_article, title_of

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[2]
SHARED = ROOT.parent / "shared"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mayor unveils plan\n\nBody text here.", "Mayor unveils plan"),
        ("Is the plan working?\n\nBody.", "Is the plan working?"),
        # negatives: a sentence, a paragraph that runs on, a byline, an id, an overlong line
        ("The mayor spoke on Monday.\n\nMore.", None),
        ("The mayor finally said “no more.”\n\nMore.", None),
        ("Mayor says “no more”\n\nMore.", "Mayor says “no more”"),
        ("A first line\nthat runs on\n\nMore.", None),
        ("By Website Editor\n\nBody.", None),
        ("Marley Jay, The Associated Press\n\nBody.", None),
        ("5c332342795bd2799e61e1ab\n\nBody.", None),
        ("word " * 30 + "\n\nBody.", None),
    ],
)
def test_title_of(text, expected):
    assert title_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title\n\nIntro.\n\nMar 24, 2022\nBy Website Editor\n", "2022-03-24"),
        ("Title\n\n24 March 2022\n\nBody.", "2022-03-24"),
        ("Title\nPublished: March 24, 2022\n\nBody.", "2022-03-24"),
        ("Title\nUpdated 2022-03-24\n\nBody.", "2022-03-24"),
        ("Title\n10:45 GMT 24 March 2022\n\nBody.", "2022-03-24"),
        # negatives: a date inside a sentence is an event, not the publication date
        ("Title\n\nThe vote on 24 March 2022 was close.", None),
        ("Title\n\nNo dates at all.", None),
        ("Title\n" + "\n".join(["para."] * 20) + "\n24 March 2022", None),  # too far down
    ],
)
def test_date_of(text, expected):
    assert date_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Body one.\n\nBody two.\n\n\u00a0\n\nRelated News\n\nSelect Vacancies\n\nJob\n\nCopyright © 2024 X",
         "Body one.\n\nBody two."),
        ("Body one.\n\nBody two.\n\nCopyright © 2024 X", "Body one.\n\nBody two."),
        ("Body one.\n\nBody two.\n .\n Read more about:", "Body one.\n\nBody two."),
        ("Body one.\n\nBody two.\n\nAlso on HuffPost:", "Body one.\n\nBody two."),
        # negatives: furniture words inside the body, or in the first half, stay
        ("Related News\n\nBody one that is quite long.\n\nBody two that is long too.",
         "Related News\n\nBody one that is quite long.\n\nBody two that is long too."),
        ("He read the related news online.\n\nBody two.", "He read the related news online.\n\nBody two."),
    ],
)
def test_cut_furniture(text, expected):
    assert cut_furniture(text) == expected


def test_plain_article_sample():
    doc = read_document(DATA / "good" / "plan-article.txt")
    assert (doc.id, doc.kind, doc.title, doc.published) == (
        "plan-article", "article", "Council adopts new transport plan", "2022-03-24")
    assert doc.text.endswith("“long on promises and short on money”.")
    assert "Related News" not in doc.text and "Copyright" not in doc.text
    assert "promises  safer crossings" in doc.text  # double spaces inside paragraphs are kept
    assert "By Website Editor" in doc.text  # the byline stays; it carries no statement
    assert doc.posts == []


def test_crlf_article_offsets():
    doc = read_document(DATA / "good" / "crlf-article.txt")
    assert "\r" not in doc.text
    quote = "ambitious"
    start = doc.text.index(quote)
    assert doc.text[start - 1] == "“"


def test_text_is_a_prefix_of_the_file():
    """Offsets into document.text are offsets into the (normalised) file: only the tail is cut."""
    path = DATA / "good" / "plan-article.txt"
    doc = read_document(path)
    assert path.read_text("utf-8").startswith(doc.text)


def test_html_article_sample():
    doc = read_document(DATA / "good" / "council-budget-article.html")
    assert (doc.kind, doc.title, doc.published) == (
        "article", "Council approves library budget after long debate", "2023-05-17")
    assert "closing them would be a false economy" in doc.text
    for chrome in ("Related News", "Copyright", "Sport", "Bus fares"):
        assert chrome not in doc.text
    assert "\n\n" in doc.text  # paragraphs separated by blank lines


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ("<html><head><title>Nothing</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
         "no main text"),
        ("<html><body></body></html>", "no main text"),
    ],
)
def test_html_without_main_text(tmp_path, html, problem):
    path = tmp_path / "page.html"
    path.write_text(html, "utf-8")
    with pytest.raises(InputError, match=problem):
        read_document(path)


def test_html_bad_sample():
    with pytest.raises(InputError, match="empty-page.html: no main text"):
        read_document(DATA / "bad" / "empty-page.html")


# ------------------------------------------------------------------------------------- golden (shared)
ARTICLE = "police-professional-2022-03-24-police-and-crime-plan"


@pytest.mark.skipif(not (SHARED / "gold").is_dir(), reason="../shared is absent")
def test_corpus_article_against_gold():
    doc = read_document(ROOT / "corpus" / f"{ARTICLE}.txt")
    gold = json.loads((SHARED / "gold" / f"{ARTICLE}.json").read_text("utf-8"))
    assert doc.id == gold["id"] == ARTICLE
    missing = [s["text"] for s in gold["statements"] if s["text"] not in doc.text]
    assert missing == []


def test_corpus_article():
    doc = read_document(ROOT / "corpus" / f"{ARTICLE}.txt")
    assert (doc.kind, doc.title, doc.published) == (
        "article", "Mayor of London unveils plan to rebuild trust in MPS", "2022-03-24")
    assert doc.text.endswith("fair, trusted, diverse and effective.”")
    for furniture in ("Related News", "Select Vacancies", "Greater Manchester Police", "Copyright"):
        assert furniture not in doc.text


@pytest.mark.skipif(not (SHARED / "eval" / "ggt-dev" / "docs").is_dir(), reason="../shared is absent")
def test_ggt_articles_read_without_losing_body():
    """Robustness: every dev article reads; at most a short furniture tail is cut."""
    for path in sorted((SHARED / "eval" / "ggt-dev" / "docs").glob("*.txt")):
        doc = read_document(path)
        assert doc.kind == "article", path
        raw = path.read_text("utf-8").strip()
        assert raw.startswith(doc.text), path
        assert len(raw) - len(doc.text) < 200, path


def test_parse_article_is_pure():
    a = parse_article("Title\n\nBody.", doc_id="x", source="s")
    b = parse_article("Title\n\nBody.", doc_id="x", source="s")
    assert a == b


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a furniture marker followed by a real paragraph belongs to the body
        ("Body one.\n\nRelated news\n\nThe council said on Monday that the related scheme would be "
         "extended to every ward in the borough next year.", None),
        ("Body.\n\nRead more about:\n\nPolitics\n\nTransport", "Body."),
    ],
)
def test_cut_furniture_needs_a_short_tail(text, expected):
    assert cut_furniture(text) == (text if expected is None else expected)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Mar 24, 2022 at 10:00 am", "2022-03-24"),
        ("Last updated: 24 March 2022 | 10.45 BST", "2022-03-24"),
        ("Posted on 2022-03-24", "2022-03-24"),
        ("— 24 March 2022 —", "2022-03-24"),
        ("By Jane Doe, 24 March 2022", "2022-03-24"),
        # negatives: more than a date on the line
        ("By Jane Doe and the council, which met on 24 March 2022", None),
        ("24 March 2022: council votes", None),
    ],
)
def test_date_line_forms(line, expected):
    assert date_of(f"Title\n\n{line}\n\nBody.") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a labelled line, however long, and the publication date before the update
        ("Title\n\nPublished 3 March 2022\n\nBody.", "2022-03-03"),
        ("Title\n\nBy Jane Doe | Published: 10:32 GMT, 3 March 2022 | Updated: 11:00 GMT, 4 March 2022 | "
         "Share this on social media with your friends\n\nBody.", "2022-03-03"),
        ("Title\n\nUpdated: 4 March 2022\nFirst published on 3 March 2022\n\nBody.", "2022-03-03"),
        ("Title\n\nLast updated 4 March 2022\n\nBody.", "2022-03-04"),
        # datelines
        ("Title\n\nLONDON, 3 March 2022 — The council said on Monday that buses would run.", "2022-03-03"),
        ("Title\n\nOTTAWA (Reuters), March 3, 2022 - The minister said the plan would work.", "2022-03-03"),
        # negatives: a date in running text, a dateline without a year, a label far from any date
        ("Title\n\nThe council published its plan on 3 March 2022 after a long delay.", None),
        ("Title\n\nLONDON, March 3 (Reuters) - The minister said the plan would work.", None),
        ("Title\n\nPublished by the council with the support of many local groups in 2022 and 3 March 2022\n\nB.",
         None),
    ],
)
def test_publication_date_shapes(text, expected):
    assert date_of(text) == expected
