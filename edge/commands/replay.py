"""``edge replay FILE``: run the voice pipeline on a WAV/FLAC file and print what happened."""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any

from edge.commands._events import default_home, event_printer
from edge.commands._util import add_domain_argument, settings_from_args
from edge.context.address import with_broker

__all__ = ["register"]


async def _replay(args: argparse.Namespace) -> int:
    extra = [] if args.speak else ['feedback.tts="none"']
    if args.area:
        extra.append(f'satellite.area="{args.area}"')
    settings = with_broker(settings_from_args(args, tuple(extra)), args.broker)
    # validate the file before spending seconds on imports and model loading
    await asyncio.to_thread(_check_file, args.file)
    from edge.app import RuntimeOptions, run  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    home = Path(args.home) if args.home else default_home()
    with tempfile.TemporaryDirectory(prefix="edge-replay-") as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "turns.sqlite3"
        options = RuntimeOptions(
            home=home, wav=Path(args.file), no_wake=args.no_wake, realtime=args.realtime, db=db
        )
        return await run(settings, options, event_printer(bool(args.json)))


def _check_file(path: str) -> None:
    from edge.audio.io import probe_audio  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    probe_audio(path)  # the header and the first block only: the pipeline streams the rest


def _run(args: argparse.Namespace) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if not args.realtime:  # a file, not a listener: memory before per-frame speed (edge.asr.memory)
        from edge.asr.memory import enable_lean_memory  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

        enable_lean_memory()
    return asyncio.run(_replay(args))


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("replay", parents=[common], help="run the voice pipeline on a WAV/FLAC file")
    p.add_argument("file", help="audio file (any rate/channels; converted to 16 kHz mono)")
    p.add_argument("--no-wake", action="store_true", help="no wake word: every utterance goes to ASR")
    p.add_argument("--json", action="store_true", help="one JSON event per line")
    p.add_argument("--realtime", action="store_true", help="pace the audio like a live microphone")
    p.add_argument("--home", help="home file for names and areas (default: devices/homes/demo.toml)")
    p.add_argument("--broker", metavar="HOST:PORT", help="MQTT broker to act on (default: mqtt.host:port)")
    p.add_argument("--area", help="the area this satellite stands in")
    p.add_argument("--db", help="keep the turns in this store (default: a temporary one)")
    p.add_argument("--speak", action="store_true", help="speak the responses (default: text only)")
    add_domain_argument(p)
    p.set_defaults(func=_run)
