"""Re-chunking a stream of samples into fixed-size frames (any input chunk size, same output)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from edge.events import SAMPLE_RATE, AudioChunk

__all__ = ["Reframer", "frame_samples"]


def frame_samples(frame_ms: int) -> int:
    return SAMPLE_RATE * frame_ms // 1000


class Reframer:
    """Buffers incoming samples and yields whole frames of ``size`` samples with their stream time."""

    def __init__(self, size: int, start_ms: float = 0.0) -> None:
        if size < 1:
            raise ValueError("frame size must be >= 1 sample")
        self.size = size
        self._start_ms = start_ms
        self.reset(start_ms)

    def reset(self, start_ms: float = 0.0) -> None:
        self._pending: npt.NDArray[np.int16] = np.zeros(0, dtype=np.int16)
        self._next_ms = start_ms

    @property
    def pending(self) -> int:
        return len(self._pending)

    def process(self, samples: npt.NDArray[np.int16]) -> list[AudioChunk]:
        data = np.concatenate((self._pending, samples)) if len(self._pending) else samples
        n_frames = len(data) // self.size
        frames: list[AudioChunk] = []
        for i in range(n_frames):
            frame = np.ascontiguousarray(data[i * self.size : (i + 1) * self.size])
            frames.append(AudioChunk(frame, self._next_ms))
            self._next_ms += 1000.0 * self.size / SAMPLE_RATE
        self._pending = data[n_frames * self.size :].copy()
        return frames

    def flush(self) -> AudioChunk | None:
        """The leftover samples, zero-padded to a whole frame (None when nothing is pending)."""
        if not len(self._pending):
            return None
        frame = np.zeros(self.size, dtype=np.int16)
        frame[: len(self._pending)] = self._pending
        chunk = AudioChunk(frame, self._next_ms)
        self._next_ms += 1000.0 * self.size / SAMPLE_RATE
        self._pending = np.zeros(0, dtype=np.int16)
        return chunk
