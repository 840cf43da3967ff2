"""The firmware profile's memory budget, checked once the engines are loaded (docs/appliance.md).

Resident memory is read from ``/proc/self/status``: ``VmRSS`` (now) and ``VmHWM`` (the peak so far, which
includes Whisper's conversion buffers while it loads). The check compares the larger of the two with
``profile.memory_budget_mb``; over budget it logs one warning naming the profile, the figures and a smaller
engine or setting to choose, or raises when ``profile.memory_budget_fatal`` is set.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from edge.config import Settings
from edge.errors import ConfigError, ErrorCode

__all__ = ["MemoryReading", "check_budget", "read_memory", "smaller_choices"]

log = logging.getLogger("edge.budget")

STATUS = Path("/proc/self/status")


@dataclass(frozen=True, slots=True)
class MemoryReading:
    """Resident memory of a process in MB: now and its peak (both 0 where /proc is not available)."""

    rss_mb: float
    peak_mb: float

    @property
    def resident_mb(self) -> float:
        return max(self.rss_mb, self.peak_mb)


def read_memory(status: Path = STATUS) -> MemoryReading:
    """VmRSS and VmHWM of ``status`` (a ``/proc/<pid>/status`` file); zeros when it cannot be read."""
    fields: dict[str, float] = {}
    try:
        text = status.read_text(encoding="ascii", errors="replace")
    except OSError:
        return MemoryReading(0.0, 0.0)
    for line in text.splitlines():
        key, _, value = line.partition(":")
        parts = value.split()
        if key in {"VmRSS", "VmHWM"} and parts and parts[0].isdigit():
            fields[key] = int(parts[0]) / 1024  # kB
    return MemoryReading(fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0))


def smaller_choices(settings: Settings) -> list[str]:
    """Settings that lower resident memory from this configuration, the largest saving first."""
    choices: list[str] = []
    if settings.profile.piper and settings.feedback.tts in {"auto", "piper"}:
        choices.append('feedback.tts = "espeak-ng" (the neural voice holds ~150 MB)')
    if not settings.profile.trim_memory:  # measured (x86_64-dev, issue 17): 559 -> 461 MB in use
        choices.append(
            "profile.trim_memory = true (free heap given back after loading, piper's arena after a sentence)"
        )
    if not settings.profile.lean_memory:  # measured (zero2w's stack, x86): 63 MB less in use
        choices.append("profile.lean_memory = true (large buffers returned, no onnxruntime arenas; slower)")
    piper = settings.profile.piper and settings.feedback.tts in {"auto", "piper"}
    if piper and settings.feedback.voice_weights == "float32":  # measured (x86_64-dev): 41 MB less resident
        choices.append('feedback.voice_weights = "int8" (the voice in int8: `make models` builds it)')
    asr = settings.asr
    if asr.engine == "whisper":
        if asr.model != "whisper-tiny.en":
            choices.append('asr.model = "whisper-tiny.en"')
        if asr.compute_type != "int8":
            choices.append('asr.compute_type = "int8"')
        if asr.beam_size > 1:
            choices.append("asr.beam_size = 1")
        choices.append(
            "asr.engine = \"grammar\" (the home's commands only, no Whisper: the zero2w profile's recognizer)"
        )
        choices.append(
            'asr.engine = "vosk" with asr.vosk_model_dir a small model (vosk-model-small-en-us-0.15: README)'
        )
    if settings.wake.words and len(settings.wake.words) > 1:
        choices.append(f"wake.words = [{settings.wake.words[0]!r}] (one wake word)")
    return choices


def check_budget(settings: Settings, reading: Callable[[], MemoryReading] = read_memory) -> MemoryReading:
    """Compare resident memory with the profile's budget: one warning over it (or ConfigError if fatal)."""
    now = reading()
    budget = settings.profile.memory_budget_mb
    profile = settings.profile.name
    if now.resident_mb <= 0 or budget <= 0:
        log.debug("memory budget of %s not checked (no /proc/self/status reading)", profile)
        return now
    if now.resident_mb <= budget:
        log.info(
            "memory: %.0f MB resident (peak %.0f MB) within %s's budget of %d MB",
            now.rss_mb, now.peak_mb, profile, budget,
        )  # fmt: skip
        return now
    choices = smaller_choices(settings) or ["a larger board's profile (--profile)"]
    message = (
        f"memory: {now.resident_mb:.0f} MB resident after loading the engines (now {now.rss_mb:.0f} MB, "
        f"peak {now.peak_mb:.0f} MB) is over the {profile} profile's budget of {budget} MB"
    )
    hint = "choose a smaller engine or setting: " + "; ".join(choices)
    if settings.profile.memory_budget_fatal:
        raise ConfigError(message, code=ErrorCode.CONFIG_INVALID, hint=hint)
    log.warning("%s; %s (profile.memory_budget_fatal = true makes this fatal)", message, hint)
    return now
