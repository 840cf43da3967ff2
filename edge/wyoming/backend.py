"""What the Wyoming server serves with: the device's own engines, its turn driver and its voice."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from edge.asr.base import Recognizer
from edge.config import Settings
from edge.context.model import ContextSnapshot
from edge.dialog.tts import TTS
from edge.events import SAMPLE_RATE, AudioChunk, Transcript, WakeDetected
from edge.feedback.record import TurnRecord
from edge.nlu.types import Intent
from edge.turns.driver import TurnDriver
from edge.turns.heard import Heard
from edge.turns.protocols import Parser
from edge.wake.base import WakeDetector
from edge.wyoming.satellite import Satellite

__all__ = ["Backend", "Limits"]

FRAME = 1280  # 80 ms at 16 kHz: the frame openWakeWord scores


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what a client may ask (``[wyoming]`` settings)."""

    max_connections: int = 4
    timeout_s: float = 30.0
    max_audio_s: float = 30.0
    max_text_chars: int = 1000
    asr_timeout_s: float = 15.0
    turn_timeout_s: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        w = settings.wyoming
        return cls(
            w.max_connections, w.timeout_s, w.max_audio_s, w.max_text_chars, settings.asr.timeout_s,
            max(30.0, settings.mqtt.command_timeout_s * 3),
        )  # fmt: skip


@dataclass(slots=True)
class Backend:
    """The engines behind the services; any may be None (that service is then not offered).

    Blocking work (ASR, wake scoring, NLU) runs in a thread; one lock per engine, as the device loads each
    model once. ``driver`` carries a ``handle`` request through the real turn engine; ``satellite`` streams
    the microphone after the wake word to a Home Assistant that runs it (``run-satellite``)."""

    settings: Settings
    snapshot: Callable[[], ContextSnapshot]
    recognizer: Recognizer | None = None
    wake: WakeDetector | None = None
    parser: Parser | None = None
    driver: TurnDriver | None = None
    tts: TTS | None = None
    intents: Sequence[str] = ()
    vocabulary: Callable[[], Sequence[str]] = tuple
    satellite: Satellite | None = None  # the microphone's role for Home Assistant (wyoming.satellite_mode)
    _locks: Mapping[str, asyncio.Lock] = field(
        default_factory=lambda: {k: asyncio.Lock() for k in ("asr", "wake", "nlu", "tts")}
    )

    async def transcribe(self, samples: npt.NDArray[np.int16]) -> Transcript:
        assert self.recognizer is not None
        recognizer, words = self.recognizer, list(self.vocabulary())
        async with self._locks["asr"]:
            return await asyncio.to_thread(recognizer.transcribe, samples, words)

    async def detect(self, samples: npt.NDArray[np.int16], names: Sequence[str]) -> WakeDetected | None:
        """The first wake word (of ``names``, or any) in the audio, scored frame by frame."""
        assert self.wake is not None
        wake = self.wake

        def scan() -> WakeDetected | None:
            wake.reset()
            for start in range(0, len(samples) - FRAME + 1, FRAME):
                chunk = AudioChunk(samples[start : start + FRAME], 1000.0 * start / SAMPLE_RATE)
                if (found := wake.process(chunk)) is not None and (not names or found.word in names):
                    return found
            return None

        async with self._locks["wake"]:
            return await asyncio.to_thread(scan)

    async def recognize(self, text: str) -> Intent | None:
        assert self.parser is not None
        parser, snapshot = self.parser, self.snapshot()
        async with self._locks["nlu"]:
            return await asyncio.to_thread(parser.parse, text, snapshot)

    async def handle(self, text: str, session_id: str) -> TurnRecord:
        """One request through the turn engine (and its recorder), as a typed request heard now."""
        assert self.driver is not None
        now = time.time()
        heard = Heard(text, now, now, session_id, engine="wyoming", turn_id=uuid.uuid4().hex[:12])
        return await self.driver.hear(heard)  # the driver takes one turn at a time, mic and clients alike

    async def synthesize(self, text: str, out: Path) -> float:
        assert self.tts is not None
        async with self._locks["tts"]:
            return await self.tts.synthesize(text, out)
