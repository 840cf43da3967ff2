"""Training end to end on a tiny data set (slow: run with make test-slow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge.config import Settings
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import BUILTIN_DEVICES, make_snapshot

pytest.importorskip("torch")


@pytest.mark.slow
def test_tiny_training_run_exports_a_working_model(tmp_path: Path) -> None:
    from edge.config import project_root
    from edge.training.generate import build_dataset
    from edge.training.train import TrainConfig, train_model

    data = build_dataset(project_root(), None, scale=0.15, noise=0.1)
    meta = train_model(data.examples, tmp_path, TrainConfig(epochs=2))
    assert (tmp_path / meta["model_file"]).is_file()
    assert (tmp_path / "MODEL_CARD.md").read_text().startswith("# Contextual NLU model")
    parser = NLUParser(Settings(), tmp_path)
    snapshot = make_snapshot({d.entity_id: d for d in BUILTIN_DEVICES}, area="kitchen")
    intent = parser.parse("turn on the light", snapshot)
    assert intent is not None and intent.name == "HassTurnOn"


@pytest.mark.slow
def test_domain_training_learns_the_grammar(tmp_path: Path) -> None:
    from edge.nlu.domains import load_domain
    from edge.training.domain import train_domain_model

    path = tmp_path / "pizza.yaml"
    path.write_text(
        'context:\n  expressions:\n    orderPizza:\n      - "[give me, I want] (a) $size:size pizza"\n'
        '  slots:\n    size: ["small", "large", "twelve inch"]\n'
    )
    spec = load_domain(path)
    out = tmp_path / "model"
    train_domain_model(Settings(), spec, out, epochs=2, scale=0.1)
    parser = NLUParser(Settings(), out)
    snapshot = make_snapshot({d.entity_id: d for d in BUILTIN_DEVICES})
    intent = parser.parse("i want a twelve inch pizza", snapshot)
    assert intent is not None
    assert (intent.name, dict(intent.slots)) == ("orderPizza", {"size": "twelve inch"})
