"""read_document / read_documents: kind selection, the reader registry, folders, ids."""

from pathlib import Path

import pytest

from kg.errors import ConfigError, InputError
from kg.ingest import EXTENSIONS, READERS, detect_kind, format_of, read_document, read_documents

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good"
ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("plan-article.txt", "article"),
        ("crlf-article.txt", "article"),
        ("council-budget-article.html", "article"),
        ("riverside-parking-thread.txt", "thread"),
        ("library-hours-comments.json", "thread"),
        ("library-hours-comments-list.json", "thread"),
        ("bus-lane-comments.csv", "thread"),
    ],
)
def test_auto_kind(name, kind):
    doc = read_document(GOOD / name)
    assert doc.kind == kind
    assert doc.id == Path(name).stem
    assert doc.source == str(GOOD / name)
    for p in doc.posts:
        assert 0 <= p.start < p.end <= len(doc.text)


@pytest.mark.parametrize(
    ("path", "expected"),
    [("a.txt", "text"), ("a.MD", "text"), ("a.html", "html"), ("a.HTM", "html"), ("a.json", "json"),
     ("a.csv", "csv"), ("a.text", "text"), ("noext", "text")],
)
def test_format_of(path, expected):
    assert format_of(path) == expected


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [("anything", "json", "thread"), ("anything", "csv", "thread"), ("An article.", "text", "article"),
     ("An article.", "html", "article")],
)
def test_detect_kind(text, fmt, expected):
    assert detect_kind(text, fmt) == expected


def test_forced_kinds():
    page = GOOD / "riverside-parking-thread.txt"
    assert read_document(page, kind="article").kind == "article"  # the user knows best
    with pytest.raises(InputError, match="no comments"):
        read_document(GOOD / "plan-article.txt", kind="thread")
    with pytest.raises(InputError, match="cannot be read as article; use --kind thread or auto"):
        read_document(GOOD / "bus-lane-comments.csv", kind="article")


@pytest.mark.parametrize("kind", ["Article", "threads", "", "html"])
def test_unknown_kind(kind):
    with pytest.raises(ConfigError, match="choose one of auto, article, thread"):
        read_document(GOOD / "plan-article.txt", kind=kind)
    with pytest.raises(ConfigError):
        list(read_documents([GOOD], kind=kind))


def test_doc_id_override():
    assert read_document(GOOD / "plan-article.txt", doc_id="custom").id == "custom"


def test_read_documents_expands_folders(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b.txt").write_text("B title\n\nBody b.", "utf-8")
    (tmp_path / "sub" / "a.md").write_text("A title\n\nBody a.", "utf-8")
    (tmp_path / "sub" / "c.csv").write_text("id,text\n1,Hi\n", "utf-8")
    (tmp_path / "ignored.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # PDFs are read since issue 15; images are not
    (tmp_path / ".hidden" / "x.txt").write_text("hidden", "utf-8")
    ids = [d.id for d in read_documents([tmp_path])]
    assert ids == ["b", "a", "c"]  # sorted paths: b.txt < sub/a.md < sub/c.csv
    # explicit files are read in the order given, whatever their extension
    other = tmp_path / "notes.text"
    other.write_text("Notes\n\nBody.", "utf-8")
    assert [d.id for d in read_documents([other, tmp_path / "b.txt"])] == ["notes", "b"]


def test_read_documents_sample_folder():
    docs = list(read_documents([GOOD]))
    assert [d.id for d in docs] == [p.stem for p in sorted(GOOD.iterdir())]
    assert {d.kind for d in docs} == {"article", "thread"}


def test_read_documents_missing(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        list(read_documents([tmp_path / "missing"]))


def test_read_documents_corpus():
    docs = {d.id: d for d in read_documents([ROOT / "corpus"])}
    assert docs["police-professional-2022-03-24-police-and-crime-plan"].kind == "article"
    assert docs["talk-london-mayor-and-policing-2016"].kind == "thread"


def test_registry():
    assert set(READERS) == {("article", "text"), ("article", "html"), ("thread", "text"), ("thread", "html"),
                            ("thread", "json"), ("thread", "csv"), ("thread", "xml")}
    assert set(EXTENSIONS) == {".txt", ".md", ".html", ".htm", ".json", ".csv", ".pdf", ".xml"}  # a PDF becomes text


def test_html_thread_page(tmp_path):
    blocks = "".join(
        f"<div class='comment'><div>Avatar for -{name}</div><div>Up vote 0</div><div>Care 0</div>"
        f"<a>Report</a><p>{body}</p></div>"
        for name, body in [(" Tiger", "Too few officers on the street."), ("", "Yep, I agree with that.")]
    )
    html = f"<html><head><title>T</title></head><body><h1>Policing</h1><p>Comments (2)</p>{blocks}</body></html>"
    path = tmp_path / "thread.html"
    path.write_text(html, "utf-8")
    doc = read_document(path)
    assert doc.kind == "thread"
    assert [(doc.text[p.start:p.end], p.author, p.reply_to) for p in doc.posts] == [
        ("Too few officers on the street.", "Tiger", None), ("Yep, I agree with that.", None, 0)]
