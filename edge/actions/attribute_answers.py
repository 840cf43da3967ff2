"""One reading of a device asked for by name (:mod:`edge.nlu.asked_attributes`): "The kitchen speaker's
volume is 40%.", "The office lamp is on at 50% brightness.", "The kitchen speaker is playing Blue in Green
by Miles Davis.", "The living room blinds are 75% open." Where the device does not report it, the answer
says its state and that it does not report that reading, never a number it does not have. Pure."""

from __future__ import annotations

from typing import Any

from edge.actions.wording import cap, is_plural
from edge.context.model import Device, DeviceState

__all__ = ["attribute_answer"]


def attribute_answer(
    device: Device, state: DeviceState, attribute: str, subject: str, word: str
) -> str | None:
    """The answer for ``attribute`` of one device (``subject``: "the office lamp"; ``word``: its state as an
    answer says it); None when the question asks nothing this module answers, or of a kind without it."""
    attrs = state.attributes
    verb = "are" if is_plural(subject) else "is"
    if attribute == "volume" and device.domain == "media_player":
        if attrs.get("is_volume_muted") is True:
            return f"{cap(subject)} {verb} muted."
        level = _number(attrs.get("volume_level"))
        if level is None:
            return f"{cap(subject)} {verb} {word}; it doesn't report its volume."
        return f"{cap(subject)}'s volume is {round(level * 100)}%."
    if attribute == "brightness" and device.domain == "light":
        level = _number(attrs.get("brightness"))
        if state.state != "on" or level is None:
            return None  # off, or a light that reports no brightness: its state answers
        return f"{cap(subject)} {verb} on at {round(level * 100 / 255)}% brightness."
    if attribute == "media" and device.domain == "media_player":
        title = str(attrs.get("media_title") or "").strip()
        if not title or state.state not in {"playing", "paused"}:
            return None
        artist = str(attrs.get("media_artist") or "").strip()
        return f"{cap(subject)} {verb} {word} {title}{f' by {artist}' if artist else ''}."
    if attribute == "position" and device.domain in {"cover", "valve"}:
        position = _number(attrs.get("current_position"))
        return None if position is None else f"{cap(subject)} {verb} {round(position)}% open."
    return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
