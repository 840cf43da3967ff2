"""Training a domain model: the home data (smaller) plus examples compiled from a custom domain file."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

from edge.config import Settings, project_root
from edge.nlu.domains import DomainSpec, _domain_lists
from edge.nlu.grammar import sample
from edge.training.examples import Example, constant, from_sample
from edge.training.generate import build_dataset
from edge.training.noise import add_noise
from edge.training.train import TrainConfig, train_model

__all__ = ["domain_examples", "train_domain_model"]


def domain_examples(spec: DomainSpec, rng: random.Random, per_intent: int = 4000) -> list[Example]:
    out: list[Example] = []
    sampler = _domain_lists(spec)
    rules = spec.parsed_rules()
    for intent, templates in spec.parsed().items():
        if not templates:
            continue
        label = (intent, "", "")
        for _ in range(per_intent):
            s = sample(rng.choice(templates), sampler, rules, rng)
            ex = from_sample(s, constant(label), rng, source=f"domain:{spec.name}")
            if ex is not None:
                out.append(add_noise(ex, rng) if rng.random() < 0.2 else ex)
    return out


def train_domain_model(
    settings: Settings, spec: DomainSpec, out_dir: Path, epochs: int = 5, scale: float = 0.3
) -> dict[str, Any]:
    rng = random.Random(29)
    print(
        f"compiling domain {spec.name} ({spec.kind}, intents: {', '.join(spec.templates)})",
        file=sys.stderr,
        flush=True,
    )
    base = build_dataset(project_root(), settings.shared_data(), scale=scale)
    extra = domain_examples(spec, rng, per_intent=max(1500, 4000 // max(1, len(spec.templates))))
    examples = base.examples + extra
    rng.shuffle(examples)
    notes: dict[str, Any] = {
        "domain": spec.name,
        "domain_digest": spec.digest,
        "slot_values": spec.slot_values(),
        "sources": {**base.counts, f"domain:{spec.name}": len(extra)},
        "domain_note": f"- Domain {spec.name} ({spec.kind} file): {len(extra)} examples from its grammar.\n",
    }
    config = TrainConfig(epochs=epochs, extra_intents=tuple(spec.templates), notes=notes)
    return train_model(examples, out_dir, config)
