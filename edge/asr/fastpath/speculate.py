"""Whisper at a pause (``vad.speculative_ms``): decode the audio so far while the silence may still end.

When the listener sees ``speculative_ms`` of silence in a turn's speech (and the fast path has not already
made the request complete), it hands the audio so far to :meth:`Speculator.start`, which runs the
recognizer on it in a worker thread of its own: at most one decode in flight, so a speaker pausing often
costs one decode at a time, never a queue of them. Each speculation is keyed by the turn and the end of
the last speech window before the pause:

- speech resumes: the key no longer matches the turn's speech, so the result is dropped (the thread is not
  interrupted; a decode cannot be, but its result is never used and no second one starts beside it);
- the silence goes on and the transcript is a whole request the NLU is sure of (:func:`whole`): the
  listener ends the turn at the semantic silence instead of the full trailing silence;
- the turn ends on the full silence with no speech after the pause: its transcript is the speculation's
  (:meth:`take`, awaited if it is still decoding) instead of decoding the same words again.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from edge.asr.base import Recognizer
from edge.events import Transcript

__all__ = ["DANGLING", "Speculator", "whole"]

log = logging.getLogger(__name__)

# words a request cannot end on: a transcript ending on one was cut at a pause ("set the light to")
DANGLING = frozenset({
    "a", "an", "the", "to", "of", "for", "at", "by", "with", "from", "into", "onto", "and", "or", "but",
    "than", "my", "your", "our", "their", "its", "is", "are", "set", "turn", "switch", "make", "dim",
    "change", "put",
})  # fmt: skip


def whole(text: str, confident: Callable[[str], bool] | None) -> bool:
    """A transcript that can end a turn early: not cut off (no trailing dots or dash, not ending on a
    word a request cannot end on) and a request the NLU would act on (``confident``).

    A trailing comma is not taken for a cut: Whisper copies its prompt's style, and the home's prompt is a
    comma-separated list, so it often ends whole requests with a comma ("turn on the kitchen light,"; more
    often still with a short ``asr.window_s``); the words themselves tell a cut."""
    stripped = text.strip()
    if not stripped or stripped.endswith(("...", "…", "-")):
        return False
    words = stripped.rstrip(".!?,;").lower().split()
    if not words or words[-1] in DANGLING:
        return False
    return confident is None or confident(stripped)


class Speculator:
    """One speculative decode at a time, off the caller's thread; its result kept for the turn's key."""

    def __init__(self, recognizer: Recognizer, vocabulary: Callable[[], Sequence[str]] = tuple) -> None:
        self.recognizer = recognizer
        self.vocabulary = vocabulary
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="edge-speculate")
        self._lock = threading.Lock()
        self._key: tuple[str, float] | None = None
        self._future: Future[Transcript | None] | None = None
        self.started = 0  # decodes begun
        self.skipped = 0  # pauses with a decode already in flight

    def start(self, turn_id: str, speech_end_ms: float, samples: npt.NDArray[np.int16]) -> bool:
        """Begin decoding ``samples`` for this key (any thread); False when one is still in flight."""
        with self._lock:
            if self._future is not None and not self._future.done():
                self.skipped += 1
                return False
            self._key = (turn_id, speech_end_ms)
            self._future = self._pool.submit(self._decode, np.array(samples, dtype=np.int16))
            self.started += 1
            return True

    def _decode(self, samples: npt.NDArray[np.int16]) -> Transcript | None:
        try:
            return self.recognizer.transcribe(samples, tuple(self.vocabulary()))
        except Exception as err:  # the turn's own decode hears it instead
            log.warning("speculative decode failed (%s); the turn is decoded when it ends", err)
            return None

    def _matching(self, turn_id: str, speech_end_ms: float) -> Future[Transcript | None] | None:
        with self._lock:
            return self._future if self._key == (turn_id, speech_end_ms) else None

    def ready(self, turn_id: str, speech_end_ms: float) -> Transcript | None:
        """The finished speculation of exactly this speech (no word since its pause), else None."""
        future = self._matching(turn_id, speech_end_ms)
        if future is None or not future.done():
            return None
        return future.result()

    async def take(self, turn_id: str, speech_end_ms: float) -> Transcript | None:
        """The speculation of exactly this speech, awaited if still decoding; None when there is none (the
        caller bounds the wait with its ASR timeout)."""
        future = self._matching(turn_id, speech_end_ms)
        if future is None:
            return None
        return await asyncio.wrap_future(future)

    def idle(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` until no decode is in flight (tests, an orderly stop); True when idle."""
        with self._lock:
            future = self._future
        if future is None:
            return True
        try:
            future.result(timeout=timeout_s)
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
