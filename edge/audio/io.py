"""Reading audio files and raw streams into 16 kHz mono int16, the format every later stage expects.

Files are read in blocks (:class:`AudioFileReader`): each block is mixed down and resampled with the
filter state carried across blocks, so memory stays flat however long the file is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from math import gcd
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from edge.audio.resample import StreamResampler, resample_poly
from edge.errors import AudioError, ErrorCode
from edge.events import SAMPLE_RATE

if TYPE_CHECKING:
    import soundfile

__all__ = [
    "BLOCK_FRAMES",
    "MAX_CHANNELS",
    "MAX_RATE",
    "MIN_RATE",
    "AudioFileReader",
    "AudioInfo",
    "check_stream_format",
    "iter_audio",
    "probe_audio",
    "read_audio",
    "resample",
    "to_int16",
    "to_mono_16k",
]

MIN_RATE = 4_000
MAX_RATE = 384_000
MAX_CHANNELS = 32
BLOCK_FRAMES = 65_536  # file frames read at a time (0.5 MB of float32 for 48 kHz stereo)
FILE_HINT = "give a WAV or FLAC file (16 kHz mono 16-bit is best)"


def _format_error(message: str) -> AudioError:
    return AudioError(
        message,
        code=ErrorCode.AUDIO_FORMAT,
        hint="convert it, e.g. `sox IN.wav -r 16000 -c 1 -b 16 OUT.wav`",
    )


def check_stream_format(rate: int, channels: int = 1, dtype: str = "int16") -> None:
    """A raw (headerless) stream cannot be converted safely: it must already be 16 kHz mono int16."""
    if rate != SAMPLE_RATE or channels != 1 or dtype != "int16":
        raise AudioError(
            f"raw audio stream is {rate} Hz, {channels} channel(s), {dtype}; "
            f"expected {SAMPLE_RATE} Hz mono int16",
            code=ErrorCode.AUDIO_FORMAT,
            hint="open the device at 16000 Hz mono, or replay a WAV/FLAC file (files are converted)",
        )


def _check_format(rate: int, channels: int, where: str = "") -> None:
    prefix = f"{where}: " if where else ""
    if not MIN_RATE <= rate <= MAX_RATE:
        raise _format_error(f"{prefix}sample rate {rate} Hz is outside {MIN_RATE}..{MAX_RATE} Hz")
    if not 1 <= channels <= MAX_CHANNELS:
        raise _format_error(f"{prefix}{channels} channels is not 1..{MAX_CHANNELS}")


def resample(samples: npt.NDArray[np.float32], rate: int) -> npt.NDArray[np.float32]:
    """Polyphase (Kaiser-windowed sinc) resampling of 1-D float audio to 16 kHz."""
    if rate == SAMPLE_RATE or samples.size == 0:
        return samples
    g = gcd(rate, SAMPLE_RATE)
    return resample_poly(samples, SAMPLE_RATE // g, rate // g)


def to_int16(samples: npt.NDArray[np.floating] | npt.NDArray[np.float32]) -> npt.NDArray[np.int16]:
    clipped = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 32767.0 / 32768.0)
    return np.round(clipped * 32768.0).astype(np.int16)


def _downmix(data: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    if data.ndim == 2:
        if data.shape[1] > MAX_CHANNELS:
            raise _format_error(f"{data.shape[1]} channels is more than {MAX_CHANNELS}")
        return data.mean(axis=1, dtype=np.float32) if data.shape[1] > 1 else data[:, 0]
    if data.ndim != 1:
        raise _format_error(f"audio array has {data.ndim} dimensions")
    return data


def to_mono_16k(data: npt.NDArray[np.float32], rate: int) -> npt.NDArray[np.int16]:
    """Mix float audio (frames x channels, or 1-D) down to mono and resample to 16 kHz int16."""
    if not MIN_RATE <= rate <= MAX_RATE:
        raise _format_error(f"sample rate {rate} Hz is outside {MIN_RATE}..{MAX_RATE} Hz")
    return to_int16(resample(np.asarray(_downmix(data), dtype=np.float32), rate))


@dataclass(frozen=True, slots=True)
class AudioInfo:
    """What the file's header says."""

    path: Path
    rate: int
    channels: int
    frames: int
    format: str


def _unreadable(path: Path, why: str) -> AudioError:
    return AudioError(f"cannot read {path} as audio: {why}", code=ErrorCode.AUDIO_UNREADABLE, hint=FILE_HINT)


def _open(path: Path) -> soundfile.SoundFile:
    import soundfile as sf  # noqa: PLC0415 - lazy: libsndfile loads only when a file is read

    if path.is_dir():
        raise AudioError(f"{path} is a directory, not an audio file", hint="give the path of a WAV/FLAC file")
    if not path.is_file():
        raise AudioError(f"audio file {path} does not exist", hint="check the path")
    try:
        # bytes, so a file name that is not valid UTF-8 opens like any other
        return sf.SoundFile(os.fsencode(path))
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError, OSError) as err:
        raise _unreadable(path, str(err)) from err


class AudioFileReader:
    """A WAV/FLAC/OGG file (any rate, channels, bit depth) as blocks of 16 kHz mono int16.

    Opening reads only the header; :meth:`read` decodes, mixes down and resamples one block at a time,
    with the resampler's state carried across blocks. Blocking: use it from a thread in async code.
    """

    def __init__(self, path: Path | str, block_frames: int = BLOCK_FRAMES) -> None:
        if block_frames < 1:
            raise ValueError("block_frames must be >= 1")
        self.path = Path(path)
        self.block_frames = block_frames
        self._file = _open(self.path)
        try:
            rate, channels = int(self._file.samplerate), int(self._file.channels)
            _check_format(rate, channels, str(self.path))
            self.info = AudioInfo(self.path, rate, channels, int(self._file.frames), str(self._file.format))
            if self.info.frames <= 0:
                raise AudioError(
                    f"{self.path} contains no audio samples",
                    code=ErrorCode.AUDIO_UNREADABLE,
                    hint="record or synthesize a non-empty file",
                )
        except BaseException:
            self._file.close()
            raise
        g = gcd(rate, SAMPLE_RATE)
        self._resampler = StreamResampler(SAMPLE_RATE // g, rate // g)
        self._done = False
        self.samples_out = 0

    def read(self) -> npt.NDArray[np.int16] | None:
        """The next block of 16 kHz mono int16 (possibly empty), or None once the file is used up."""
        import soundfile as sf  # noqa: PLC0415 - lazy: libsndfile loads only when a file is read

        if self._done:
            return None
        try:
            data = self._file.read(self.block_frames, dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError, ValueError, OSError) as err:
            self.close()
            raise _unreadable(self.path, f"decoding failed after {self.samples_out} samples: {err}") from err
        if len(data):
            out = self._resampler.process(_downmix(data))
        else:
            self._done = True
            out = self._resampler.flush()
            if self.samples_out + len(out) == 0:
                raise AudioError(
                    f"{self.path} contains no audio samples",
                    code=ErrorCode.AUDIO_UNREADABLE,
                    hint="record or synthesize a non-empty file",
                )
        self.samples_out += len(out)
        return to_int16(out)

    def __iter__(self) -> Iterator[npt.NDArray[np.int16]]:
        while (block := self.read()) is not None:
            if len(block):
                yield block

    def close(self) -> None:
        self._done = True
        self._file.close()

    def __enter__(self) -> AudioFileReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def iter_audio(path: Path | str, block_frames: int = BLOCK_FRAMES) -> Iterator[npt.NDArray[np.int16]]:
    """Blocks of 16 kHz mono int16 from a file; the file is closed when the iteration ends."""
    with AudioFileReader(path, block_frames) as reader:
        yield from reader


def probe_audio(path: Path | str) -> AudioInfo:
    """Check that a file opens and its first block decodes (fast, whatever the file's length)."""
    with AudioFileReader(path) as reader:
        reader.read()
        return reader.info


def read_audio(path: Path | str) -> npt.NDArray[np.int16]:
    """Read a whole WAV/FLAC/OGG file (any rate, channels, bit depth) as 16 kHz mono int16.

    For short clips; long files go through :class:`AudioFileReader`. Blocking: call it through
    ``asyncio.to_thread`` from async code.
    """
    blocks = list(iter_audio(path))
    return np.concatenate(blocks) if blocks else np.zeros(0, np.int16)
