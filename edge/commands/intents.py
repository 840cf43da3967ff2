"""``edge intents [--json]``: the intent catalogue (name, description, slots, domains, moves, origin)."""

from __future__ import annotations

import argparse
from typing import Any

from edge.commands._util import emit_json

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    from edge.nlu.catalogue import CATALOGUE, catalogue_json  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    if args.json:
        emit_json(catalogue_json())
        return 0
    for spec in CATALOGUE:
        moves = "moves a device" if spec.moves_device else ""
        print(f"{spec.name:28} {', '.join(spec.slots):40} {moves}")
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("intents", parents=[common], help="list the NLU intent catalogue")
    p.add_argument("--json", action="store_true", help="print the catalogue as JSON")
    p.set_defaults(func=_run)
