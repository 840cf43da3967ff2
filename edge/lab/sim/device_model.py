"""How a simulated device behaves, as pure functions: obey a command (with an injected fault and a seeded
delay) or be flipped by hand. No I/O: the MQTT simulator and the in-process home both use this."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from edge.actions.effects import apply_action
from edge.context.model import Device, DeviceState

__all__ = ["Fault", "Response", "manual_toggle", "parse_fault", "respond"]

MIN_DELAY_S = 0.05
MAX_DELAY_S = 0.3
SLOW_DELAY_S = (1.5, 3.0)


class Fault(StrEnum):
    NONE = "none"
    NO_RESPONSE = "no_response"  # takes the command, never reports
    WRONG_STATE = "wrong_state"  # reports, but the state did not change
    SLOW = "slow"  # obeys after seconds instead of milliseconds
    OFFLINE = "offline"  # gone: no response, and its availability says so


def parse_fault(text: str) -> Fault:
    try:
        return Fault(text.strip().lower())
    except ValueError as err:
        known = ", ".join(f.value for f in Fault)
        raise ValueError(f"unknown fault {text!r} (known: {known})") from err


@dataclass(frozen=True, slots=True)
class Response:
    """What the device reports (None: nothing) and after how many seconds."""

    state: DeviceState | None
    delay_s: float


def respond(
    device: Device,
    state: DeviceState,
    actions: Sequence[tuple[str, Any]],
    fault: Fault,
    rng: random.Random,
    *,
    t_ms: float = 0.0,
) -> Response:
    """The device's reaction to one command message (its decoded ``actions``)."""
    delay = rng.uniform(MIN_DELAY_S, MAX_DELAY_S)
    if fault in {Fault.NO_RESPONSE, Fault.OFFLINE}:
        return Response(None, 0.0)
    if fault is Fault.WRONG_STATE:
        return Response(DeviceState(state.state, state.attributes, t_ms), delay)
    new = state
    for action, value in actions:
        new = apply_action(device, new, action, value, t_ms)
    if fault is Fault.SLOW:
        delay = rng.uniform(*SLOW_DELAY_S)
    return Response(DeviceState(new.state, new.attributes, t_ms), delay)


_FLIP = {"on": "off", "off": "on", "locked": "unlocked", "unlocked": "locked", "open": "closed",
         "closed": "open", "playing": "paused", "paused": "playing", "idle": "playing", "cleaning": "docked",
         "docked": "cleaning", "heat": "off", "brewing": "off", "unknown": "on"}  # fmt: skip


def manual_toggle(
    device: Device, state: DeviceState, t_ms: float = 0.0, to: str | None = None
) -> DeviceState:
    """A change made by hand (wall switch, app): the state flips, or becomes ``to``."""
    new = to if to is not None else _FLIP.get(state.state, "off" if state.state != "off" else "on")
    attrs = dict(state.attributes)
    if "current_position" in attrs and new in {"open", "closed"}:
        attrs["current_position"] = 100 if new == "open" else 0
    if device.domain == "climate" and to is None and state.state == "off":
        new = "heat"
    return DeviceState(new, attrs, t_ms)
