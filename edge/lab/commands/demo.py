"""``edge demo`` (what ``make run`` starts): a local Mosquitto, the simulated demo home, and the runtime.

The runtime listens on the default microphone; with no input device it says so and replays the bundled
demo WAV instead. Everything it started is stopped on exit (Ctrl-C).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from edge import resources
from edge.commands._events import event_printer
from edge.commands._util import add_domain_argument, settings_from_args
from edge.context.broker import MosquittoBroker, port_open

__all__ = ["register"]


def _has_microphone() -> bool:
    from edge.audio.mic import input_devices  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser
    from edge.errors import AudioError  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    try:
        return bool(input_devices())
    except AudioError:
        return False


def _run(args: argparse.Namespace) -> int:
    from edge.app import run_runtime  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    home = Path(args.home) if args.home else resources.demo_home()
    settings = settings_from_args(args, (f'satellite.area="{args.area}"',) if args.area else ())
    host, port = settings.mqtt.host, settings.mqtt.port
    broker: MosquittoBroker | None = None
    if port_open(host, port):
        print(f"demo: using the MQTT broker already listening on {host}:{port}")
    else:
        broker = MosquittoBroker(port=port, host="127.0.0.1").start()
        print(f"demo: started Mosquitto on 127.0.0.1:{port} (pid {broker.pid})")
    sim = subprocess.Popen(
        [sys.executable, "-m", "edge", "simulate", "--home", str(home), "--broker", f"{host}:{port}"],
    )
    print(f"demo: simulated home {home.name} running (pid {sim.pid})")
    try:
        time.sleep(1.0)  # let the simulator publish discovery and retained state
        wav: Path | None = None
        if not args.wav and _has_microphone():
            print('demo: listening on the microphone; say "hey jarvis, turn on the kitchen light"')
            print("demo: Ctrl-C stops")
        else:
            wav = Path(args.wav) if args.wav else resources.demo_wav()
            if not args.wav:
                print("demo: no microphone found; replaying the bundled demo WAV instead")
            print(f"demo: replaying {wav}")
        code: int = run_runtime(settings, home=home, wav=wav, printer=event_printer(False))
        return code
    finally:
        sim.terminate()
        try:
            sim.wait(5)
        except subprocess.TimeoutExpired:
            sim.kill()
        if broker is not None:
            broker.close()


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", parents=[common], help="Mosquitto + simulated demo home + runtime (make run)")
    p.add_argument("--home", help="home TOML or HA fixture YAML (default: devices/homes/demo.toml)")
    p.add_argument("--wav", help="replay this WAV instead of listening on the microphone")
    p.add_argument("--area", default="kitchen", help="the area this satellite stands in (default kitchen)")
    add_domain_argument(p)
    p.set_defaults(func=_run)
