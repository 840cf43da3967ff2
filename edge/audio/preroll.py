"""A ring buffer holding the most recent audio, replayed into ASR when a turn starts."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from edge.events import SAMPLE_RATE, AudioChunk

__all__ = ["PreRoll"]


class PreRoll:
    """Keeps the last ``ms`` milliseconds of audio; ``snapshot()`` returns them as one chunk."""

    def __init__(self, ms: int) -> None:
        if ms < 0:
            raise ValueError("pre-roll length must be >= 0 ms")
        self.capacity = SAMPLE_RATE * ms // 1000
        self._buf = np.zeros(self.capacity, dtype=np.int16)
        self._filled = 0
        self._end_ms = 0.0

    def reset(self) -> None:
        self._filled = 0
        self._end_ms = 0.0

    def process(self, chunk: AudioChunk) -> None:
        self._end_ms = chunk.end_ms
        if self.capacity == 0:
            return
        new = chunk.samples[-self.capacity :]
        n = len(new)
        self._buf = np.roll(self._buf, -n)
        self._buf[-n:] = new
        self._filled = min(self.capacity, self._filled + n)

    def snapshot(self) -> AudioChunk:
        samples: npt.NDArray[np.int16] = self._buf[self.capacity - self._filled :].copy()
        start_ms = self._end_ms - 1000.0 * len(samples) / SAMPLE_RATE
        return AudioChunk(samples, start_ms)
