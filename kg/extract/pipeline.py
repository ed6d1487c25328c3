"""Document -> Extract: runs the pure extraction steps over one parsed document and assembles the records."""

from __future__ import annotations

from typing import Iterable, Iterator

from spacy.tokens import Doc

from kg import __version__
from kg.extract import nlp as nlp_mod
from kg.extract.nlp import text_of
from kg.extract.actors import ActorIndex, Cluster, find_mentions
from kg.extract.issues import Codebook, load_codebook
from kg.extract.lexicon import Lexicons, lexicons
from kg.extract.roles import attach_roles
from kg.extract.stance import find_target, reply_relation, score_stance
from kg.extract import stance_model as stance_mod
from kg.extract.statements import find_statements, paragraphs
from kg.ids import actor_id, statement_id
from kg.records import Actor, Document, Extract, Issue, Statement


def _run_info(model: str, codebook: Codebook) -> dict[str, str]:
    return {"software": f"kg {__version__}", "model": model, "codebook": codebook.name}


def _sentence_context(doc: Doc, start: int, end: int) -> str:
    """The sentence(s) around [start, end): what the stance model reads as the statement's context."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return text_of(doc)[start:end]
    first, last = span[0].sent, span[-1].sent
    return text_of(doc)[min(first.start_char, start):max(last.end_char, end)]


def _model_target(target: str | None, issue_ids: list[str], used: dict[str, Issue],
                  title: str | None) -> str:
    """What the model judges the stance towards: the found target, else the first issue's label, else the title."""
    if target:
        return stance_mod.segment_b(target)
    for i in issue_ids:
        if i in used and used[i].label:
            return stance_mod.segment_b(used[i].label)
    return stance_mod.segment_b(title)


def _apply_model(model: "stance_mod.StanceModel | None", statements: list[Statement], inputs: list[tuple[str, str]],
                 attribution: list[float] | None = None) -> None:
    """Replace the lexicon's stance by the model's, all statements of the document in one batch."""
    if model is None or not statements:
        return
    for k, (st, pred) in enumerate(zip(statements, model.predict(inputs))):
        st.stance = pred.label
        st.stance_probability = round(pred.probability, 4)
        conf = pred.probability if attribution is None else min(attribution[k], 0.5 + pred.probability / 2)
        st.confidence = round(conf, 3)


def _title_end(document: Document) -> int:
    """Where the body starts when the text opens with the headline (headlines echo the body's quotes)."""
    paras = paragraphs(document.text)
    if document.title and paras:
        first = document.text[paras[0][0]:paras[0][1]].strip()
        if first == document.title.strip():
            return paras[0][1]
    return 0


def _issues_for(codebook: Codebook, text: str, used: dict[str, Issue]) -> list[str]:
    out = []
    for issue, _hits in codebook.code(text):
        used.setdefault(issue.id, codebook.record(issue))
        out.append(issue.id)
    return out


def _actors(clusters: Iterable[Cluster], document_id: str) -> tuple[list[Actor], dict[int, str]]:
    actors: dict[str, Actor] = {}
    ids: dict[int, str] = {}
    for c in clusters:
        aid = actor_id(c.name, c.type, document_id)
        ids[id(c)] = aid
        a = actors.get(aid)
        if a is None:
            a = actors[aid] = Actor(aid, c.name, c.type, [], [])
        a.aliases = sorted(set(a.aliases) | {x for x in c.aliases if x != c.name})
        for r in c.roles:
            if all((r.role, r.organisation) != (x.role, x.organisation) for x in a.roles):
                a.roles.append(r)
    return sorted(actors.values(), key=lambda a: a.id), ids


def extract_article(document: Document, doc: Doc, codebook: Codebook, run: dict[str, str],
                    lex: Lexicons | None = None, model: "stance_mod.StanceModel | None" = None) -> Extract:
    lex = lex or lexicons()
    mentions = find_mentions(doc, lex)
    index = ActorIndex(doc, mentions, lex)
    attach_roles(doc, mentions, index, lex)
    found = find_statements(doc, index, lex, skip_before=_title_end(document))
    target, proponent_names = find_target(doc, lex)
    proponents = {id(c) for c in (index.resolve_name(n) for n in proponent_names) if c is not None}
    speakers = {id(f.speaker) for f in found}
    keep = [c for c in index.clusters.values() if c.mentions or id(c) in speakers]
    actors, ids = _actors(keep, document.id)
    used: dict[str, Issue] = {}
    statements = []
    inputs: list[tuple[str, str]] = []
    for f in found:
        stance = score_stance(doc, f.start, f.end, lex, frame=f.frame, proponent=id(f.speaker) in proponents,
                              cue=f.cue)
        issue_ids = _issues_for(codebook, document.text[f.start:f.end], used)
        statements.append(Statement(
            id=statement_id(document.id, f.start, f.end), speaker=ids[id(f.speaker)],
            text=document.text[f.start:f.end], start=f.start, end=f.end, kind=f.kind,
            issues=issue_ids, stance=stance.polarity,
            target=target, confidence=round(min(f.confidence, 0.5 + stance.confidence / 2), 3), cue=f.cue,
            published=document.published, evidence=stance.evidence,
        ))
        if model is not None:
            inputs.append((stance_mod.segment_a(document.text[f.start:f.end],
                                                _sentence_context(doc, f.start, f.end)),
                           _model_target(target, issue_ids, used, document.title)))
    _apply_model(model, statements, inputs, [f.confidence for f in found])
    return Extract(document=document, actors=actors, issues=sorted(used.values(), key=lambda i: i.id),
                   statements=statements, run=run)


def extract_thread(document: Document, doc: Doc, codebook: Codebook, run: dict[str, str],
                   lex: Lexicons | None = None, model: "stance_mod.StanceModel | None" = None) -> Extract:
    """Each comment is a statement of its author; anonymous commenters are numbered within the thread."""
    lex = lex or lexicons()
    actors: dict[str, Actor] = {}
    post_statement: dict[int, str] = {}
    statements: list[Statement] = []
    used: dict[str, Issue] = {}
    anonymous = 0
    target = document.title
    inputs: list[tuple[str, str]] = []
    for post in sorted(document.posts, key=lambda p: p.start):
        if post.opening:
            continue
        if post.author_type == "anonymous" or not post.author:
            anonymous += 1
            name, type_ = f"anonymous-{anonymous}", "anonymous"
        else:
            name, type_ = post.author, post.author_type
        aid = actor_id(name, type_, document.id)
        actors.setdefault(aid, Actor(aid, name, type_, [], []))
        sid = statement_id(document.id, post.start, post.end)
        post_statement[post.index] = sid
        text = document.text[post.start:post.end]
        parent = post_statement.get(post.reply_to) if post.reply_to is not None else None
        stance = score_stance(doc, post.start, post.end, lex)
        issue_ids = _issues_for(codebook, text, used)
        if model is not None:
            inputs.append((stance_mod.segment_a(text, text), _model_target(target, issue_ids, used, None)))
        statements.append(Statement(
            id=sid, speaker=aid, text=text, start=post.start, end=post.end, kind="comment",
            issues=issue_ids, stance=stance.polarity, target=target,
            confidence=stance.confidence, reply_to=parent, cue="comment", post=post.index,
            published=post.published or document.published, evidence=stance.evidence,
            reply_relation=reply_relation(text, lex) if parent else None,
        ))
    _apply_model(model, statements, inputs)
    return Extract(document=document, actors=sorted(actors.values(), key=lambda a: a.id),
                   issues=sorted(used.values(), key=lambda i: i.id), statements=statements, run=run)


def extract_documents(documents: Iterable[Document], *, model: str | None = None, codebook: str | None = None,
                      batch_size: int = 8, n_process: int = 1, stance: str | None = None) -> Iterator[Extract]:
    """Parse the documents with spaCy (``nlp.pipe``; a long document in pieces joined into one ``Doc``, see
    :func:`kg.extract.nlp.parse`) and extract each, in input order.

    ``stance``: ``lexicon`` (cue words) or ``model`` (the learned stance model); default ``$KG_STANCE``, else
    ``kg.extract.stance_model.DEFAULT_METHOD``. Either way each statement keeps its cue words as evidence."""
    method = stance_mod.stance_method(stance)
    smodel = stance_mod.load() if method == "model" else None
    nlp = nlp_mod.load(model)
    book = load_codebook(codebook)
    run = _run_info(nlp_mod.describe(model), book)
    run.update(smodel.describe() if smodel is not None else {"stance": "lexicon"})
    lex = lexicons()
    docs = list(documents)
    texts = [d.text for d in docs]
    for document, doc in zip(docs, nlp_mod.parse(nlp, texts, batch_size=batch_size, n_process=n_process)):
        if document.kind == "thread":
            yield extract_thread(document, doc, book, run, lex, smodel)
        else:
            yield extract_article(document, doc, book, run, lex, smodel)
