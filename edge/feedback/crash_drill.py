"""The kill -9 drill of the turn store and the feedback recorder (used by the tests and ``edge bench
reliability``).

``python -m edge.feedback.crash_drill DB RUN [LIMIT]`` is the process that gets killed: it opens the
store with the real :class:`AsyncTurnStore` and :class:`FeedbackRecorder` (whose first call recovers what
an earlier kill left open, printed as ``recovered {...}``), then plays :func:`stream` - a deterministic
household on a simulated clock (requests that work, devices put back by hand, requests not understood and
said again, barge-ins, a chatty sensor, ticks) - printing ``begin ID`` before and ``ok ID`` after each turn
is stored. ``LIMIT`` stops after that many turns (0: recover and exit).

The harness that starts, kills and checks it is :mod:`edge.feedback.crash_harness`.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from edge.config import FeedbackSettings
from edge.feedback.observations import BargeIn, ChangeSource, DeviceEvent
from edge.feedback.record import TurnRecord
from edge.feedback.recorder import FeedbackRecorder
from edge.feedback.writer import AsyncTurnStore

__all__ = ["RUN_SPACING_S", "Item", "play_item", "say", "session_of", "stream"]

RUN_SPACING_S = 100_000.0  # each run's clock starts this far after the previous one: its windows all closed
_GAPS_S = (3.0, 12.0, 45.0, 150.0)
_BY_HAND = ChangeSource.MANUAL
Item = TurnRecord | DeviceEvent | BargeIn | float  # a float is a tick at that time


def session_of(run: int) -> str:
    return f"run{run}"


def _turn(
    run: int, k: int, t: float, text: str, *, intent: str | None = "HassTurnOn", state: str = "on"
) -> TurnRecord:
    understood = intent is not None
    prior = "off" if state == "on" else "on"
    return TurnRecord(
        f"r{run}-{k}",
        session_of(run),
        "drill",
        t,
        t + 1.5,
        asr_text=text,
        text=text,
        intent=intent,
        targets=("light.kitchen",) if understood else (),
        commands=({"entity_id": "light.kitchen", "state": state},) if understood else (),
        result_ok=True if understood else None,
        response="Done." if understood else "Sorry, I didn't understand that.",
        prior_states={"light.kitchen": prior} if understood else {},
    )


def stream(run: int) -> Iterator[Item]:
    """The run's household, endless and the same every time."""
    rng = random.Random(run)
    t = run * RUN_SPACING_S
    k = 0
    sensor = 20.0
    while True:
        episode = rng.choice(("ok", "put_back", "rephrase", "barge_in", "sensor", "voice_undo"))
        if episode == "sensor":
            for _ in range(20):
                old, sensor = sensor, round(sensor + rng.choice((-0.1, 0.1)), 1)
                yield DeviceEvent(
                    "sensor.temperature", str(old), str(sensor), t, ChangeSource.MANUAL, "drill"
                )
                t += 0.05
        elif episode == "rephrase":
            yield _turn(run, k, t, "kitchen lite of", intent=None)
            t += 4.0
            yield _turn(run, k + 1, t, "turn off the kitchen light", state="off")
            k += 2
        else:
            turn = _turn(run, k, t, "turn on the kitchen light")
            yield turn
            k += 1
            if episode == "put_back":
                yield DeviceEvent(
                    "light.kitchen", "on", "off", turn.t_end + 5.0, ChangeSource.MANUAL, "drill"
                )
            elif episode == "barge_in":
                yield BargeIn(turn.turn_id, turn.t_end + 0.5, turn.t_end, 3.0)
            elif episode == "voice_undo":
                t = turn.t_end + 3.0
                yield _turn(run, k, t, "undo that", intent="UndoLast", state="off")
                k += 1
        t += 2.0 + rng.choice(_GAPS_S)
        yield t


async def play_item(recorder: FeedbackRecorder, item: Item) -> None:
    if isinstance(item, TurnRecord):
        await recorder.on_turn(item)
    elif isinstance(item, DeviceEvent):
        await recorder.on_device_event(item)
    elif isinstance(item, BargeIn):
        await recorder.on_barge_in(item)
    else:
        await recorder.tick(item)


def say(*words: str) -> None:
    """One line of the drill's output in ONE write(2), so a kill leaves it whole or absent. (``print``
    writes each argument and the newline separately when stdout is unbuffered - PYTHONUNBUFFERED=1, as
    here: a kill between them left a bare ``ok``, which the harness used to count as an acknowledged turn
    with an empty id, never in the store: the "acknowledged turn lost" of a loaded run.)"""
    data = (" ".join(words) + "\n").encode()
    while data:  # a pipe takes up to PIPE_BUF bytes at once; a line is far shorter
        data = data[os.write(sys.stdout.fileno(), data) :]


async def _serve(db: Path, run: int, limit: int | None) -> None:
    async with AsyncTurnStore(db) as store:
        recorder = FeedbackRecorder(store, FeedbackSettings())
        report = await recorder.recover(run * RUN_SPACING_S)
        say("recovered", json.dumps(asdict(report)))
        done = 0
        for item in stream(run):
            if limit is not None and done >= limit:
                break
            if isinstance(item, TurnRecord):
                say("begin", item.turn_id)
                await play_item(recorder, item)
                say("ok", item.turn_id)
                done += 1
            else:
                await play_item(recorder, item)


def main(argv: list[str]) -> int:
    db, run = Path(argv[0]), int(argv[1])
    limit = int(argv[2]) if len(argv) > 2 else None
    asyncio.run(_serve(db, run, limit))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
