"""``kg review`` on bad input: one line naming the folder, port or file, a non-zero exit, no traceback and no
server left listening."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg import extracts as kx
from kg.records import Extract
from review_samples import extract

runner = CliRunner()


@pytest.fixture
def folder(tmp_path):
    ex = tmp_path / "extracts"
    ex.mkdir()
    (ex / "doc.json").write_text(kx.dumps(Extract.from_dict(extract())), "utf-8")
    return ex


@pytest.fixture
def busy_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        yield s.getsockname()[1]


# (name, arguments built from the fixtures, exit code, a piece of the one line)
CASES = [
    ("missing folder", lambda f, p: [str(f.parent / "nope")], 2, "nope: no such extracts folder"),
    ("a file, not a folder", lambda f, p: [str(f / "doc.json")], 2, "no such extracts folder"),
    ("empty folder", lambda f, p: [str(f.parent)], 3, "no extracts files"),
    ("missing corpus", lambda f, p: [str(f), "--corpus", str(f.parent / "nocorpus")], 2, "no such corpus folder"),
    ("port in use", lambda f, p: [str(f), "--port", str(p)], 6, "is in use; choose another with --port"),
    ("port out of range", lambda f, p: [str(f), "--port", "70000"], 2, "65535"),
    ("missing codebook", lambda f, p: [str(f), "--codebook", str(f.parent / "cb.yaml")], 2, "no such codebook"),
]


@pytest.mark.parametrize("name,args,code,message", CASES, ids=[c[0] for c in CASES])
def test_bad_input(folder, busy_port, name, args, code, message):
    if name == "empty folder":
        (folder.parent / "empty").mkdir()
        argv = [str(folder.parent / "empty")]
    else:
        argv = args(folder, busy_port)
    result = runner.invoke(app, ["review", *argv])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if name != "port out of range":
        lines = [ln for ln in result.output.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("kg: error: ")


def test_listens_on_loopback_only():
    from kg.cli.cmd_review import bind

    sock = bind(0)
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()
