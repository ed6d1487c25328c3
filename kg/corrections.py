"""Hand corrections survive re-extraction: a three-way merge of the machine's new extract with the file a
person may have edited.

For every document, ``kg`` keeps the last extract the machine wrote (the *base*) in a hidden folder beside the
extracts, ``EXTRACTS_DIR/.kg/machine/<document id>.json``. When the document is extracted again, the file on
disk (the *current* one, perhaps corrected with a text editor or the review workspace) is compared with the
base, and what a person did is carried onto the new machine extract:

- a field a person changed (stance, speaker, issues, kind, span...) keeps the person's value, and the statement
  records it in ``corrected`` (``{field: {"by", "at", "machine"}}``: who, when the file was saved, and what the
  machine had said);
- a statement a person deleted stays deleted; a statement or actor a person added stays;
- a correction that can no longer apply (the document's text changed under a statement's span, or it names an
  actor that is gone) is kept aside in ``.kg/unapplied/`` and reported, never dropped;
- a file that differs from the new machine extract but has no base (written by an older ``kg``, or by a person
  from scratch) is copied to ``.kg/replaced/`` before it is overwritten, and reported.

Statements and actors are matched by id; ids come from content (document id and offsets, names), so the same
span gets the same id on every run. The merge works on the JSON form of the extracts, the form people edit.
The library never prints: ``reconcile`` returns a ``MergeReport`` the CLI turns into lines.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kg import extracts as extracts_io
from kg.errors import ExtractsError
from kg.records import Extract

STATE_DIR = ".kg"
MACHINE_DIR = "machine"  # the last extract the machine wrote, per document
UNAPPLIED_DIR = "unapplied"  # corrections that could not be carried onto a new extract
REPLACED_DIR = "replaced"  # files overwritten without a base to merge with

# Statement fields a person may correct; the rest (evidence, cue...) follow the machine unless changed too.
_WHOLE_STATEMENT = "statement"  # the key in ``corrected`` for a statement a person added
# Statement keys a person's file carries that are not corrections of the machine's values: kept, never marked.
_NOT_MARKED = ("corrected", "reviewed")


@dataclass
class MergeReport:
    """What happened to one document's corrections."""

    document: str
    kept_fields: int = 0  # fields set by a person, carried onto the new extract
    kept_added: int = 0  # statements or actors a person added, kept
    kept_deleted: int = 0  # statements or actors a person deleted, kept deleted
    unapplied: list[dict[str, Any]] = field(default_factory=list)
    unapplied_file: Path | None = None
    replaced_file: Path | None = None
    kept_file_as_is: str | None = None  # why the person's file was left untouched (the merge broke the contract)

    @property
    def corrected(self) -> bool:
        return bool(self.kept_fields or self.kept_added or self.kept_deleted)

    def lines(self) -> list[str]:
        """One line per thing a researcher should know about, empty when nothing was corrected."""
        out = []
        if self.corrected:
            out.append(f"{self.document}: kept {self.kept_fields} corrected field(s), {self.kept_added} added and "
                       f"{self.kept_deleted} deleted statement(s)/actor(s)")
        if self.unapplied:
            out.append(f"{self.document}: {len(self.unapplied)} correction(s) no longer apply to the new text; "
                       f"kept in {self.unapplied_file}")
        if self.replaced_file:
            out.append(f"{self.document}: the file differed from the new extract and had no record of what the "
                       f"machine wrote; the old file is kept as {self.replaced_file}")
        if self.kept_file_as_is:
            out.append(f"{self.document}: corrections kept, file left as it was ({self.kept_file_as_is})")
        return out


def state_path(out_dir: Path, kind: str, document_id: str) -> Path:
    return Path(out_dir) / STATE_DIR / kind / f"{document_id}.json"


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ")


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _coder() -> str:
    return os.environ.get("KG_CODER") or "person"


def _load_json(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ExtractsError(f"{path}: cannot be read as JSON ({exc}); it may hold hand corrections: fix it or move "
                            f"it away before extracting this document again") from None
    if not isinstance(data, dict):
        raise ExtractsError(f"{path}: not an extracts file (the top level must be a JSON object); fix it or move it "
                            f"away before extracting this document again")
    return data


def _by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {it["id"]: it for it in items if isinstance(it, dict) and "id" in it}


def _span_holds(st: dict[str, Any], text: str) -> bool:
    try:
        return 0 <= st["start"] < st["end"] <= len(text) and text[st["start"]:st["end"]] == st["text"]
    except (KeyError, TypeError):
        return False


def merge(base: dict[str, Any], current: dict[str, Any], machine: dict[str, Any], *,
          at: str, by: str = "person") -> tuple[dict[str, Any], MergeReport]:
    """Three-way merge of extracts in JSON form: what changed from ``base`` to ``current`` (a person's work)
    applied onto ``machine`` (the new extract). Pure: returns the merged extract and a report."""
    doc_id = machine["document"]["id"]
    report = MergeReport(document=doc_id)
    merged = json.loads(json.dumps(machine))  # a deep copy
    text = merged["document"].get("text", "")

    # document fields a person may correct (not the text, its hash or the posts, which come from the source),
    # and the review workspace's mark that the document was reviewed
    for key in ("title", "published", "reviewed"):
        if current["document"].get(key) != base["document"].get(key):
            merged["document"][key] = current["document"].get(key)
            report.kept_fields += key != "reviewed"  # a review mark is kept, not counted as a correction
    if merged["document"].get("reviewed") is None:
        merged["document"].pop("reviewed", None)

    # actors: changed fields, additions, deletions
    b_act, c_act = _by_id(base.get("actors", [])), _by_id(current.get("actors", []))
    m_act = _by_id(merged["actors"])
    for aid, ca in c_act.items():
        if aid not in b_act:  # added by a person
            if aid not in m_act:
                merged["actors"].append(ca)
            else:
                m_act[aid].update(ca)
            report.kept_added += 1
            continue
        changed = {k: v for k, v in ca.items() if b_act[aid].get(k) != v}
        if changed:
            if aid in m_act:
                m_act[aid].update(changed)
            else:
                merged["actors"].append(ca)
            report.kept_fields += len(changed)
    deleted_actors = set(b_act) - set(c_act)

    # statements
    b_st, c_st = _by_id(base.get("statements", [])), _by_id(current.get("statements", []))
    m_st = _by_id(merged["statements"])
    deleted = set(b_st) - set(c_st)
    for sid in deleted & set(m_st):
        merged["statements"].remove(m_st.pop(sid))
    report.kept_deleted += len(deleted)
    aside: list[dict[str, Any]] = []
    for sid, cs in c_st.items():
        if sid not in b_st:  # added by a person
            st = dict(cs)
            st["corrected"] = {_WHOLE_STATEMENT: {"by": by, "at": at, "machine": None},
                               **(cs.get("corrected") or {})}  # a copy: the person's file stays as read
            if not _span_holds(st, text):
                aside.append({"statement": cs, "why": "its span no longer reproduces its text in the document"})
                continue
            if sid in m_st:
                merged["statements"].remove(m_st.pop(sid))
            merged["statements"].append(st)
            m_st[sid] = st
            report.kept_added += 1
            continue
        bs = b_st[sid]
        changed = {k: v for k, v in cs.items() if k != "corrected" and bs.get(k) != v}
        if not changed:
            continue  # untouched by a person: the machine's new version (or its absence) stands
        marks = dict(cs.get("corrected") or {})
        for k in changed:
            if k in _NOT_MARKED:
                continue
            marks.setdefault(k, {"by": by, "at": at, "machine": bs.get(k)})
        if sid in m_st:
            st = m_st[sid]
            st.update(changed)
        else:  # the machine no longer finds it, but a person cared about it: keep theirs
            st = dict(cs)
        if marks:
            st["corrected"] = marks
        if not _span_holds(st, text):
            aside.append({"statement": cs, "why": "its span no longer reproduces its text in the document"})
            if sid in m_st:
                merged["statements"].remove(m_st.pop(sid))
            continue
        if sid not in m_st:
            merged["statements"].append(st)
            m_st[sid] = st
        report.kept_fields += len([k for k in changed if k not in _NOT_MARKED])

    # actors a person deleted stay deleted unless a statement still names them
    speakers = {s["speaker"] for s in merged["statements"]}
    for aid in deleted_actors:
        if aid in speakers:
            aside.append({"actor_deletion": aid, "why": "statements of the new extract still name this actor"})
            continue
        merged["actors"] = [a for a in merged["actors"] if a.get("id") != aid]
        report.kept_deleted += 1
    # a person's statement naming an actor the merge lost: bring the actor back from the person's file
    present = {a["id"] for a in merged["actors"]}
    for s in list(merged["statements"]):
        if s["speaker"] not in present:
            if s["speaker"] in c_act:
                merged["actors"].append(c_act[s["speaker"]])
                present.add(s["speaker"])
            else:
                aside.append({"statement": s, "why": f"its speaker {s['speaker']!r} is not an actor any more"})
                merged["statements"].remove(s)
    # issues a kept statement names, from the person's file when the machine has no such issue
    issue_ids = {i["id"] for i in merged["issues"]}
    c_issues = _by_id(current.get("issues", []))
    for s in merged["statements"]:
        for iid in s.get("issues", []):
            if iid not in issue_ids and iid in c_issues:
                merged["issues"].append(c_issues[iid])
                issue_ids.add(iid)
    # replies to a statement that is gone become top-level
    ids = {s["id"] for s in merged["statements"]}
    for s in merged["statements"]:
        if s.get("reply_to") is not None and s["reply_to"] not in ids:
            s["reply_to"] = None
            s["reply_relation"] = None
    merged["statements"].sort(key=lambda s: (s["start"], s["end"], s["id"]))
    report.unapplied = aside
    return merged, report


@dataclass
class _Planned:
    path: Path
    machine: Extract
    machine_text: str  # ``extracts_io.dumps(machine)``: the new base, and the file when nothing was corrected
    result: dict[str, Any] | None = None  # what the file will hold when a person's work was merged in
    report: MergeReport = field(default_factory=lambda: MergeReport(document=""))
    replaced_bytes: bytes | None = None

    def extract(self) -> Extract:
        return self.machine if self.result is None else Extract.from_dict(self.result)


def _plan(extract: Extract, out_dir: Path, now: datetime) -> _Planned:
    doc_id = extract.document.id
    path = extracts_io.path_for(out_dir, doc_id)
    machine_text = extracts_io.dumps(extract)
    machine = json.loads(machine_text)
    base = _load_json(state_path(out_dir, MACHINE_DIR, doc_id))
    current = _load_json(path)
    planned = _Planned(path=path, machine=extract, machine_text=machine_text, report=MergeReport(document=doc_id))
    if current is None or current == machine:
        return planned
    if base is None:
        planned.replaced_bytes = path.read_bytes()
        planned.report.replaced_file = out_dir / STATE_DIR / REPLACED_DIR / f"{doc_id}-{_stamp(now)}.json"
        return planned
    if current == base:
        return planned
    extracts_io.check(current, str(path))  # a broken hand edit stops the run here, naming the file and the fix
    result, report = merge(base, current, machine, at=_iso(path.stat().st_mtime), by=_coder())
    try:
        extracts_io.check(result, str(path))
    except ExtractsError as exc:
        # never overwrite a person's file with something broken: keep theirs as it is
        report = MergeReport(document=doc_id, kept_file_as_is=f"merging gave an invalid file: {exc}")
        result = current
    if report.unapplied:
        report.unapplied_file = out_dir / STATE_DIR / UNAPPLIED_DIR / f"{doc_id}-{_stamp(now)}.json"
    planned.result, planned.report = result, report
    return planned


def reconcile_all(extracts: list[Extract], out_dir: Path | str, *,
                  now: datetime | None = None) -> tuple[list[Extract], list[MergeReport]]:
    """Carry a person's corrections in ``out_dir/<id>.json`` onto each new machine extract, then write every
    merged file and the new bases (each atomically). Every file is read and merged before the first is
    written, so a broken hand edit stops the run with nothing changed. Returns the extracts as written and
    one report per document."""
    now = now or datetime.now(timezone.utc)
    out_dir = Path(out_dir)
    plans = [_plan(ex, out_dir, now) for ex in extracts]
    written: list[Extract] = []
    for p in plans:
        doc_id = p.machine.document.id
        merged = p.extract()
        written.append(merged)
        if p.replaced_bytes is not None and p.report.replaced_file is not None:
            extracts_io.atomic_write_bytes(p.report.replaced_file, p.replaced_bytes)
        if p.report.unapplied_file is not None:
            body = {"document": doc_id, "file": str(p.path), "at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "corrections": p.report.unapplied}
            extracts_io.atomic_write_text(p.report.unapplied_file,
                                          json.dumps(body, ensure_ascii=False, indent=1) + "\n")
        if p.report.kept_file_as_is is None:
            text = p.machine_text if p.result is None else extracts_io.dumps(merged)
            extracts_io.atomic_write_text(p.path, text)
        extracts_io.atomic_write_text(state_path(out_dir, MACHINE_DIR, doc_id), p.machine_text)
    return written, [p.report for p in plans]


def precheck(out_dir: Path | str, document_ids: list[str]) -> None:
    """What ``reconcile_all`` would refuse in the files already there, found before any extraction work: an
    extracts file or machine base that is no JSON object, or a person's edited file that breaks the contract.
    Raises the same ``ExtractsError`` the merge would, naming the file and the fix."""
    out_dir = Path(out_dir)
    for doc_id in document_ids:
        path = extracts_io.path_for(out_dir, doc_id)
        base = _load_json(state_path(out_dir, MACHINE_DIR, doc_id))
        current = _load_json(path)
        if current is not None and base is not None and current != base:
            extracts_io.check(current, str(path))
