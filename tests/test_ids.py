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
