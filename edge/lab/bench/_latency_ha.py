"""The HA-style local pipeline of ``edge bench latency``, on the same clips as ambient-edge.

What Home Assistant's Assist runs with local engines, stage by stage:
- **VAD**: Home Assistant's ``VoiceCommandSegmenter`` defaults (home-assistant/core,
  homeassistant/components/assist_pipeline/vad.py: ``speech_seconds`` 0.3, ``command_seconds`` 1.0,
  ``silence_seconds`` 0.7 = ``VadSensitivity.DEFAULT``, ``reset_seconds`` 1.0), re-implemented in
  :class:`CommandSegmenter` below, fed Silero speech probabilities over 512-sample windows (speech > 0.5);
- **STT**: faster-whisper tiny.en int8, beam 1, language "en", decoding the whole command once the VAD
  closed it, as wyoming-faster-whisper's handler does on ``audio-stop`` (rhasspy/wyoming-faster-whisper,
  ``handler.py``: ``model.transcribe(audio, beam_size=..., language=...)``);
- **intent**: hassil with the newest ``home-assistant-intents`` English sentences over the same home's
  device names, areas and floors.

Latency is from the last word to the matched intent: the VAD's wait in audio time (a live stream cannot
end sooner), plus Whisper's and hassil's compute, plus one MQTT publish measured on the same broker.
Home Assistant's own hops (satellite -> HA -> Wyoming service -> HA) are left out, which favours it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from edge.asr.factory import whisper_model_dir
from edge.audio.vad import VoiceActivityDetector
from edge.config import Settings
from edge.context.homes import load_home
from edge.events import AudioChunk
from edge.lab.bench._latency_audio import SAMPLE_RATE, Clip
from edge.lab.bench._nlu_calibration import hassil_intents

__all__ = ["CommandSegmenter", "HaResult", "HaStylePipeline", "Matcher", "home_matcher"]

SPEECH_PROBABILITY = 0.5  # above this a VAD window is speech

Matcher = Callable[[str], tuple[str | None, dict[str, str]]]
"""Text -> (intent name or None, slots)."""


@dataclass
class CommandSegmenter:
    """Home Assistant's default end-of-command rule (the numbers of its ``VoiceCommandSegmenter``): a
    command starts after 0.3 s of speech, lasts at least 1.0 s, and ends after 0.7 s of silence; speech
    interrupted by 1.0 s of silence before it started begins again. :meth:`process` returns True when the
    command has ended."""

    speech_s: float = 0.3
    command_s: float = 1.0
    silence_s: float = 0.7
    reset_s: float = 1.0

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.in_command = False
        self._speech_left = self.speech_s
        self._command_left = self.command_s - self.speech_s
        self._silence_left = self.silence_s
        self._reset_left = self.reset_s

    def process(self, seconds: float, is_speech: bool) -> bool:
        if not self.in_command:
            if is_speech:
                self._reset_left = self.reset_s
                self._speech_left -= seconds
                if self._speech_left <= 0:
                    self.in_command = True
                    self._command_left = self.command_s - self.speech_s
                    self._silence_left = self.silence_s
            else:
                self._reset_left -= seconds
                if self._reset_left <= 0:
                    self._speech_left = self.speech_s
                    self._reset_left = self.reset_s
            return False
        self._command_left -= seconds
        if is_speech:
            self._reset_left -= seconds
            if self._reset_left <= 0:
                self._silence_left = self.silence_s
                self._reset_left = self.reset_s
            return False
        self._reset_left = self.reset_s
        self._silence_left -= seconds
        return self._silence_left <= 0 and self._command_left <= 0


@dataclass(frozen=True, slots=True)
class HaResult:
    clip: str
    endpoint_s: float  # stream time the VAD closed the command (the clip's end when it never did)
    wait_s: float  # endpoint - last word: the trailing silence waited out
    stt_s: float
    intent_s: float
    text: str
    intent: str | None
    slots: dict[str, str]
    closed: bool  # the VAD closed the command before the clip ended

    def latency_s(self, publish_s: float) -> float:
        return self.wait_s + self.stt_s + self.intent_s + publish_s


class HaStylePipeline:
    """Whisper loaded once; :meth:`run` one clip through the VAD, Whisper and ``matcher``. Blocking."""

    def __init__(self, settings: Settings, vad: VoiceActivityDetector, matcher: Matcher | None) -> None:
        from faster_whisper import WhisperModel  # noqa: PLC0415 - lazy: loaded only when this bench runs

        self.vad = vad
        self.model: Any = WhisperModel(
            str(whisper_model_dir(settings)), device="cpu", compute_type="int8",
            cpu_threads=settings.profile.threads,
        )  # fmt: skip
        self.matcher = matcher
        # warm both (CTranslate2's first decode and hassil's first match build caches), as a running HA has
        self.model.transcribe(np.zeros(SAMPLE_RATE, dtype=np.float32), beam_size=1, language="en")
        self._match("turn on the kitchen light")

    def _endpoint(self, clip: Clip) -> tuple[float, bool]:
        self.vad.reset(0.0)
        segmenter = CommandSegmenter()
        for frame in self.vad.process(AudioChunk(clip.samples, 0.0)):
            if segmenter.process(frame.duration_ms / 1000.0, frame.probability > SPEECH_PROBABILITY):
                return frame.end_ms / 1000.0, True
        return clip.duration_s, False

    def _match(self, text: str) -> tuple[str | None, dict[str, str]]:
        return self.matcher(text) if self.matcher is not None and text else (None, {})

    def run(self, clip: Clip) -> HaResult:
        endpoint_s, closed = self._endpoint(clip)
        audio = clip.samples[: int(endpoint_s * SAMPLE_RATE)].astype(np.float32) / 32768.0
        t0 = time.perf_counter()
        segments, _info = self.model.transcribe(audio, beam_size=1, language="en")
        text = " ".join(s.text for s in segments).strip()
        t1 = time.perf_counter()
        intent, slots = self._match(text)
        t2 = time.perf_counter()
        return HaResult(
            clip.name, endpoint_s, max(0.0, endpoint_s - clip.last_word_s), t1 - t0, t2 - t1, text,
            intent, slots, closed,
        )  # fmt: skip


def home_matcher(home_file: Path) -> Matcher | None:
    """hassil with Home Assistant's English intents over the home's names, areas and floors; None when
    hassil or home-assistant-intents is not installed."""
    intents = hassil_intents()
    if intents is None:
        return None
    from hassil import recognize  # noqa: PLC0415 - lazy: hassil is a development extra

    lists = _slot_lists(home_file)

    def match(text: str) -> tuple[str | None, dict[str, str]]:
        try:
            result = recognize(text, intents, slot_lists=lists)
        except Exception:  # hassil raises on lists no home provides (zones, timers' commands)
            return None, {}
        if result is None:
            return None, {}
        return result.intent.name, {k: str(v.text or v.value).strip() for k, v in result.entities.items()}

    return match


def _slot_lists(home_file: Path) -> dict[str, Any]:
    from hassil.intents import TextSlotList  # noqa: PLC0415 - lazy: hassil is a development extra

    home = load_home(home_file)
    names: list[tuple[str, str, dict[str, Any]]] = []
    for device in home.devices.values():
        for name in (device.name, *device.aliases):
            names.append((name, device.name, {"domain": device.domain}))
    return {
        "name": TextSlotList.from_tuples(names, allow_template=False),
        "area": TextSlotList.from_strings(list(home.areas), allow_template=False),
        "floor": TextSlotList.from_strings(list(home.floors), allow_template=False),
    }
