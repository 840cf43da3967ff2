"""``edge parse TEXT`` / ``edge parse --batch FILE.jsonl``: text -> intent JSON under a given home context."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from edge.commands._util import add_domain_argument, emit_json, settings_from_args
from edge.errors import ConfigError

__all__ = ["register"]


def _screen(value: str | None) -> bool:
    return value in {"yes", "true", "1"}


def _run(args: argparse.Namespace) -> int:
    from edge.nlu.domain_parser import load_parser
    from edge.nlu.snapshots import load_devices, make_snapshot, parse_states

    settings = settings_from_args(args)
    parser = load_parser(settings)
    devices = load_devices(Path(args.home) if args.home else None)
    area = args.area if args.area is not None else settings.satellite.area
    screen = _screen(args.screen) if args.screen else settings.satellite.has_screen
    if args.batch:
        path = Path(args.batch)
        if not path.is_file():
            raise ConfigError(f"batch file {path} does not exist")
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    item: dict[str, Any] = json.loads(line)
                    ctx: dict[str, Any] = item.get("context") or {}
                    text = str(item["text"])
                except (ValueError, KeyError, TypeError) as err:
                    raise ConfigError(
                        f"{path}:{number}: expected {{'text': ..., 'context': {{...}}}}: {err}"
                    ) from err
                snapshot = make_snapshot(
                    devices,
                    str(ctx.get("area", area)),
                    {str(k): str(v) for k, v in (ctx.get("states") or {}).items()},
                    bool(ctx.get("screen", screen)),
                )
                emit_json(parser.analyse(text, snapshot).to_json())
        return 0
    if not args.text:
        raise ConfigError("nothing to parse", hint="give TEXT or --batch FILE.jsonl")
    snapshot = make_snapshot(devices, area, parse_states(args.state), screen)
    emit_json(parser.analyse(" ".join(args.text), snapshot).to_json())
    sys.stdout.flush()
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "parse", parents=[common], help="parse text into an intent under a home context (JSON)"
    )
    p.add_argument("text", nargs="*", help="the request, e.g. turn on the light")
    p.add_argument(
        "--batch", help="JSONL file of {text, context: {area, states, screen}} (one result per line)"
    )
    p.add_argument("--home", help="home TOML (default: devices/homes/demo.toml when present)")
    p.add_argument("--area", help="the satellite's area (default: satellite.area)")
    p.add_argument(
        "--state", action="append", default=[], metavar="ENTITY_ID=STATE", help="a device state (repeatable)"
    )
    p.add_argument("--screen", choices=["yes", "no"], help="whether the satellite has a screen")
    add_domain_argument(p)
    p.set_defaults(func=_run)
