"""Audio sources: an async iterator of fixed-size :class:`AudioChunk` frames (16 kHz mono int16)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from edge.audio.frames import Reframer, frame_samples
from edge.audio.io import read_audio
from edge.events import AudioChunk

__all__ = ["ArraySource", "AudioSource", "WavSource"]


@runtime_checkable
class AudioSource(Protocol):
    """Frames of ``frame_ms`` each; ``live`` sources (a microphone) may drop frames when the consumer lags."""

    frame_ms: int
    live: bool

    def __aiter__(self) -> AsyncIterator[AudioChunk]: ...


class ArraySource:
    """Frames from samples already in memory, as fast as possible or paced like a live device."""

    def __init__(self, samples: npt.NDArray[np.int16], frame_ms: int = 80, realtime: bool = False) -> None:
        self.samples = samples
        self.frame_ms = frame_ms
        self.realtime = realtime
        self.live = realtime

    async def _samples(self) -> npt.NDArray[np.int16]:
        return self.samples

    async def __aiter__(self) -> AsyncIterator[AudioChunk]:
        samples = await self._samples()
        reframer = Reframer(frame_samples(self.frame_ms))
        frames = reframer.process(samples)
        tail = reframer.flush()
        if tail is not None:
            frames.append(tail)
        loop = asyncio.get_running_loop()
        started = loop.time()
        for frame in frames:
            if self.realtime:
                # pace on the audio clock: frame i is due at its end time
                delay = started + frame.end_ms / 1000.0 - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            else:
                await asyncio.sleep(0)  # let other stages run between frames
            yield frame


class WavSource(ArraySource):
    """A WAV/FLAC file converted to 16 kHz mono; read off the event loop when iteration starts."""

    def __init__(self, path: Path | str, frame_ms: int = 80, realtime: bool = False) -> None:
        super().__init__(np.zeros(0, dtype=np.int16), frame_ms, realtime)
        self.path = Path(path)

    async def _samples(self) -> npt.NDArray[np.int16]:
        self.samples = await asyncio.to_thread(read_audio, self.path)
        return self.samples
