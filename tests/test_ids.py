"""Content ids (kg.ids): every script keeps its names apart; Latin-script ids never change."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg.ids import actor_id, issue_id, slug

# (name, id): Latin rows are the ids the golden extracts and the sample tests rely on (unchanged); the
# other scripts keep their letters (case-folded, NFC), so no two of them share an id.
SLUGS = [
    # Latin: as always (accents dropped, apostrophes and modifier letters dropped, letters with no ASCII
    # form dropped)
    ("Ken Marsh", "ken-marsh"),
    ("London Victims’ Commissioner", "london-victims-commissioner"),
    ("Metropolitan Police Federation", "metropolitan-police-federation"),
    ("José Ángel Núñez", "jose-angel-nunez"),
    ("O'Brien", "obrien"),
    ("OʼBrien", "obrien"),
    ("München", "munchen"),
    ("İstanbul", "istanbul"),
    ("Søren", "sren"),
    ("ＦＵＬＬＷＩＤＴＨ ｎａｍｅ", "fullwidth-name"),
    ("Mayor of London (2016)", "mayor-of-london-2016"),
    # other scripts: kept, distinct
    ("张伟", "张伟"),
    ("李娜", "李娜"),
    ("Иван Петров", "иван-петров"),
    ("ИВАН ПЕТРОВ", "иван-петров"),
    ("Йосиф", "йосиф"),
    ("محمد", "محمد"),
    ("أحمد علي", "أحمد-علي"),
    ("Ελένη Παπαδοπούλου", "ελένη-παπαδοπούλου"),
    ("ΟΔΥΣΣΕΑΣ", "οδυσσεασ"),
    ("佐々木", "佐々木"),
    ("ガンダム", "ガンダム"),
    ("김정은", "김정은"),
    ("नरेन्द्र मोदी", "नरेन्द्र-मोदी"),
    ("דוד כהן", "דוד-כהן"),
    ("Ivan Петров", "ivan-петров"),
    # nothing left: a digest of the text, not one "x" for all
    ("", "x"),
    ("😀", "x-9c533688a9"),
    ("!!!", "x-9a7b006d20"),
]


@pytest.mark.parametrize("name, expected", SLUGS)
def test_slug(name, expected):
    assert slug(name) == expected


def test_names_in_different_scripts_never_share_an_id():
    names = ["张伟", "李娜", "Иван Петров", "Пётр Иванов", "محمد", "أحمد", "Ελένη", "佐々木", "김정은",
             "नरेन्द्र मोदी", "דוד כהן", "😀", "🙂", "!!!", "???"]
    ids = [actor_id(n, "person") for n in names]
    assert len(set(ids)) == len(names), ids
    assert "x" not in ids
    assert actor_id("张伟", "anonymous", "doc") != actor_id("李娜", "anonymous", "doc")
    assert issue_id("Полиция") != issue_id("警察")


def test_ids_are_the_same_in_another_process():
    """Stable across runs: a fresh interpreter (another hash seed) gives the same ids."""
    names = [n for n, _ in SLUGS]
    code = "import json, sys; from kg.ids import slug; print(json.dumps([slug(n) for n in json.load(sys.stdin)]))"
    import json

    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(names), capture_output=True, text=True,
                         check=True, env={"PYTHONHASHSEED": "123", "PYTHONPATH": str(_root())})
    assert json.loads(out.stdout) == [slug(n) for n in names]


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parents[1]


def _slug_before_issue_15(text: str) -> str:
    """The rule every id was made with before (reduce to ASCII, or ``x``): Latin ids must stay what it gave."""
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


#: Latin-script blocks, the punctuation, symbols, letterlike forms and enclosed digits Latin names use.
LATIN_BLOCKS = [(0x20, 0x370), (0x1D00, 0x1DC0), (0x1DC0, 0x1F00), (0x2000, 0x2070), (0x2070, 0x20A0),
                (0x2100, 0x2190), (0x2460, 0x2500), (0x2C60, 0x2C80), (0xA720, 0xA800), (0xAB30, 0xAB70),
                (0xFB00, 0xFB07), (0xFF00, 0xFF66)]


def test_ids_of_latin_script_text_are_unchanged():
    """Every code point of those blocks, inside a name and alone: the same id as before (golden extracts)."""
    changed = []
    for lo, hi in LATIN_BLOCKS:
        for code in range(lo, hi):
            for text in (f"Ab{chr(code)}cd Ef", f"{chr(code)}x", chr(code) + "1"):
                if slug(text) != _slug_before_issue_15(text):
                    changed.append((hex(code), text, slug(text)))
    assert changed == []
