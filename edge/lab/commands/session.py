"""``edge session SCRIPT.jsonl --home FILE [--db PATH] [--broker HOST:PORT]``: replay a scripted session on
a simulated clock and print one JSON line per turn (record, signals, label) once every feedback window has
closed. The home is simulated in process, or with ``--broker`` served on that MQTT broker and acted on
through it (discovery, retained state, commands confirmed by the devices)."""

from __future__ import annotations

import argparse
import asyncio
import uuid
from pathlib import Path
from typing import Any

from edge.commands._util import add_domain_argument, emit_json, settings_from_args
from edge.config import Settings
from edge.context.address import with_broker
from edge.context.homes import load_home
from edge.dialog.tts import Speaker, make_tts
from edge.feedback.record import Label
from edge.feedback.store import TurnQuery
from edge.lab.session.audio_turns import AudioTurns
from edge.lab.session.broker_home import BrokerHome
from edge.lab.session.script import ScriptLine, load_script, run_session
from edge.lab.sim.local import LocalHome
from edge.learning.canonical import Lexicon
from edge.wiring import build_turns, failure_points, repair_nlu

__all__ = ["register"]


def _audio(settings: Settings, script: list[ScriptLine], home: LocalHome | BrokerHome) -> AudioTurns | None:
    """The voice path (wake word, VAD, ASR biased to the home's words, as on the device) for the script's
    audio lines; None when it has none."""
    if not any(x.kind == "audio" for x in script):
        return None
    from edge.app import asr_vocabulary  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser
    from edge.pipeline import load_engines  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    no_wake = all(x.no_wake for x in script if x.kind == "audio")
    vocabulary = (lambda: asr_vocabulary(home.snapshot())) if settings.asr.use_domain_vocabulary else tuple
    return AudioTurns(settings, load_engines(settings, no_wake=no_wake), vocabulary)


async def _session(args: argparse.Namespace, settings: Settings, script: list[ScriptLine]) -> None:
    if args.broker:
        home = load_home(Path(args.home))
        async with BrokerHome(settings, home, home_id=args.home_id) as on_broker:
            await _play(args, settings, script, on_broker)
    else:
        local = LocalHome.from_file(Path(args.home), settings, home_id=args.home_id)
        await _play(args, settings, script, local)


async def _play(
    args: argparse.Namespace, settings: Settings, script: list[ScriptLine], home: LocalHome | BrokerHome
) -> None:
    audio = await asyncio.to_thread(_audio, settings, script, home)
    session_id = args.session or uuid.uuid4().hex[:12]
    speaker = Speaker(make_tts(settings))  # synthesize only: no waiting
    db = Path(args.db) if args.db else None
    async with await build_turns(settings, home, db=db, home_id=args.home_id, speaker=speaker) as turns:
        await run_session(script, turns.driver, session_id, home=home, audio=audio)
        store = turns.store
        query = TurnQuery(session_id=session_id)
        stored = await store.turns(query)
        signals = {t.record.turn_id: list(t.signals) for t in stored}
        devices = tuple(home.snapshot().devices.values())
        nlu = repair_nlu(settings, devices)
        points = failure_points([t.record for t in stored], signals, Lexicon.from_devices(devices), nlu)
        for turn_id, point in points.items():
            await store.set_label(turn_id, Label.DEFECT, point)
        for turn in await store.turns(query):
            emit_json(turn.to_json())


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    if args.broker:
        settings = with_broker(settings, args.broker)
    script = load_script(Path(args.script))
    asyncio.run(_session(args, settings, script))
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("session", parents=[common], help="replay a scripted session on a simulated clock")
    p.add_argument("script", help='JSONL lines: {"t": s, "say"|"audio"|"toggle"|"barge_in"|"wake": ...}')
    p.add_argument("--home", required=True, help="home description (TOML) for the simulator")
    p.add_argument("--db", help="turn store (default: feedback.db_path)")
    p.add_argument(
        "--broker",
        metavar="HOST:PORT",
        help="serve the simulated home on this MQTT broker and act through it (default: in-process home)",
    )
    p.add_argument("--session", help="session id (default: random)")
    p.add_argument("--home-id", default="home", help="home id stored with each turn")
    add_domain_argument(p)
    p.set_defaults(func=_run)
