"""The speech-recognition contract and the shared rules for rejecting invented text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from edge.errors import AudioError, ErrorCode
from edge.events import SAMPLE_RATE, Transcript
from edge.lang import asr_text

__all__ = [
    "SILENCE_PHRASES",
    "Recognizer",
    "audio_ms",
    "check_samples",
    "is_silence_phrase",
]

# What Whisper says when there is nothing to say (its training data is full of subtitles).
SILENCE_PHRASES = frozenset(
    {
        "",
        "you",
        "thank you",
        "thanks",
        "thanks for watching",
        "thank you for watching",
        "thank you very much",
        "thank you so much",
        "please subscribe",
        "subscribe",
        "bye",
        "bye bye",
        "goodbye",
        "ill see you next time",
        "see you next time",
        "see you in the next video",
        "so",
        "oh",
        "okay",
        "hmm",
        "um",
        "uh",
        "music",
        "applause",
        "silence",
        "blank_audio",
        "the end",
    }
)


def is_silence_phrase(text: str) -> bool:
    return asr_text(text) in SILENCE_PHRASES


def check_samples(samples: npt.NDArray[np.int16]) -> None:
    if not isinstance(samples, np.ndarray) or samples.dtype != np.int16 or samples.ndim != 1:
        raise AudioError(
            "ASR needs a 1-D int16 array of 16 kHz mono samples",
            code=ErrorCode.AUDIO_FORMAT,
            hint="convert with edge.audio.read_audio / to_mono_16k",
        )


class Recognizer(Protocol):
    """Blocking speech-to-text on one utterance; the pipeline calls it through ``asyncio.to_thread``.

    ``vocabulary`` lists domain phrases (device names, rooms, commands) that engines may use to bias
    or constrain recognition.
    """

    name: str

    def transcribe(self, samples: npt.NDArray[np.int16], vocabulary: Sequence[str] = ()) -> Transcript: ...


def audio_ms(samples: npt.NDArray[np.int16]) -> float:
    return 1000.0 * len(samples) / SAMPLE_RATE
