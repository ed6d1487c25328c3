"""Reading bytes: the checks every file goes through, and the normalisation offsets refer to."""

import pytest

from kg.errors import InputError
from kg.ingest import read_document
from kg.ingest.text import normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc\n", "a\nb\nc\n"),
        ("\ufeffTitle", "Title"),
        ("Cafe\u0301", "Caf\u00e9"),  # NFC
        ("two  spaces stay", "two  spaces stay"),
        ("non\u00a0breaking stays", "non\u00a0breaking stays"),
        ("“curly” quotes – dashes", "“curly” quotes – dashes"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected
    assert normalise(expected) == expected  # idempotent


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\n\t\n", "empty"),
        ("bom-only.txt", b"\xef\xbb\xbf\n", "empty"),
        ("binary.txt", b"PK\x03\x04\x00\x00binary", "binary"),
        ("latin1.txt", "Caf\u00e9 au lait".encode("latin-1"), "not valid UTF-8"),
        ("cp1252.txt", "He said \u201chello\u201d".encode("cp1252"), "not valid UTF-8"),
        ("utf16.txt", "Hello".encode("utf-16"), "UTF-16"),
        ("empty.json", b"", "empty"),
        ("binary.html", b"<html>\x00</html>", "binary"),
    ],
)
def test_bad_files_raise_one_clear_line(tmp_path, name, data, problem):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_document(path)
    message = str(info.value)
    assert str(path) in message and problem in message
    assert "\n" not in message


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.txt")
