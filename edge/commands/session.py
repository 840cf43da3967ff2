"""``edge session SCRIPT.jsonl --home FILE [--db PATH]``: replay a scripted session on a simulated clock
and print one JSON line per turn (record, signals, label) once every feedback window has closed."""

from __future__ import annotations

import argparse
import asyncio
import uuid
from pathlib import Path
from typing import Any

from edge.commands._util import add_domain_argument, emit_json, settings_from_args
from edge.config import Settings
from edge.dialog.tts import Speaker, make_tts
from edge.errors import EdgeError, ErrorCode
from edge.feedback.record import Label
from edge.feedback.recorder import FeedbackRecorder
from edge.feedback.store import TurnQuery
from edge.feedback.taught import TaughtStore
from edge.feedback.writer import AsyncTurnStore
from edge.turns.engine import TurnEngine
from edge.turns.session import ScriptLine, TranscriptResult, load_script, run_session
from edge.wiring import failure_points, learned_rewriter

__all__ = ["register"]


class _AsrTranscriber:
    """The voice engineer's recognizer over a WAV file."""

    def __init__(self, settings: Settings) -> None:
        from edge.asr.factory import load_recognizer

        self.recognizer = load_recognizer(settings)

    def transcribe(self, wav: Path) -> TranscriptResult:
        from edge.audio.io import read_audio

        t = self.recognizer.transcribe(read_audio(wav))
        return TranscriptResult(t.text, t.confidence, t.engine, t.audio_ms, tuple(t.alternatives))


def _local_backend(home_path: Path, settings: Settings) -> Any:
    """The simulated home, planner and executor from edge.sim / edge.actions (built by other modules)."""
    try:
        from edge.sim.local import LocalHome
    except ImportError as err:
        raise EdgeError(
            f"edge session needs the in-process simulated home (edge.sim.local.LocalHome): {err}",
            hint="this build lacks the simulator and planner modules; run the tests in tests/test_feedback_*",
            code=ErrorCode.NOT_SUPPORTED,
        ) from err
    return LocalHome.from_file(home_path, settings)


async def _session(args: argparse.Namespace, settings: Settings, script: list[ScriptLine]) -> None:
    home = _local_backend(Path(args.home), settings)
    from edge.nlu.domain_parser import load_parser

    parser = load_parser(settings)
    transcriber = _AsrTranscriber(settings) if any(x.kind == "audio" for x in script) else None
    db = Path(args.db or settings.feedback.db_path)
    session_id = args.session or uuid.uuid4().hex[:12]
    speaker = Speaker(make_tts(settings.feedback.tts, settings.model_dir()))  # synthesize only: no waiting
    taught = TaughtStore(db, args.home_id)
    try:
        async with AsyncTurnStore(db) as store:
            recorder = FeedbackRecorder(store, settings.feedback)
            rewriter = learned_rewriter(settings, Path(args.db) if args.db else None)
            engine = TurnEngine(
                settings=settings, parser=parser, planner=home, executor=home, context=home, taught=taught,
                speaker=speaker, observer=recorder, rewriter=rewriter, home_id=args.home_id,
            )  # fmt: skip
            await run_session(script, engine, recorder, session_id, home=home, transcriber=transcriber)
            query = TurnQuery(session_id=session_id)
            stored = await store.turns(query)
            signals = {t.record.turn_id: list(t.signals) for t in stored}
            points = failure_points([t.record for t in stored], signals)
            for turn_id, point in points.items():
                await store.set_label(turn_id, Label.DEFECT, point)
            for turn in await store.turns(query):
                emit_json(turn.to_json())
    finally:
        taught.close()
        await speaker.aclose()


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    if args.broker:
        raise EdgeError("--broker is not supported yet", hint="leave it out to use the in-process simulator")
    script = load_script(Path(args.script))
    asyncio.run(_session(args, settings, script))
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("session", parents=[common], help="replay a scripted session on a simulated clock")
    p.add_argument("script", help='JSONL lines: {"t": s, "say"|"audio"|"toggle"|"barge_in"|"wake": ...}')
    p.add_argument("--home", required=True, help="home description (TOML) for the simulator")
    p.add_argument("--db", help="turn store (default: feedback.db_path)")
    p.add_argument("--broker", metavar="HOST:PORT", help="use the MQTT simulator on this broker")
    p.add_argument("--session", help="session id (default: random)")
    p.add_argument("--home-id", default="home", help="home id stored with each turn")
    add_domain_argument(p)
    p.set_defaults(func=_run)
