"""``edge simulate --home FILE [--broker HOST:PORT] [--toggle ID] [--fault ID=KIND] [--interactive]
[--clean-retained [--restore FILTER]]``: simulated devices on an MQTT broker (HA discovery + Zigbee2MQTT),
until SIGINT/SIGTERM; with ``--clean-retained`` it takes back every retained message it published before it
exits (the payload the topic held before it started, else none), so a broker it shares is left as it was;
``--restore FILTER`` also puts back what others changed under FILTER (the demo's runtime, killed)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import signal
import sys
from pathlib import Path
from typing import Any

from aiomqtt import MqttError

from edge.commands._util import emit_json, settings_from_args
from edge.context.address import with_broker
from edge.context.homes import load_home
from edge.context.mqtt import MqttSession, SessionSettings
from edge.errors import ConfigError, EdgeError, ErrorCode
from edge.lab.retained import read_retained, restore_under
from edge.lab.sim.device_model import Fault, parse_fault
from edge.lab.sim.devices import DeviceSimulator

__all__ = ["register"]

HELP = "commands: toggle ENTITY_ID | set ENTITY_ID STATE | fault ENTITY_ID KIND | state ENTITY_ID | quit"


def _faults(items: list[str]) -> dict[str, Fault]:
    out: dict[str, Fault] = {}
    for item in items:
        eid, sep, kind = item.partition("=")
        if not sep:
            raise ConfigError(
                f"--fault {item!r} must look like ENTITY_ID=KIND",
                hint="e.g. --fault light.kitchen=no_response",
            )
        try:
            out[eid.strip()] = parse_fault(kind)
        except ValueError as err:
            raise ConfigError(str(err), hint="kinds: " + ", ".join(f.value for f in Fault)) from err
    return out


async def _interactive(sim: DeviceSimulator, stop: asyncio.Event) -> None:
    emit_json({"ready": True, "help": HELP})
    while not stop.is_set():
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            return
        words = line.split()
        try:
            if not words:
                continue
            if words[0] in {"quit", "exit"}:
                stop.set()
            elif words[0] == "toggle" and len(words) == 2:
                emit_json({"toggled": words[1], "state": (await sim.toggle(words[1])).state})
            elif words[0] == "set" and len(words) == 3:
                emit_json({"set": words[1], "state": (await sim.toggle(words[1], words[2])).state})
            elif words[0] == "fault" and len(words) == 3:
                sim.set_fault(words[1], parse_fault(words[2]))
                emit_json({"fault": words[1], "kind": words[2]})
            elif words[0] == "state" and len(words) == 2:
                st = sim.states.get(words[1])
                emit_json({"entity_id": words[1], "state": st.state if st else None,
                           "attributes": dict(st.attributes) if st else {}})  # fmt: skip
            else:
                emit_json({"error": f"unknown command {line.strip()!r}", "help": HELP})
        except (KeyError, ValueError) as err:
            emit_json({"error": str(err)})


async def _simulate(args: argparse.Namespace) -> int:
    settings = with_broker(settings_from_args(args), args.broker)
    home = load_home(Path(args.home))
    faults = _faults(args.fault)
    for eid in [*faults, *args.toggle]:
        if eid not in home.devices:
            raise ConfigError(f"no device {eid!r} in {args.home}", hint="use an entity_id from the home file")
    m = settings.mqtt
    session_settings = dataclasses.replace(
        SessionSettings.from_mqtt(m, health=False), client_id=f"edge-sim-{home.name}", publish_timeout_s=10.0
    )
    previous: dict[str, bytes] = {}
    if args.clean_retained:  # what the broker held before, to put back what the simulator overwrites
        try:
            previous = await read_retained(m.host, m.port, "#")
        except (MqttError, OSError, TimeoutError) as err:
            raise EdgeError(
                f"could not read the retained messages of {m.host}:{m.port}: {err}",
                hint="is the broker up? --clean-retained reads them first to restore them on exit",
                code=ErrorCode.BROKER_UNAVAILABLE,
            ) from err
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with MqttSession(session_settings) as session:
        sim = DeviceSimulator(home, session, discovery_prefix=m.discovery_prefix, z2m_prefix=m.z2m_prefix,
                              seed=args.seed, faults=faults)  # fmt: skip
        runner = asyncio.create_task(sim.run(), name="simulator")
        tasks = [runner]
        if not await session.wait_connected(30):
            print(f"edge simulate: waiting for the broker at {m.host}:{m.port} ...", file=sys.stderr)
        for eid in args.toggle:
            await sim.toggle(eid)
        if args.interactive:
            tasks.append(asyncio.create_task(_interactive(sim, stop), name="simulate-prompt"))
        else:
            with contextlib.suppress(TimeoutError):  # "ready" once the home is on the broker (or 10 s on)
                async with asyncio.timeout(10):
                    await sim.announced.wait()
            emit_json({"ready": True, "devices": len(home.devices), "broker": f"{m.host}:{m.port}"})
        await stop.wait()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if args.clean_retained:
            await sim.take_back(previous)
    if args.clean_retained:
        for topic_filter in args.restore:  # e.g. a runtime killed with its parent: its last will
            await restore_under(m.host, m.port, topic_filter, previous)
    return 0


def _run(args: argparse.Namespace) -> int:
    return asyncio.run(_simulate(args))


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("simulate", parents=[common], help="simulated devices on an MQTT broker")
    p.add_argument("--home", required=True, help="home file (devices/homes/*.toml or an HA fixture YAML)")
    p.add_argument("--broker", help="HOST:PORT (default: mqtt.host and mqtt.port from settings)")
    p.add_argument("--toggle", action="append", default=[], metavar="ENTITY_ID", help="flip by hand at start")
    p.add_argument("--fault", action="append", default=[], metavar="ENTITY_ID=KIND",
                   help="inject a fault: none, no_response, wrong_state, slow, offline")  # fmt: skip
    p.add_argument("--interactive", action="store_true", help="read commands from stdin (" + HELP + ")")
    p.add_argument("--clean-retained", action="store_true",
                   help="on exit, delete every retained message it published")  # fmt: skip
    p.add_argument("--restore", action="append", default=[], metavar="TOPIC_FILTER",
                   help="with --clean-retained: on exit, also put back what others changed under this filter "
                        "(the demo's runtime: its last will when it was killed)")  # fmt: skip
    p.add_argument("--seed", type=int, default=0, help="seed for response delays")
    p.set_defaults(func=_run)
