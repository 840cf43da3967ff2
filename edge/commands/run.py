"""``edge run``: the runtime on the microphone (or ``--wav FILE``), acting on the home over MQTT."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from edge.commands._util import add_domain_argument, emit_json, settings_from_args
from edge.config import project_root
from edge.context.address import with_broker
from edge.events import PipelineEvent

__all__ = ["add_runtime_arguments", "default_home", "event_printer", "register"]


def default_home() -> Path | None:
    demo = project_root() / "devices" / "homes" / "demo.toml"
    return demo if demo.exists() else None


def event_printer(as_json: bool) -> Any:
    from edge.commands.replay import describe

    def show(event: PipelineEvent) -> None:
        if as_json:
            emit_json(event.to_json())
        else:
            print(describe(event), flush=True)

    return show


def add_runtime_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--home", help="home file (TOML or HA fixture YAML): names, aliases, areas")
    p.add_argument("--broker", metavar="HOST:PORT", help="MQTT broker (default: mqtt.host:mqtt.port)")
    p.add_argument("--area", help="the area this satellite stands in (satellite.area)")
    p.add_argument("--db", help="turn store (default: feedback.db_path)")
    p.add_argument("--json", action="store_true", help="one JSON event per line")
    add_domain_argument(p)


def _run(args: argparse.Namespace) -> int:
    from edge.app import run_runtime

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    extra = (f'satellite.area="{args.area}"',) if args.area else ()
    settings = with_broker(settings_from_args(args, extra), args.broker)
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
    p.set_defaults(func=_run)
