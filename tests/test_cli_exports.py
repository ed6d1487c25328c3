"""Issue 13 items 2-3 through the command line: every example export and comment page under docs/examples goes
through `kg extract` (kind auto) to extracts that pass the contract check; bad exports give one line naming the
file and the problem, exit 2 and nothing written; a reply to a missing comment is repaired with a warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import extracts as extracts_io
from kg.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
FILES = ["reddit-thread.json", "disqus-export.xml", "discourse-topic.json", "youtube-comment-threads.json",
         "wordpress-comments.html", "disqus-embed.html", "microdata-comments.html", "jsonld-forum-posting.html"]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    out = tmp_path_factory.mktemp("examples") / "extracts"
    result = invoke("extract", *[EXAMPLES / f for f in FILES], "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    return out, result


@pytest.mark.parametrize("name", FILES)
def test_example_round_trips_through_kg_extract(extracted, name):
    out, _ = extracted
    path = out / f"{Path(name).stem}.json"
    extract = extracts_io.read(path)  # checks the file against the contract (schema, spans, ids, replies)
    extracts_io.check(json.loads(path.read_text("utf-8")), str(path))
    doc = extract.document
    assert doc.kind == "thread"
    comments = [p for p in doc.posts if not p.opening]
    statements = {s.post: s for s in extract.statements}
    assert sorted(statements) == [p.index for p in comments]  # every comment is a statement of its author
    names = {a.id: a.name for a in extract.actors}
    for p in comments:
        s = statements[p.index]
        assert s.text == doc.text[p.start:p.end] and s.published == p.published
        assert names[s.speaker] == p.author if p.author else names[s.speaker].startswith("anonymous-")
        if p.reply_to is not None and p.reply_to in statements:
            assert s.reply_to == statements[p.reply_to].id


def test_example_warnings_reach_the_terminal(extracted):
    _, result = extracted  # even with --quiet: a researcher must know comments are missing
    assert ("kg: warning: " + str(EXAMPLES / "reddit-thread.json") + ": 2 comments not loaded in this Reddit "
            "export ('load more comments')") in result.stderr


REDDIT_POST = {"kind": "t3", "data": {"name": "t3_p", "title": "Bins", "selftext": "", "author": "op",
                                      "created_utc": 1700000000}}


def reddit(*comments):
    return json.dumps([{"kind": "Listing", "data": {"children": [REDDIT_POST]}},
                       {"kind": "Listing", "data": {"children": list(comments)}}])


def t1(cid, parent="t3_p", minutes=0, body="Weekly bins, please.", replies=""):
    return {"kind": "t1", "data": {"name": cid, "parent_id": parent, "author": f"u_{cid}", "body": body,
                                   "created_utc": 1700000000 + 60 * minutes, "replies": replies}}


def disqus(*posts, threads=("1",)):
    head = ('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
            'xmlns:dsq="http://disqus.com/disqus-internals">')
    ts = "".join(f'<thread dsq:id="{t}"><link>https://example.org/{t}</link><title>T{t}</title></thread>'
                 for t in threads)
    return head + ts + "".join(posts) + "</disqus>"


def post(pid, parent=None, minute=0, thread="1"):
    par = f'<parent dsq:id="{parent}"/>' if parent else ""
    return (f'<post dsq:id="{pid}"><message><![CDATA[<p>Comment {pid} on the plan.</p>]]></message>'
            f"<createdAt>2024-04-09T10:{minute:02d}:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false"
            f'</isSpam><author><name>N{pid}</name></author><thread dsq:id="{thread}"/>{par}</post>')


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("truncated.json", reddit(t1("t1_a"))[:-40], "not valid JSON (line 1, column"),
    ("truncated.xml", disqus(post("1"))[:-30], "not valid XML (line 2: "),
    ("later.xml", disqus(post("1", parent="2", minute=5), post("2", minute=9)),
     "post 1 (dsq:id 1): comment '1' (2024-04-09 10:05) replies to comment '2', which was written later "
     "(2024-04-09 10:09); the export is inconsistent"),
    ("cycle.xml", disqus(post("1", parent="2"), post("2", parent="1", minute=1)),
     "post 1 (dsq:id 1): the replies go round in a cycle ('1' -> '2' -> '1'); the export is inconsistent"),
    ("cycle.json", json.dumps([{"id": "1", "text": "a", "parent": "2"}, {"id": "2", "text": "b", "parent": "1"}]),
     "comment 1: the replies go round in a cycle ('1' -> '2' -> '1'); give the comment that opens the exchange "
     "an empty parent"),
    ("later.json", json.dumps([{"id": "1", "text": "a", "date": "2024-03-02", "parent": "2"},
                               {"id": "2", "text": "b", "date": "2024-03-05"}]),
     "comment 1: comment '1' (2024-03-02) replies to comment '2', which is dated later (2024-03-05); correct one "
     "of the dates or the parent"),
    ("duplicate.xml", disqus(post("1"), post("1", minute=1)),
     "post 2 (dsq:id 1): comment id '1' is used twice (also by post 1 (dsq:id 1))"),
    ("duplicate-reddit.json", reddit(t1("t1_a"), t1("t1_a", minutes=1)),
     "comment t1_a: comment id 't1_a' is used twice (also by comment t1_a)"),
    ("mastodon.json", json.dumps({"ancestors": [], "descendants": [{"id": "1", "content": "<p>hi</p>"}]}),
     "not a comment export kg knows: expected a list of comments or an object with a \"comments\" list (kg's own "
     "format), a Reddit thread JSON, a Discourse topic JSON or a YouTube commentThreads JSON"),
    ("feed.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title></channel></rss>',
     "an XML file with root <rss>, not a comment export kg knows (the XML kg reads is a Disqus export, root "
     "<disqus>)"),
    ("no-thread.xml", disqus(post("1").replace('<thread dsq:id="1"/>', "")),
     "post 1: a <post> without <thread dsq:id=...>: which thread it is on is unknown"),
    ("discourse.json", json.dumps({"post_stream": {"posts": [{"username": "a", "cooked": "<p>x</p>"}]}}),
     "post 1 of post_stream.posts has no post_number: not a Discourse topic JSON"),
    ("youtube.json", json.dumps({"kind": "youtube#commentThreadListResponse", "items": [
        {"snippet": {"videoId": "v1", "topLevelComment": {"snippet": {"textOriginal": "x"}}}}]}),
     "item 1: a YouTube comment needs an id and a snippet"),
    ("videos.json", json.dumps({"kind": "youtube#commentThreadListResponse", "items": [
        {"snippet": {"videoId": f"v{n}", "topLevelComment": {"id": f"c{n}", "snippet": {"textOriginal": "x"}}}}
        for n in (1, 2)]}),
     "comments on 2 videos (v1, v2...); kg reads one video's comment threads per file"),
    ("reddit-noid.json", reddit({"kind": "t1", "data": {"body": "x", "author": "a"}}),
     "a Reddit comment without an id (no name or id field)"),
    ("deleted.json", reddit(t1("t1_a", body="[deleted]")), "the export has no comments with text (1 deleted or "
                                                            "removed)"),
])
def test_bad_export_is_one_line_and_nothing_written(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_text(content, "utf-8")
    out = tmp_path / "out"
    result = invoke("extract", path, "--out", out)
    assert result.exit_code == 2, result.output
    assert lines(result.output) == [f"kg: error: {path}: {problem}"] or (
        len(lines(result.output)) == 1 and lines(result.output)[0].startswith(f"kg: error: {path}: ")
        and problem in lines(result.output)[0]), result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(("name", "content", "warning", "n_posts"), [
    ("orphan.json", reddit(t1("t1_a"), t1("t1_b", parent="t1_gone", minutes=1)),
     "1 reply to comments not in the export kept as top-level comment", 2),
    ("orphan.xml", disqus(post("1"), post("2", parent="77", minute=1), post("3", parent="78", minute=2)),
     "2 replies to comments not in the export kept as top-level comments", 3),
    ("deleted-parent.json", reddit(t1("t1_a", body="[removed]", replies={"kind": "Listing", "data": {
        "children": [t1("t1_b", parent="t1_a", minutes=1)]}})),
     "1 reply to comments deleted, removed or not in the export kept as top-level comment", 1),
])
def test_reply_to_missing_comment_is_repaired_with_a_warning(tmp_path, name, content, warning, n_posts):
    path = tmp_path / name
    path.write_text(content, "utf-8")
    out = tmp_path / "out"
    result = invoke("extract", path, "--out", out)
    assert result.exit_code == 0, result.output
    assert f"kg: warning: {path}: {warning}" in lines(result.stderr)
    doc = extracts_io.read(out / f"{path.stem}.json").document
    assert len(doc.posts) == n_posts and all(p.reply_to is None for p in doc.posts)


def test_disqus_export_of_a_forum_gives_one_document_per_thread(tmp_path):
    """A Disqus export holds every thread of the site: each thread with comments is a document of its own."""
    path = tmp_path / "forum.xml"
    path.write_text(disqus(post("1"), post("2", thread="2"), post("3", parent="1", minute=4), post("4", thread="3"),
                           threads=("1", "2")), "utf-8")
    out = tmp_path / "out"
    result = invoke("extract", path, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.json")) == ["forum-1.json", "forum-2.json", "forum-3.json"]
    first = extracts_io.read(out / "forum-1.json").document
    assert (first.title, first.source, [p.reply_to for p in first.posts]) == ("T1", str(path), [None, 0])
    assert extracts_io.read(out / "forum-3.json").document.title is None  # a thread the export does not describe
    from kg.errors import InputError
    from kg.ingest import read_document

    with pytest.raises(InputError, match=r"forum.xml: holds 3 documents \(forum-1, forum-2, forum-3\)"):
        read_document(path)
