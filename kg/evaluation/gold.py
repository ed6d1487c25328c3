"""Reading gold files: the simpler shape described in ``../shared/EXTRACTS.md`` ("Gold files").

A gold file is a JSON object with ``statements`` (each with ``speaker``, the name of an actor, and ``text``,
an exact substring of the document) and usually ``actors`` (``name``, ``type``, ``aliases``, ``roles``).
``id`` names the document (default: the file name without ``.json``); ``kind`` is ``thread`` for comment
threads, whose statements carry ``reply_to``, the index of the parent comment in the same list.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.extracts import json_files
from kg.errors import InputError

_ANONYMOUS = re.compile(r"anonymous-\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class GoldRole:
    role: str
    organisation: str | None = None


@dataclass
class GoldActor:
    name: str
    type: str = "person"
    aliases: list[str] = field(default_factory=list)
    roles: list[GoldRole] = field(default_factory=list)

    @property
    def anonymous(self) -> bool:
        return self.type == "anonymous" or bool(_ANONYMOUS.match(self.name))


@dataclass
class GoldStatement:
    index: int  # position in the gold file's list
    speaker: str
    text: str
    kind: str = "direct"
    stance: str | None = None
    issue: str | None = None
    target: str | None = None
    reply_to: int | None = None


@dataclass
class GoldDocument:
    id: str
    path: Path
    kind: str  # "article" | "thread"
    actors: list[GoldActor]
    statements: list[GoldStatement]

    def actor(self, name: str) -> GoldActor:
        """The gold actor called ``name``; a speaker missing from ``actors`` is a person (or anonymous)
        known only by that name."""
        for a in self.actors:
            if a.name == name:
                return a
        return GoldActor(name, "anonymous" if _ANONYMOUS.match(name) else "person")

    @property
    def annotates_roles(self) -> bool:
        return any(a.roles for a in self.actors)


def _need(cond: bool, path: Path, where: str, problem: str) -> None:
    if not cond:
        raise InputError(f"{path}: gold {where}: {problem} (see ../shared/EXTRACTS.md, 'Gold files')")


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def parse_gold(data: Any, path: Path) -> GoldDocument:
    """Check the shape of one gold file's JSON and turn it into records; ``InputError`` names the fault."""
    _need(isinstance(data, dict), path, "top level", "must be a JSON object")
    statements_raw = data.get("statements")
    _need(isinstance(statements_raw, list), path, "statements", "missing or not a list")
    actors_raw = data.get("actors", [])
    _need(isinstance(actors_raw, list), path, "actors", "not a list")
    actors = []
    for n, a in enumerate(actors_raw):
        at = f"actors/{n}"
        _need(isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"].strip(), path, at,
              "needs a non-empty 'name'")
        aliases = a.get("aliases") or []
        _need(isinstance(aliases, list) and all(isinstance(x, str) for x in aliases), path, at,
              "'aliases' must be a list of strings")
        roles = []
        for m, r in enumerate(a.get("roles") or []):
            _need(isinstance(r, dict) and isinstance(r.get("role"), str), path, f"{at}/roles/{m}",
                  "needs a 'role' string")
            roles.append(GoldRole(r["role"], _opt_str(r.get("organisation"))))
        actors.append(GoldActor(a["name"], a.get("type") or "person", list(aliases), roles))
    kind = "thread" if data.get("kind") == "thread" else "article"
    statements = []
    for n, s in enumerate(statements_raw):
        at = f"statements/{n}"
        _need(isinstance(s, dict), path, at, "must be an object")
        _need(isinstance(s.get("text"), str) and s["text"].strip(), path, at, "needs a non-empty 'text'")
        _need(isinstance(s.get("speaker"), str) and s["speaker"].strip(), path, at, "needs a 'speaker' name")
        reply_to = s.get("reply_to")
        _need(reply_to is None or (isinstance(reply_to, int) and 0 <= reply_to < len(statements_raw)
                                   and reply_to != n),
              path, at, f"reply_to {reply_to!r} is not the index of another statement of this file")
        statements.append(GoldStatement(
            index=n, speaker=s["speaker"], text=s["text"], kind=s.get("kind") or "direct",
            stance=_opt_str(s.get("stance")), issue=_opt_str(s.get("issue")), target=_opt_str(s.get("target")),
            reply_to=reply_to,
        ))
    doc_id = data.get("id") if isinstance(data.get("id"), str) and data["id"] else path.stem
    return GoldDocument(doc_id, path, kind, actors, statements)


def read_gold(path: Path) -> GoldDocument:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read gold file: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{path}: gold file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: gold file is not valid JSON: {exc.msg} at line {exc.lineno} "
                         f"column {exc.colno}") from None
    return parse_gold(data, path)


def gold_files(gold_dir: Path) -> list[Path]:
    return json_files(gold_dir, what="gold", error=InputError)


def read_gold_dir(gold_dir: Path) -> list[GoldDocument]:
    """Every gold file of the folder (or the one file given), checked before anything is scored."""
    return [read_gold(p) for p in gold_files(gold_dir)]
