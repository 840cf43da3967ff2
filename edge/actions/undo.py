"""The undo journal: the state each target had before each action, so "undo that" can restore it."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from edge.context.color_temp import kelvin_of
from edge.context.model import Capability, Device, DeviceState

__all__ = ["UndoEntry", "UndoJournal", "restore_actions"]


@dataclass(frozen=True, slots=True)
class UndoEntry:
    """One executed plan: the states its targets had before it ran, and when it ran (seconds)."""

    intent: str
    previous: Mapping[str, DeviceState]
    t: float = 0.0


class UndoJournal:
    """A bounded stack of :class:`UndoEntry` (the oldest falls off)."""

    def __init__(self, capacity: int = 20) -> None:
        self._entries: deque[UndoEntry] = deque(maxlen=capacity)

    def __len__(self) -> int:
        return len(self._entries)

    def record(self, entry: UndoEntry) -> None:
        if entry.previous:
            self._entries.append(entry)

    def last(self) -> UndoEntry | None:
        return self._entries[-1] if self._entries else None

    def pop(self) -> UndoEntry | None:
        return self._entries.pop() if self._entries else None


def _num(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _differs(a: Any, b: Any) -> bool:
    na, nb = _num(a), _num(b)
    return (na is not None and nb is not None and abs(na - nb) > 0.01) or (na is None and a != b)


def restore_actions(device: Device, previous: DeviceState, current: DeviceState) -> list[tuple[str, Any]]:
    """The actions that bring ``device`` from ``current`` back to ``previous``."""
    was, now = previous.attributes, current.attributes
    out: list[tuple[str, Any]] = []
    domain, state = device.domain, previous.state
    if domain == "lock":
        return [("lock" if state == "locked" else "unlock", None)] if state != current.state else []
    if domain == "cover":
        if Capability.POSITION in device.capabilities and _differs(
            was.get("current_position"), now.get("current_position")
        ):
            return [("set_position", _num(was.get("current_position")) or 0.0)]
        return [("open" if state == "open" else "close", None)] if state != current.state else []
    if domain == "vacuum":
        return (
            [("start" if state == "cleaning" else "return_to_base", None)] if state != current.state else []
        )
    if domain == "media_player" and state != current.state:
        out.append(
            {"playing": ("play", None), "paused": ("pause", None), "off": ("turn_off", None)}.get(
                state, ("turn_on", None)
            )
        )
    elif state != current.state and state in {"on", "off"}:
        if state == "on" and Capability.BRIGHTNESS in device.capabilities and _num(was.get("brightness")):
            out.append(("set_brightness", round((_num(was.get("brightness")) or 0) * 100 / 255, 1)))
        else:
            out.append(("turn_on" if state == "on" else "turn_off", None))
    elif (
        state == "on"
        and Capability.BRIGHTNESS in device.capabilities
        and _differs(was.get("brightness"), now.get("brightness"))
    ):
        out.append(("set_brightness", round((_num(was.get("brightness")) or 0) * 100 / 255, 1)))
    if (
        Capability.COLOR in device.capabilities
        and was.get("rgb_color")
        and was.get("rgb_color") != now.get("rgb_color")
    ):
        out.append(("set_color", list(was["rgb_color"])))
    old_white = kelvin_of(was)
    white = Capability.COLOR_TEMP in device.capabilities and state == "on"  # off: off is all it needs
    if white and old_white and _differs(old_white, kelvin_of(now)):
        out.append(("set_color_temp", round(old_white)))  # the white it had (kelvin, as every action)
    for cap, attr, action in (
        (Capability.TEMPERATURE_SET, "temperature", "set_temperature"),
        (Capability.VOLUME, "volume_level", "set_volume"),
    ):
        old = _num(was.get(attr))
        if cap in device.capabilities and old is not None and _differs(was.get(attr), now.get(attr)):
            out.append((action, old))
    if (
        domain == "oven"
        and state != current.state
        and state in {"on", "off"}
        and not any(a[0].startswith("turn") for a in out)
    ):
        out.append(("turn_on" if state == "on" else "turn_off", None))
    return out
