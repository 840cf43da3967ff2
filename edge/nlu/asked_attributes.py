"""Which of a device's readings a state question asks for: "what's the volume on the kitchen speaker"
(``volume``), "how bright is the office lamp" (``brightness``), "what song is playing" (``media``), "how far
open are the blinds" (``position``). The parser puts it in the ``attribute`` slot of a ``HassGetState``
(``NLUParser.analyse``) and the answer says that reading, not only the device's state
(:func:`edge.actions.answers.state_answer`). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from edge.nlu.types import Intent

__all__ = ["ATTRIBUTES", "asked_attribute", "with_attribute"]

ATTRIBUTES = ("volume", "brightness", "media", "position")
"""The readings a question may ask for, as the ``attribute`` slot names them."""

_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("volume", frozenset({"volume", "loud", "loudness"})),
    ("brightness", frozenset({"bright", "brightness", "dim"})),
    ("media", frozenset({"song", "track", "album", "artist", "station", "listening", "watching", "show"})),
    ("position", frozenset({"far", "position"})),
)


def asked_attribute(tokens: Sequence[str]) -> str:
    """The reading ``tokens`` (a question) ask for, or "" for a plain state question."""
    words = set(tokens)
    for attribute, cues in _WORDS:
        if words & cues:
            return attribute
    if {"what", "whats"} & words and "playing" in words:
        return "media"  # "what's playing in the kitchen"
    return ""


def with_attribute(intent: Intent, tokens: Sequence[str]) -> Intent | None:
    """``intent`` (a state question) with the reading its words ask for in its ``attribute`` slot; None when
    it is no state question or asks for none."""
    if intent.name != "HassGetState" or not (attribute := asked_attribute(tokens)):
        return None
    return replace(intent, slots={**intent.slots, "attribute": attribute})
