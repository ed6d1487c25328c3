"""Saved queries (``queries/NAME.cypher`` and ``queries/NAME.rq``) and the shape of their results.

Each saved query opens with a header of comment lines (``//`` in Cypher, ``#`` in SPARQL)::

    // name: actor-statements
    // purpose: every statement of one actor, with its document and offsets
    // params: actor (actor id, e.g. ken-marsh)
    // columns: statement, text, document, start, end, stance

Values reach a query only as parameters (``$actor`` in Cypher, ``?actor`` bound by the store in SPARQL),
never pasted into its text. A parameter is a string unless typed: on the command line (``--param n:int=5``,
see ``kg.cli._common.parse_params``) or in the header, where a description that starts with a type
(``params: limit (int, rows to return)``: int, float or bool) makes :meth:`SavedQuery.check_params` convert a
string value. A description with ``actor id`` or ``issue id`` marks an id: a value that cannot be one
(``Ken Marsh``) is refused with the id it probably means (``ken-marsh``). Results are ``QueryResult(columns, rows)``; ``format_result`` renders them as a
table, CSV or ``{"columns": [...], "rows": [{...}, ...]}``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.cells import cells
from kg.errors import ConfigError, KGError, QueryError

LANGUAGES = {"cypher": ".cypher", "sparql": ".rq"}
FORMATS = ("table", "csv", "json")
_HEADER = re.compile(r"^\s*(?://|#)\s*([a-z]+)\s*:\s*(.*?)\s*$")
PARAM_TYPES = ("str", "int", "float", "bool")
_TYPE_WORDS = {"str": "str", "string": "str", "text": "str", "int": "int", "integer": "int", "float": "float",
               "number": "float", "double": "float", "decimal": "float", "bool": "bool", "boolean": "bool"}
_SLUG_IDS = re.compile(r"\b(actor|issue) id\b")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def typed_value(value: str, kind: str, where: str, error: type[KGError] = ConfigError) -> Any:
    """``value`` as a ``kind`` (str, int, float, bool: true/false, yes/no, 1/0); ``error`` naming ``where``
    if it is not one. Floats must be finite: ``nan`` and ``inf`` are refused."""
    text = value.strip()
    if kind == "str":
        return value
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise error(f"{where}: {value!r} is not a whole number") from None
    if kind == "float":
        try:
            number = float(text)
        except ValueError:
            raise error(f"{where}: {value!r} is not a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise error(f"{where}: {value!r} is not a finite number")
        return number
    if kind == "bool":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise error(f"{where}: {value!r} is not true or false")
    raise error(f"{where}: unknown type {kind!r}; one of {', '.join(PARAM_TYPES)}")


def queries_dir() -> Path:
    """``$KG_QUERIES_DIR``, else the project's ``queries/`` folder."""
    env = os.environ.get("KG_QUERIES_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[1] / "queries"


@dataclass
class SavedQuery:
    name: str
    language: str
    path: Path | None
    text: str
    purpose: str = ""
    params: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    #: what the header says of each parameter: "int", "float", "bool", "str", "actor id" or "issue id"
    param_types: dict[str, str] = field(default_factory=dict)
    #: whether the header has a ``params`` line (``params: none`` declares that the query takes none); a
    #: query file without one (a user's own ``.rq``) takes any parameter, as strings unless typed
    declares_params: bool = False

    def check_params(self, given: dict[str, Any]) -> None:
        """A query whose header has a ``params`` line takes only those names (none for ``params: none``); one
        without (a user's own file) takes any. String values of parameters the
        header types are converted in ``given`` (``"5"`` -> ``5`` for ``limit (int)``); a value that cannot
        be the actor or issue id the header asks for is left to :meth:`hints` (it finds no rows)."""
        if self.path is None or not self.declares_params:
            return
        unknown = sorted(set(given) - set(self.params))
        if unknown:
            takes = ", ".join(self.params) if self.params else "no parameters"
            raise QueryError(f"query {self.name!r}: unknown parameter {unknown[0]!r}; it takes {takes}")
        for key, value in list(given.items()):
            kind = self.param_types.get(key, "str")
            where = f"query {self.name!r}, parameter {key!r}"
            if kind in ("int", "float", "bool"):
                if isinstance(value, str):
                    given[key] = typed_value(value, kind, f"{where} ({kind})", QueryError)
                elif kind == "float" and isinstance(value, int) and not isinstance(value, bool):
                    given[key] = float(value)
                elif type(value).__name__ != kind:
                    raise QueryError(f"{where}: takes {'an' if kind == 'int' else 'a'} {kind}, not {value!r}")
            elif kind.endswith(" id") and not isinstance(value, str):
                raise QueryError(f"{where}: takes an id (a string, e.g. ken-marsh), not the "
                                 f"{type(value).__name__} {value!r}; drop the :{type(value).__name__}")

    def hints(self, given: dict[str, Any]) -> list[str]:
        """Why ``given`` may have found nothing: a value that cannot be the actor or issue id the header asks
        for (``Ken Marsh``), with the id it probably means (``ken-marsh``)."""
        from kg.ids import slug

        out = []
        for key, value in given.items():
            kind = self.param_types.get(key, "")
            if kind.endswith(" id") and isinstance(value, str) and value != slug(value):
                guess = slug(value)
                # a value with no letter or digit ("!!") slugs to a placeholder (x-<digest>): nothing to suggest
                fix = f"; did you mean --param {key}={guess}?" if any(c.isalnum() for c in value) else ""
                example = "ken-marsh" if kind.startswith("actor") else "police-funding"
                out.append(f"--param {key}={value!r} looks like a name, but query {self.name!r} takes an {kind}: "
                           f"ids are lower case with hyphens, like {example}{fix}")
        return out


def _parse_header(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _HEADER.match(line)
        if not m:
            if line.lstrip().startswith(("//", "#")):
                continue
            break
        out[m.group(1)] = m.group(2)
    return out


def _param_types(value: str) -> dict[str, str]:
    """``"actor (actor id), limit (int, at most)"`` -> ``{"actor": "actor id", "limit": "int"}``."""
    out: dict[str, str] = {}
    for m in re.finditer(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(([^)]*)\))?", value):
        name, desc = m.group(1), (m.group(2) or "").strip().lower()
        if name.lower() == "none":
            continue
        first = re.split(r"[\s,;]+", desc, maxsplit=1)[0] if desc else ""
        if first in _TYPE_WORDS:
            out[name] = _TYPE_WORDS[first]
        elif (slug_ids := _SLUG_IDS.search(desc)) is not None:
            out[name] = slug_ids.group(0)  # "actor id" or "issue id"
        else:
            out[name] = "str"
    return out


def _names(value: str) -> list[str]:
    """``"actor (actor id), issue"`` -> ``["actor", "issue"]``."""
    value = re.sub(r"\([^)]*\)", "", value)
    return [v.strip() for v in value.split(",") if v.strip() and v.strip().lower() != "none"]


def param_hints(name_or_file: str, language: str, given: dict[str, Any]) -> list[str]:
    """:meth:`SavedQuery.hints` of a saved query by name or file (none if it cannot be loaded)."""
    try:
        return load(name_or_file, language).hints(given)
    except QueryError:
        return []


def available(language: str) -> list[str]:
    ext = LANGUAGES[language]
    return sorted(p.stem for p in queries_dir().glob(f"*{ext}"))


def load(name_or_file: str, language: str) -> SavedQuery:
    """A saved query by name (``agreement-pairs``) or a query file's path."""
    if language not in LANGUAGES:
        raise QueryError(f"unknown query language {language!r}; one of {', '.join(LANGUAGES)}")
    ext = LANGUAGES[language]
    candidate = Path(name_or_file)
    if candidate.suffix and candidate.exists():
        path = candidate
    elif (queries_dir() / f"{name_or_file}{ext}").exists():
        path = queries_dir() / f"{name_or_file}{ext}"
    else:
        names = ", ".join(available(language)) or "(none)"
        raise QueryError(f"no saved {language} query or file {name_or_file!r}; saved queries: {names}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read the query: {exc}") from None
    if not text.strip():
        raise QueryError(f"{path}: the query file is empty")
    header = _parse_header(text)
    return SavedQuery(
        name=header.get("name", path.stem), language=language, path=path, text=text,
        purpose=header.get("purpose", ""), params=_names(header.get("params", "")),
        columns=_names(header.get("columns", "")), param_types=_param_types(header.get("params", "")),
        declares_params="params" in header,
    )


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[dict[str, Any]]

    def sorted_rows(self) -> list[tuple[Any, ...]]:
        """Rows as tuples in column order, sorted: for comparing results across stores."""
        return sorted((tuple(r.get(c) for c in self.columns) for r in self.rows), key=repr)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):  # as SPARQL and JSON write it, not Python's True
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return value


def format_result(result: QueryResult, fmt: str) -> str:
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if fmt == "json":
        return json.dumps({"columns": result.columns, "rows": result.rows}, ensure_ascii=False, indent=1,
                          default=str)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(result.columns)
        for r in result.rows:
            w.writerow(cells(_cell(r.get(c)) for c in result.columns))  # no spreadsheet formulas
        return buf.getvalue().rstrip("\n")
    from rich.console import Console
    from rich.table import Table

    table = Table(*result.columns, show_lines=False)
    for r in result.rows:
        table.add_row(*("" if r.get(c) is None else str(_cell(r.get(c))) for c in result.columns))
    buf = io.StringIO()
    Console(file=buf, width=200, force_terminal=False, color_system=None).print(table)
    return buf.getvalue().rstrip("\n") + f"\n{len(result.rows)} row(s)"
