"""Training a domain model: the home data (smaller) plus examples compiled from a custom domain file."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

from edge import resources
from edge.config import Settings
from edge.errors import ConfigError
from edge.lab.training.examples import Example, constant, from_sample
from edge.lab.training.generate import build_dataset
from edge.lab.training.noise import add_noise
from edge.lab.training.train import TrainConfig, train_model
from edge.nlu.domains import DomainSpec, _domain_lists, domain_model_dir, load_domain
from edge.nlu.grammar import sample

__all__ = ["domain_examples", "ensure_domain_model", "train_domain_model"]


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
    base = build_dataset(resources.data_dir(), settings.shared_data(), scale=scale)
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


def ensure_domain_model(settings: Settings, path: Path, force: bool = False) -> Path:
    """The domain model directory, training it first when absent or built from another file version.

    Training needs torch (``make models-nlu``); it is what ``edge train --domain`` does. The device never
    trains: :func:`edge.nlu.domain_parser.load_parser` uses a trained model when present and
    the domain's grammar matcher always."""
    spec = load_domain(path)
    out = domain_model_dir(settings, spec)
    meta = out / "nlu.json"
    if not force and meta.is_file():
        try:
            if json.loads(meta.read_text()).get("domain_digest") == spec.digest:
                return out
        except ValueError:
            pass
    print(
        f"training the NLU model for domain {spec.name} (first use; a few minutes)...",
        file=sys.stderr,
        flush=True,
    )
    try:
        train_domain_model(settings, spec, out)
    except ModuleNotFoundError as err:
        if err.name != "torch":
            raise
        raise ConfigError(
            "training needs torch", hint="run `make models-nlu` to install the training extras"
        ) from err
    return out
