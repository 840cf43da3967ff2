"""Wyoming audio in any format, bounded, as the 16 kHz mono int16 the device's engines take."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from edge.audio.io import to_mono_16k

__all__ = ["AudioFormat", "AudioTooLong", "Recording", "to_16k"]

MAX_RATE = 96_000
WIDTHS = {1: np.uint8, 2: np.int16, 4: np.int32}


class AudioTooLong(ValueError):
    """More audio than ``max_audio_s`` in one request."""


@dataclass(frozen=True, slots=True)
class AudioFormat:
    rate: int
    width: int
    channels: int

    def check(self) -> None:
        """Raise ValueError naming the field when the format is one we cannot read."""
        if not 8_000 <= self.rate <= MAX_RATE:
            raise ValueError(f"audio rate {self.rate} Hz: send 8000..96000 Hz (16000 is best)")
        if self.width not in WIDTHS:
            raise ValueError(f"audio width {self.width}: send 1, 2 or 4 bytes per sample (2 is best)")
        if not 1 <= self.channels <= 8:
            raise ValueError(f"audio channels {self.channels}: send 1..8 channels (1 is best)")


def to_16k(raw: bytes, fmt: AudioFormat) -> npt.NDArray[np.int16]:
    """Little-endian PCM of ``fmt`` as 16 kHz mono int16 (edge/audio's resampler)."""
    frame = fmt.width * fmt.channels
    raw = raw[: len(raw) - len(raw) % frame]
    data = np.frombuffer(raw, dtype=np.dtype(WIDTHS[fmt.width]).newbyteorder("<"))
    if fmt.width == 1:
        floats = (data.astype(np.float32) - 128.0) / 128.0
    else:
        floats = data.astype(np.float32) / float(2 ** (8 * fmt.width - 1))
    floats = floats.reshape(-1, fmt.channels) if fmt.channels > 1 else floats
    if fmt.rate == 16_000 and fmt.channels == 1 and fmt.width == 2:
        return data.astype(np.int16)
    return to_mono_16k(floats, fmt.rate)


class Recording:
    """The audio of one request (``audio-start`` .. ``audio-stop``), at most ``max_s`` seconds."""

    def __init__(self, fmt: AudioFormat, max_s: float) -> None:
        fmt.check()
        self.format = fmt
        self.max_s = max_s
        self._limit = int(max_s * fmt.rate) * fmt.width * fmt.channels
        self._parts: list[bytes] = []
        self._size = 0

    def add(self, raw: bytes) -> None:
        if self._size + len(raw) > self._limit:
            raise AudioTooLong(f"more than {self.max_s:g} s of audio in one request (wyoming.max_audio_s)")
        self._parts.append(raw)
        self._size += len(raw)

    def raw(self) -> bytes:
        """The audio as received (``format``)."""
        return b"".join(self._parts)

    def samples(self) -> npt.NDArray[np.int16]:
        return to_16k(self.raw(), self.format)
