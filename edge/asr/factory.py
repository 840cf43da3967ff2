"""Build the configured recognizer."""

from __future__ import annotations

from pathlib import Path

from edge import modelstore
from edge.asr.base import Recognizer
from edge.asr.pocketsphinx import PocketsphinxRecognizer
from edge.asr.vosk import VoskRecognizer
from edge.asr.whisper import WhisperRecognizer
from edge.config import Settings
from edge.errors import ConfigError

__all__ = ["load_recognizer", "whisper_model_dir"]


def whisper_model_dir(settings: Settings) -> Path:
    """``asr.model`` is a folder name in the model cache or a path to a CTranslate2 Whisper folder."""
    candidate = Path(settings.asr.model).expanduser()
    if candidate.is_absolute() or candidate.exists():
        return candidate
    if settings.asr.model == "whisper-tiny.en":
        modelstore.require(settings.model_dir(), "whisper-tiny.en", "model.bin")
    return settings.model_dir() / settings.asr.model


def load_recognizer(settings: Settings, grammar: bool = False) -> Recognizer:
    """Blocking (loads a model): call through ``asyncio.to_thread`` from async code."""
    engine = settings.asr.engine
    if engine == "whisper":
        return WhisperRecognizer(whisper_model_dir(settings), settings.asr, threads=settings.profile.threads)
    if engine == "vosk":
        return VoskRecognizer(settings.asr.vosk_model_dir, grammar=grammar)
    if engine == "pocketsphinx":
        return PocketsphinxRecognizer(grammar=grammar)
    raise ConfigError(f"unknown asr.engine {engine!r}", hint="use whisper, vosk or pocketsphinx")
