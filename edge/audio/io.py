"""Reading audio files and raw streams into 16 kHz mono int16, the format every later stage expects."""

from __future__ import annotations

from math import gcd
from pathlib import Path

import numpy as np
import numpy.typing as npt

from edge.audio.resample import resample_poly
from edge.errors import AudioError, ErrorCode
from edge.events import SAMPLE_RATE

__all__ = [
    "MAX_CHANNELS",
    "MAX_RATE",
    "MIN_RATE",
    "check_stream_format",
    "read_audio",
    "resample",
    "to_int16",
    "to_mono_16k",
]

MIN_RATE = 4_000
MAX_RATE = 384_000
MAX_CHANNELS = 32


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


def resample(samples: npt.NDArray[np.float32], rate: int) -> npt.NDArray[np.float32]:
    """Polyphase (Kaiser-windowed sinc) resampling of 1-D float audio to 16 kHz."""
    if rate == SAMPLE_RATE or samples.size == 0:
        return samples
    g = gcd(rate, SAMPLE_RATE)
    return resample_poly(samples, SAMPLE_RATE // g, rate // g)


def to_int16(samples: npt.NDArray[np.floating] | npt.NDArray[np.float32]) -> npt.NDArray[np.int16]:
    clipped = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 32767.0 / 32768.0)
    return np.round(clipped * 32768.0).astype(np.int16)


def to_mono_16k(data: npt.NDArray[np.float32], rate: int) -> npt.NDArray[np.int16]:
    """Mix float audio (frames x channels, or 1-D) down to mono and resample to 16 kHz int16."""
    if not MIN_RATE <= rate <= MAX_RATE:
        raise _format_error(f"sample rate {rate} Hz is outside {MIN_RATE}..{MAX_RATE} Hz")
    if data.ndim == 2:
        if data.shape[1] > MAX_CHANNELS:
            raise _format_error(f"{data.shape[1]} channels is more than {MAX_CHANNELS}")
        data = data.mean(axis=1, dtype=np.float32)
    elif data.ndim != 1:
        raise _format_error(f"audio array has {data.ndim} dimensions")
    return to_int16(resample(np.asarray(data, dtype=np.float32), rate))


def read_audio(path: Path | str) -> npt.NDArray[np.int16]:
    """Read a WAV/FLAC/OGG file (any rate, channels, bit depth) as 16 kHz mono int16.

    Blocking: call it through ``asyncio.to_thread`` from async code.
    """
    import soundfile as sf

    path = Path(path)
    if not path.is_file():
        raise AudioError(f"audio file {path} does not exist", hint="check the path")
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as err:
        raise AudioError(
            f"cannot read {path} as audio: {err}",
            code=ErrorCode.AUDIO_UNREADABLE,
            hint="give a WAV or FLAC file (16 kHz mono 16-bit is best)",
        ) from err
    if data.shape[0] == 0:
        raise AudioError(
            f"{path} contains no audio samples",
            code=ErrorCode.AUDIO_UNREADABLE,
            hint="record or synthesize a non-empty file",
        )
    return to_mono_16k(data, int(rate))
