"""``edge train``: generate data, train the joint model with torch on CPU, export ONNX, quantize int8.

Seeded and deterministic for a given data set; progress goes to stderr. The fp32 and int8 exports are
both measured on the validation split and the better one (accuracy first, then speed) is kept.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from edge.nlu.catalogue import CATALOGUE
from edge.nlu.context_features import CONTEXT_FEATURES
from edge.nlu.features import BUCKETS, FEATURES_PER_TOKEN, MAX_TOKENS, featurize
from edge.nlu.runner import METADATA_FILE, NLUModel
from edge.training.examples import Example

__all__ = ["TrainConfig", "train_model"]


@dataclass(frozen=True, slots=True)
class TrainConfig:
    epochs: int = 4
    batch: int = 128
    lr: float = 3e-3
    seed: int = 13
    val_fraction: float = 0.05
    threads: int = 1  # two threads spin against each other on a shared 2-core machine
    extra_intents: tuple[str, ...] = ()
    notes: dict[str, Any] = field(default_factory=dict)


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _labels(examples: Sequence[Example], extra_intents: tuple[str, ...]) -> dict[str, list[str]]:
    intents = [s.name for s in CATALOGUE] + [i for i in extra_intents if i not in {s.name for s in CATALOGUE}]
    intents += sorted({e.intent for e in examples} - set(intents))
    tags = ["O", *sorted({t for e in examples for t in e.tags} - {"O"})]
    focus = ["", *sorted({e.focus for e in examples} - {""})]
    media = ["", *sorted({e.media_class for e in examples} - {""})]
    return {"intents": intents, "tags": tags, "focus": focus, "media": media}


def _encode(examples: Sequence[Example], labels: dict[str, list[str]]) -> list[tuple[Any, ...]]:
    idx = {k: {v: i for i, v in enumerate(vals)} for k, vals in labels.items()}
    out = []
    for e in examples:
        ids = featurize(list(e.tokens))
        tags = [idx["tags"][t] for t in e.tags[:MAX_TOKENS]] or [0]
        out.append(
            (
                ids,
                np.asarray(e.facts, dtype=np.float32),
                idx["intents"][e.intent],
                np.asarray(tags),
                idx["focus"][e.focus],
                idx["media"][e.media_class],
            )
        )
    return out


def _batches(data: list[tuple[Any, ...]], size: int, rng: random.Random) -> list[list[tuple[Any, ...]]]:
    order = sorted(range(len(data)), key=lambda i: (len(data[i][0]), rng.random()))
    chunks = [[data[i] for i in order[j : j + size]] for j in range(0, len(order), size)]
    rng.shuffle(chunks)
    return chunks


def _tensors(batch: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    import torch

    t = max(len(b[0]) for b in batch)
    ids = np.zeros((len(batch), t, FEATURES_PER_TOKEN), dtype=np.int64)
    tags = np.full((len(batch), t), -100, dtype=np.int64)
    for i, b in enumerate(batch):
        ids[i, : len(b[0])] = b[0]
        tags[i, : len(b[3])] = b[3]
    return (
        torch.from_numpy(ids),
        torch.from_numpy(np.stack([b[1] for b in batch])),
        torch.tensor([len(b[0]) for b in batch]),
        torch.tensor([b[2] for b in batch]),
        torch.from_numpy(tags),
        torch.tensor([b[4] for b in batch]),
        torch.tensor([b[5] for b in batch]),
    )


def _evaluate(model_dir: Path, val: Sequence[Example]) -> dict[str, float]:
    runner = NLUModel(model_dir)
    correct = tag_ok = 0
    times: list[float] = []
    for e in val:
        start = time.perf_counter()
        out = runner.run(list(e.tokens), np.asarray(e.facts, dtype=np.float32))
        times.append(time.perf_counter() - start)
        correct += runner.intents[int(out.intent_probs.argmax())] == e.intent
        tag_ok += [runner.tags[i] for i in out.tag_ids] == list(e.tags[:MAX_TOKENS])
    n = max(1, len(val))
    return {
        "intent_accuracy": correct / n,
        "slot_exact": tag_ok / n,
        "median_ms": 1000 * float(np.median(times)),
    }


def _export(model: Any, path: Path) -> None:
    import torch

    model.eval()
    ids = torch.from_numpy(featurize(["turn", "on", "the", "light"])[None])
    ctx = torch.zeros(1, len(CONTEXT_FEATURES))
    torch.onnx.export(
        model,
        (ids, ctx),
        str(path),
        opset_version=17,
        input_names=["ids", "context"],
        output_names=["intent", "tags", "focus", "media"],
        dynamic_axes={"ids": {1: "tokens"}, "tags": {1: "tokens"}},
        dynamo=False,
    )


def train_model(
    examples: list[Example], out_dir: Path, config: TrainConfig = TrainConfig()
) -> dict[str, Any]:
    """Train on ``examples`` and write the model, metadata and card into ``out_dir``; returns metrics."""
    import torch

    from edge.training.card import write_card
    from edge.training.model import JointNLU

    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    rng = random.Random(config.seed)
    labels = _labels(examples, config.extra_intents)
    n_val = int(len(examples) * config.val_fraction)
    val_examples, train_examples = examples[:n_val], examples[n_val:]
    data = _encode(train_examples, labels)
    model = JointNLU(
        buckets=BUCKETS,
        n_context=len(CONTEXT_FEATURES),
        n_intents=len(labels["intents"]),
        n_tags=len(labels["tags"]),
        n_focus=len(labels["focus"]),
        n_media=len(labels["media"]),
    )
    dense = [p for n, p in model.named_parameters() if not n.startswith("embed.")]
    opts = [
        torch.optim.Adam(dense, lr=config.lr),
        torch.optim.SparseAdam(list(model.embed.parameters()), lr=config.lr),
    ]
    steps = config.epochs * ((len(data) + config.batch - 1) // config.batch)
    decay = lambda step: max(0.05, 1.0 - step / steps)  # noqa: E731
    scheds = [torch.optim.lr_scheduler.LambdaLR(o, decay) for o in opts]
    ce = torch.nn.CrossEntropyLoss(ignore_index=-100)
    _log(
        f"training on {len(train_examples)} examples ({len(val_examples)} validation), {config.epochs} epochs"
    )
    started = time.monotonic()
    for epoch in range(config.epochs):
        model.train()
        total = 0.0
        for batch in _batches(data, config.batch, rng):
            ids, ctx, lengths, intent, tags, focus, media = _tensors(batch)
            li, lt, lf, lm = model(ids, ctx, lengths)
            loss = (
                ce(li, intent)
                + ce(lt.reshape(-1, lt.shape[-1]), tags.reshape(-1))
                + 0.5 * ce(lf, focus)
                + ce(lm, media)
            )
            for o in opts:
                o.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(dense, 5.0)
            for o, s in zip(opts, scheds, strict=True):
                o.step()
                s.step()
            total += float(loss.detach()) * len(batch)
        _log(
            f"epoch {epoch + 1}/{config.epochs}: loss {total / len(data):.4f} "
            f"({time.monotonic() - started:.0f} s)"
        )
    meta: dict[str, Any] = {
        "version": 1,
        **labels,
        "context_features": list(CONTEXT_FEATURES),
        "buckets": BUCKETS,
        "features_per_token": FEATURES_PER_TOKEN,
        "max_tokens": MAX_TOKENS,
        "seed": config.seed,
        "train_examples": len(train_examples),
        **config.notes,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        fp32, int8 = tmp / "fp32", tmp / "int8"
        for d, file in ((fp32, "nlu.fp32.onnx"), (int8, "nlu.int8.onnx")):
            d.mkdir()
            (d / METADATA_FILE).write_text(json.dumps({**meta, "model_file": file}))
        _export(model, fp32 / "nlu.fp32.onnx")
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(
            str(fp32 / "nlu.fp32.onnx"),
            str(int8 / "nlu.int8.onnx"),
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Gemm", "Gather"],
        )
        results = {"fp32": _evaluate(fp32, val_examples), "int8": _evaluate(int8, val_examples)}
        for name, r in results.items():
            size = (fp32 / "nlu.fp32.onnx" if name == "fp32" else int8 / "nlu.int8.onnx").stat().st_size
            r["size_mb"] = size / 1e6
            _log(
                f"{name}: intent {r['intent_accuracy']:.4f} slots {r['slot_exact']:.4f} "
                f"{r['median_ms']:.3f} ms {r['size_mb']:.2f} MB"
            )
        keep = (
            "int8"
            if results["int8"]["intent_accuracy"] >= results["fp32"]["intent_accuracy"] - 0.005
            else "fp32"
        )
        src = int8 if keep == "int8" else fp32
        for old in out_dir.glob("nlu.*.onnx"):
            old.unlink()
        model_file = f"nlu.{keep}.onnx"
        shutil.copy(src / model_file, out_dir / model_file)
    meta.update(
        model_file=model_file, kept=keep, validation=results, train_seconds=round(time.monotonic() - started)
    )
    (out_dir / METADATA_FILE).write_text(json.dumps(meta, indent=1) + "\n")
    write_card(out_dir, meta)
    _log(f"kept {keep}: {out_dir / model_file}")
    return meta
