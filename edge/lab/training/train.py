"""``edge train``: train the joint model with torch on CPU (an ensemble of seeded members), export ONNX,
quantize int8.

Reproducible: the data is generated from a seeded ``random.Random`` (no set or hash order anywhere), each
member is trained with a fixed torch seed, one thread and ``torch.use_deterministic_algorithms``. torch's
vectorized kernels and MKL otherwise pick code paths by CPU instruction set (AVX2, AVX-512), and those
round differently: the same seed and data gave models between 0.924 and 0.937 HWU64 iot accuracy
depending on the instruction set. Training therefore asks, before torch is first imported, for the
portable kernels (``ATEN_CPU_CAPABILITY=default``, ``MKL_CBWR=COMPATIBLE``; no slower for this model),
which give the same weights whatever the x86-64 CPU. Averaging several members makes the figures depend
less on any one draw. Progress goes to stderr.
"""

from __future__ import annotations

import json
import os
import platform
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from edge.lab.training.card import write_card
from edge.lab.training.examples import Example, dataset_digest
from edge.lab.training.export import export_and_keep
from edge.nlu.catalogue import CATALOGUE
from edge.nlu.context_features import CONTEXT_FEATURES
from edge.nlu.features import BUCKETS, FEATURES_PER_TOKEN, MAX_TOKENS, featurize
from edge.nlu.runner import METADATA_FILE

__all__ = ["TrainConfig", "train_model"]


@dataclass(frozen=True, slots=True)
class TrainConfig:
    epochs: int = 4
    batch: int = 128
    lr: float = 3e-3
    seed: int = 13
    members: int = 1  # independently seeded models averaged in one graph
    label_smoothing: float = 0.0  # on the sentence heads (intent, focus, media)
    dim: int = 64  # embedding width
    hidden: int = 64  # GRU units per direction
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
    import torch  # noqa: PLC0415 - lazy: torch is the optional training extra (and its threads are set before it loads)

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


PORTABLE_KERNELS = {"ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE"}


def _deterministic(threads: int) -> bool:
    """Seeded, single-threaded, deterministic torch; True when the portable kernels are in use (they can
    only be chosen before torch is imported: a process that imported torch earlier keeps its kernels)."""
    if "torch" not in sys.modules:
        for key, value in PORTABLE_KERNELS.items():
            os.environ.setdefault(key, value)
    import torch  # noqa: PLC0415 - lazy: torch is the optional training extra (and its threads are set before it loads)

    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)
    portable = str(torch.backends.cpu.get_cpu_capability()).upper() == "DEFAULT"
    portable = portable and os.environ.get("MKL_CBWR") == "COMPATIBLE"
    if not portable:
        _log(
            "note: torch was imported before training: CPU-specific kernels (bit-identical on this CPU only)"
        )
    return portable


def _train_member(
    data: list[tuple[Any, ...]], sizes: dict[str, int], config: TrainConfig, seed: int, name: str
) -> Any:
    import torch  # noqa: PLC0415 - lazy: torch is the optional training extra (and its threads are set before it loads)

    from edge.lab.training.model import JointNLU  # noqa: PLC0415 - lazy: it imports torch, the optional training extra

    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = JointNLU(
        buckets=BUCKETS, n_context=len(CONTEXT_FEATURES), dim=config.dim, hidden=config.hidden, **sizes
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
    ce_sentence = torch.nn.CrossEntropyLoss(label_smoothing=config.label_smoothing)
    started = time.monotonic()
    for epoch in range(config.epochs):
        model.train()
        total = 0.0
        for batch in _batches(data, config.batch, rng):
            ids, ctx, lengths, intent, tags, focus, media = _tensors(batch)
            li, lt, lf, lm = model(ids, ctx, lengths)
            loss = (
                ce_sentence(li, intent)
                + ce(lt.reshape(-1, lt.shape[-1]), tags.reshape(-1))
                + 0.5 * ce_sentence(lf, focus)
                + ce_sentence(lm, media)
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
            f"{name} epoch {epoch + 1}/{config.epochs}: loss {total / len(data):.4f} "
            f"({time.monotonic() - started:.0f} s)"
        )
    return model


def _environment() -> dict[str, str]:
    import torch  # noqa: PLC0415 - lazy: torch is the optional training extra (and its threads are set before it loads)

    return {
        "torch": torch.__version__,
        "cpu_capability": str(torch.backends.cpu.get_cpu_capability()),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }


def train_model(
    examples: list[Example], out_dir: Path, config: TrainConfig = TrainConfig()
) -> dict[str, Any]:
    """Train on ``examples`` and write the model, metadata and card into ``out_dir``; returns metrics."""

    portable = _deterministic(config.threads)
    labels = _labels(examples, config.extra_intents)
    n_val = int(len(examples) * config.val_fraction)
    val_examples, train_examples = examples[:n_val], examples[n_val:]
    data = _encode(train_examples, labels)
    sizes = {
        "n_intents": len(labels["intents"]),
        "n_tags": len(labels["tags"]),
        "n_focus": len(labels["focus"]),
        "n_media": len(labels["media"]),
    }
    _log(
        f"training {config.members} member(s) on {len(train_examples)} examples "
        f"({len(val_examples)} validation), {config.epochs} epochs each"
    )
    started = time.monotonic()
    members = [
        _train_member(data, sizes, config, config.seed + 1000 * i, f"member {i + 1}/{config.members}")
        for i in range(config.members)
    ]
    if len(members) == 1:
        model = members[0]
    else:
        from edge.lab.training.model import Ensemble  # noqa: PLC0415 - lazy: it imports torch, the optional training extra

        model = Ensemble(members)
    meta: dict[str, Any] = {
        "version": 1,
        **labels,
        "context_features": list(CONTEXT_FEATURES),
        "buckets": BUCKETS,
        "features_per_token": FEATURES_PER_TOKEN,
        "max_tokens": MAX_TOKENS,
        "seed": config.seed,
        "members": config.members,
        "epochs": config.epochs,
        "label_smoothing": config.label_smoothing,
        "dim": config.dim,
        "hidden": config.hidden,
        "train_examples": len(train_examples),
        "dataset_sha256": dataset_digest(examples),
        "environment": {**_environment(), "portable_kernels": str(portable).lower()},
        **config.notes,
    }
    model_file, results = export_and_keep(model, meta, val_examples, out_dir)
    keep = model_file.split(".")[1]
    meta.update(
        model_file=model_file, kept=keep, validation=results, train_seconds=round(time.monotonic() - started)
    )
    (out_dir / METADATA_FILE).write_text(json.dumps(meta, indent=1) + "\n")
    write_card(out_dir, meta)
    _log(f"kept {keep}: {out_dir / model_file}")
    return meta
