"""State questions about anything ("is anything still on", "did I leave anything on", "is anything on in the
office"): asked of every device that can be on or off, in the area named or the home, never of binary
sensors the model's focus named; the answer lists what is on and sums up the rest. Real model and planner."""

from __future__ import annotations

from edge.actions.planner import plan
from edge.config import Settings
from edge.lang import model_tokens
from edge.nlu.parser import NLUParser
from edge.nlu.questions import read_tokens
from edge.nlu.snapshots import demo_devices, make_snapshot


def test_anything_is_every_device_not_one_called_anything() -> None:
    question = read_tokens(model_tokens("is anything still on"))
    assert question is not None and question.every and question.subject == "" and question.state == "on"
    named = read_tokens(model_tokens("is the office lamp on"))
    assert named is not None and not named.every and named.subject == "the office lamp"


def _answer(text: str, area: str, states: dict[str, str]) -> str:
    parser = NLUParser(Settings())
    snap = make_snapshot(demo_devices(), area, states)
    intent = parser.parse(text, snap)
    assert intent is not None and intent.name == "HassGetState", text
    made = plan(intent, snap)
    assert made.outcome == "answer" and not made.commands, text
    return made.answer or ""


def test_what_is_left_on_is_told_and_nothing_moves() -> None:
    on = {"oven.kitchen": "on", "light.living_room_ceiling": "off"}
    said = _answer("did i leave anything on", "hallway", on)
    assert said.startswith("The oven is on") and said.endswith("everything else is off."), said
    assert _answer("is anything on in the office", "kitchen", {"switch.office_plug": "on"}).endswith(
        "the office plug is on."
    )
    quiet = {"oven.kitchen": "off", "light.living_room_ceiling": "off"}
    assert _answer("is anything still on", "kitchen", quiet) == "Nothing is on."


def test_anything_in_a_room_named_as_the_home_spells_it() -> None:
    from edge.context.model import Capability, Device  # noqa: PLC0415 - this test's own home

    on_off = frozenset({Capability.ON_OFF})
    devices = {
        "light.desk": Device("light.desk", "Desk Light", "light", "Office", capabilities=on_off),
        "switch.printer": Device("switch.printer", "Printer", "switch", "Office", capabilities=on_off),
        "light.hall": Device("light.hall", "Hall Light", "light", "Hallway", capabilities=on_off),
    }
    parser = NLUParser(Settings())
    snap = make_snapshot(devices, "Hallway", {"switch.printer": "on", "light.hall": "on"})
    intent = parser.parse("is anything on in the office", snap)
    assert intent is not None and sorted(intent.targets) == ["light.desk", "switch.printer"]
    assert plan(intent, snap).answer == "The Desk Light is off; the Printer is on."
