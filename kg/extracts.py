"""Read, check and write the extracts files: the reviewable interchange between extraction and the graph.

The contract is ``../shared/EXTRACTS.md`` (copied in the README); ``kg/schema/extracts.schema.json`` is its
JSON Schema. Every file is checked on write and on read: the schema, then the invariants the schema cannot
state (offsets reproduce the text, speakers and issues exist, replies point at statements of the file).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator

import jsonschema

from kg.errors import ExtractsError
from kg.ids import sha256_text
from kg.records import Extract


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(resources.files("kg.schema").joinpath("extracts.schema.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema())


def check(data: dict[str, Any], where: str) -> None:
    """Raise ``ExtractsError`` naming ``where`` and the first problem, if ``data`` breaks the contract."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        path = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        raise ExtractsError(f"{where}: schema: at {path}: {err.message}")
    doc = data["document"]
    text = doc.get("text")
    if text is not None and sha256_text(text) != doc["text_sha256"]:
        raise ExtractsError(f"{where}: document.text_sha256 does not match document.text")
    actor_ids = {a["id"] for a in data["actors"]}
    if len(actor_ids) != len(data["actors"]):
        raise ExtractsError(f"{where}: two actors share an id")
    issue_ids = {i["id"] for i in data["issues"]}
    statement_ids = {s["id"] for s in data["statements"]}
    if len(statement_ids) != len(data["statements"]):
        raise ExtractsError(f"{where}: two statements share an id")
    for n, s in enumerate(data["statements"]):
        at = f"{where}: statements/{n} ({s['id']})"
        if s["speaker"] not in actor_ids:
            raise ExtractsError(f"{at}: speaker {s['speaker']!r} is not an actor of this file")
        for i in s["issues"]:
            if i not in issue_ids:
                raise ExtractsError(f"{at}: issue {i!r} is not an issue of this file")
        if s["reply_to"] is not None and s["reply_to"] not in statement_ids:
            raise ExtractsError(f"{at}: reply_to {s['reply_to']!r} is not a statement of this file")
        if not s["start"] < s["end"]:
            raise ExtractsError(f"{at}: start {s['start']} is not before end {s['end']}")
        if text is not None and text[s["start"]:s["end"]] != s["text"]:
            raise ExtractsError(
                f"{at}: text does not equal document.text[{s['start']}:{s['end']}]; fix the offsets or the text"
            )


def dumps(extract: Extract) -> str:
    """The canonical serialisation: same extract, byte-identical file."""
    return json.dumps(extract.to_dict(), ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_SWEPT: set[str] = set()  # folders whose stale temporary files this process has removed
_TMP = re.compile(r"^\..+\.(\d+)-[^.]+\.tmp$")  # .NAME.<pid>-<random>.tmp
_OLD_TMP_AGE = 3600.0  # seconds: a temporary file of an older kg (no pid in its name) older than this is stale


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists (another user's)
    return True


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete the temporary files that writers killed before their rename left in ``folder``: those named by a
    process that is no longer running (``.NAME.<pid>-<random>.tmp``), and those of an older kg (no pid in the
    name) untouched for an hour. A live process's temporary file is never touched."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(".tmp")) or not entry.is_file(follow_symlinks=False):
            continue
        m = _TMP.match(name)
        try:
            if m:
                if _pid_alive(int(m.group(1))):
                    continue
            elif now - entry.stat(follow_symlinks=False).st_mtime < _OLD_TMP_AGE:
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it over: never a half-written file. The file gets
    the usual permissions (0666 less the umask), not the private ones of a temporary file. The temporary
    file's name holds our pid, so the first write into a folder can remove those of killed writers."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = os.path.abspath(path.parent)
    if folder not in _SWEPT:
        _SWEPT.add(folder)
        remove_stale_temp_files(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def path_for(out_dir: Path, document_id: str) -> Path:
    return Path(out_dir) / f"{document_id}.json"


def write(extract: Extract, out_dir: Path) -> Path:
    """Check ``extract`` against the contract and write ``out_dir/<document id>.json`` atomically."""
    path = path_for(out_dir, extract.document.id)
    text = dumps(extract)
    check(json.loads(text), str(path))
    atomic_write_text(path, text)
    return path


def read(path: Path) -> Extract:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExtractsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ExtractsError(f"{path}: not UTF-8 text; an extracts file is UTF-8 JSON") from None
    except json.JSONDecodeError as exc:
        raise ExtractsError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(data, dict):
        raise ExtractsError(f"{path}: not an extracts file: the top level must be a JSON object")
    check(data, str(path))
    return Extract.from_dict(data)


def json_files(folder: Path, *, what: str, error: type[Exception], hint: str = "") -> list[Path]:
    """The ``*.json`` files of ``folder`` (hidden ones left out), sorted; a file given instead is itself.
    A missing folder or one without JSON files raises ``error`` naming it and ``what`` was looked for."""
    folder = Path(folder)
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        raise error(f"{folder}: no such {what} folder")
    files = sorted(p for p in folder.glob("*.json") if not p.name.startswith("."))
    if not files:
        raise error(f"{folder}: no {what} files (*.json) in this folder{hint}")
    return files


def list_files(extracts_dir: Path) -> list[Path]:
    return json_files(extracts_dir, what="extracts", error=ExtractsError, hint="; run `kg extract` first")


def read_dir(extracts_dir: Path) -> list[Extract]:
    """Read and check every file first, so a bad file stops the run before anything is built or loaded."""
    return [read(p) for p in list_files(extracts_dir)]


def iter_dir(extracts_dir: Path) -> Iterator[Extract]:
    for p in list_files(extracts_dir):
        yield read(p)


def write_all(extracts: Iterable[Extract], out_dir: Path) -> list[Path]:
    return [write(e, out_dir) for e in extracts]
