"""``edge run``: the runtime on the microphone (or ``--wav FILE``), acting on the home over MQTT."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from edge.commands._events import event_printer
from edge.commands._util import add_domain_argument, settings_from_args
from edge.context.address import with_broker

__all__ = ["add_runtime_arguments", "register"]


def add_runtime_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--home", help="home file (TOML or HA fixture YAML): names, aliases, areas")
    p.add_argument("--broker", metavar="HOST:PORT", help="MQTT broker (default: mqtt.host:mqtt.port)")
    p.add_argument("--area", help="the area this satellite stands in (satellite.area)")
    p.add_argument("--db", help="turn store (default: feedback.db_path)")
    p.add_argument("--json", action="store_true", help="one JSON event per line")
    add_domain_argument(p)


def _run(args: argparse.Namespace) -> int:
    from edge.app import run_runtime  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    extra = (f'satellite.area="{args.area}"',) if args.area else ()
    if args.web:  # issue 19: the household page
        extra = (*extra, "web.enabled=true")
    settings = with_broker(settings_from_args(args, extra), args.broker)
    if settings.web.enabled:  # issue 19: say where the household page is (stderr: --json keeps stdout)
        from edge.web.server import token_file  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

        page = f"http://{settings.web.host}:{settings.web.port}/"
        print(f"edge run: the household page on {page} (token: {token_file(settings)})", file=sys.stderr)
    return run_runtime(
        settings,
        home=Path(args.home) if args.home else None,
        wav=Path(args.wav) if args.wav else None,
        db=Path(args.db) if args.db else None,
        printer=event_printer(args.json),
    )


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("run", parents=[common], help="the runtime on the microphone, acting over MQTT")
    add_runtime_arguments(p)
    p.add_argument("--wav", help="replay this file instead of listening (paced like a microphone)")
    p.add_argument(
        "--web", action="store_true", help="serve the household page (web.host:web.port; docs/web.md)"
    )
    p.set_defaults(func=_run)
