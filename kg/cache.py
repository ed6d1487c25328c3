"""Incremental rebuilds: the machine extract of a document is reused when nothing that decides it has changed.

Beside the extracts, ``EXTRACTS_DIR/.kg/cache/<document id>.json`` holds the last machine extract made for the
document, under a *key*: the sha256 of the document as read (text, reader's kind, title, date, posts, source)
and of the extraction settings (``kg.extract.pipeline.settings``: ``kg``'s version and extraction code, the
spaCy pipeline and its version, the codebook's content, the stance method and model). A run looks every
document up first; a document whose key is unchanged is not parsed again, and its cached machine extract goes
through the same three-way merge with a person's corrections (``kg.corrections``) as a freshly made one, so
nothing a person did is lost either way.

An entry is one line of JSON (``{"format", "document", "key", "sha256"}``) followed by the machine extract's
canonical text (``kg.extracts.dumps``), whose sha256 the first line records. An entry that cannot be read, whose
checksum does not match, or whose extract breaks the contract is *corrupt*: it is ignored (one line says so)
and the document is extracted again. Entries are written atomically after the extracts files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Callable

from kg import extracts as extracts_io
from kg.errors import ExtractsError
from kg.records import Document, Extract

STATE_DIR = ".kg"  # as kg.corrections: the hidden folder of kg's own state beside the extracts
CACHE_DIR = "cache"
FORMAT = 1


def entry_path(out_dir: Path | str, document_id: str) -> Path:
    return Path(out_dir) / STATE_DIR / CACHE_DIR / f"{document_id}.json"


def document_key(settings_key: str, document: Document) -> str:
    """The cache key of one document under the given settings (``kg.extract.pipeline.settings_key``)."""
    body = json.dumps(dataclasses.asdict(document), sort_keys=True, ensure_ascii=False)
    h = hashlib.sha256(settings_key.encode("ascii") + b"\0")
    h.update(body.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class Cache:
    """The cache of one extracts folder under one set of settings. ``notice`` gets one line per corrupt entry."""

    def __init__(self, out_dir: Path | str, settings_key: str, notice: Callable[[str], None] | None = None):
        self.out_dir = Path(out_dir)
        self.settings_key = settings_key
        self.notice = notice or (lambda line: None)

    def key(self, document: Document) -> str:
        return document_key(self.settings_key, document)

    def lookup(self, document: Document, key: str | None = None) -> Extract | None:
        """The cached machine extract of ``document`` if its key matches; ``None`` if there is none, the key
        differs (something changed) or the entry is corrupt (reported, then treated as missing)."""
        path = entry_path(self.out_dir, document.id)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            return self._corrupt(path, exc.strerror or str(exc))
        head, sep, body = raw.partition(b"\n")
        try:
            meta = json.loads(head)
        except ValueError:
            return self._corrupt(path, "its first line is not JSON")
        if not sep or not isinstance(meta, dict) or not isinstance(meta.get("key"), str):
            return self._corrupt(path, "it has no cache key")
        if meta.get("format") != FORMAT or meta["key"] != (key or self.key(document)):
            return None  # made by another kg, under other settings, or of another text: extract again
        if meta.get("document") != document.id or hashlib.sha256(body).hexdigest() != meta.get("sha256"):
            return self._corrupt(path, "its checksum does not match its content")
        try:
            data = json.loads(body.decode("utf-8"))
            extracts_io.check(data, str(path))
            return Extract.from_dict(data)
        except (ValueError, ExtractsError, KeyError, TypeError) as exc:
            return self._corrupt(path, str(exc).splitlines()[0][:200])

    def store(self, extract: Extract, key: str, machine_text: str | None = None) -> Path:
        """Write the entry of a freshly made machine extract (its canonical text, if already made)."""
        body = (machine_text if machine_text is not None else extracts_io.dumps(extract)).encode("utf-8")
        meta = {"format": FORMAT, "document": extract.document.id, "key": key,
                "sha256": hashlib.sha256(body).hexdigest()}
        path = entry_path(self.out_dir, extract.document.id)
        extracts_io.atomic_write_bytes(path, json.dumps(meta).encode("ascii") + b"\n" + body)
        return path

    def _corrupt(self, path: Path, why: str) -> None:
        self.notice(f"{path}: corrupt cache entry ({why}); ignored, the document is extracted again")
        return None


# ---------------------------------------------------------------------------------------- a run's outputs
#: ``kg run``'s record of what its outputs (graph, matrix, heatmap, RDF, store) were built from, in OUT.
RUN_FILE = "run.json"
_PACKAGE = Path(__file__).resolve().parent


def _package_sha256() -> str:
    """The sha256 of every source file of ``kg``: outputs built by other code are built again."""
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".yaml", ".json", ".ttl", ".rq", ".cypher") and "models" not in path.parts:
            h.update(str(path.relative_to(_PACKAGE)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def outputs_key(extracts: list[Extract], options: dict[str, object]) -> str:
    """The sha256 of what a run's outputs are made from: the extracts as written (in order), the options that
    shape the outputs, and ``kg``'s code."""
    h = hashlib.sha256(_package_sha256().encode("ascii"))
    h.update(json.dumps(options, sort_keys=True).encode("utf-8"))
    for ex in extracts:
        h.update(b"\0" + extracts_io.dumps(ex).encode("utf-8"))
    return h.hexdigest()


def read_run(out_dir: Path | str, key: str, files: list[Path],
             notice: Callable[[str], None] | None = None) -> dict | None:
    """What the last run into ``out_dir`` recorded (graph counts, strongest ties), if it was built from the
    same ``key`` and all its ``files`` are still there; else ``None`` (a corrupt record is reported)."""
    path = Path(out_dir) / STATE_DIR / RUN_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        (notice or (lambda line: None))(f"{path}: corrupt run record ({str(exc).splitlines()[0][:200]}); "
                                        "ignored, the outputs are built again")
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        return None
    if not all(isinstance(data.get(k), t) for k, t in (("counts", dict), ("agreements", list),
                                                        ("conflicts", list))):
        return None
    if not all(Path(f).exists() for f in files):
        return None
    return data


def write_run(out_dir: Path | str, key: str, record: dict) -> None:
    path = Path(out_dir) / STATE_DIR / RUN_FILE
    extracts_io.atomic_write_text(path, json.dumps({"format": FORMAT, "key": key, **record}, ensure_ascii=False,
                                                   indent=1) + "\n")


def forget_run(out_dir: Path | str) -> None:
    """Drop the record before the outputs are rewritten, so a run stopped half-way is never taken as done."""
    (Path(out_dir) / STATE_DIR / RUN_FILE).unlink(missing_ok=True)
