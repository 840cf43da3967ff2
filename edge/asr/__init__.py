"""Speech recognition: the :class:`Recognizer` protocol and its engines (whisper, vosk, pocketsphinx)."""

from __future__ import annotations

from edge.asr.base import SILENCE_PHRASES, Recognizer, is_silence_phrase
from edge.asr.factory import load_recognizer, whisper_model_dir

__all__ = [
    "SILENCE_PHRASES",
    "Recognizer",
    "is_silence_phrase",
    "load_recognizer",
    "whisper_model_dir",
]
