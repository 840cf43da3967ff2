"""``edge teach --list`` shows what the user taught (macros, preferences); ``--forget PHRASE`` drops one."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from edge.commands._util import emit_json, settings_from_args
from edge.errors import EdgeError
from edge.feedback.taught import TaughtStore

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    db = Path(args.db or settings.feedback.db_path)
    if not db.exists():
        raise EdgeError(f"no turn store at {db}", hint="pass --db PATH of the assistant's turn store")
    taught = TaughtStore(db, args.home)
    try:
        if args.forget:
            emit_json({"forgot": args.forget, "found": taught.forget(args.forget)})
            return 0
        for macro in taught.macros():
            emit_json({"kind": "macro", **macro.to_json()})
        for key, value in taught.preferences().items():
            emit_json({"kind": "preference", "key": key, "value": value})
    finally:
        taught.close()
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("teach", parents=[common], help="list (or forget) taught phrases and preferences")
    p.add_argument("--list", action="store_true", help="list macros and preferences (the default)")
    p.add_argument("--forget", metavar="PHRASE", help="forget a taught phrase")
    p.add_argument("--db", help="turn store (default: feedback.db_path)")
    p.add_argument("--home", default="home", help="home id (default: home)")
    p.set_defaults(func=_run)
