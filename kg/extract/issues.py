"""Issues: a codebook (labels, descriptions, cue terms) and the coding of statements to it.

The default codebook is ``kg/extract/lexicons/codebook.yaml`` (policing). A researcher's own codebook is a YAML
file of the same shape or a SKOS Turtle file (``skos:Concept`` with ``skos:prefLabel``, ``skos:definition``,
``skos:altLabel`` and ``skos:hiddenLabel`` as cues, ``skos:broader``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from kg.errors import ConfigError
from kg.ids import issue_id, slug
from kg.records import Issue


@dataclass(frozen=True)
class CodebookIssue:
    id: str
    label: str
    description: str = ""
    cues: tuple[str, ...] = ()
    broader: str | None = None


@dataclass
class Codebook:
    name: str
    issues: list[CodebookIssue]
    source: str = "default"
    _patterns: list[tuple[CodebookIssue, re.Pattern[str]]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        for issue in self.issues:
            terms = sorted({c.lower() for c in issue.cues if c.strip()}, key=len, reverse=True)
            if terms:
                alt = "|".join(re.escape(t) for t in terms)
                self._patterns.append((issue, re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])", re.IGNORECASE)))

    def by_id(self, issue_id_: str) -> CodebookIssue:
        for i in self.issues:
            if i.id == issue_id_:
                return i
        raise KeyError(issue_id_)

    def code(self, text: str, *, top: int = 2) -> list[tuple[CodebookIssue, list[tuple[int, int, str]]]]:
        """The issues ``text`` addresses, best first: (issue, [(start, end, cue), ...]) by cue count."""
        scored = []
        for issue, pattern in self._patterns:
            hits = [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]
            if hits:
                # longer cues weigh more: "stop and search" beats "search"
                weight = sum(1.0 + 0.25 * (len(h[2].split()) - 1) for h in hits)
                scored.append((weight, issue, hits))
        scored.sort(key=lambda s: (-s[0], s[1].id))
        if not scored:
            return []
        best = scored[0][0]
        return [(issue, hits) for w, issue, hits in scored[:top] if w >= best * 0.75]

    def record(self, issue: CodebookIssue) -> Issue:
        return Issue(id=issue.id, label=issue.label)


def _from_yaml(path: Path | None, text: str) -> Codebook:
    where = str(path) if path else "default codebook"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("issues"), list) or not data["issues"]:
        raise ConfigError(f"{where}: a codebook needs a non-empty `issues:` list of {{id, label, cues}}")
    issues = []
    for n, item in enumerate(data["issues"]):
        if not isinstance(item, dict) or not item.get("label"):
            raise ConfigError(f"{where}: issues[{n}] needs at least a `label`")
        issues.append(CodebookIssue(
            id=str(item.get("id") or issue_id(item["label"])), label=str(item["label"]),
            description=str(item.get("description") or ""),
            cues=tuple(str(c) for c in (item.get("cues") or [])),
            broader=item.get("broader"),
        ))
    return Codebook(name=str(data.get("name") or (path.stem if path else "default")), issues=issues,
                    source=where)


def _from_skos(path: Path) -> Codebook:
    from rdflib import Graph
    from rdflib.namespace import RDF, SKOS

    g = Graph()
    try:
        g.parse(path)
    except Exception as exc:  # rdflib raises many parser-specific errors
        raise ConfigError(f"{path}: not a readable SKOS file: {exc}") from None
    issues = []
    for concept in sorted(g.subjects(RDF.type, SKOS.Concept), key=str):
        label = g.value(concept, SKOS.prefLabel)
        if label is None:
            continue
        notation = g.value(concept, SKOS.notation)
        local = str(notation) if notation else slug(str(concept).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1])
        cues = [str(o) for p in (SKOS.altLabel, SKOS.hiddenLabel) for o in g.objects(concept, p)]
        broader = g.value(concept, SKOS.broader)
        broader_id = None
        if broader is not None:
            bn = g.value(broader, SKOS.notation)
            broader_id = str(bn) if bn else slug(str(broader).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1])
        issues.append(CodebookIssue(id=local, label=str(label), description=str(g.value(concept, SKOS.definition) or ""),
                                    cues=tuple(cues) or (str(label),), broader=broader_id))
    if not issues:
        raise ConfigError(f"{path}: no skos:Concept with a skos:prefLabel in this file")
    return Codebook(name=path.stem, issues=issues, source=str(path))


@lru_cache(maxsize=8)
def load_codebook(path: str | None = None) -> Codebook:
    """The default policing codebook, or a researcher's own (YAML or SKOS Turtle)."""
    if path is None:
        from importlib import resources

        return _from_yaml(None, resources.files("kg.extract").joinpath("lexicons", "codebook.yaml").read_text("utf-8"))
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: no such codebook file")
    if p.suffix.lower() in (".ttl", ".rdf", ".xml", ".nt", ".jsonld", ".n3"):
        return _from_skos(p)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{p}: the codebook is not UTF-8 text") from None
    return _from_yaml(p, text)
