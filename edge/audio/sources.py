"""Audio sources: an async iterator of fixed-size :class:`AudioChunk` frames (16 kHz mono int16)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from edge.audio.frames import Reframer, frame_samples
from edge.audio.io import BLOCK_FRAMES, AudioFileReader
from edge.events import AudioChunk

__all__ = ["ArraySource", "AudioSource", "WavSource"]


@runtime_checkable
class AudioSource(Protocol):
    """Frames of ``frame_ms`` each; ``live`` sources (a microphone) may drop frames when the consumer lags."""

    frame_ms: int
    live: bool

    def __aiter__(self) -> AsyncIterator[AudioChunk]: ...


class _Pacer:
    """Yields control between frames; paced on the audio clock (frame i is due at its end) when realtime."""

    def __init__(self, realtime: bool) -> None:
        self.realtime = realtime
        self._started: float | None = None

    async def wait(self, frame: AudioChunk) -> None:
        loop = asyncio.get_running_loop()
        if self._started is None:
            self._started = loop.time()
        if self.realtime:
            delay = self._started + frame.end_ms / 1000.0 - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
                return
        await asyncio.sleep(0)  # let other stages run between frames


def _with_tail(reframer: Reframer, frames: Iterable[AudioChunk], last: bool) -> list[AudioChunk]:
    out = list(frames)
    if last and (tail := reframer.flush()) is not None:
        out.append(tail)
    return out


class ArraySource:
    """Frames from samples already in memory, as fast as possible or paced like a live device."""

    def __init__(self, samples: npt.NDArray[np.int16], frame_ms: int = 80, realtime: bool = False) -> None:
        self.samples = samples
        self.frame_ms = frame_ms
        self.realtime = realtime
        self.live = realtime

    async def __aiter__(self) -> AsyncIterator[AudioChunk]:
        reframer = Reframer(frame_samples(self.frame_ms))
        pacer = _Pacer(self.realtime)
        for frame in _with_tail(reframer, reframer.process(self.samples), last=True):
            await pacer.wait(frame)
            yield frame


class WavSource:
    """A WAV/FLAC file converted to 16 kHz mono, read block by block off the event loop (memory stays
    flat for any length of file). Errors (missing, unreadable, wrong format) surface when iteration starts."""

    def __init__(
        self,
        path: Path | str,
        frame_ms: int = 80,
        realtime: bool = False,
        block_frames: int = BLOCK_FRAMES,
    ) -> None:
        self.path = Path(path)
        self.frame_ms = frame_ms
        self.realtime = realtime
        self.live = realtime
        self.block_frames = block_frames

    async def __aiter__(self) -> AsyncIterator[AudioChunk]:
        reader = await asyncio.to_thread(AudioFileReader, self.path, self.block_frames)
        try:
            reframer = Reframer(frame_samples(self.frame_ms))
            pacer = _Pacer(self.realtime)
            while True:
                block = await asyncio.to_thread(reader.read)
                samples = _EMPTY if block is None else block
                for frame in _with_tail(reframer, reframer.process(samples), last=block is None):
                    await pacer.wait(frame)
                    yield frame
                if block is None:
                    return
        finally:
            await asyncio.to_thread(reader.close)


_EMPTY: npt.NDArray[np.int16] = np.zeros(0, dtype=np.int16)
