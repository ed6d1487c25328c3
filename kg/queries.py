"""Saved queries (``queries/NAME.cypher`` and ``queries/NAME.rq``) and the shape of their results.

Each saved query opens with a header of comment lines (``//`` in Cypher, ``#`` in SPARQL)::

    // name: actor-statements
    // purpose: every statement of one actor, with its document and offsets
    // params: actor (actor id, e.g. ken-marsh)
    // columns: statement, text, document, start, end, stance

Values reach a query only as parameters (``$actor`` in Cypher, ``?actor`` bound by the store in SPARQL),
never pasted into its text. Results are ``QueryResult(columns, rows)``; ``format_result`` renders them as a
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
from kg.errors import QueryError

LANGUAGES = {"cypher": ".cypher", "sparql": ".rq"}
FORMATS = ("table", "csv", "json")
_HEADER = re.compile(r"^\s*(?://|#)\s*([a-z]+)\s*:\s*(.*?)\s*$")


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

    def check_params(self, given: dict[str, Any]) -> None:
        """A saved query with a ``params`` header takes only those names."""
        if self.path is None or not self.params and not given:
            return
        unknown = sorted(set(given) - set(self.params))
        if unknown:
            takes = ", ".join(self.params) if self.params else "no parameters"
            raise QueryError(f"query {self.name!r}: unknown parameter {unknown[0]!r}; it takes {takes}")


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


def _names(value: str) -> list[str]:
    """``"actor (actor id), issue"`` -> ``["actor", "issue"]``."""
    value = re.sub(r"\([^)]*\)", "", value)
    return [v.strip() for v in value.split(",") if v.strip() and v.strip().lower() != "none"]


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
        columns=_names(header.get("columns", "")),
    )


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[dict[str, Any]]

    def sorted_rows(self) -> list[tuple[Any, ...]]:
        """Rows as tuples in column order, sorted: for comparing results across stores."""
        return sorted((tuple(r.get(c) for c in self.columns) for r in self.rows), key=repr)


def _cell(value: Any) -> Any:
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
