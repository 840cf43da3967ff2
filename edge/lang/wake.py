"""Wake phrases: what a user says before a request, derived from the wake-word models the project ships.

Each openWakeWord model (``models/manifest.toml``: ``hey_jarvis``, ``alexa``, ``hey_mycroft``) gives its
assistant's name (the model's last word) and the ways people address it: the name alone or after "hey",
"ok" or "okay". ASR often writes the wake phrase at the head of a transcript (the pre-roll), and typed
text may hold it too; every normalizer that drops it uses :data:`WAKE_PHRASES`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["GREETINGS", "WAKE_MODELS", "WAKE_PHRASES", "WAKE_PREFIX", "strip_wake"]

WAKE_MODELS: tuple[str, ...] = ("hey_jarvis", "alexa", "hey_mycroft")
"""The openWakeWord models of ``models/manifest.toml``, by the word the runtime reports them as."""
GREETINGS: tuple[str, ...] = ("hey", "ok", "okay")


def _phrases(models: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    out: list[tuple[str, ...]] = []
    for model in models:
        name = model.split("_")[-1]
        out.extend([*((greeting, name) for greeting in GREETINGS), (name,)])
    return tuple(dict.fromkeys(sorted(out, key=len, reverse=True)))


WAKE_PHRASES: tuple[tuple[str, ...], ...] = _phrases(WAKE_MODELS)
"""Every wake phrase as lowercase words, longest first ("hey jarvis", ..., "jarvis", "alexa", "mycroft")."""

WAKE_PREFIX = re.compile(r"^(?:" + "|".join(re.escape(" ".join(p)) for p in WAKE_PHRASES) + r")\b\s*")
"""A wake phrase at the start of lowercase text without punctuation, with the spaces after it."""


def strip_wake(words: Sequence[str]) -> list[str]:
    """``words`` without the wake phrase they start with (if any)."""
    for phrase in WAKE_PHRASES:
        if tuple(words[: len(phrase)]) == phrase:
            return list(words[len(phrase) :])
    return list(words)
