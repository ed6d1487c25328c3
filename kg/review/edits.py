"""The edits of the review workspace, as pure functions: extracts dict in, new extracts dict out.

Every function takes the JSON form of an extracts file (what ``kg.extracts.dumps`` writes and people edit),
never changes it, and returns a new one; an edit that would break the contract raises
``kg.errors.ExtractsError`` with one clear line. The server checks the result with ``kg.extracts.check`` before
anything is written.

A statement a person changed records the change the way ``kg.corrections`` does on re-extraction:
``corrected: {field: {"by", "at", "machine"}}`` with the machine's value, so a later ``kg extract`` keeps it and
the graph can tell a person's decision from the machine's. A statement a person added records
``corrected: {"statement": {"by", "at", "machine": None}}``. Changed and added statements are marked
``reviewed: {"by", "at"}`` too: a person who set a stance has looked at the statement.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from kg import ids
from kg.errors import ExtractsError
from kg.records import ACTOR_TYPES, POLARITIES, STATEMENT_KINDS

Data = dict[str, Any]
WHOLE_STATEMENT = "statement"  # the ``corrected`` key of a statement a person added (as in kg.corrections)


# ------------------------------------------------------------------------------------------------ helpers
def _copy(data: Data) -> Data:
    return copy.deepcopy(data)


def _statement(data: Data, statement_id: str) -> dict[str, Any]:
    for s in data["statements"]:
        if s["id"] == statement_id:
            return s
    raise ExtractsError(f"statement {statement_id!r} is not in document {data['document']['id']!r}")


def _actor(data: Data, actor_id: str) -> dict[str, Any]:
    for a in data["actors"]:
        if a["id"] == actor_id:
            return a
    raise ExtractsError(f"actor {actor_id!r} is not an actor of document {data['document']['id']!r}; "
                        f"pick one of its actors or create it first")


def _text(data: Data) -> str:
    text = data["document"].get("text")
    if not text:
        raise ExtractsError(f"document {data['document']['id']!r} has no text in its extracts file; "
                            f"extract it again with this kg to review it")
    return text


def _mark(st: dict[str, Any], field: str, new: Any, *, by: str, at: str) -> None:
    """Record that a person set ``field`` of ``st`` to ``new``, keeping what the machine had said. A field set
    back to the machine's value is the machine's again (no mark); a statement a person added has one mark."""
    marks = st.setdefault("corrected", {})
    if WHOLE_STATEMENT in marks:
        return
    machine = marks[field]["machine"] if field in marks else st.get(field)
    if new == machine:
        marks.pop(field, None)
    else:
        marks[field] = {"by": by, "at": at, "machine": copy.deepcopy(machine)}
    if not marks:
        del st["corrected"]


def _set(st: dict[str, Any], field: str, value: Any, *, by: str, at: str) -> None:
    if st.get(field) == value:
        return
    _mark(st, field, value, by=by, at=at)
    st[field] = value


def _reviewed(st_or_doc: dict[str, Any], *, by: str, at: str) -> None:
    st_or_doc["reviewed"] = {"by": by, "at": at}


def _sort(data: Data) -> None:
    data["statements"].sort(key=lambda s: (s["start"], s["end"], s["id"]))


def _check_span(data: Data, start: Any, end: Any) -> str:
    text = _text(data)
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise ExtractsError(f"span {start!r}-{end!r}: start and end must be whole numbers (character offsets)")
    if not 0 <= start < end <= len(text):
        raise ExtractsError(f"span {start}-{end}: outside the document's text (0-{len(text)}) or empty")
    piece = text[start:end]
    if not piece.strip():
        raise ExtractsError(f"span {start}-{end}: only white space; select the words of the statement")
    if piece != piece.strip():
        raise ExtractsError(f"span {start}-{end}: starts or ends with white space; select from the first to the "
                            f"last character of the statement")
    return piece


def _post_at(data: Data, start: int) -> dict[str, Any] | None:
    for p in data["document"].get("posts", []):
        if p["start"] <= start < p["end"]:
            return p
    return None


# ------------------------------------------------------------------------------------------------- edits
def set_stance(data: Data, statement_id: str, stance: str, *, by: str, at: str) -> Data:
    if stance not in POLARITIES:
        raise ExtractsError(f"stance {stance!r}: one of {', '.join(POLARITIES)}")
    out = _copy(data)
    st = _statement(out, statement_id)
    _set(st, "stance", stance, by=by, at=at)
    _reviewed(st, by=by, at=at)
    return out


def set_speaker(data: Data, statement_id: str, actor_id: str, *, by: str, at: str) -> Data:
    out = _copy(data)
    st = _statement(out, statement_id)
    _actor(out, actor_id)
    _set(st, "speaker", actor_id, by=by, at=at)
    _reviewed(st, by=by, at=at)
    return out


def new_actor_id(data: Data, name: str, actor_type: str) -> str:
    """The id ``create_actor`` gives: the same as extraction would (people and organisations are global)."""
    return ids.actor_id(name.strip(), actor_type, data["document"]["id"])


def create_actor(data: Data, name: str, actor_type: str, *, by: str = "person", at: str = "") -> Data:
    if not isinstance(name, str) or not name.strip():
        raise ExtractsError("a new actor needs a name")
    if actor_type not in ACTOR_TYPES:
        raise ExtractsError(f"actor type {actor_type!r}: one of {', '.join(ACTOR_TYPES)}")
    out = _copy(data)
    aid = new_actor_id(out, name, actor_type)
    for a in out["actors"]:
        if a["id"] == aid:
            raise ExtractsError(f"actor {name.strip()!r} already exists in this document (id {aid!r}); pick it")
    out["actors"].append({"id": aid, "name": " ".join(name.split()), "type": actor_type, "aliases": [],
                          "roles": []})
    out["actors"].sort(key=lambda a: a["id"])
    return out


def set_issues(data: Data, statement_id: str, issue_ids: list[str], *, by: str, at: str,
               known: dict[str, str] | None = None) -> Data:
    """Code the statement to ``issue_ids``: issues of the file, or of ``known`` (the codebook: id -> label),
    which are then added to the file's issues."""
    if not isinstance(issue_ids, list) or not all(isinstance(i, str) for i in issue_ids):
        raise ExtractsError(f"issues {issue_ids!r}: a list of issue ids")
    out = _copy(data)
    st = _statement(out, statement_id)
    present = {i["id"] for i in out["issues"]}
    for iid in issue_ids:
        if iid in present:
            continue
        if known and iid in known:
            out["issues"].append({"id": iid, "label": known[iid]})
            present.add(iid)
            continue
        raise ExtractsError(f"issue {iid!r} is not an issue of this document or of the codebook")
    out["issues"].sort(key=lambda i: i["id"])
    _set(st, "issues", list(dict.fromkeys(issue_ids)), by=by, at=at)
    _reviewed(st, by=by, at=at)
    return out


def set_kind(data: Data, statement_id: str, kind: str, *, by: str, at: str) -> Data:
    if kind not in STATEMENT_KINDS:
        raise ExtractsError(f"kind {kind!r}: one of {', '.join(STATEMENT_KINDS)}")
    out = _copy(data)
    st = _statement(out, statement_id)
    _set(st, "kind", kind, by=by, at=at)
    _reviewed(st, by=by, at=at)
    return out


def set_span(data: Data, statement_id: str, start: int, end: int, *, by: str, at: str) -> Data:
    """Move the statement to ``document.text[start:end]``; it keeps its id (so re-extraction knows it)."""
    out = _copy(data)
    piece = _check_span(out, start, end)
    st = _statement(out, statement_id)
    for other in out["statements"]:
        if other is not st and (other["start"], other["end"]) == (start, end):
            raise ExtractsError(f"span {start}-{end} is already statement {other['id']!r}; delete one of the two "
                                f"instead")
    for field, value in (("start", start), ("end", end), ("text", piece)):
        _set(st, field, value, by=by, at=at)
    _reviewed(st, by=by, at=at)
    _sort(out)
    return out


def add_statement(data: Data, start: int, end: int, speaker: str, *, by: str, at: str, kind: str | None = None,
                  stance: str = "neutral", issues: list[str] | None = None) -> Data:
    """A statement a person found: ``document.text[start:end]`` said by ``speaker``."""
    out = _copy(data)
    piece = _check_span(out, start, end)
    _actor(out, speaker)
    doc = out["document"]
    kind = kind or ("comment" if doc["kind"] == "thread" else "direct")
    if kind not in STATEMENT_KINDS:
        raise ExtractsError(f"kind {kind!r}: one of {', '.join(STATEMENT_KINDS)}")
    if stance not in POLARITIES:
        raise ExtractsError(f"stance {stance!r}: one of {', '.join(POLARITIES)}")
    present = {i["id"] for i in out["issues"]}
    for iid in issues or []:
        if iid not in present:
            raise ExtractsError(f"issue {iid!r} is not an issue of this document")
    sid = ids.statement_id(doc["id"], start, end)
    for s in out["statements"]:
        if s["id"] == sid or (s["start"], s["end"]) == (start, end):
            raise ExtractsError(f"span {start}-{end} is already statement {s['id']!r}; select it and edit it instead")
    post = _post_at(out, start)
    out["statements"].append({
        "id": sid, "speaker": speaker, "text": piece, "start": start, "end": end, "kind": kind,
        "issues": list(issues or []), "stance": stance, "target": None, "confidence": 1.0, "reply_to": None,
        "cue": None, "post": post["index"] if post else None,
        "published": (post or {}).get("published") or doc.get("published"),
        "evidence": [], "reply_relation": None,
        "corrected": {WHOLE_STATEMENT: {"by": by, "at": at, "machine": None}},
        "reviewed": {"by": by, "at": at},
    })
    _sort(out)
    return out


def delete_statement(data: Data, statement_id: str, *, by: str = "person", at: str = "") -> Data:
    """Remove the statement; replies to it become top-level (as ``kg.corrections`` does)."""
    out = _copy(data)
    st = _statement(out, statement_id)
    out["statements"].remove(st)
    for s in out["statements"]:
        if s.get("reply_to") == statement_id:
            s["reply_to"] = None
            s["reply_relation"] = None
    return out


def merge_actors(data: Data, keep: str, drop: str, *, by: str, at: str) -> Data:
    """``drop`` is the same actor as ``keep``: its statements become ``keep``'s, its name, aliases and roles
    join ``keep``'s, and ``drop`` is removed."""
    if keep == drop:
        raise ExtractsError(f"merge actors: {keep!r} with itself; pick two different actors")
    out = _copy(data)
    k, d = _actor(out, keep), _actor(out, drop)
    for alias in [d["name"], *d.get("aliases", [])]:
        if alias != k["name"] and alias not in k["aliases"]:
            k["aliases"].append(alias)
    for role in d.get("roles", []):
        if role not in k["roles"]:
            k["roles"].append(role)
    out["actors"].remove(d)
    for s in out["statements"]:
        if s["speaker"] == drop:
            _set(s, "speaker", keep, by=by, at=at)
            _reviewed(s, by=by, at=at)
    return out


def mark_reviewed(data: Data, statement_id: str | None = None, *, by: str, at: str, reviewed: bool = True) -> Data:
    """Mark one statement reviewed, or with no ``statement_id`` the whole document and every statement in it
    not yet reviewed. ``reviewed=False`` takes the mark away."""
    out = _copy(data)
    if statement_id is not None:
        st = _statement(out, statement_id)
        if reviewed:
            _reviewed(st, by=by, at=at)
        else:
            st.pop("reviewed", None)
        return out
    if reviewed:
        _reviewed(out["document"], by=by, at=at)
        for s in out["statements"]:
            if not s.get("reviewed"):
                _reviewed(s, by=by, at=at)
    else:
        out["document"].pop("reviewed", None)
    return out


# ------------------------------------------------------------------------------------------ one front door
# op name -> (function, the arguments a request must give, the optional ones)
OPS: dict[str, tuple[Callable[..., Data], tuple[str, ...], tuple[str, ...]]] = {
    "set_stance": (set_stance, ("statement", "stance"), ()),
    "set_speaker": (set_speaker, ("statement", "actor"), ()),
    "create_actor": (create_actor, ("name", "type"), ()),
    "set_issues": (set_issues, ("statement", "issues"), ()),
    "set_kind": (set_kind, ("statement", "kind"), ()),
    "set_span": (set_span, ("statement", "start", "end"), ()),
    "add_statement": (add_statement, ("start", "end", "speaker"), ("kind", "stance", "issues")),
    "delete_statement": (delete_statement, ("statement",), ()),
    "merge_actors": (merge_actors, ("keep", "drop"), ()),
    "mark_reviewed": (mark_reviewed, (), ("statement", "reviewed")),
}
_RENAME = {"statement": "statement_id", "actor": "actor_id", "type": "actor_type", "issues": "issue_ids"}


def apply(data: Data, op: str, args: dict[str, Any], *, by: str, at: str,
          known_issues: dict[str, str] | None = None) -> Data:
    """Apply the edit named ``op`` with ``args`` (the JSON of a request); unknown ops or arguments raise
    ``ExtractsError``."""
    if op not in OPS:
        raise ExtractsError(f"unknown edit {op!r}; one of {', '.join(OPS)}")
    func, required, optional = OPS[op]
    if not isinstance(args, dict):
        raise ExtractsError(f"{op}: arguments must be an object")
    missing = [a for a in required if a not in args]
    extra = [a for a in args if a not in required and a not in optional]
    if missing or extra:
        raise ExtractsError(f"{op}: " + "; ".join(
            ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unknown {', '.join(extra)}"] if extra else [])))
    kwargs = {}
    for name, value in args.items():
        if op == "add_statement" and name == "issues":
            kwargs["issues"] = value
        else:
            kwargs[_RENAME.get(name, name)] = value
    if op == "set_issues":
        kwargs["known"] = known_issues
    return func(data, **kwargs, by=by, at=at)
