"""``edge train [--domain FILE]`` (= ``make models-nlu``): build the NLU model, or a custom domain's model."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from edge.commands._util import emit_json, settings_from_args
from edge.lab.training.domain import ensure_domain_model
from edge.lab.training.pipeline import train_home_model

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    if args.domain:
        out = ensure_domain_model(settings, Path(args.domain), force=True)
        emit_json({"model_dir": str(out)})
        return 0
    meta = train_home_model(
        settings, Path(args.out) if args.out else None, epochs=args.epochs, scale=args.scale
    )
    emit_json({"model_file": meta["model_file"], "validation": meta["validation"]})
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("train", parents=[common], help="train the contextual NLU model (torch, CPU)")
    p.add_argument("--domain", help="custom domain YAML (HA custom sentences or Picovoice Rhino context)")
    p.add_argument("--out", help="output directory (default: nlu.model_dir or models/nlu)")
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--scale", type=float, default=0.8, help="generated examples per template family (x)")
    p.set_defaults(func=_run)
