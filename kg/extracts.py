"""Read, check and write the extracts files: the reviewable interchange between extraction and the graph.

The contract is ``../shared/EXTRACTS.md`` (copied in the README); ``kg/schema/extracts.schema.json`` is its
JSON Schema. Every file is checked on write and on read (``check``): the schema, then what the schema cannot
state (numbers finite, spans inside the text, offsets reproduce the text, dates of the calendar, speakers,
issues, posts and replies exist, no reply cycles), so that nothing the project's SHACL shapes refuse reaches
the graph. Files read together are checked together (``check_together``: one file per document, statement
ids unique, ids of different kinds apart): ``read_dir``, the common entry of every command that reads an
extracts folder, refuses a folder before anything is built or written.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import tempfile
import time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import jsonschema

from kg.errors import ExtractsError
from kg.ids import sha256_text, slug
from kg.records import Extract


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(resources.files("kg.schema").joinpath("extracts.schema.json").read_text("utf-8"))


#: Deeper nesting than this is no extracts file (the contract nests five levels at most).
MAX_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")


def _integer(_checker: Any, instance: Any) -> bool:
    """A JSON integer is an int: not ``152.0`` (Python's float), not ``true``."""
    return type(instance) is int


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    base = jsonschema.Draft202012Validator
    strict = jsonschema.validators.extend(base, type_checker=base.TYPE_CHECKER.redefine("integer", _integer))
    return strict(schema())


def _scan(data: Any, where: str) -> None:
    """Refuse what JSON Schema lets through: NaN and infinite numbers (Python's json reads ``NaN``,
    ``Infinity`` and ``1e999``), lone surrogates (``"\\ud800"``: no character, and no UTF-8 for it) and nesting
    deeper than ``MAX_DEPTH``. Iterative: no recursion limit."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if type(value) is float and not math.isfinite(value):
            shown = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
            raise ExtractsError(f"{where}: at {_path(path)}: {shown} is not a number; JSON numbers are finite")
        elif type(value) is str and (lone := _SURROGATE.search(value)) is not None:
            raise ExtractsError(f"{where}: at {_path(path)}: a lone surrogate ({lone.group(0)!a}) "
                                f"is no character; the text cannot be written as UTF-8")
        elif isinstance(value, (dict, list)):
            if len(path) >= MAX_DEPTH:
                raise ExtractsError(f"{where}: at {_path(path)}: nested more than {MAX_DEPTH} levels deep")
            if isinstance(value, dict):
                bad = next((k for k in value if _SURROGATE.search(k)), None)
                if bad is not None:
                    raise ExtractsError(f"{where}: at {_path(path)}: the key {bad!a} holds a lone surrogate")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((v, (*path, k)) for k, v in items)


def _path(parts: Iterable[Any]) -> str:
    parts = [str(p) for p in parts]
    if len(parts) > 12:
        parts = [*parts[:6], "...", *parts[-3:]]
    return "/".join(parts) or "(top level)"


def _item_id(data: Any, parts: Iterable[Any]) -> str:
    """`` (st-...)`` when the path starts in a list of items with ids (``statements/18``), as the other checks
    name them, so a person finds the statement without counting; else ``""``."""
    parts = list(parts)
    if len(parts) >= 2 and isinstance(data, dict) and isinstance(parts[1], int):
        items = data.get(parts[0])
        if isinstance(items, list) and 0 <= parts[1] < len(items) and isinstance(items[parts[1]], dict):
            item_id = items[parts[1]].get("id")
            if isinstance(item_id, str) and item_id:
                return f" ({item_id})"
    return ""


def _date_problem(value: Any) -> str | None:
    """The schema checked the shape (``YYYY-MM-DD``); this, that it is a day of the calendar."""
    if value is None:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return f"published {value!r} is not a date of the calendar (YYYY-MM-DD)"
    return None


def _span_problem(start: Any, end: Any, size: int, *, empty: bool = False) -> str | None:
    """What is wrong with ``[start, end)`` as a span of a text of ``size`` code points, if anything."""
    if end > size:
        return f"end {end} is beyond the end of document.text ({size} characters)"
    if start > end or (start == end and not empty):
        return f"start {start} is not before end {end}"
    return None


def _cycle(parent: dict[Any, Any]) -> Any | None:
    """A key of ``parent`` (child -> parent) from which following the parents comes back to it, if any."""
    done: set[Any] = set()  # nodes whose chain of parents is known to end
    for first in parent:
        seen: set[Any] = set()
        node = first
        while node in parent and node not in done:
            if node in seen:
                return node
            seen.add(node)
            node = parent[node]
        done |= seen
    return None


def check(data: dict[str, Any], where: str) -> None:
    """Raise ``ExtractsError`` naming ``where``, the JSON path and the first problem, if ``data`` breaks the
    contract: the schema (integers are ints, dates ``YYYY-MM-DD``, ``document.text`` required), then what
    it cannot state (numbers finite; every span inside the text, start before end, statement text as the
    offsets say; dates of the calendar; ids unique; speakers, issues, posts and replies exist; no reply
    cycles; nothing the project's SHACL shapes would refuse in the graph built from it)."""
    _scan(data, where)
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        err = errors[0]
        raise ExtractsError(f"{where}: schema: at {_path(err.absolute_path)}{_item_id(data, err.absolute_path)}: "
                            f"{_short(err.message)}")
    doc = data["document"]
    text = doc["text"]
    size = len(text)
    if sha256_text(text) != doc["text_sha256"]:
        raise ExtractsError(f"{where}: document.text_sha256 does not match document.text")
    if problem := _date_problem(doc["published"]):
        raise ExtractsError(f"{where}: document: {problem}")
    posts = doc.get("posts", [])
    if posts and doc["kind"] != "thread":
        raise ExtractsError(f"{where}: document/posts: an {doc['kind']} has no posts; only a thread has")
    post_parent: dict[int, int] = {}
    post_at: dict[int, int] = {}
    for n, p in enumerate(posts):
        at = f"{where}: document/posts/{n}"
        if p["index"] in post_at:
            raise ExtractsError(f"{at}: index {p['index']} is also the index of document/posts/{post_at[p['index']]}")
        post_at[p["index"]] = n
        if problem := _span_problem(p["start"], p["end"], size) or _date_problem(p.get("published")):
            raise ExtractsError(f"{at}: {problem}")
        if p.get("reply_to") is not None:
            post_parent[p["index"]] = p["reply_to"]
    for child, parent in post_parent.items():
        at = f"{where}: document/posts/{post_at[child]}"
        if parent not in post_at:
            raise ExtractsError(f"{at}: reply_to {parent} is not the index of a post of this file")
        if parent == child:
            raise ExtractsError(f"{at}: reply_to {parent}: a post does not reply to itself")
    if (looped := _cycle(post_parent)) is not None:
        raise ExtractsError(f"{where}: document/posts/{post_at[looped]}: its replies go round in a circle "
                            f"(reply_to leads back to post {looped})")

    actor_at = _positions(data, "actors", where)
    for n, a in enumerate(data["actors"]):
        for k, r in enumerate(a["roles"]):
            at = f"{where}: actors/{n}/roles/{k}"
            start, end = r.get("start"), r.get("end")
            if (start is None) != (end is None):
                raise ExtractsError(f"{at}: start and end are both given or both null")
            if start is not None and (problem := _span_problem(start, end, size)):
                raise ExtractsError(f"{at}: {problem}")
    issue_at = _positions(data, "issues", where)

    statement_at = _positions(data, "statements", where)
    post_speaker: dict[int, tuple[str, int]] = {}
    reply_parent: dict[str, str] = {}
    for n, s in enumerate(data["statements"]):
        at = f"{where}: statements/{n} ({s['id']})"
        if s["speaker"] not in actor_at:
            raise ExtractsError(f"{at}: speaker {s['speaker']!r} is not an actor of this file")
        for i in s["issues"]:
            if i not in issue_at:
                raise ExtractsError(f"{at}: issue {i!r} is not an issue of this file")
        if s["reply_to"] is not None:
            if s["reply_to"] not in statement_at:
                raise ExtractsError(f"{at}: reply_to {s['reply_to']!r} is not a statement of this file")
            if s["reply_to"] == s["id"]:
                raise ExtractsError(f"{at}: reply_to: a statement does not reply to itself")
            reply_parent[s["id"]] = s["reply_to"]
        if problem := _span_problem(s["start"], s["end"], size) or _date_problem(s.get("published")):
            raise ExtractsError(f"{at}: {problem}")
        if text[s["start"]:s["end"]] != s["text"]:
            raise ExtractsError(
                f"{at}: text does not equal document.text[{s['start']}:{s['end']}]; fix the offsets or the text"
            )
        if s.get("post") is not None:
            if s["post"] not in post_at:
                raise ExtractsError(f"{at}: post {s['post']} is not the index of a post of this file")
            first = post_speaker.setdefault(s["post"], (s["speaker"], n))
            if first[0] != s["speaker"]:
                raise ExtractsError(f"{at}: post {s['post']} has one author, but statements/{first[1]} in it is "
                                    f"spoken by {first[0]!r} and this one by {s['speaker']!r}")
        for k, e in enumerate(s.get("evidence", [])):
            if problem := _span_problem(e["start"], e["end"], size, empty=True):
                raise ExtractsError(f"{at}: evidence/{k}: {problem}")
            if text[e["start"]:e["end"]].lower() != e["cue"].lower():
                raise ExtractsError(f"{at}: evidence/{k}: cue {e['cue']!r} is not document.text"
                                    f"[{e['start']}:{e['end']}] ({text[e['start']:e['end']]!r})")
    if (looped := _cycle(reply_parent)) is not None:
        raise ExtractsError(f"{where}: statements/{statement_at[looped]} ({looped}): its replies go round in a "
                            f"circle (reply_to leads back to it)")
    _check_ids_apart([(where, _id_entries(data))])


def _short(message: str, limit: int = 200) -> str:
    """A schema message on one line, cut short (it quotes the offending value, which may be huge)."""
    message = " ".join(message.split())
    return message if len(message) <= limit else message[:limit - 3] + "..."


_Entry = tuple[str, str, str]  # (kind, id, JSON path)


def _id_entries(data: dict[str, Any] | Extract) -> list[_Entry]:
    """The graph node ids a file brings: its document, actors, organisations named in roles, issues, statements."""
    if isinstance(data, Extract):
        data = {"document": {"id": data.document.id}, "actors": [a.to_dict() for a in data.actors],
                "issues": [i.to_dict() for i in data.issues],
                "statements": [{"id": s.id} for s in data.statements]}
    out: list[_Entry] = [("document", data["document"]["id"], "document/id")]
    for n, a in enumerate(data["actors"]):
        out.append(("actor", a["id"], f"actors/{n}/id"))
        for k, r in enumerate(a["roles"]):
            if r.get("organisation"):
                out.append(("actor", slug(r["organisation"]), f"actors/{n}/roles/{k}/organisation"))
    out += [("issue", i["id"], f"issues/{n}/id") for n, i in enumerate(data["issues"])]
    out += [("statement", s["id"], f"statements/{n}/id") for n, s in enumerate(data["statements"])]
    return out


def _check_ids_apart(files: Iterable[tuple[str, list[_Entry]]]) -> None:
    """The graph keeps one node per id: a document, an actor (or an organisation named in a role), an issue
    and a statement must not share one, within a file or across the files read together (the node would be
    one of them only, and the edges to the other would point at the wrong kind of thing)."""
    owner: dict[str, tuple[str, str, str]] = {}  # id -> (kind, file, JSON path)
    for where, entries in files:
        for kind, id_, path in entries:
            seen = owner.setdefault(id_, (kind, where, path))
            if seen[0] != kind:
                place = "this file" if seen[1] == where else seen[1]
                hint = ("; rename the input file (a document's id is its file name)" if "document" in (kind, seen[0])
                        else "; ids of different kinds must differ")
                raise ExtractsError(f"{where}: {path}: id {id_!r} is also the id of {_a(seen[0])} "
                                    f"({place}, {seen[2]}){hint}")


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def check_together(extracts: Sequence[Extract], sources: Sequence[str] | None = None) -> None:
    """Refuse extracts that cannot be read together (``sources``: the file of each, for the messages): two
    files of one document (``X.json`` and a stray ``X (copy).json``), one statement id twice, or ids of
    different kinds that are equal (see ``_check_ids_apart``). Raises one ``ExtractsError`` line naming
    both files. Cheap (0.06 s for 100k statements): run on every set of extracts before anything is
    built or written."""
    documents = [ex.document.id for ex in extracts]
    statements = [s.id for ex in extracts for s in ex.statements]
    actors = {a.id for ex in extracts for a in ex.actors}
    actors.update(slug(r.organisation) for ex in extracts for a in ex.actors for r in a.roles if r.organisation)
    issues = {i.id for ex in extracts for i in ex.issues}
    kinds = [set(documents), actors, issues, set(statements)]
    if (len(kinds[0]) == len(documents) and len(kinds[3]) == len(statements)
            and sum(map(len, kinds)) == len(set().union(*kinds))):
        return  # the common case, found with sets; below, the first problem found file by file, for its message
    names = list(sources) if sources is not None else [
        f"extracts[{n}] (document {ex.document.id!r})" for n, ex in enumerate(extracts)]
    seen_documents: dict[str, str] = {}
    seen_statements: dict[str, tuple[str, int]] = {}
    for ex, where in zip(extracts, names):
        first = seen_documents.setdefault(ex.document.id, where)
        if first != where:
            raise ExtractsError(f"{where}: document id {ex.document.id!r} is also the document of {first}; "
                                f"one extracts file per document (remove one of them)")
        for n, st in enumerate(ex.statements):
            other = seen_statements.setdefault(st.id, (where, n))
            if other != (where, n):
                place = f"statements/{other[1]} of this file" if other[0] == where else f"a statement of {other[0]}"
                raise ExtractsError(f"{where}: statements/{n}: statement id {st.id!r} is also {place}; "
                                    f"statement ids are unique across files")
    _check_ids_apart((where, _id_entries(ex)) for ex, where in zip(extracts, names))


def check_extracts(extracts: Sequence[Extract]) -> None:
    """Every extract against the contract, then all of them together: for extracts made in memory (a
    loader handed a list) before anything is written."""
    for n, ex in enumerate(extracts):
        check(ex.to_dict(), f"extracts[{n}] (document {ex.document.id!r})")
    check_together(extracts)


def dumps(extract: Extract) -> str:
    """The canonical serialisation: same extract, byte-identical file."""
    return json.dumps(extract.to_dict(), ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def _positions(data: dict[str, Any], key: str, where: str) -> dict[str, int]:
    """``{id: index}`` of the items of ``data[key]`` (actors, issues, statements); two items sharing an id
    raise ``ExtractsError`` naming both."""
    at: dict[str, int] = {}
    for n, item in enumerate(data[key]):
        if item["id"] in at:
            raise ExtractsError(f"{where}: {key}/{n}: two {key} share an id "
                                f"({item['id']!r}, also {key}/{at[item['id']]})")
        at[item["id"]] = n
    return at


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_SWEPT: set[str] = set()  # folders whose stale temporary files this process has removed
_TMP = re.compile(r"^\..+\.(\d+)-[^.]+\.tmp$")  # .NAME.<pid>-<random>.tmp
_OLD_TMP_AGE = 3600.0  # seconds: a temporary file of an older kg (no pid in its name) older than this is stale


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a stale temporary file or store version is one whose writer is gone)."""
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
                if pid_alive(int(m.group(1))):
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
    except RecursionError:
        raise ExtractsError(f"{path}: not an extracts file: JSON nested too deeply to read") from None
    except ValueError as exc:  # Python's limit on the digits of an integer (sys.get_int_max_str_digits)
        raise ExtractsError(f"{path}: not valid JSON: a number too long to read "
                            f"({_short(str(exc).split(';')[0], 120)})") from None
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
    """Read and check every file, then the files together (``check_together``: no document or statement in
    two files), so a bad file or folder stops the run before anything is built or loaded."""
    files = list_files(extracts_dir)
    extracts = [read(p) for p in files]
    check_together(extracts, [str(p) for p in files])
    return extracts


def iter_dir(extracts_dir: Path) -> Iterator[Extract]:
    """The extracts of a folder, every file (and the files together) checked before the first is yielded."""
    yield from read_dir(extracts_dir)


def write_all(extracts: Iterable[Extract], out_dir: Path) -> list[Path]:
    return [write(e, out_dir) for e in extracts]
