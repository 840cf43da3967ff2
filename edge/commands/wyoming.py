"""``edge wyoming --uri tcp://HOST:PORT``: the device's services for Home Assistant over the Wyoming protocol.

The runtime without its microphone: the home on the broker, the turn engine, the wake word, ASR, NLU and
voice, served to Wyoming clients (docs/wyoming.md). ``edge run`` serves the same beside the microphone when
``wyoming.enabled`` is set.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path
from typing import Any

from edge.commands._events import event_printer
from edge.commands._util import settings_from_args
from edge.context.address import with_broker

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    from edge.app import RuntimeOptions, run  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser
    from edge.wyoming.server import parse_uri  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    extra = ["wyoming.enabled=true"]
    if args.uri:
        try:
            parse_uri(args.uri)
        except ValueError as err:
            print(f"edge wyoming: {err}")
            return 2
        extra.append(f"wyoming.uri={json.dumps(args.uri)}")
    if args.area:
        extra.append(f"satellite.area={json.dumps(args.area)}")
    settings = with_broker(settings_from_args(args, tuple(extra)), args.broker)
    print(f"edge wyoming: serving on {settings.wyoming.uri} (Ctrl-C to stop)", flush=True)
    options = RuntimeOptions(
        home=Path(args.home) if args.home else None, db=Path(args.db) if args.db else None, listen=False
    )

    try:
        return asyncio.run(run(settings, options, event_printer(args.json)))
    except KeyboardInterrupt:
        return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "wyoming", parents=[common], help="serve wake word, ASR, intents, turns and voice over Wyoming"
    )
    p.add_argument("--uri", help="where to listen: tcp://HOST:PORT or unix://PATH (default: wyoming.uri)")
    p.add_argument("--home", help="home file (TOML or HA fixture YAML): names, aliases, areas")
    p.add_argument("--broker", metavar="HOST:PORT", help="MQTT broker (default: mqtt.host:mqtt.port)")
    p.add_argument("--area", help="the area this device stands in (satellite.area)")
    p.add_argument("--db", help="turn store (default: feedback.db_path)")
    p.add_argument("--json", action="store_true", help="one JSON event per line")
    p.set_defaults(func=_run)
