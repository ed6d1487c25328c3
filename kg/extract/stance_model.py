"""The learned stance model: a MiniLM cross-encoder reading (statement, target) -> support / oppose / neutral.

The model ships inside the package (``kg/extract/models/stance/``: ``model.onnx``, ``tokenizer.json``,
``config.json``, ``MODEL_CARD.md``); it runs with ``onnxruntime`` and ``tokenizers`` only (no torch, nothing
downloaded). ``scripts/train_stance.py`` trains and exports it. Probabilities are temperature-scaled on a dev
split, so a 0.8 is meant to be right about 8 times in 10 (``benchmarks/stance.md`` has the reliability table).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from kg.errors import ConfigError

MODEL_DIR = Path(__file__).parent / "models" / "stance"
STANCE_METHODS = ("lexicon", "model")
DEFAULT_METHOD = "lexicon"


# What segment A holds: the statement alone ("text"), its sentence(s) ("context"), or the sentence(s) when the
# statement is shorter than SHORT words ("short"). Chosen on the stance dev set's tune split (benchmarks/stance.md).
SEGMENT_A = "context"
SHORT = 8
# How a target is put to the model (segment B); "{}" is the target as kg found it. Chosen on the tune split too.
TARGET_TEMPLATE = "{}"


def segment_b(target: str | None, template: str | None = None) -> str:
    target = " ".join((target or "").split())
    return (template or TARGET_TEMPLATE).format(target) if target else ""


def segment_a(text: str, context: str | None, mode: str | None = None) -> str:
    """Segment A of the model's input for a statement and the sentence(s) around it."""
    mode = mode or SEGMENT_A
    text = " ".join(text.split())
    ctx = " ".join((context or "").split())
    if mode == "context" and ctx:
        return ctx
    if mode == "short" and ctx and len(text.split()) < SHORT:
        return ctx
    return text


def stance_method(name: str | None = None) -> str:
    """The stance method to use: ``name``, else ``$KG_STANCE``, else the default; an unknown name is refused."""
    method = (name or os.environ.get("KG_STANCE") or DEFAULT_METHOD).strip().lower()
    if method not in STANCE_METHODS:
        raise ConfigError(f"unknown stance method {method!r} (from --stance or KG_STANCE): use lexicon or model")
    return method


@dataclass(frozen=True)
class Prediction:
    label: str
    probability: float
    probabilities: dict[str, float]


class StanceModel:
    """A loaded model. ``predict`` takes (statement, target) pairs and classifies them in one batch."""

    def __init__(self, directory: Path | str = MODEL_DIR, threads: int | None = None):
        import numpy as np
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._np = np
        d = Path(directory)
        cfg_path = d / "config.json"
        try:
            cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
            self.labels: list[str] = list(cfg["labels"])
            self.temperature = float(cfg["temperature"])
            self.max_length = int(cfg["max_length"])
            self.name, self.version = str(cfg["name"]), str(cfg["version"])
            hashes = dict(cfg["sha256"])
            # neutral only when the model gives it at least this probability (else the likelier of support and
            # oppose); null: plain argmax. Chosen on the stance dev set's tune split.
            nt = cfg.get("neutral_threshold")
            self.neutral_threshold = None if nt is None else float(nt)
        except FileNotFoundError:
            raise ConfigError(f"{cfg_path}: stance model config is missing; reinstall kg or use --stance lexicon")  # noqa: B904
        except (ValueError, KeyError, TypeError) as e:
            raise ConfigError(f"{cfg_path}: stance model config is corrupt ({e.__class__.__name__}: {e})")  # noqa: B904
        blobs = {}
        for fname in ("model.onnx", "tokenizer.json"):
            path = d / fname
            try:
                blob = path.read_bytes()
            except OSError as e:
                raise ConfigError(f"{path}: stance model file cannot be read ({e.strerror or e}); "  # noqa: B904
                                  "reinstall kg or use --stance lexicon")
            digest = hashlib.sha256(blob).hexdigest()
            if digest != hashes.get(fname):
                raise ConfigError(f"{path}: stance model file is corrupt (sha256 {digest[:12]}..., config.json "
                                  f"expects {str(hashes.get(fname))[:12]}...); reinstall kg or use --stance lexicon")
            blobs[fname] = blob
        self.sha256 = hashes["model.onnx"]
        try:
            self._tok = Tokenizer.from_str(blobs["tokenizer.json"].decode("utf-8"))
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
            opts.inter_op_num_threads = 1
            self._sess = ort.InferenceSession(blobs["model.onnx"], opts, providers=["CPUExecutionProvider"])
        except Exception as e:  # onnxruntime and tokenizers raise their own exception types
            raise ConfigError(f"{d}: stance model cannot be loaded ({str(e).splitlines()[0][:200]})")  # noqa: B904
        self._tok.enable_truncation(max_length=self.max_length, strategy="longest_first")
        self._tok.no_padding()
        self._inputs = {i.name for i in self._sess.get_inputs()}

    def describe(self) -> dict[str, str]:
        return {"stance": "model", "stance_model": f"{self.name} {self.version}", "stance_model_sha256": self.sha256}

    def predict(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> list[Prediction]:
        """One prediction per (statement, target), in order. Pairs are sorted by length and run in batches."""
        np = self._np
        if not pairs:
            return []
        enc = self._tok.encode_batch([(s, t or "") for s, t in pairs])  # callers build t with segment_b
        order = sorted(range(len(enc)), key=lambda i: len(enc[i].ids))
        probs = np.zeros((len(enc), len(self.labels)), dtype=np.float64)
        for k in range(0, len(order), batch_size):
            idx = order[k:k + batch_size]
            n = max(len(enc[i].ids) for i in idx)
            ids = np.zeros((len(idx), n), dtype=np.int64)
            types = np.zeros((len(idx), n), dtype=np.int64)
            mask = np.zeros((len(idx), n), dtype=np.int64)
            for row, i in enumerate(idx):
                e = enc[i]
                ids[row, :len(e.ids)] = e.ids
                types[row, :len(e.type_ids)] = e.type_ids
                mask[row, :len(e.ids)] = 1
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            logits = self._sess.run(None, {k2: v for k2, v in feed.items() if k2 in self._inputs})[0]
            z = logits.astype(np.float64) / self.temperature
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            probs[idx] = p / p.sum(axis=1, keepdims=True)
        return [self._decide(row) for row in probs]

    def _decide(self, row) -> Prediction:
        j = max(range(len(self.labels)), key=lambda i: row[i])
        if self.neutral_threshold is not None and "neutral" in self.labels:
            n = self.labels.index("neutral")
            if row[n] >= self.neutral_threshold:
                j = n
            else:
                j = max((i for i in range(len(self.labels)) if i != n), key=lambda i: row[i])
        return Prediction(self.labels[j], float(row[j]), {lab: float(row[i]) for i, lab in enumerate(self.labels)})


@lru_cache(maxsize=2)
def load(directory: str | None = None) -> StanceModel:
    """The shipped model, loaded once per process."""
    return StanceModel(Path(directory) if directory else MODEL_DIR)
