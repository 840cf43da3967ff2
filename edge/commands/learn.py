"""``edge learn [--db PATH] [--home FILE] [--rollback] [--list]``: rebuild the rewrite table from the turn
store, replay it against recent history, activate it when it is no worse, and write failure points back to
the store. ``--home`` gives the learner the home's device names (the runtime passes its live registry)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from edge.commands._util import settings_from_args
from edge.context.homes import load_home
from edge.learning.loop import TableVersions
from edge.wiring import rebuild_tables, tables_dir

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    versions = TableVersions(tables_dir(settings, Path(args.db) if args.db else None))
    if args.rollback:
        print(f"active rewrite table is now version {versions.rollback()}")
        return 0
    if args.list:
        active = versions.active_version()
        for v in versions.versions():
            print(f"{'*' if v == active else ' '} version {v}")
        table = versions.active()
        for rule in table.rules.values():
            print(f"  {rule.original!r} -> {rule.rewritten!r} (score {rule.score}, lift {rule.lift})")
        if table.prompt:  # the household's requests that lead the recognizer's prompt (learning.prompt)
            print(f"  recognizer's prompt: {', '.join(repr(p) for p in table.prompt)}")
        return 0
    devices = load_home(Path(args.home)).devices.values() if args.home else ()
    print(rebuild_tables(settings, Path(args.db) if args.db else None, devices).summary())
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "learn", parents=[common], help="rebuild, list or roll back the learned rewrite tables"
    )
    p.add_argument("--db", help="turn store (default: feedback.db_path)")
    p.add_argument("--rollback", action="store_true", help="make the previous table version active")
    p.add_argument("--list", action="store_true", help="list table versions and the active rules")
    p.add_argument("--home", help="the home's devices (TOML or HA fixture YAML): names for the learner")
    p.set_defaults(func=_run)
