"""A fan's speed said by its name: "set the fan to high", "put the ceiling fan on medium", "bedroom fan on
full", "turn the fan up to high" (``NLUParser.analyse``).

Home Assistant's fan templates take a percentage only ("set the fan to 50%"); its climate templates read
"set the fan mode to high" as a thermostat's fan mode. People name a ceiling or pedestal fan's speed in
words, and the model reads "set the fan to high" as the thermostat's fan mode even in a bedroom whose fan
is right there (and acted on the hallway thermostat). Here, when the words name a speed (low, medium, high,
full, max...) of a fan ("fan", "fans", or a fan's own name) and nothing of a thermostat (no "mode", no
"thermostat", "heating", "ac", no climate device's name):

- the fan named whole, else the fans of the room said ("... in the bedroom"), else of the satellite's room;
- a fan with a speed (``Capability.FAN_SPEED``, a speed topic, or a percentage in its state) is set to
  the speed's percentage (``HassFanSetSpeed``: low 33, medium 66, high / full / max 100, HA's
  ``ordered_list_item_to_percentage`` over its three speeds); a fan that only turns on and off is turned
  on (``HassTurnOn``): the nearest thing to "high" it has;
- no fan there: None, and the model's reading stands (a room with only a thermostat: its fan mode, as HA).

Pure; the targets are this home's devices named or in the room, never a guess elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from edge.context.kinds import Kind, kind_of
from edge.context.model import Capability, ContextSnapshot, Device
from edge.lang import model_tokens, name_key
from edge.nlu.names_said import named_one, names_climate
from edge.nlu.types import Intent

__all__ = ["SPEEDS", "fan_speed"]

SPEEDS: Mapping[str, int] = {
    "low": 33,
    "lowest": 33,
    "slow": 33,
    "medium": 66,
    "mid": 66,
    "middle": 66,
    "high": 100,
    "highest": 100,
    "fast": 100,
    "full": 100,
    "max": 100,
    "maximum": 100,
    "top": 100,
}
"""Speed words and the percentage each sets."""

_BEFORE_SPEED = frozenset({"to", "on", "at"})
_CLIMATE_WORDS = frozenset(
    {"mode", "thermostat", "heating", "heat", "heater", "ac", "aircon", "conditioning", "climate", "hvac"}
)
_FAN_WORDS = frozenset({"fan", "fans"})
_TAIL = frozenset({"speed", "please", "now", "thanks", "for", "me", "in", "the", "of", "power", "setting"})


def fan_speed(text: str, snapshot: ContextSnapshot) -> Intent | None:
    """The fan speed request ``text`` makes of this home's fans (module doc); None when it makes none."""
    tokens = model_tokens(text)
    speed = _speed_word(tokens, snapshot)
    if speed is None or "and" in tokens or _CLIMATE_WORDS & set(tokens) or names_climate(tokens, snapshot):
        return None  # a thermostat's fan mode, or more than one request (each read on its own)
    fans = [d for d in snapshot.devices.values() if kind_of(d) is Kind.FAN]
    named = named_one(tokens, fans, _FAN_WORDS)
    if named is None and not _FAN_WORDS & set(tokens):
        return None
    area = _area_said(tokens, snapshot)
    if named is not None:
        targets = [named]
    else:
        here = name_key(area or snapshot.satellite.area)
        targets = [d for d in fans if here and name_key(d.area) == here]
    if not targets:
        return None
    slots: dict[str, str] = {"domain": "fan"}
    if named is not None:
        slots["name"] = named.name
    elif area:
        slots["area"] = area
    with_speed = [d for d in targets if _has_speed(d, snapshot)]
    if with_speed:
        slots["percentage"] = str(SPEEDS[speed])
        return _intent("HassFanSetSpeed", slots, text, with_speed)
    return _intent("HassTurnOn", slots, text, targets)


def _has_speed(device: Device, snapshot: ContextSnapshot) -> bool:
    """A fan whose speed can be set: listed as able, a speed topic discovered, or a percentage reported."""
    state = snapshot.states.get(device.entity_id)
    return (
        Capability.FAN_SPEED in device.capabilities
        or bool(device.extra.get("percentage_command_topic"))
        or (state is not None and "percentage" in state.attributes)
    )


def _speed_word(tokens: Sequence[str], snapshot: ContextSnapshot) -> str | None:
    """The speed word said after "to" / "on" / "at", with only a tail after it ("speed", "please", "in the
    bedroom"); None when there is none."""
    areas = {w for a in snapshot.areas for w in model_tokens(a)}
    for i in range(len(tokens) - 1, 0, -1):
        word = tokens[i]
        if word in SPEEDS and tokens[i - 1] in _BEFORE_SPEED:
            rest = tokens[i + 1 :]
            return word if all(w in _TAIL or w in areas for w in rest) else None
    return None


def _area_said(tokens: Sequence[str], snapshot: ContextSnapshot) -> str:
    """The room said after "in" / "of" ("... in the bedroom"), else ""."""
    said = f" {' '.join(tokens)} "
    for area in sorted(snapshot.areas, key=len, reverse=True):
        key = " ".join(model_tokens(area))
        if key and any(f" {p} {key} " in said or f" {p} the {key} " in said for p in ("in", "of")):
            return area
    return ""


def _intent(name: str, slots: Mapping[str, str], text: str, targets: Sequence[Device]) -> Intent:
    return Intent(
        name=name,
        slots=dict(slots),
        confidence=1.0,  # a speed word said of a fan this home has, in the room said or the satellite's
        text=text,
        targets=tuple(sorted(d.entity_id for d in targets)),
        source="text",
    )
