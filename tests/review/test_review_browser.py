"""End to end in headless Chromium: the real ``kg review`` command serving a copy of the sample corpus's extracts
(made by the real pipeline), a person changing a stance and a speaker, adding a statement by selecting text with
the mouse, deleting one with the keyboard; the changes survive a reload, ``kg extract`` of the same document into
the same folder, and show in ``kg matrix``. Set KG_SAVE_SCREENSHOT=1 to refresh docs/img/review-workspace.png."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.ids import statement_id

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DOCS_IMG = ROOT / "docs" / "img" / "review-workspace.png"
ARTICLE_ID = "police-professional-2022-03-24-police-and-crime-plan"
PHRASE = "the plan sets out the key priorities and objectives for policing in the capital over the next three years"
CODER = "e2e-coder"


@pytest.fixture
def workspace(sample_extracts, tmp_path):
    """A copy of the sample extracts (with kg's record of what the machine wrote) served by ``kg review``."""
    folder = tmp_path / "extracts"
    shutil.copytree(sample_extracts, folder)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KG_CODER": CODER}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from kg.cli import main; main()", "review", str(folder), "--corpus",
         str(ROOT / "corpus"), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    url = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if "?token=" in line:
            url = line.split("open ", 1)[1].strip()
            break
    if url is None:
        proc.kill()
        pytest.fail(f"kg review printed no address: {proc.stderr.read()}")
    yield folder, url, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _load(folder: Path) -> dict:
    return json.loads((folder / f"{ARTICLE_ID}.json").read_text("utf-8"))


def _by_id(data: dict) -> dict:
    return {s["id"]: s for s in data["statements"]}


def _matrix(folder: Path, out: Path) -> dict[tuple[str, str], dict[str, str]]:
    result = CliRunner().invoke(app, ["matrix", str(folder), "--out", str(out), "--value", "all"])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as fh:
        return {(r["actor"], r["issue"]): r for r in csv.DictReader(fh)}


def _saved(page) -> None:
    page.wait_for_selector("#status.ok:text-matches('^Saved')", timeout=20_000)


def _edit_and_wait(page, action) -> None:
    page.evaluate("document.getElementById('status').textContent = ''")
    action()
    _saved(page)


def test_review_in_the_browser(workspace, tmp_path, paths, conn):
    from playwright.sync_api import sync_playwright

    folder, url, proc = workspace
    before = _load(folder)
    text = before["document"]["text"]
    names = {a["id"]: a["name"] for a in before["actors"]}
    people = [a["id"] for a in before["actors"] if a["type"] == "person"]
    sts = before["statements"]
    # the statements to change: a person's supporting statement with issues (its stance), another person's
    # statement (its speaker), a third one (deleted)
    x = next(s for s in sts if s["stance"] == "support" and s["issues"] and s["speaker"] in people)
    y = next(s for s in sts if s["id"] != x["id"] and s["speaker"] != x["speaker"] and s["speaker"] in people)
    new_speaker = next(p for p in people if p not in (x["speaker"], y["speaker"]))
    z = next(s for s in sts if s["id"] not in (x["id"], y["id"]) and s["speaker"] not in (new_speaker, x["speaker"]))
    start = text.index(PHRASE)
    added = statement_id(ARTICLE_ID, start, start + len(PHRASE))
    assert not any(s["start"] < start + len(PHRASE) and start < s["end"] for s in sts), "the phrase is not free"
    matrix_before = _matrix(folder, tmp_path / "before.csv")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            # the address opens the first unreviewed document, the token traded for a cookie
            page.wait_for_selector("#text .st")
            assert "token=" not in page.url and f"doc={ARTICLE_ID}" in page.url
            assert page.locator("#doc-list li").count() == 2

            # change a stance
            page.locator(f'#text .st[data-sid="{x["id"]}"]').first.click()
            assert page.locator("#ed-text").inner_text().strip() == x["text"].strip()
            _edit_and_wait(page, lambda: page.click('#ed-stance button[data-v="oppose"]'))
            assert "oppose" in page.locator(f'#text .st[data-sid="{x["id"]}"]').first.get_attribute("class")

            # change a speaker
            page.locator(f'#text .st[data-sid="{y["id"]}"]').first.click()
            _edit_and_wait(page, lambda: page.select_option("#ed-speaker", new_speaker))
            assert page.locator(f'#text .who[data-sid="{y["id"]}"]').inner_text().startswith(names[new_speaker])

            # add a statement by selecting its words with the mouse
            box = page.evaluate(
                """(phrase) => {
                    const el = [...document.querySelectorAll('#text span[data-start]')]
                        .find((s) => s.textContent.includes(phrase));
                    el.scrollIntoView({block: 'center'});
                    const i = el.firstChild.data.indexOf(phrase);
                    const r = document.createRange();
                    r.setStart(el.firstChild, i); r.setEnd(el.firstChild, i + phrase.length);
                    const rects = [...r.getClientRects()];
                    const a = rects[0], b = rects[rects.length - 1];
                    return {x0: a.left + 1, y0: a.top + a.height / 2, x1: b.right - 1, y1: b.top + b.height / 2};
                }""", PHRASE)
            page.mouse.move(box["x0"], box["y0"])
            page.mouse.down()
            page.mouse.move((box["x0"] + box["x1"]) / 2, box["y1"], steps=5)
            page.mouse.move(box["x1"], box["y1"], steps=5)
            page.mouse.up()
            page.wait_for_selector("#selection-box:not([hidden])")
            assert page.locator("#sel-text").inner_text().strip() == PHRASE
            page.select_option("#sel-speaker", x["speaker"])
            _edit_and_wait(page, lambda: page.click("#sel-add"))
            assert page.locator(f'#text .st[data-sid="{added}"]').count() >= 1

            # delete one with the keyboard
            page.locator(f'#text .st[data-sid="{z["id"]}"]').first.click()
            _edit_and_wait(page, lambda: page.keyboard.press("x"))
            assert page.locator(f'#text .st[data-sid="{z["id"]}"]').count() == 0

            # an edit that would break the contract (a statement over one already there): said, nothing written
            on_disk = (folder / f"{ARTICLE_ID}.json").read_bytes()
            page.evaluate(
                """(sid) => {
                    const el = document.querySelector(`#text .st[data-sid="${sid}"]`);
                    const r = document.createRange();
                    r.selectNodeContents(el);
                    getSelection().removeAllRanges(); getSelection().addRange(r);
                }""", x["id"])
            page.wait_for_selector("#selection-box:not([hidden])")
            page.keyboard.press("a")
            page.wait_for_selector("#banner.err:not([hidden])")
            assert "already statement" in page.locator("#banner-text").inner_text()
            assert page.locator("#status").inner_text() == "Not saved"
            assert (folder / f"{ARTICLE_ID}.json").read_bytes() == on_disk
            page.keyboard.press("Escape")

            # the source link opens the corpus file
            src = page.locator("#source-link")
            assert src.is_visible()
            assert page.request.get(src.evaluate("a => a.href")).text().startswith(text.split()[0])

            # everything is on disk, valid, with the person's marks
            saved = _by_id(_load(folder))
            assert saved[x["id"]]["stance"] == "oppose"
            assert saved[x["id"]]["corrected"]["stance"] == {"by": CODER, "at": saved[x["id"]]["corrected"]["stance"]
                                                             ["at"], "machine": "support"}
            assert saved[y["id"]]["speaker"] == new_speaker
            assert saved[added]["text"] == PHRASE and saved[added]["corrected"]["statement"]["by"] == CODER
            assert z["id"] not in saved

            # reload: the changes are there
            page.reload()
            page.wait_for_selector("#text .st")
            assert "oppose" in page.locator(f'#text .st[data-sid="{x["id"]}"]').first.get_attribute("class")
            assert page.locator(f'#text .who[data-sid="{y["id"]}"]').inner_text().startswith(names[new_speaker])
            assert page.locator(f'#text .st[data-sid="{added}"]').count() >= 1
            assert page.locator(f'#text .st[data-sid="{z["id"]}"]').count() == 0
            progress = page.locator("#doc-progress").inner_text()
            assert progress.startswith("3 / ")  # three statements touched are reviewed

            # a stale tab: the file changed on disk (kg extract below does it too); the save is refused, said so
            stale = page.evaluate("document.getElementById('doc-progress').textContent")
            shutil.copyfile(folder / f"{ARTICLE_ID}.json", tmp_path / "keep.json")
            data = _load(folder)
            data["document"]["title"] = data["document"]["title"] + " "
            (folder / f"{ARTICLE_ID}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
            page.locator(f'#text .st[data-sid="{x["id"]}"]').first.click()
            page.click('#ed-stance button[data-v="neutral"]')
            page.wait_for_selector("#banner:not([hidden])")
            assert "changed on disk" in page.locator("#banner-text").inner_text()
            assert page.locator("#banner-reload").is_visible()
            assert _by_id(_load(folder))[x["id"]]["stance"] == "oppose"  # nothing written
            shutil.copyfile(tmp_path / "keep.json", folder / f"{ARTICLE_ID}.json")
            page.click("#banner-reload")
            page.wait_for_selector("#banner", state="hidden")
            assert page.evaluate("document.getElementById('doc-progress').textContent") == stale

            if os.environ.get("KG_SAVE_SCREENSHOT"):
                # the exchange with the Police Federation: support and opposition side by side
                labels = page.locator("#text .who", has_text="Ken Marsh")
                labels.nth(min(1, labels.count() - 1)).click()
                page.locator("#text .st.sel").first.evaluate("e => e.scrollIntoView({block: 'center'})")
                page.wait_for_timeout(300)
                DOCS_IMG.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(DOCS_IMG))
            # the document reviewed (Shift+R): every statement with it; the filter leaves the other document
            _edit_and_wait(page, lambda: page.keyboard.press("Shift+R"))
            done = _load(folder)
            assert done["document"]["reviewed"]["by"] == CODER
            assert all(s["reviewed"]["by"] == CODER for s in done["statements"])
            n = len(done["statements"])
            assert page.locator("#doc-progress").inner_text() == f"{n} / {n} statements reviewed"
            page.check("#f-unreviewed")
            assert page.locator("#doc-list li").count() == 1
            # and the printed address now opens the first document not yet reviewed: the thread
            other = browser.new_page(viewport={"width": 1280, "height": 800})
            other.on("pageerror", lambda e: errors.append(str(e)))
            other.goto(url)
            other.wait_for_selector("#text .st")
            assert "doc=talk-london-mayor-and-policing-2016" in other.url

            # merge two actors of the thread
            thread = json.loads((folder / "talk-london-mayor-and-policing-2016.json").read_text("utf-8"))
            anon = [a for a in thread["actors"] if a["type"] == "anonymous"]
            drop, keep = anon[0], anon[1]
            other.select_option("#m-drop", drop["id"])
            other.select_option("#m-keep", keep["id"])
            other.click("#m-go")
            other.wait_for_selector("#status.ok:text-matches('^Saved')", timeout=20_000)
            merged = json.loads((folder / "talk-london-mayor-and-policing-2016.json").read_text("utf-8"))
            assert drop["id"] not in {a["id"] for a in merged["actors"]}
            kept = next(a for a in merged["actors"] if a["id"] == keep["id"])
            assert drop["name"] in kept["aliases"]
            moved = [s for s in merged["statements"] if s["speaker"] == keep["id"]
                     and s.get("corrected", {}).get("speaker", {}).get("machine") == drop["id"]]
            assert len(moved) == sum(1 for s in thread["statements"] if s["speaker"] == drop["id"]) > 0
            assert errors == []
        finally:
            browser.close()

    # Ctrl-C / SIGTERM stop the server cleanly
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert "stopped" in proc.stderr.read()

    # the machine reads the document again into the same folder: every change survives
    result = CliRunner().invoke(app, ["extract", str(paths.article), "--out", str(folder)])
    assert result.exit_code == 0, result.output
    after = _by_id(_load(folder))
    assert after[x["id"]]["stance"] == "oppose" and after[x["id"]]["corrected"]["stance"]["by"] == CODER
    assert after[y["id"]]["speaker"] == new_speaker and after[y["id"]]["corrected"]["speaker"]["by"] == CODER
    assert after[added]["text"] == PHRASE and after[added]["speaker"] == x["speaker"]
    assert z["id"] not in after

    # and the stance matrix counts the person's stance
    matrix_after = _matrix(folder, tmp_path / "after.csv")
    rows = [key for key, r in matrix_after.items() if x["id"] in r["evidence"].split()]
    assert rows, "the changed statement is in the matrix"
    for key in rows:
        was, now = matrix_before[key], matrix_after[key]
        assert int(now["oppose"]) == int(was["oppose"]) + 1
        assert int(now["support"]) == int(was["support"]) - 1

    # `kg run` into the same folder keeps them too, and the SPARQL and Cypher answers show the person's stance
    assert folder == tmp_path / "extracts"
    result = CliRunner().invoke(app, ["run", str(paths.article), str(paths.thread), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    after = _by_id(_load(folder))
    assert after[x["id"]]["stance"] == "oppose" and z["id"] not in after and after[added]["text"] == PHRASE
    query = ["actor-statements", "--param", f"actor={x['speaker']}", "--format", "json"]
    result = CliRunner().invoke(app, ["query", "sparql", *query, "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    sparql = {r["statement"]: r["stance"] for r in json.loads(result.stdout)["rows"]}
    env = {"NEO4J_URI": conn.uri, "NEO4J_USER": conn.user, "NEO4J_PASSWORD": conn.password}
    assert CliRunner().invoke(app, ["load", "neo4j", str(folder)], env=env).exit_code == 0
    result = CliRunner().invoke(app, ["query", "cypher", *query], env=env)
    assert result.exit_code == 0, result.output
    cypher = {r["statement"]: r["stance"] for r in json.loads(result.stdout)["rows"]}
    assert sparql[x["id"]] == cypher[x["id"]] == "oppose"
    assert sparql[added] == cypher[added] and z["id"] not in sparql and z["id"] not in cypher
