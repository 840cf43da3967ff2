"""Build the configured recognizer."""

from __future__ import annotations

from pathlib import Path

from edge import modelstore
from edge.asr.base import Recognizer
from edge.asr.fastpath.stream import PocketsphinxStream, StreamingRecognizer
from edge.asr.grammar_only import GRAMMAR_ENGINE, GrammarOnlyRecognizer, GrammarStream
from edge.asr.pocketsphinx import PocketsphinxRecognizer
from edge.asr.vosk import VoskRecognizer
from edge.asr.whisper import WhisperRecognizer
from edge.config import Settings
from edge.errors import ConfigError

__all__ = ["load_recognizer", "load_streaming", "whisper_model_dir"]


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
    if engine == GRAMMAR_ENGINE:  # the fast path's decoder alone: its stream is compiled by load_streaming
        return GrammarOnlyRecognizer(GrammarStream(budget_mb=settings.profile.memory_budget_mb))
    raise ConfigError(f"unknown asr.engine {engine!r}", hint="use whisper, vosk, pocketsphinx or grammar")


def load_streaming(settings: Settings, recognizer: Recognizer | None = None) -> StreamingRecognizer | None:
    """The fast path's streaming recognizer when ``asr.fast_path`` is on, loaded with the runtime's own
    command templates (blocking); the pipeline recompiles it with the home's names (``build_pipeline``).
    A grammar-only ``recognizer`` shares its stream (one pair of decoders)."""
    if not settings.asr.fast_path:
        return None
    if isinstance(recognizer, GrammarOnlyRecognizer):
        recognizer.stream.prepare()
        return recognizer.stream
    stream = PocketsphinxStream(threshold=settings.asr.fast_path_threshold or None)
    stream.prepare()
    return stream
