"""A Discourse Network Analyzer 3.x database (SQLite ``.dna`` file) turned into extracts.

DNA stores documents (title, text, date, author, source, section, type, notes) and hand-coded statements:
character spans of a document, each with a statement type and variable values. The standard statement type
("DNA Statement") has ``person``, ``organization``, ``concept`` and the boolean ``agreement``. One extract per
DNA document is made:

- the document keeps its text exactly, so every statement span reproduces its text; DNA counts offsets in
  UTF-16 code units (Java strings), extracts count code points, so offsets are converted;
- ``person`` becomes a person actor, the statement's speaker; the person's ``organization`` becomes a role
  (``Role(role=<person's DNA type attribute or "member">, organisation=<organisation>)``) whose evidence span
  is the first statement coded with it, so each statement's organisation can be recovered
  (``kg.analysis.network.statement_organisation``); a statement coded with an organisation but no person has
  the organisation as its speaker; a statement with neither is skipped (DNA leaves it out of every network);
- ``concept`` becomes the statement's issue, ``agreement`` its stance (1 support, 0 oppose, absent neutral);
- the DNA meta-data that the extract's document has no field for (author, DNA source, section, type, notes,
  DNA ids) is kept in the extract's ``run`` object under ``"dna"``.

Ids are derived from content (``kg.ids``): re-importing the same database gives identical files.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from kg import extracts as extracts_io
from kg.errors import ConfigError, InputError
from kg.ids import actor_id, digest, issue_id, slug, statement_id
from kg.records import Actor, Document, Extract, Issue, Polarity, Role, Statement

DEFAULT_STATEMENT_TYPE = "DNA Statement"
REQUIRED_TABLES = ("DOCUMENTS", "STATEMENTS", "STATEMENTTYPES", "VARIABLES")


@dataclass
class ImportReport:
    """What an import did: files written, counts, and what was skipped and why."""

    files: list[Path] = field(default_factory=list)
    documents: int = 0
    statements: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    dna_version: str | None = None

    def summary(self) -> str:
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items())) or "none"
        return (f"{self.documents} documents, {self.statements} statements imported "
                f"(DNA {self.dna_version or 'version unknown'}); skipped: {skipped}")


def _connect(path: Path) -> sqlite3.Connection:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such DNA database file")
    with path.open("rb") as fh:
        head = fh.read(16)
    if head != b"SQLite format 3\x00":
        raise InputError(f"{path}: not a DNA 3.x database (not an SQLite file); "
                         "DNA 2.x .dna files must first be opened and saved with DNA 3")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        tables = {r[0].upper() for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        con.close()
        raise InputError(f"{path}: cannot read the SQLite database: {exc}") from None
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        con.close()
        raise InputError(f"{path}: not a DNA 3.x database: missing table(s) {', '.join(missing)}")
    return con


def _utf16_to_codepoints(text: str) -> list[int]:
    """``table[u]`` = the code point offset of UTF-16 offset ``u`` (for every u in 0..len16)."""
    table: list[int] = []
    for cp, ch in enumerate(text):
        table.append(cp)
        if ord(ch) > 0xFFFF:
            table.append(cp + 1)  # the second half of a surrogate pair maps past the character
    table.append(len(text))
    return table


def _date(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc).strftime("%Y-%m-%d")


def document_id(title: str, date: str | None, text: str) -> str:
    """A content id for a DNA document: slug of the title, date, and a digest of title, date and text."""
    stem = slug(title)[:60].strip("-") or "document"
    return f"{stem}-{digest(title, date or '', text, length=8)}"


def read_dna(path: Path, *, statement_type: str = DEFAULT_STATEMENT_TYPE) -> tuple[list[Extract], ImportReport]:
    """Read a DNA 3.x database into extracts (not written). Raises ``InputError`` / ``ConfigError``."""
    path = Path(path)
    con = _connect(path)
    report = ImportReport()
    try:
        return _read(con, path, statement_type, report), report
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: not a readable DNA 3.x database: {exc}") from None
    finally:
        con.close()


def _read(con: sqlite3.Connection, path: Path, statement_type: str, report: ImportReport) -> list[Extract]:
    tables = {r[0].upper() for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "SETTINGS" in tables:
        row = con.execute("SELECT Value FROM SETTINGS WHERE Property = 'version'").fetchone()
        report.dna_version = row[0] if row else None

    types = {r["Label"]: r["ID"] for r in con.execute("SELECT ID, Label FROM STATEMENTTYPES")}
    if statement_type not in types:
        raise ConfigError(f"{path}: statement type {statement_type!r} not in this database; "
                          f"choose one of: {', '.join(sorted(types)) or '(none)'}")
    type_id = types[statement_type]
    variables = {r["Variable"]: (r["ID"], r["DataType"]) for r in
                 con.execute("SELECT ID, Variable, DataType FROM VARIABLES WHERE StatementTypeId = ?", (type_id,))}
    for needed in ("person", "organization", "concept"):
        if needed not in variables:
            raise InputError(f"{path}: statement type {statement_type!r} has no variable {needed!r}; "
                             f"it has: {', '.join(sorted(variables))}")

    def short_text(var: str) -> dict[int, str]:
        vid = variables[var][0]
        return {r[0]: r[1] for r in con.execute(
            "SELECT d.StatementId, e.Value FROM DATASHORTTEXT d JOIN ENTITIES e ON e.ID = d.Entity "
            "WHERE d.VariableId = ?", (vid,))}

    persons, organisations, concepts = short_text("person"), short_text("organization"), short_text("concept")
    agreement: dict[int, int] = {}
    if "agreement" in variables:
        vid, dtype = variables["agreement"]
        table = "DATABOOLEAN" if dtype == "boolean" else "DATAINTEGER"
        agreement = {r[0]: int(r[1]) for r in con.execute(
            f"SELECT StatementId, Value FROM {table} WHERE VariableId = ?", (vid,))}

    # the "Type" attribute of person entities becomes the role name
    person_type: dict[str, str] = {}
    if {"ATTRIBUTEVARIABLES", "ATTRIBUTEVALUES", "ENTITIES"} <= tables:
        for r in con.execute(
                "SELECT e.Value, v.AttributeValue FROM ATTRIBUTEVALUES v "
                "JOIN ATTRIBUTEVARIABLES a ON a.ID = v.AttributeVariableId "
                "JOIN ENTITIES e ON e.ID = v.EntityId "
                "WHERE a.VariableId = ? AND a.AttributeVariable = 'Type'", (variables["person"][0],)):
            if r[1] and r[1].strip():
                person_type[r[0]] = r[1].strip()

    other_types = con.execute("SELECT COUNT(*) FROM STATEMENTS WHERE StatementTypeId != ?", (type_id,)).fetchone()[0]
    if other_types:
        report.skipped["statements of other statement types"] = other_types

    statements_by_doc: dict[int, list[sqlite3.Row]] = defaultdict(list)
    for r in con.execute("SELECT ID, DocumentId, Start, Stop FROM STATEMENTS WHERE StatementTypeId = ? "
                         "ORDER BY DocumentId, Start, Stop, ID", (type_id,)):
        statements_by_doc[r["DocumentId"]].append(r)

    out: list[Extract] = []
    for d in con.execute("SELECT * FROM DOCUMENTS ORDER BY ID"):
        keys = d.keys()
        text = d["Text"] or ""
        title = d["Title"] or f"DNA document {d['ID']}"
        published = _date(d["Date"])
        doc_id = document_id(title, published, text)
        to_cp = _utf16_to_codepoints(text)
        meta = {k.lower(): d[k] for k in ("Author", "Source", "Section", "Type", "Notes") if k in keys}
        meta.update({"file": path.name, "document": d["ID"], "date_seconds": d["Date"],
                     "statement_type": statement_type, "version": report.dna_version})
        document = Document(id=doc_id, source=f"{path.name}#document={d['ID']}", kind="article", text=text,
                            title=title, published=published)

        actors: dict[str, Actor] = {}
        issues: dict[str, Issue] = {}
        statements: list[Statement] = []
        used_ids: set[str] = set()
        for s in statements_by_doc.get(d["ID"], []):
            u_start, u_end = s["Start"], s["Stop"]
            if not (0 <= u_start < u_end < len(to_cp)):
                raise InputError(f"{path}: statement {s['ID']} in document {d['ID']} has span "
                                 f"{u_start}-{u_end} outside the document's text ({len(text)} characters)")
            start, end = to_cp[u_start], to_cp[u_end]
            person = (persons.get(s["ID"]) or "").strip()
            org = (organisations.get(s["ID"]) or "").strip()
            concept = (concepts.get(s["ID"]) or "").strip()
            if not person and not org:
                report.skipped["statements with neither person nor organization"] = \
                    report.skipped.get("statements with neither person nor organization", 0) + 1
                continue
            if person:
                speaker = actors.setdefault(actor_id(person, "person"),
                                            Actor(actor_id(person, "person"), person, "person"))
                if org:
                    role_name = person_type.get(person, "member")
                    current = _role_at(speaker, start)
                    if current is None or current.organisation != org:
                        speaker.roles.append(Role(role_name, org, start, end))
            else:
                speaker = actors.setdefault(actor_id(org, "organisation"),
                                            Actor(actor_id(org, "organisation"), org, "organisation"))
            issue_ids: list[str] = []
            if concept:
                iid = issue_id(concept)
                issues.setdefault(iid, Issue(iid, concept))
                issue_ids.append(iid)
            q = agreement.get(s["ID"])
            stance: Polarity = "neutral" if q is None else ("support" if q > 0 else "oppose")
            sid = statement_id(doc_id, start, end)
            if sid in used_ids:  # two DNA statements on the same span: keep both, apart
                sid = f"st-{digest(doc_id, start, end, person, org, concept, q)}"
                n = 1
                while sid in used_ids:
                    sid = f"st-{digest(doc_id, start, end, person, org, concept, q, n)}"
                    n += 1
            used_ids.add(sid)
            statements.append(Statement(
                id=sid, speaker=speaker.id, text=text[start:end], start=start, end=end, kind="indirect",
                issues=issue_ids, stance=stance, target=concept or None, confidence=1.0, cue="dna",
                published=published))
        report.statements += len(statements)
        report.documents += 1
        out.append(Extract(document=document, actors=list(actors.values()), issues=list(issues.values()),
                           statements=statements, run={"importer": "kg.importers.dna", "dna": meta}))
    return out


def _role_at(actor: Actor, position: int) -> Role | None:
    """The actor's role with an organisation whose evidence starts closest at or before ``position``."""
    best: Role | None = None
    for r in actor.roles:
        if r.organisation and r.start is not None and r.start <= position:
            if best is None or (best.start or 0) <= r.start:
                best = r
    return best


def import_dna(path: Path, out_dir: Path, *, statement_type: str = DEFAULT_STATEMENT_TYPE) -> ImportReport:
    """Import a DNA 3.x database as extracts into ``out_dir`` (one JSON per DNA document).

    Every extract is built and checked against the contract before the first file is written, so a bad
    database writes nothing; each file is written atomically."""
    extracts, report = read_dna(path, statement_type=statement_type)
    for ex in extracts:  # check all first: nothing is written if one is bad
        extracts_io.check(json.loads(extracts_io.dumps(ex)), f"{path} -> {ex.document.id}.json")
    report.files = [extracts_io.write(ex, Path(out_dir)) for ex in extracts]
    return report
