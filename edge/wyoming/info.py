"""The ``info`` answer to ``describe``: what this device serves, as Home Assistant reads it."""

from __future__ import annotations

from typing import Any

from wyoming.info import (
    AsrModel,
    AsrProgram,
    Attribution,
    HandleModel,
    HandleProgram,
    Info,
    IntentModel,
    IntentProgram,
    Satellite,
    TtsProgram,
    TtsVoice,
    WakeModel,
    WakeProgram,
)

from edge import __version__
from edge.wyoming.backend import Backend

__all__ = ["ATTRIBUTION", "describe", "phrase"]

ATTRIBUTION = Attribution(name="ambient-edge", url="https://github.com/ambient-edge/ambient-edge")
LANGUAGES = ["en"]


def phrase(word: str) -> str:
    """An openWakeWord model name as said: ``hey_jarvis_v0.1`` -> "hey jarvis"."""
    stem = word.rsplit("/", 1)[-1].removesuffix(".onnx").removesuffix(".tflite")
    return " ".join(p for p in stem.split("_") if p and not p.startswith("v0"))


def _program(description: str) -> dict[str, Any]:
    return {"description": description, "attribution": ATTRIBUTION, "installed": True, "version": __version__}


def _model(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "description": description,
        "attribution": ATTRIBUTION,
        "installed": True,
        "languages": LANGUAGES,
        "version": None,
    }


def describe(backend: Backend) -> Info:
    """One program per service the backend can serve (a service without its engine is not advertised).
    ``satellite`` only beside the microphone with ``wyoming.satellite_mode = "ha"`` (a satellite advertised
    but silent would show in Home Assistant as a device that never hears anything)."""
    settings = backend.settings
    info = Info()
    if backend.satellite is not None:
        words = [*settings.wake.words, *settings.wake.custom_models]
        site, said = settings.satellite.site_id, ", ".join(map(phrase, words))
        info.satellite = Satellite(
            name=f"edge-{site}", attribution=ATTRIBUTION, installed=True, version=__version__,
            description=f"ambient-edge {site}: the microphone after its own wake word ({said})",
            area=settings.satellite.area or None, has_vad=True, active_wake_words=words,
            max_active_wake_words=len(words), supports_trigger=False,
        )  # fmt: skip
    if backend.recognizer is not None:
        asr = AsrModel(**_model(settings.asr.model, f"{backend.recognizer.name} {settings.asr.model}"))
        program = _program("the device's speech recognizer")
        info.asr = [AsrProgram(name=f"edge-asr-{settings.asr.engine}", models=[asr], **program)]
    if backend.wake is not None:
        words = [*settings.wake.words, *settings.wake.custom_models]
        wake = [WakeModel(phrase=phrase(w), **_model(w, phrase(w))) for w in words]
        info.wake = [
            WakeProgram(name="edge-openwakeword", models=wake, **_program("openWakeWord on the device"))
        ]
    if backend.parser is not None:
        intents = [IntentModel(**_model(n, n)) for n in backend.intents]
        program = _program("the device's contextual NLU (int8 ONNX): intent names and slots")
        info.intent = [IntentProgram(name="edge-nlu", models=intents, **program)]
    if backend.driver is not None:
        handles = [HandleModel(**_model(n, n)) for n in backend.intents]
        program = _program("the device's turn engine: understands a request and acts on the home")
        info.handle = [
            HandleProgram(name="edge-turns", models=handles, supports_home_control=True, **program)
        ]
    if backend.tts is not None:
        voice = TtsVoice(**_model(backend.tts.name, f"the device's voice ({backend.tts.name})"))
        info.tts = [TtsProgram(name="edge-tts", voices=[voice], **_program("the device's voice"))]
    return info
