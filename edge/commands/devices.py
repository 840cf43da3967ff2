"""``edge devices [--broker H:P] [--json] [--wait S] [--home FILE]``: what the runtime discovered.

Connects to the broker, lets retained discovery (Home Assistant configs, Zigbee2MQTT's ``bridge/devices``)
and states arrive for at most ``--wait`` seconds (less once they stop arriving), and prints each entity:
entity_id, name, area, kind (``edge.context.kinds``), state, capabilities, source (``ha``, ``z2m`` or
``home`` for a home-file device nothing announced) and whether it is available. The first thing to run
when a device is not understood; ``edge doctor`` prints :func:`summary` of it in one line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edge.commands._util import emit_json, settings_from_args
from edge.config import Settings
from edge.errors import EdgeError, ErrorCode

if TYPE_CHECKING:
    from edge.context.store import ContextStore

__all__ = ["collect", "register", "summary"]

QUIET_S = 0.7  # retained messages arrive in a burst: this long without a change ends the wait


def _row(store: ContextStore, entity_id: str) -> dict[str, Any]:
    from edge.context.listing import device_row  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    return device_row(store, entity_id)


async def collect(settings: Settings, home_file: Path | None, wait_s: float) -> list[dict[str, Any]]:
    """Every entity the runtime knows after ``wait_s`` seconds (at most) on the broker, sorted by id."""
    from edge.context.homes import load_home  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser
    from edge.context.mqtt import MqttSession, SessionSettings  # noqa: PLC0415 - lazy: as above
    from edge.context.settle import settled  # noqa: PLC0415 - lazy: as above
    from edge.context.store import ContextStore  # noqa: PLC0415 - lazy: as above

    store = ContextStore(settings, load_home(home_file) if home_file else None)
    session_settings = SessionSettings.from_mqtt(
        settings.mqtt, f"{settings.satellite.site_id}-devices", health=False
    )
    async with MqttSession(session_settings) as session:
        if not await session.wait_connected(min(wait_s, 5.0)):
            where = f"{settings.mqtt.host}:{settings.mqtt.port}"
            raise EdgeError(
                f"no MQTT broker at {where}", hint="start one, or pass --broker HOST:PORT",
                code=ErrorCode.BROKER_UNAVAILABLE,
            )  # fmt: skip
        task = asyncio.create_task(store.run(session), name="context-store")
        try:
            await settled(store, wait_s, quiet_s=QUIET_S)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return [_row(store, eid) for eid in sorted(store.snapshot().devices)]


def summary(rows: Sequence[Mapping[str, Any]]) -> str:
    """One line: how many, from where, which are unavailable (:func:`edge.context.listing.summary`)."""
    from edge.context.listing import summary as one_line  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    return one_line(rows)


def _print_table(rows: list[dict[str, Any]]) -> None:
    head = ("entity_id", "name", "area", "kind", "state", "source", "available", "capabilities")
    lines = [head] + [
        (r["entity_id"], r["name"], r["area"] or "-", r["kind"], "-" if r["state"] is None else r["state"],
         r["source"], {True: "yes", False: "NO", None: "?"}[r["available"]],
         ",".join(r["capabilities"]) or "-")
        for r in rows
    ]  # fmt: skip
    widths = [min(64, max(len(str(line[i])) for line in lines)) for i in range(len(head) - 1)]
    for line in lines:
        print(
            "  ".join(str(v)[:64].ljust(w) for v, w in zip(line, widths, strict=False)) + "  " + str(line[-1])
        )
    print(summary(rows))


def _run(args: argparse.Namespace) -> int:
    from edge.context.address import with_broker  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    if not 0 < args.wait <= 600:
        raise EdgeError(
            f"--wait {args.wait:g} is out of range", hint="give seconds between 0 and 600, e.g. --wait 5"
        )
    settings = with_broker(settings_from_args(args), args.broker)
    rows = asyncio.run(collect(settings, Path(args.home) if args.home else None, args.wait))
    if args.json:
        for row in rows:
            emit_json(row)
    else:
        _print_table(rows)
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "devices", parents=[common], help="list the devices the runtime discovered on the broker"
    )
    p.add_argument("--broker", help="HOST:PORT (default: mqtt.host and mqtt.port from settings)")
    p.add_argument("--json", action="store_true", help="one JSON object per device per line")
    p.add_argument(
        "--wait", type=float, default=5.0, help="seconds at most to collect retained discovery and state"
    )
    p.add_argument("--home", help="a home file: its names, areas, and its devices nothing announced")
    p.set_defaults(func=_run)
