"""The learned stance model as shipped: real ONNX weights, real tokenizer, no mocks.

The table holds clear cases written for this test (none from devsets/stance-policy or the training data):
statements for and against a target, and statements about something else (neutral)."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import ConfigError, KGError
from kg.extract import stance_model

CASES = [
    ("We should build far more council homes; families cannot wait any longer.", "building more council homes",
     "support"),
    ("Building thousands of council homes is exactly what this town needs.", "building more council homes",
     "support"),
    ("Council homes would ruin the green belt and nobody here wants them.", "building more council homes",
     "oppose"),
    ("Banning cars from the city centre is a great idea that will clean our air.", "a ban on cars in the city centre",
     "support"),
    ("A car ban would kill the high street and hurt disabled residents.", "a ban on cars in the city centre",
     "oppose"),
    ("Raising the speed limit will cost lives.", "raising the speed limit on motorways", "oppose"),
    ("The school choir sang at the summer fair.", "raising the speed limit on motorways", "neutral"),
]


@pytest.fixture(scope="module")
def model():
    return stance_model.load()


@pytest.mark.parametrize("text, target, expected", CASES)
def test_clear_cases(model, text, target, expected):
    (pred,) = model.predict([(text, target)])
    assert pred.label == expected, (text, target, pred)


def test_probabilities_sum_to_one_and_label_is_argmax(model):
    preds = model.predict([(t, g) for t, g, _ in CASES])
    for p in preds:
        assert abs(sum(p.probabilities.values()) - 1.0) < 1e-6
        assert set(p.probabilities) == {"support", "oppose", "neutral"}
        assert p.probabilities[p.label] == p.probability
        if model.neutral_threshold is None:
            assert p.probability == max(p.probabilities.values())
        elif p.label == "neutral":
            assert p.probability >= model.neutral_threshold
        else:  # the likelier of support and oppose
            assert p.probability == max(p.probabilities["support"], p.probabilities["oppose"])


def test_batch_equals_single(model):
    batch = model.predict([(t, g) for t, g, _ in CASES])
    for (t, g, _), b in zip(CASES, batch):
        (single,) = model.predict([(t, g)])
        assert single.label == b.label
        # int8 dynamic quantisation scales activations per batch tensor, so padding moves the 4th decimal
        assert abs(single.probability - b.probability) < 5e-3


def test_empty_batch(model):
    assert model.predict([]) == []


def test_describe_names_model_and_hash(model):
    d = model.describe()
    cfg = json.loads((stance_model.MODEL_DIR / "config.json").read_text())
    assert d["stance_model_sha256"] == cfg["sha256"]["model.onnx"]
    assert d["stance_model"].startswith(cfg["name"])


@pytest.mark.parametrize("damage", ["truncate", "missing", "config"])
def test_corrupt_model_file_is_one_line_error(tmp_path, damage):
    d = tmp_path / "stance"
    shutil.copytree(stance_model.MODEL_DIR, d)
    if damage == "truncate":
        blob = (d / "model.onnx").read_bytes()
        (d / "model.onnx").write_bytes(blob[: len(blob) // 2])
        name = "model.onnx"
    elif damage == "missing":
        (d / "tokenizer.json").unlink()
        name = "tokenizer.json"
    else:
        (d / "config.json").write_text("{not json", encoding="utf-8")
        name = "config.json"
    with pytest.raises(ConfigError) as e:
        stance_model.StanceModel(d)
    msg = str(e.value)
    assert "\n" not in msg and name in msg and str(d) in msg


def test_unknown_method_is_refused(monkeypatch):
    with pytest.raises(KGError, match="unknown stance method 'magic'"):
        stance_model.stance_method("magic")
    monkeypatch.setenv("KG_STANCE", "model")
    assert stance_model.stance_method(None) == "model"
    assert stance_model.stance_method("lexicon") == "lexicon"


@pytest.mark.slow
@pytest.mark.parametrize("method", ["model", "lexicon"])
def test_cli_stance_option_end_to_end(paths, tmp_path, method):
    out = tmp_path / "extracts"
    result = CliRunner().invoke(app, ["extract", str(paths.article), "--out", str(out), "--stance", method])
    assert result.exit_code == 0, result.output
    data = json.loads((out / f"{paths.article.stem}.json").read_text(encoding="utf-8"))
    assert data["run"]["stance"] == method
    statements = data["statements"]
    assert statements
    text = data["document"]["text"]
    # lexicon cue evidence stays, with offsets, either way
    assert any(st["evidence"] for st in statements)
    for st in statements:
        for ev in st["evidence"]:
            assert text[ev["start"]:ev["end"]].lower() == ev["cue"]
    if method == "model":
        cfg = json.loads((stance_model.MODEL_DIR / "config.json").read_text())
        assert data["run"]["stance_model_sha256"] == cfg["sha256"]["model.onnx"]
        assert all(0 <= st["stance_probability"] <= 1 for st in statements)
        assert {st["stance"] for st in statements} >= {"support", "oppose"}
    else:
        assert all("stance_probability" not in st for st in statements)


def test_cli_unknown_stance_is_one_line(paths, tmp_path):
    result = CliRunner().invoke(app, ["extract", str(paths.article), "--out", str(tmp_path / "x"),
                                      "--stance", "magic"])
    assert result.exit_code != 0
    assert "unknown stance method" in result.output
    assert not (tmp_path / "x").exists()
