"""Readings a device's live state rules out, as Home Assistant's intents do: it resumes only a paused media
player and pauses only a playing one. So "turn on the tv" with the TV off cannot mean "resume the TV", and
when the model is torn between the two (HassTurnOn / HassMediaUnpause at about one half each), the reading
the state rules out gives its weight to the other instead of a question ("turn on or resume the tv?").

What a device can do rules readings out the same way: "set the aircon to 19" torn between a temperature and
a position (HassSetPosition at about one half) is a temperature, for a thermostat has no position to set.
Only capabilities that are never implied are read here (a light's on/off and a fan's speed are left alone)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from edge.context.model import Capability, ContextSnapshot

__all__ = ["NEEDS_CAPABILITY", "NEEDS_STATE", "domain_of", "ruled_out"]

NEEDS_STATE: Mapping[str, frozenset[str]] = {
    "HassMediaUnpause": frozenset({"paused"}),
    "HassMediaPause": frozenset({"playing"}),
}
"""The states a target must be in for the intent to apply (Home Assistant's ``required_states``)."""

_TEMPERATURE = frozenset({Capability.TEMPERATURE_SET})
_PLAYBACK = frozenset({Capability.MEDIA_PLAYBACK})
_VOLUME = frozenset({Capability.VOLUME})
_VACUUM = frozenset({Capability.VACUUM})
NEEDS_CAPABILITY: Mapping[str, frozenset[Capability]] = {
    "HassSetPosition": frozenset({Capability.POSITION, Capability.OPEN_CLOSE}),
    "HassClimateSetTemperature": _TEMPERATURE, "ClimateWarmer": _TEMPERATURE, "ClimateCooler": _TEMPERATURE,
    "HassLightSet": frozenset({Capability.BRIGHTNESS, Capability.COLOR, Capability.COLOR_TEMP}),
    "HassMediaPause": _PLAYBACK, "HassMediaUnpause": _PLAYBACK,
    "HassMediaNext": _PLAYBACK, "HassMediaPrevious": _PLAYBACK,
    "HassSetVolume": _VOLUME, "HassSetVolumeRelative": _VOLUME,
    "HassMediaPlayerMute": _VOLUME, "HassMediaPlayerUnmute": _VOLUME,
    "HassVacuumStart": _VACUUM, "HassVacuumReturnToBase": _VACUUM, "HassVacuumCleanArea": _VACUUM,
}  # fmt: skip
"""One of these a target must have for the intent to apply to it (never implied by its domain)."""


def ruled_out(intent: str, targets: Sequence[str], snapshot: ContextSnapshot) -> bool:
    """True when every target's known state, or what every target can do, rules ``intent`` out; False when a
    state or a target is unknown."""
    if not targets:
        return False
    can = NEEDS_CAPABILITY.get(intent)
    devices = [snapshot.devices.get(t) for t in targets]
    if can is not None and all(d is not None and not (can & d.capabilities) for d in devices):
        return True
    needs = NEEDS_STATE.get(intent)
    if needs is None:
        return False
    states = [snapshot.states.get(t) for t in targets]
    return all(s is not None and s.state.lower() not in needs for s in states)


def domain_of(
    slots: Mapping[str, str], targets: Sequence[str], snapshot: ContextSnapshot
) -> Mapping[str, str]:
    """``slots`` with the targets' own domain when they share one and the model's focus named another (the
    focus read for the reading that was ruled out: "set the aircon to 19" torn with a cover's position)."""
    domains = {snapshot.devices[t].domain for t in targets if t in snapshot.devices}
    if "domain" not in slots or len(domains) != 1 or slots["domain"] in domains:
        return slots
    return MappingProxyType({**slots, "domain": domains.pop()})
