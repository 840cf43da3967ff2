"""The whole ``edge train`` run: data -> training -> export -> card, for the home model or a domain model."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from edge import resources
from edge.config import Settings
from edge.lab.training.generate import build_dataset
from edge.lab.training.train import TrainConfig, train_model
from edge.nlu.parser import default_model_dir

__all__ = ["HOME_MEMBERS", "HOME_SEED", "default_model_dir", "train_home_model"]


HOME_MEMBERS = 6  # seeded members averaged in the home model (see docs/nlu.md, "Reproducibility")
# The member seed of the draw that shipped (docs/nlu.md, "The household retrain, ninth" and "The ninth draws
# on today's runtime": two draws, seeds 15 and 16, measured beside the model before; 16 held every figure);
# kept so that `make models-nlu` rebuilds the committed model bit for bit.
HOME_SEED = 16


def train_home_model(
    settings: Settings,
    out_dir: Path | None = None,
    *,
    epochs: int = 6,
    scale: float = 0.8,
    household: bool = True,
    members: int = HOME_MEMBERS,
    seed: int = HOME_SEED,
) -> dict[str, Any]:
    """Train the home model; ``members`` and ``seed`` other than the constants are for trying a draw (the
    shipped model is rebuilt with the constants, ``make models-nlu``)."""
    shared = settings.shared_data()
    print(f"generating training data (development data: {shared or 'absent'})", file=sys.stderr, flush=True)
    data = build_dataset(resources.data_dir(), shared, scale=scale, household=household)
    notes: dict[str, Any] = {"sources": data.counts, "hwu64_train_half": shared is not None}
    if household:
        notes["household_data"] = True
    return train_model(
        data.examples,
        out_dir or default_model_dir(settings),
        TrainConfig(epochs=epochs, seed=seed, members=members, notes=notes),
    )
