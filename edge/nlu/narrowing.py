"""Of several devices a request fits, the ones its words fit (:func:`narrowed`, for
:func:`edge.nlu.targets.choose_targets`): a state question only the devices that can be in the state asked
and those of the class it names; the openings or lights a word tells apart ("the shutters", "the lamps");
the players playing, for a playback or volume request. When none fit, all of them, as before. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from edge.context.kinds import Kind, kind_of, name_words
from edge.context.model import ContextSnapshot, Device
from edge.lang import model_tokens

__all__ = ["MEDIA_PLAYING", "NOT_STATES", "narrowed"]

MEDIA_PLAYING = frozenset(
    {
        "HassMediaPause",
        "HassMediaNext",
        "HassMediaPrevious",
        "HassSetVolumeRelative",
        "HassSetVolume",
        "HassMediaPlayerMute",
        "HassMediaPlayerUnmute",
    }
)
"""Requests on what a player is playing (pause, skip, volume, mute)."""
NOT_STATES: Mapping[str, frozenset[str]] = {
    # a state question never asks a device a state it cannot have: "is the kettle on" is not about the
    # kettle plug's power sensor, "is the front door locked" not about its contact sensor
    "on": frozenset({"sensor"}), "off": frozenset({"sensor"}),
    "locked": frozenset({"sensor", "binary_sensor", "cover", "switch", "light"}),
    "unlocked": frozenset({"sensor", "binary_sensor", "cover", "switch", "light"}),
    "open": frozenset({"sensor", "lock"}), "closed": frozenset({"sensor", "lock"}),
}  # fmt: skip
_COVER_WORDS = frozenset({"blind", "curtain", "shade", "shutter", "awning", "skylight", "window", "gate",
                          "drape"})  # fmt: skip
"""Words that tell one opening from another: "close the shutters" in a room with curtains and shutters."""
_LIGHT_WORDS = frozenset({"lamp", "strip", "lightstrip", "spotlight", "spot", "pendant", "chandelier",
                          "downlight", "sconce", "bulb", "lantern", "uplighter"})  # fmt: skip
"""Words that tell one light from another: "turn off the lamps" in a room with a floor lamp and a strip."""


def narrowed(
    intent: str, slots: Mapping[str, str], text: str, targets: tuple[str, ...], snapshot: ContextSnapshot
) -> tuple[str, ...]:
    """Of several matches, the ones the words fit, when some do (else all of them, as before): a state
    question only the devices that can be in the state asked (:data:`NOT_STATES`) and, when it says one,
    those of the device class it names ("power", "humidity"); a word that tells one opening from another
    ("the shutters", "the skylight") only the openings it names or classes; a word that tells one light from
    another ("the lamps", "the spotlights") only the lights whose names say it."""
    devices = [snapshot.devices[t] for t in targets if t in snapshot.devices]
    if len(devices) < 2:
        return targets
    words = set(model_tokens(text))
    state = slots.get("state", "").strip().lower()
    if intent == "HassGetState" and state in NOT_STATES:
        fit = [d for d in devices if d.domain not in NOT_STATES[state]]
        devices = fit or devices
    if intent == "HassGetState":  # "how much power is the kettle using": its power sensor
        asked = words - set(model_tokens(slots.get("name", "")))  # "the front door" names no class
        fit = [d for d in devices if d.device_class.lower().replace("_", " ") in asked]
        devices = fit or devices
    said = {w.removesuffix("s") for w in words} & _COVER_WORDS
    if said and all(kind_of(d) in {Kind.COVER, Kind.GARAGE_DOOR, Kind.GATE, Kind.DOOR} for d in devices):
        fit = [d for d in devices if said & ({w.removesuffix("s") for w in name_words(d)} | {d.device_class})]
        devices = fit or devices
    if intent in MEDIA_PLAYING:  # "turn up the volume in the living room":
        fit = [d for d in devices if _playing(d, snapshot)]  # the player playing there, not the idle TV
        devices = fit or devices
    said = {w.removesuffix("s") for w in words} & _LIGHT_WORDS
    if said and all(kind_of(d) is Kind.LIGHT for d in devices):
        fit = [d for d in devices if any(w in n for w in said for n in name_words(d))]
        devices = fit or devices
    kept = {d.entity_id for d in devices}
    return tuple(t for t in targets if t in kept)


def _playing(d: Device, snapshot: ContextSnapshot) -> bool:
    state = snapshot.states.get(d.entity_id)
    return state is not None and state.state.lower() == "playing"
