"""Steps said in words: a cover moved a little (`edge/nlu/cover_steps.py`: "lower the blinds a bit" is a
step of its position, not all the way down), a cover said halfway (`edge/nlu/value_words.py`: "open the
blinds halfway" is position 50), a set temperature moved "up by 2" (`edge/nlu/temperature_steps.py`). Pure
pieces, then the real NLU model on the demo home and HA's test home (`tests/data/cover_steps.jsonl`)."""

from __future__ import annotations

from nlu_rows import misses, read_rows

from edge.config import Settings
from edge.context.model import Capability, Device, DeviceState
from edge.nlu.cover_steps import STEP, stepped
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import make_snapshot
from edge.nlu.temperature_steps import by_amount
from edge.nlu.types import Intent
from edge.nlu.value_words import in_numbers

BLINDS = Device(
    "cover.blinds",
    "blinds",
    "cover",
    area="den",
    capabilities=frozenset({Capability.OPEN_CLOSE, Capability.POSITION}),
)
PLAIN = Device("cover.awning", "awning", "cover", area="den", capabilities=frozenset({Capability.OPEN_CLOSE}))


def _intent(name: str, *targets: str) -> Intent:
    return Intent(name, {"domain": "cover"}, 0.99, "", targets)


def test_a_little_is_a_step_from_the_reported_position() -> None:
    snap = make_snapshot(
        {d.entity_id: d for d in (BLINDS, PLAIN)},
        "den",
        base={"cover.blinds": DeviceState("open", {"current_position": 60})},
    )
    down = stepped(_intent("HassTurnOff", "cover.blinds"), ["lower", "the", "blinds", "a", "bit"], snap)
    assert down is not None and down.name == "HassSetPosition" and down.slots["position"] == str(60 - STEP)
    up = stepped(_intent("HassTurnOn", "cover.blinds"), ["raise", "the", "blinds", "slightly"], snap)
    assert up is not None and up.slots["position"] == str(60 + STEP)
    assert stepped(_intent("HassTurnOff", "cover.blinds"), ["close", "the", "blinds"], snap) is None
    assert (
        stepped(_intent("HassTurnOff", "cover.awning"), ["close", "the", "awning", "a", "bit"], snap) is None
    )  # no position
    both = _intent("HassTurnOff", "cover.blinds", "cover.awning")
    assert stepped(both, ["close", "them", "a", "bit"], snap) is None


def test_halfway_is_an_amount_wherever_it_is_said() -> None:
    assert in_numbers(["open", "the", "blinds", "halfway"]) == "open the blinds to 50 percent"
    assert in_numbers(["open", "the", "blinds", "half", "way"]) == "open the blinds to 50 percent"
    assert in_numbers(["open", "the", "blinds", "to", "halfway"]) == "open the blinds to 50 percent"


def test_the_cover_steps_list() -> None:
    """Dev rows written with the code; the blind rows written before they were run, scored once (main 1 of
    6, this change 6 of 6)."""
    missed = misses(NLUParser(Settings()), read_rows("cover_steps.jsonl"))
    assert not missed, missed


HEATING = Device(
    "climate.heating", "heating", "climate", area="hall", capabilities=frozenset({Capability.TEMPERATURE_SET})
)


def test_up_or_down_by_an_amount_moves_the_set_temperature() -> None:
    snap = make_snapshot(
        {HEATING.entity_id: HEATING},
        "hall",
        base={"climate.heating": DeviceState("heat", {"temperature": 20})},
    )
    up = Intent("HassClimateSetTemperature", {"temperature": "2"}, 0.99, "", ("climate.heating",))
    moved = by_amount(up, ["turn", "the", "heating", "up", "by", "2", "degrees"], snap)
    assert moved is not None and moved.slots["temperature"] == "22"
    cooler = Intent("ClimateCooler", {}, 0.99, "", ("climate.heating",))
    down = by_amount(cooler, ["turn", "the", "heat", "down", "by", "1.5"], snap)
    assert (
        down is not None and down.name == "HassClimateSetTemperature" and down.slots["temperature"] == "18.5"
    )
    assert by_amount(up, ["set", "the", "heating", "to", "2"], snap) is None  # no "by": the model's reading
    assert by_amount(up, ["set", "the", "heating", "by", "2"], snap) is None  # no direction
    unknown = make_snapshot({HEATING.entity_id: HEATING}, "hall")
    assert by_amount(up, ["turn", "it", "up", "by", "2"], unknown) is None  # no set temperature reported
