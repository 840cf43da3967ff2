"""``edge train [--domain FILE | --fpi]`` (= ``make models-nlu``): build the NLU model, a custom domain's
model, or (``--fpi``) the failure-point forest the device ships (``edge/learning/fpi_tree.json``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from edge.commands._util import emit_json, settings_from_args
from edge.errors import ConfigError
from edge.lab.training.domain import ensure_domain_model
from edge.lab.training.pipeline import HOME_MEMBERS, HOME_SEED, train_home_model

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    if args.fpi:
        if args.domain or args.out:
            raise ConfigError("--fpi takes no --domain or --out", hint="run edge train --fpi on its own")
        from edge.lab.training.fpi import FPI_ASR_MODEL, FPI_DAYS, FPI_HOMES, FPI_MODEL, train_fpi  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

        forest = train_fpi(FPI_MODEL)
        emit_json({"fpi_model": str(FPI_MODEL), "trees": len(forest.trees), "homes": FPI_HOMES,
                   "days": FPI_DAYS, "asr_model": FPI_ASR_MODEL})  # fmt: skip
        return 0
    if args.domain:
        out = ensure_domain_model(settings, Path(args.domain), force=True)
        emit_json({"model_dir": str(out)})
        return 0
    if args.members < 1:
        raise ConfigError(f"--members {args.members}: at least one member", hint="e.g. --members 6")
    meta = train_home_model(
        settings,
        Path(args.out) if args.out else None,
        epochs=args.epochs,
        scale=args.scale,
        household=args.household,
        members=args.members,
        seed=args.seed,
    )
    emit_json({"model_file": meta["model_file"], "validation": meta["validation"]})
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("train", parents=[common], help="train the contextual NLU model (torch, CPU)")
    p.add_argument("--domain", help="custom domain YAML (HA custom sentences or Picovoice Rhino context)")
    p.add_argument(
        "--fpi", action="store_true",
        help="fit the failure-point forest on simulated homes and write edge/learning/fpi_tree.json",
    )  # fmt: skip
    p.add_argument("--out", help="output directory (default: nlu.model_dir or models/nlu)")
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--scale", type=float, default=0.8, help="generated examples per template family (x)")
    p.add_argument(
        "--household", action=argparse.BooleanOptionalAction, default=True,
        help="the household data, the shipped model's (docs/nlu.md); --no-household: the data before it",
    )  # fmt: skip
    p.add_argument(
        "--members", type=int, default=HOME_MEMBERS,
        help=f"seeded members averaged in the home model (default {HOME_MEMBERS}, the shipped model's)",
    )  # fmt: skip
    p.add_argument(
        "--seed", type=int, default=HOME_SEED,
        help=f"the first member's seed (default {HOME_SEED}, the shipped model's)",
    )  # fmt: skip
    p.set_defaults(func=_run)
