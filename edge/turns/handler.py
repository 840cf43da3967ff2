"""The voice pipeline's ``TurnHandler`` on top of the turn driver (wall clock, sessions by silence)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from edge.events import OUTSIDE_GRAMMAR, Transcript, WakeDetected
from edge.turns.driver import TurnDriver
from edge.turns.heard import Heard
from edge.turns.protocols import Emit

__all__ = ["SESSION_GAP_S", "EngineTurnHandler", "Sessions", "heard_from"]

SESSION_GAP_S = 300.0  # a session ends after 5 minutes of silence


@dataclass(slots=True)
class Sessions:
    """Session ids: a new one after ``gap_s`` without a turn. Pure apart from the id generator."""

    gap_s: float = SESSION_GAP_S
    current: str = ""
    last_t: float | None = None

    def at(self, t: float) -> str:
        if not self.current or self.last_t is None or t - self.last_t > self.gap_s:
            self.current = uuid.uuid4().hex[:12]
        self.last_t = t
        return self.current


def heard_from(
    transcript: Transcript | None,
    wake: WakeDetected | None,
    t_start: float,
    t_end: float,
    *,
    session_id: str,
    turn_id: str,
) -> Heard:
    """What the turn engine hears of a pipeline turn: the transcript (None: nobody spoke after the wake
    word) with the wake that opened it; a rejected transcript is no speech, or speech outside a grammar-only
    recognizer's grammar (``OUTSIDE_GRAMMAR``)."""
    if transcript is None:
        return Heard(
            "", t_start, t_end, session_id, 0.0, (), "", wake.word if wake else "",
            wake.score if wake else 0.0, no_speech=True, turn_id=turn_id,
        )  # fmt: skip
    return Heard(
        "" if transcript.rejected else transcript.text,
        t_start,
        t_end,
        session_id,
        transcript.confidence,
        transcript.alternatives,
        transcript.engine,
        wake.word if wake else "",
        wake.score if wake else 0.0,
        transcript.audio_ms,
        no_speech=transcript.rejected and transcript.reason != OUTSIDE_GRAMMAR,
        turn_id=turn_id,
        outside_grammar=transcript.rejected and transcript.reason == OUTSIDE_GRAMMAR,
    )


class EngineTurnHandler:
    """``on_wake`` (a wake while speaking is a barge-in), ``on_transcript``, ``on_no_speech``.

    ``ordered``: the turns come from a file replayed faster than it plays (``edge replay`` without
    ``--realtime``), where the listener runs ahead of ASR and a wake can be seen while the previous turn is
    still being answered. In the file each turn follows the previous one, so a turn is stamped no earlier
    than the previous one was answered: the "yes" after a question counts as said after it. On a live
    microphone (the default) times are the wall clock as they happen, and a wake heard before the question
    was asked stays before it (so it can never confirm it)."""

    def __init__(
        self, driver: TurnDriver, clock: Callable[[], float] = time.time, *, ordered: bool = False
    ) -> None:
        self.driver = driver
        self.clock = clock
        self.ordered = ordered
        self.sessions = Sessions()
        self._wakes: dict[str, tuple[WakeDetected, float]] = {}
        self._answered = float("-inf")  # when the previous turn was answered (ordered mode)

    def _times(self, t_wake: float, now: float) -> tuple[float, float]:
        if not self.ordered:
            return t_wake, now
        t_wake = max(t_wake, self._answered)
        now = max(now, t_wake)
        self._answered = now
        return t_wake, now

    def expected_answers(self) -> tuple[tuple[str, ...], ...]:
        """zero2w2: what answers the engine's waiting question (grammar-only: its answer search)."""
        return self.driver.engine.expected_answers()

    async def on_wake(self, wake: WakeDetected, turn_id: str) -> None:
        now = self.clock()
        await self.driver.barge_in(now)
        self._wakes[turn_id] = (wake, now)
        while len(self._wakes) > 8:  # turns that never finished
            self._wakes.pop(next(iter(self._wakes)))

    async def on_transcript(self, transcript: Transcript, turn_id: str, emit: Emit) -> None:
        now = self.clock()
        wake, t_wake = self._wakes.pop(turn_id, (None, now - transcript.audio_ms / 1000.0))
        t_wake, now = self._times(t_wake, now)
        heard = heard_from(
            transcript, wake, t_wake, now, session_id=self.sessions.at(t_wake), turn_id=turn_id
        )
        await self.driver.hear(heard, emit)

    async def on_no_speech(self, turn_id: str, t_ms: float) -> None:
        now = self.clock()
        wake, t_wake = self._wakes.pop(turn_id, (None, now))
        t_wake, now = self._times(t_wake, now)
        session_id = self.sessions.at(t_wake)
        await self.driver.hear(heard_from(None, wake, t_wake, now, session_id=session_id, turn_id=turn_id))
