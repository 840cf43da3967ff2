"""``edge demo`` (what ``make run`` starts): its own Mosquitto, the simulated demo home, and the runtime.

The demo never touches a broker it did not start: when one already listens on ``mqtt.host:mqtt.port`` (a
system Mosquitto, a Home Assistant's), it starts its own on a free loopback port beside it. Only a broker
named with ``--broker H:P`` is used, and then everything the demo published there retained is deleted on
exit (docs/appliance.md). The runtime listens on the default microphone; with no input device it replays the
bundled demo WAV, and the command exits 1 when that turn fails (an error, nothing heard, an action not
confirmed). Everything it started is ended on every exit path (``edge.lab.children``).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

from edge import resources
from edge.commands._events import event_printer
from edge.commands._util import add_domain_argument, settings_from_args
from edge.config import Settings
from edge.context.address import with_broker
from edge.context.broker import port_open
from edge.errors import EdgeError, ErrorCode
from edge.events import EventType, PipelineEvent
from edge.lab.children import Children, wait_ready
from edge.lab.retained import clear_retained, published_since, read_retained

__all__ = ["TurnCheck", "register"]

READY_TIMEOUT_S = 60.0


def _has_microphone() -> bool:
    from edge.audio.mic import input_devices  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser
    from edge.errors import AudioError  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    try:
        return bool(input_devices())
    except AudioError:
        return False


class TurnCheck:
    """Watches the replayed turn's events: :meth:`failure` says why it failed, or "" when it worked."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.transcripts = 0
        self.results: list[bool] = []

    def see(self, event: PipelineEvent) -> None:
        d = event.data
        if event.type is EventType.ERROR:
            self.errors.append(f"{d.get('code', '')}: {d.get('message', '')}".strip())
        elif event.type is EventType.TRANSCRIPT and not d.get("rejected"):
            self.transcripts += 1
        elif event.type is EventType.RESULT:
            self.results.append(bool(d.get("ok")))

    def failure(self) -> str:
        if self.errors:
            return self.errors[0]
        if not self.transcripts:
            return "nothing was heard (no wake word or no transcript)"
        if self.results and not all(self.results):
            return "the device did not confirm the action"
        return ""


def _broker_for(args: argparse.Namespace, settings: Settings, children: Children) -> tuple[Settings, bool]:
    """The settings pointed at the broker the demo uses, and whether it is one the user named."""
    if args.broker:
        named = with_broker(settings, args.broker)
        m = named.mqtt
        if not port_open(m.host, m.port):
            raise EdgeError(
                f"no MQTT broker listens on {m.host}:{m.port} (demo --broker)",
                hint="start that broker, or leave out --broker and the demo runs its own",
                code=ErrorCode.BROKER_UNAVAILABLE,
            )
        print(f"demo: using the broker you named, {m.host}:{m.port}; "
              "what the demo publishes there retained is removed on exit")  # fmt: skip
        return named, True
    host, port = settings.mqtt.host, settings.mqtt.port
    if port_open(host, port):
        broker = children.broker()
        print(f"demo: a broker already listens on {host}:{port}; it is left alone: "
              f"the demo runs its own Mosquitto on 127.0.0.1:{broker.port} (pid {broker.pid})")  # fmt: skip
    else:
        broker = children.broker(port=port)
        print(f"demo: started Mosquitto on 127.0.0.1:{port} (pid {broker.pid})")
    return with_broker(settings, f"127.0.0.1:{broker.port}"), False


def _take_back_runtime_topics(settings: Settings, before: dict[str, bytes]) -> None:
    """Delete what the runtime left retained under its own ``<base>/<site>/`` (health, lists) that was not
    there before the demo."""
    m = settings.mqtt
    prefix = f"{m.base_topic}/{settings.satellite.site_id or 'default'}/#"
    new = asyncio.run(published_since(m.host, m.port, prefix, before))
    if new:
        gone = clear_retained(m.host, m.port, new)
        print(f"demo: removed {gone} retained topic(s) the runtime left on {m.host}:{m.port}")


def _run(args: argparse.Namespace) -> int:
    from edge.app import run_runtime  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    home = Path(args.home) if args.home else resources.demo_home()
    base = settings_from_args(args, (f'satellite.area="{args.area}"',) if args.area else ())
    with Children() as children:
        settings, named = _broker_for(args, base, children)
        m = settings.mqtt
        sim_argv = [
            sys.executable,
            "-m",
            "edge",
            "simulate",
            "--home",
            str(home),
            "--broker",
            f"{m.host}:{m.port}",
        ]
        if named:
            site_topics = f"{m.base_topic}/{settings.satellite.site_id or 'default'}/#"
            before = asyncio.run(read_retained(m.host, m.port, site_topics))
            children.before_stop(lambda: _take_back_runtime_topics(settings, before))
            # the simulator also puts the runtime's own topics back when it outlives the demo's clean-up
            # (the demo killed with SIGKILL: the runtime's last will on <base>/<site>/health stays otherwise)
            sim_argv += ["--clean-retained", "--restore", site_topics]
        sim = children.spawn(sim_argv, stdout=subprocess.PIPE)
        devices = wait_ready(sim, READY_TIMEOUT_S)  # discovery and retained states are on the broker
        print(f"demo: simulated home {home.name} running: {devices} devices (pid {sim.pid})", flush=True)
        wav: Path | None = None
        if not args.wav and _has_microphone():
            print('demo: listening on the microphone; say "hey jarvis, turn on the kitchen light"')
            print("demo: Ctrl-C stops")
        else:
            wav = Path(args.wav) if args.wav else resources.demo_wav()
            if not args.wav:
                print("demo: no microphone found; replaying the bundled demo WAV instead")
            print(f"demo: replaying {wav}", flush=True)
        check = TurnCheck()
        show = event_printer(False)

        def printer(event: PipelineEvent) -> None:
            check.see(event)
            show(event)

        code: int = run_runtime(settings, home=home, wav=wav, printer=printer)
        if wav is not None and code == 0 and (why := check.failure()):
            print(f"demo: the replayed turn failed: {why}", file=sys.stderr)
            return 1
        return code


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", parents=[common], help="Mosquitto + simulated demo home + runtime (make run)")
    p.add_argument("--home", help="home TOML or HA fixture YAML (default: devices/homes/demo.toml)")
    p.add_argument("--wav", help="replay this WAV instead of listening on the microphone")
    p.add_argument("--area", default="kitchen", help="the area this satellite stands in (default kitchen)")
    p.add_argument("--broker", metavar="HOST:PORT",
                   help="use this broker (one you own) instead of the demo's own; "
                        "what the demo publishes there retained is removed on exit")  # fmt: skip
    add_domain_argument(p)
    p.set_defaults(func=_run)
