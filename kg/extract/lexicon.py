"""Lexicons live in data (``kg/extract/lexicons/*.yaml``), not in code paths."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


def load_yaml(name: str) -> dict[str, Any]:
    text = resources.files("kg.extract").joinpath("lexicons", name).read_text("utf-8")
    return yaml.safe_load(text)


def _lower_set(values: list[str]) -> frozenset[str]:
    return frozenset(str(v).lower() for v in values)


@dataclass(frozen=True)
class Lexicons:
    speech: frozenset[str]
    cognition: frozenset[str]
    weak: frozenset[str]
    according: tuple[str, ...]
    speaker_nouns: frozenset[str]
    spokes_nouns: frozenset[str]
    non_speakers: frozenset[str]
    honorifics: frozenset[str]
    male: frozenset[str]
    female: frozenset[str]
    role_nouns: frozenset[str]
    role_verbs: dict
    support: frozenset[str]
    oppose: frozenset[str]
    negators: frozenset[str]
    concession: frozenset[str]
    rhetorical: tuple[str, ...]
    reply_agree: tuple[str, ...]
    reply_disagree: tuple[str, ...]

    @property
    def reporting(self) -> frozenset[str]:
        return self.speech | self.cognition


@lru_cache(maxsize=1)
def lexicons() -> Lexicons:
    rep, people, stance = load_yaml("reporting.yaml"), load_yaml("people.yaml"), load_yaml("stance.yaml")
    return Lexicons(
        speech=_lower_set(rep["speech"]),
        cognition=_lower_set(rep["cognition"]),
        weak=_lower_set(rep["weak"]),
        according=tuple(rep["according"]),
        speaker_nouns=_lower_set(rep["speaker_nouns"]),
        spokes_nouns=_lower_set(rep.get("spokes_nouns", [])),
        non_speakers=_lower_set(rep["non_speakers"]),
        honorifics=_lower_set(people["honorifics"]),
        male=_lower_set(people["male"]),
        female=_lower_set(people["female"]),
        role_nouns=_lower_set(people["role_nouns"]),
        role_verbs={str(k).lower(): str(v) for k, v in (people.get("role_verbs") or {}).items()},
        support=_lower_set(stance["support"]),
        oppose=_lower_set(stance["oppose"]),
        negators=_lower_set(stance["negators"]),
        concession=_lower_set(stance.get("concession", [])),
        rhetorical=tuple(s.lower() for s in stance["rhetorical"]),
        reply_agree=tuple(s.lower() for s in stance["reply_agree"]),
        reply_disagree=tuple(s.lower() for s in stance["reply_disagree"]),
    )
