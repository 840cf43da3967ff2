"""Scripted sessions on a simulated clock: ``{"t": s, "say": text}``, ``{"t": s, "audio": file.wav}``
(through the voice path: wake word, endpointing, ASR; ``"no_wake": true`` for a recording without the wake
word), ``{"t": s, "toggle": entity_id}``, ``{"t": s, "barge_in": true}``, ``{"t": s, "wake": true}`` (a wake
with no speech). Nothing waits for real time: the script's ``t`` is the clock for the engine, the simulated
home and the detectors' windows. Every line goes through the turn driver (:mod:`edge.turns.driver`), as
the device's voice pipeline does."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from edge.errors import EdgeError, ErrorCode
from edge.feedback.observations import DeviceEvent
from edge.inputfiles import parse_json_object, read_text
from edge.turns.driver import TurnDriver
from edge.turns.heard import Heard

__all__ = ["AudioPlayer", "ScriptLine", "SimHome", "load_script", "run_session"]

SPEECH_S = 0.5  # simulated time from the start of a request to the engine's answer


@dataclass(frozen=True, slots=True)
class ScriptLine:
    t: float
    kind: str  # "say" | "audio" | "toggle" | "barge_in" | "wake"
    value: str = ""
    no_wake: bool = False  # audio lines: the recording holds no wake word


class AudioPlayer(Protocol):
    """Plays an audio line through the driver (:class:`edge.lab.session.audio_turns.AudioTurns`)."""

    async def play(
        self, wav: Path, t0: float, driver: TurnDriver, session_id: str, *, no_wake: bool = False
    ) -> float: ...


class SimHome(Protocol):
    """The scripted side of the session's home: the in-process home (``edge.lab.sim.local.LocalHome``)
    or the home on a broker (``edge.lab.session.broker_home.BrokerHome``, whose toggle is a coroutine).
    A toggle is reported among the home's device events (the driver hands them to the recorder)."""

    def toggle(self, entity_id: str, t: float) -> DeviceEvent | Awaitable[DeviceEvent]: ...
    def advance(self, t: float) -> None: ...


SCRIPT_HINT = 'lines look like {"t": 1.5, "say": "kitchen light on"} (or audio, toggle, barge_in, wake)'
MAX_T = 1e10  # seconds on the session clock (an epoch time until the year 2286 still fits)
KINDS = ("say", "audio", "toggle", "barge_in", "wake")


def _bad(path: Path, line_no: int, why: str) -> EdgeError:
    return EdgeError(
        f"session script {path}, line {line_no}: {why}", hint=SCRIPT_HINT, code=ErrorCode.PAYLOAD_INVALID
    )


def load_script(path: Path) -> list[ScriptLine]:
    """The lines of a JSONL session script, sorted by ``t``; one clear error for the first bad line."""
    text = read_text(path, "session script", "give a JSONL session script")
    out: list[ScriptLine] = []
    for n, raw in enumerate(text.splitlines(), 1):
        if raw.strip():
            out.append(_line(path, n, raw))
    if not out:
        raise EdgeError(f"session script {path} is empty", hint=SCRIPT_HINT, code=ErrorCode.PAYLOAD_INVALID)
    return sorted(out, key=lambda x: x.t)


def _line(path: Path, n: int, raw: str) -> ScriptLine:
    try:
        obj = parse_json_object(raw)
    except ValueError as err:
        raise _bad(path, n, str(err)) from err
    t = obj.get("t")
    if isinstance(t, bool) or not isinstance(t, int | float):
        raise _bad(path, n, 'needs a number "t" (seconds)')
    if not 0 <= t <= MAX_T:
        raise _bad(path, n, f'"t" must be between 0 and {MAX_T:.0e} seconds, got {t}')
    kinds = [k for k in KINDS if k in obj]
    if len(kinds) != 1:
        raise _bad(path, n, "needs exactly one of say, audio, toggle, barge_in, wake")
    kind = kinds[0]
    value = obj[kind]
    if kind in ("say", "audio", "toggle") and not isinstance(value, str):
        raise _bad(path, n, f'"{kind}" must be a string')
    if kind in ("barge_in", "wake") and value is not True:
        raise _bad(path, n, f'"{kind}" must be true')
    no_wake = obj.get("no_wake", False)
    if not isinstance(no_wake, bool) or (no_wake and kind != "audio"):
        raise _bad(path, n, '"no_wake" is true or false, and only on an audio line')
    if kind == "audio":
        value = str(path.parent / value) if not Path(value).is_absolute() else value
        if not Path(value).is_file():
            raise _bad(path, n, f"audio file {value} does not exist")
    return ScriptLine(float(t), kind, value if isinstance(value, str) else "", no_wake)


async def run_session(
    script: Sequence[ScriptLine],
    driver: TurnDriver,
    session_id: str,
    *,
    home: SimHome | None = None,
    audio: AudioPlayer | None = None,
) -> float:
    """Play the script through ``driver`` (``home``: the scripted side of the driver's home, for toggles
    and its clock); returns the simulated time when every detector window has closed."""
    for line in script:
        if home is not None:
            home.advance(line.t)
        await driver.tick(line.t)
        if line.kind == "say":
            await driver.hear(Heard(line.value, line.t, line.t + SPEECH_S, session_id))
        elif line.kind == "wake":
            await driver.hear(Heard("", line.t, line.t + SPEECH_S, session_id, no_speech=True))
        elif line.kind == "audio":
            if audio is None:
                raise EdgeError(
                    "this session has audio lines but no voice pipeline", code=ErrorCode.MODEL_MISSING
                )
            await audio.play(Path(line.value), line.t, driver, session_id, no_wake=line.no_wake)
        elif line.kind == "toggle":
            if home is None:
                raise EdgeError("a toggle line needs a simulated home", hint="pass --home")
            event = home.toggle(line.value, line.t)
            if inspect.isawaitable(event):
                await event
        elif line.kind == "barge_in":
            await driver.barge_in(line.t)
        await driver.events()
    last = script[-1].t if script else 0.0
    s = driver.engine.settings.feedback
    end = last + SPEECH_S + max(s.rephrase_weak_s, s.undo_window_s, s.abandon_s) + 1.0
    if home is not None:
        home.advance(end)
    await driver.tick(end)
    return end
