"""Build small DNA 3.x databases (SQLite) for tests: the tables and columns the importer reads.

Written for these tests (not DNA's own schema script); it follows DNA 3's table layout: DOCUMENTS,
STATEMENTTYPES, VARIABLES, STATEMENTS, ENTITIES, DATASHORTTEXT, DATABOOLEAN, ATTRIBUTEVARIABLES,
ATTRIBUTEVALUES, SETTINGS.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

SCHEMA = """
CREATE TABLE SETTINGS(Property TEXT PRIMARY KEY, Value TEXT NOT NULL);
CREATE TABLE DOCUMENTS(ID INTEGER PRIMARY KEY, Title TEXT NOT NULL, Text TEXT NOT NULL, Coder INTEGER,
  Author TEXT NOT NULL DEFAULT '', Source TEXT NOT NULL DEFAULT '', Section TEXT NOT NULL DEFAULT '',
  Notes TEXT NOT NULL DEFAULT '', Type TEXT NOT NULL DEFAULT '', Date INTEGER NOT NULL);
CREATE TABLE STATEMENTTYPES(ID INTEGER PRIMARY KEY, Label TEXT NOT NULL);
CREATE TABLE VARIABLES(ID INTEGER PRIMARY KEY, Variable TEXT NOT NULL, DataType TEXT NOT NULL,
  StatementTypeId INTEGER);
CREATE TABLE STATEMENTS(ID INTEGER PRIMARY KEY, StatementTypeId INTEGER, DocumentId INTEGER,
  Start INTEGER NOT NULL, Stop INTEGER NOT NULL, Coder INTEGER);
CREATE TABLE ENTITIES(ID INTEGER PRIMARY KEY, VariableId INTEGER NOT NULL, Value TEXT NOT NULL DEFAULT '');
CREATE TABLE DATASHORTTEXT(ID INTEGER PRIMARY KEY, StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL,
  Entity INTEGER NOT NULL);
CREATE TABLE DATABOOLEAN(ID INTEGER PRIMARY KEY, StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL,
  Value INTEGER NOT NULL DEFAULT 1);
CREATE TABLE ATTRIBUTEVARIABLES(ID INTEGER PRIMARY KEY, VariableId INTEGER NOT NULL,
  AttributeVariable TEXT NOT NULL);
CREATE TABLE ATTRIBUTEVALUES(ID INTEGER PRIMARY KEY, EntityId INTEGER NOT NULL,
  AttributeVariableId INTEGER NOT NULL, AttributeValue TEXT NOT NULL DEFAULT '');
"""

PERSON, ORG, CONCEPT, AGREEMENT, NOTE = 1, 2, 3, 4, 5


@dataclass
class Doc:
    title: str
    text: str
    date: str  # YYYY-MM-DD
    author: str = ""
    source: str = ""
    section: str = ""
    type: str = ""


@dataclass
class St:
    doc: int  # index into the documents list
    start: int  # UTF-16 offsets, as DNA stores them
    stop: int
    person: str = ""
    org: str = ""
    concept: str = ""
    agreement: int | None = 1
    statement_type: int = 1


def make_dna(path: Path, docs: list[Doc], statements: list[St], *, person_types: dict[str, str] | None = None
             ) -> Path:
    con = sqlite3.connect(path)
    con.executescript(SCHEMA)
    con.execute("INSERT INTO SETTINGS VALUES ('version', '3.0.7')")
    con.execute("INSERT INTO STATEMENTTYPES VALUES (1, 'DNA Statement'), (2, 'Annotation')")
    con.executemany("INSERT INTO VARIABLES VALUES (?, ?, ?, ?)", [
        (PERSON, "person", "short text", 1), (ORG, "organization", "short text", 1),
        (CONCEPT, "concept", "short text", 1), (AGREEMENT, "agreement", "boolean", 1),
        (NOTE, "note", "long text", 2)])
    for n, d in enumerate(docs, start=1):
        seconds = int(datetime.fromisoformat(d.date).replace(tzinfo=timezone.utc).timestamp())
        con.execute("INSERT INTO DOCUMENTS (ID, Title, Text, Coder, Author, Source, Section, Type, Date) "
                    "VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)",
                    (n, d.title, d.text, d.author, d.source, d.section, d.type, seconds))
    entities: dict[tuple[int, str], int] = {}

    def entity(var: int, value: str) -> int:
        if (var, value) not in entities:
            entities[(var, value)] = len(entities) + 1
            con.execute("INSERT INTO ENTITIES VALUES (?, ?, ?)", (entities[(var, value)], var, value))
        return entities[(var, value)]

    con.execute("INSERT INTO ATTRIBUTEVARIABLES VALUES (1, ?, 'Type')", (PERSON,))
    for person, t in (person_types or {}).items():
        con.execute("INSERT INTO ATTRIBUTEVALUES (EntityId, AttributeVariableId, AttributeValue) VALUES (?, 1, ?)",
                    (entity(PERSON, person), t))
    for n, s in enumerate(statements, start=1):
        con.execute("INSERT INTO STATEMENTS VALUES (?, ?, ?, ?, ?, 1)", (n, s.statement_type, s.doc + 1, s.start, s.stop))
        if s.statement_type != 1:
            continue
        for var, value in ((PERSON, s.person), (ORG, s.org), (CONCEPT, s.concept)):
            con.execute("INSERT INTO DATASHORTTEXT (StatementId, VariableId, Entity) VALUES (?, ?, ?)",
                        (n, var, entity(var, value)))
        if s.agreement is not None:
            con.execute("INSERT INTO DATABOOLEAN (StatementId, VariableId, Value) VALUES (?, ?, ?)",
                        (n, AGREEMENT, s.agreement))
    con.commit()
    con.close()
    return path
