"""Ambiguous targets ask which one (issue 14, item 4): a singular request that several devices fit uses the
one in the satellite's area when that settles it, otherwise asks "Which one: ...?" and acts on nothing; the
answer runs the request on the device it names, through the gate (a lock still asks); a plural request
acts on all of them. `edge parse` prints the same decision. Real NLU model, real SQLite, the simulated home.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from engine_turns import hear_lines

from edge.actions.planner import plan, which_one
from edge.config import Settings
from edge.context.model import ContextSnapshot
from edge.dialog.responses import which_question
from edge.dialog.which import chosen, every_one
from edge.feedback.record import Asked, Dialog, TurnRecord
from edge.lab.sim.local import LocalHome
from edge.nlu.naming import said_name, whole_home
from edge.nlu.parser import NLUParser
from edge.nlu.resolve import Choice, choose_one, is_plural
from edge.nlu.snapshots import demo_devices, load_devices, make_snapshot
from edge.nlu.types import Intent
from edge.turns.confirming import decide

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / "tests" / "data" / "home_two_locks.toml"
LOCKS = ("lock.back_door", "lock.front_door")
THERMOSTATS = ("climate.bedroom", "climate.living_room", "climate.office")


@cache
def _parser() -> NLUParser:
    return NLUParser(Settings())


def _snapshot(area: str) -> ContextSnapshot:
    return make_snapshot(load_devices(HOME), area)


# -- the rule, pure ------------------------------------------------------------------------------------
def test_plural_and_whole_set_words() -> None:
    assert is_plural("turn off the lights", {})
    assert is_plural("turn everything off", {})
    assert is_plural("lock all the doors", {"name": "doors"})
    assert is_plural("lock both locks", {})
    assert is_plural("close the switches", {})
    assert not is_plural("unlock the door", {"name": "door"})
    assert not is_plural("set the thermostat to 21", {"domain": "climate"})
    assert not is_plural("turn on the light", {"domain": "light"})
    assert not is_plural("turn on the glass lamp", {"name": "glass lamp"})


def test_the_satellites_area_settles_it_or_the_turn_asks() -> None:
    kitchen, office, living = _snapshot("kitchen"), _snapshot("office"), _snapshot("living room")
    # the kitchen holds one of the two locks: that one; the office holds none: ask among both
    assert choose_one("unlock the door", {"name": "door"}, LOCKS, kitchen).targets == ("lock.back_door",)
    assert choose_one("unlock the door", {"name": "door"}, LOCKS, office) == Choice(LOCKS, ask=True)
    assert choose_one("set it to 21", {}, THERMOSTATS, living).targets == ("climate.living_room",)
    asked = choose_one("set the thermostat to 21", {}, THERMOSTATS, kitchen)
    assert asked.ask and asked.targets == THERMOSTATS
    # plural, or an area named: all of them
    assert choose_one("lock the doors", {"name": "doors"}, LOCKS, office).targets == LOCKS
    assert not choose_one("lock the doors", {"name": "doors"}, LOCKS, office).ask
    upstairs = choose_one("set the heating upstairs to 20", {"floor": "upstairs"}, THERMOSTATS[::2], kitchen)
    assert upstairs.targets == THERMOSTATS[::2] and not upstairs.ask


def test_a_word_said_that_one_name_holds_tells_that_device_apart() -> None:
    living = make_snapshot(demo_devices(), "living room")
    lights = ("light.living_room_ceiling", "light.living_room_lamp")
    assert all(t in living.devices for t in lights)  # the premise: the demo living room has both
    assert choose_one("turn on the lamp", {"domain": "light"}, lights, living).targets == (lights[1],)
    assert choose_one("switch the ceiling on", {"domain": "light"}, lights, living).targets == (lights[0],)
    # a kind's own word, or nothing that tells them apart: the room's lights, as before
    assert choose_one("turn on the light", {"domain": "light"}, lights, living).targets == lights
    assert choose_one("turn the lights on", {"domain": "light"}, lights, living).targets == lights
    # the real parser, from the living room satellite: only the lamp
    got = _parser().parse("turn on the lamp", living)
    assert got.name == "HassTurnOn"
    assert [c.entity_id for c in plan(got, living).commands] == [lights[1]]


def test_the_question_names_at_most_four() -> None:
    office = _snapshot("office")
    assert which_question(LOCKS, office) == "Which one: the back door lock or the front door lock?"
    assert which_question(THERMOSTATS, office) == (
        "Which one: the bedroom thermostat, the living room thermostat or the office thermostat?"
    )
    many = (*THERMOSTATS, "light.kitchen", "light.hallway")
    assert which_question(many, office) == "Which one? I know 5 of them."


def test_an_answer_names_one_offered_device_or_is_a_new_request() -> None:
    office = _snapshot("office")
    assert chosen("the front one", LOCKS, office) == "lock.front_door"
    assert chosen("back door lock", LOCKS, office) == "lock.back_door"
    assert chosen("the kitchen", LOCKS, office) == "lock.back_door"  # the back door lock's area
    assert chosen("the one in the hallway please", LOCKS, office) == "lock.front_door"
    assert chosen("the second one", LOCKS, office) == "lock.front_door"
    assert chosen("the bedroom", THERMOSTATS, office) == "climate.bedroom"
    assert chosen("the door lock", LOCKS, office) is None  # both have those words
    assert chosen("turn on the kitchen light", LOCKS, office) is None  # a new request
    assert chosen("the garage", LOCKS, office) is None
    assert chosen("yes", LOCKS, office) is None


# -- the planner: a confirmed plan acts on what was named, nothing more ---------------------------------
def test_the_planner_never_acts_on_two_locks_for_one_door() -> None:
    both = Intent("HassTurnOff", {"name": "door"}, 0.95, "unlock the door", LOCKS, target_scores=(0.9, 0.9))
    office = plan(both, _snapshot("office"))
    assert office.commands == () and office.outcome == "ask"
    assert "back door lock" in office.message and "front door lock" in office.message
    kitchen = plan(both, _snapshot("kitchen"))
    assert [c.entity_id for c in kitchen.commands] == ["lock.back_door"]
    assert kitchen.needs_confirmation  # the gate still asks, about that lock only
    plural = replace(both, text="unlock both doors", slots={"name": "doors"})
    assert sorted(c.entity_id for c in plan(plural, _snapshot("office")).commands) == list(LOCKS)
    # "lock" / "unlock" mean a lock, never the garage door that "door" also matches
    door = replace(both, targets=("cover.garage_door", *LOCKS), target_scores=(0.9, 0.9, 0.9))
    garage = _snapshot("garage")
    assert which_one(door, garage).candidates == LOCKS
    assert which_one(door, _snapshot("kitchen")).intent.targets == ("lock.back_door",)
    # only devices the request can act on are candidates: a sensor is never turned on
    on = Intent("HassTurnOn", {"name": "office thing"}, 0.9, "turn on the office thing",
                ("light.hallway", "sensor.office_temperature"), target_scores=(0.8, 0.8))  # fmt: skip
    assert which_one(on, _snapshot("office")).intent.targets == ("light.hallway",)
    # a taught macro acts on what it was taught (the user named it when teaching)
    macro = replace(both, source="macro")
    assert which_one(macro, _snapshot("office")).intent is macro


# -- through the turn engine (real NLU model, LocalHome, the recorder's SQLite) --------------------------
async def _turns(
    tmp_path: Path, area: str, lines: list[tuple[str, float]]
) -> tuple[LocalHome, list[TurnRecord]]:
    home = LocalHome.from_file(HOME, home_id="h")
    home.satellite = replace(home.satellite, area=area)
    return home, await hear_lines(home, tmp_path / "t.db", _parser(), lines)


def _state(home: LocalHome, entity_id: str) -> str:
    return home.snapshot().states[entity_id].state


def test_two_locks_ask_which_then_the_confirmed_plan_unlocks_only_that_one(tmp_path: Path) -> None:
    home, (ask, answer, yes) = asyncio.run(
        _turns(tmp_path, "office", [("unlock the door", 1.0), ("the front one", 3.0), ("yes", 5.0)])
    )
    assert ask.response == "Which one: the back door lock or the front door lock?"
    assert ask.asked is Asked.WHICH and ask.commands == ()
    assert answer.response == "Do you want me to unlock the front door lock?"  # the gate asks, as direct
    assert answer.asked is Asked.CONFIRM and answer.intent == "HassTurnOff"
    assert yes.dialog is Dialog.CONFIRM and yes.result_ok is True
    assert [c["entity_id"] for c in yes.commands] == ["lock.front_door"]
    assert _state(home, "lock.front_door") == "unlocked" and _state(home, "lock.back_door") == "locked"


def test_a_lock_in_the_satellites_area_is_the_one_asked_about(tmp_path: Path) -> None:
    home, (ask, yes) = asyncio.run(_turns(tmp_path, "kitchen", [("unlock the door", 1.0), ("yes", 3.0)]))
    assert ask.response == "Do you want me to unlock the back door lock?" and ask.asked is Asked.CONFIRM
    assert ask.targets == ("lock.back_door",)
    assert [c["entity_id"] for c in yes.commands] == ["lock.back_door"]
    assert _state(home, "lock.back_door") == "unlocked" and _state(home, "lock.front_door") == "locked"


def test_three_thermostats_ask_and_the_answer_sets_one(tmp_path: Path) -> None:
    home, (ask, answer) = asyncio.run(
        _turns(tmp_path, "kitchen", [("set the thermostat to 21", 1.0), ("the bedroom", 4.0)])
    )
    assert ask.asked is Asked.WHICH and ask.commands == ()
    assert ask.response.startswith("Which one: the bedroom thermostat, the living room thermostat")
    assert answer.result_ok is True and [c["entity_id"] for c in answer.commands] == ["climate.bedroom"]
    temps = {t: home.snapshot().states[t].attributes.get("temperature") for t in THERMOSTATS}
    assert temps["climate.bedroom"] == 21.0
    assert temps["climate.living_room"] != 21.0 and temps["climate.office"] != 21.0


def test_both_sets_every_thermostat_offered_and_unlocks_nothing_unasked(tmp_path: Path) -> None:
    """ "Both" / "all of them" answers with every device offered: the thermostats are set; the locks go
    through the gate, which asks before either is unlocked."""
    assert every_one("both") and every_one("all of them please") and every_one("both of them")
    assert not every_one("the bedroom") and not every_one("turn them all off") and not every_one("")
    home, (ask, answer) = asyncio.run(
        _turns(tmp_path, "kitchen", [("set the thermostat to 21", 1.0), ("all of them", 4.0)])
    )
    assert ask.asked is Asked.WHICH and answer.result_ok is True
    assert sorted(c["entity_id"] for c in answer.commands) == sorted(THERMOSTATS)
    assert all(home.snapshot().states[t].attributes.get("temperature") == 21.0 for t in THERMOSTATS)
    home, (ask, answer) = asyncio.run(
        _turns(tmp_path / "locks", "office", [("unlock the door", 1.0), ("both", 3.0)])
    )
    assert ask.asked is Asked.WHICH and answer.commands == () and answer.asked is Asked.CONFIRM
    assert [_state(home, lock) for lock in LOCKS] == ["locked", "locked"]


def test_in_an_area_with_one_thermostat_it_sets_that_one(tmp_path: Path) -> None:
    home, (turn,) = asyncio.run(_turns(tmp_path, "living room", [("set the thermostat to 21", 1.0)]))
    assert turn.asked is Asked.NONE and [c["entity_id"] for c in turn.commands] == ["climate.living_room"]
    assert home.snapshot().states["climate.living_room"].attributes.get("temperature") == 21.0


def test_anything_else_after_the_question_is_a_new_request(tmp_path: Path) -> None:
    home, (ask, other, late) = asyncio.run(
        _turns(
            tmp_path,
            "office",
            [("unlock the door", 1.0), ("turn on the kitchen light", 3.0), ("the front one", 5.0)],
        )
    )
    assert ask.asked is Asked.WHICH
    assert [c["entity_id"] for c in other.commands] == ["light.kitchen"]  # a new request, carried out
    # the question was dropped: "the front one" is a new request now (the model reads it as "lock the
    # front door", which the gate asks about); nothing is unlocked
    assert late.commands == () and late.response != "Do you want me to unlock the front door lock?"
    assert _state(home, "lock.front_door") == "locked"


def test_an_answer_after_the_window_is_a_new_request(tmp_path: Path) -> None:
    home, (_ask, late) = asyncio.run(
        _turns(tmp_path, "office", [("unlock the door", 1.0), ("the front one", 60.0)])
    )
    assert late.commands == () and late.response != "Do you want me to unlock the front door lock?"
    assert _state(home, "lock.front_door") == "locked"


def test_a_plural_request_and_the_rooms_lights_still_act_on_all(tmp_path: Path) -> None:
    lamps = ["light.living_room", "light.living_room_lamp"]
    home, turns = asyncio.run(
        _turns(tmp_path, "living room", [("turn on the lights", 1.0), ("turn off the light", 3.0)])
    )
    assert [t.asked for t in turns] == [Asked.NONE, Asked.NONE]
    # plural: all of them; "the light" in a room with two (nothing safety-critical, no device named):
    # the room's lights, as Home Assistant does
    assert [sorted(c["entity_id"] for c in t.commands) for t in turns] == [lamps, lamps]
    assert [_state(home, e) for e in lamps] == ["off", "off"]


def test_the_whole_home_is_every_room_not_the_satellites() -> None:
    for text in ("turn off all the lights in the house", "turn off the lights everywhere",
                 "lights off in every room please", "switch off the lights throughout the whole home",
                 "turn off the lights in all the rooms", "lights off all over the apartment"):  # fmt: skip
        assert whole_home(text), text
    for text in ("turn off the lights", "turn on the lights in my home office", "i'm home",
                 "turn off the house lights", "turn off all the lights"):  # fmt: skip
        assert not whole_home(text), text
    snap = make_snapshot(demo_devices(), "living room")
    every = sorted(d.entity_id for d in snap.devices.values() if d.domain == "light")
    room = ["light.living_room_ceiling", "light.living_room_lamp"]
    for text, want in (("turn off all the lights in the house", every),
                       ("turn off the lights in every room", every),
                       ("turn off all the lights", room), ("lights off", room)):  # fmt: skip
        intent = _parser().parse(text, snap)
        assert intent is not None and intent.name == "HassTurnOff", text
        steps = plan(intent, snap)
        assert sorted(c.entity_id for c in steps.commands) == want, text


# -- edge parse prints the decision ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("area", "text", "decision", "question", "acts_on"),
    [
        ("office", "unlock the door", "ask", "Which one: the back door lock or the front door lock?", []),
        ("kitchen", "unlock the door", "confirm", "Do you want me to unlock the back door lock?",
         ["lock.back_door"]),
        ("kitchen", "set the thermostat to 21", "ask", "Which one: the bedroom thermostat, the living room "
         "thermostat or the office thermostat?", []),
        ("living room", "set the thermostat to 21", "act", None, ["climate.living_room"]),
        ("living room", "turn on the lights", "act", None, ["light.living_room", "light.living_room_lamp"]),
        ("kitchen", "tell me a joke", "not_understood", None, []),
    ],
)  # fmt: skip
def test_parse_prints_the_decision_the_device_would_take(
    area: str, text: str, decision: str, question: str | None, acts_on: list[str]
) -> None:
    snapshot = _snapshot(area)
    intent = _parser().parse(text, snapshot)
    assert decide(intent, snapshot)[0] == decision
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "edge", "parse", "--home", str(HOME), "--area", area, text],
        capture_output=True, text=True, check=True, env=env, cwd=ROOT,
    )  # fmt: skip
    got = json.loads(out.stdout)
    assert got["decision"] == decision and got.get("question") == question
    assert sorted(got["acts_on"]) == acts_on


def test_a_reference_with_nothing_here_says_so_and_moves_nothing(tmp_path: Path) -> None:
    """ "close them" in an office with nothing open: the device says there is nothing here to close (not "I
    don't know a device called that") and the garage door elsewhere stays as it is."""
    home, (closed,) = asyncio.run(_turns(tmp_path, "office", [("close them", 1.0)]))
    assert closed.response == "There is nothing here to close."
    assert closed.commands == () and closed.result_ok is False
    assert home.snapshot().states == LocalHome.from_file(HOME, home_id="h").snapshot().states


def test_a_device_named_after_its_area_is_the_device_not_the_area() -> None:
    """ "turn off the living room lamp" may be tagged as an area and a kind (Home Assistant's "{area} lamp"
    templates); a device of exactly that name is what was meant, not every light of the living room."""
    demo = make_snapshot(demo_devices(), "kitchen")
    assert said_name("turn off the living room lamp", "living room", demo) == "living room lamp"
    assert said_name("turn off the living room lights", "living room", demo) == ""
    assert said_name("turn off the living room", "living room", demo) == ""
    # with no area tagged: a name said word for word, never a bare kind, an area or another slot's words
    assert said_name("is the living room lamp on", "", demo) == "living room lamp"
    assert said_name("turn on the light", "", demo) == ""
    assert said_name("turn on the kitchen", "", demo) == ""
    assert said_name("play living room lamp", "", demo, {"search_query": "living room lamp"}) == ""
    lamp = _parser().parse("turn off the living room lamp", demo)
    lights = _parser().parse("turn off the living room lights", demo)
    assert lamp is not None and lamp.targets == ("light.living_room_lamp",)
    assert lights is not None
    assert set(lights.targets) == {"light.living_room_lamp", "light.living_room_ceiling"}


def test_an_area_and_a_kind_are_that_areas_devices_of_that_kind() -> None:
    """With no kitchen fan, "the kitchen fan" is no kitchen light; "this room" is the satellite's area; a
    turn-on never reaches a sensor whose name sounds alike when a light fits."""
    demo = make_snapshot(demo_devices(), "living room")
    fan = _parser().parse("turn on the kitchen fan", demo)
    assert fan is not None and not any(t.startswith("light.") for t in fan.targets)
    here = _parser().parse("turn every light on in this room", demo)
    assert here is not None
    assert set(here.targets) == {"light.living_room_lamp", "light.living_room_ceiling"}


def test_a_temperature_for_the_oven_never_reaches_the_heating() -> None:
    """ "preheat to 200 degrees" names no device; the model's focus is the oven, so the oven is set, never the
    hallway thermostat (it had been: the oven intents became HassClimateSetTemperature)."""
    kitchen = make_snapshot(demo_devices(), "kitchen")
    preheat = _parser().parse("preheat to 200 degrees", kitchen)
    assert preheat is not None and preheat.name == "HassClimateSetTemperature"
    assert preheat.targets == ("oven.kitchen",)
    heating = _parser().parse("set the heating to 21 degrees", kitchen)
    assert heating is not None and heating.targets and all(t.startswith("climate.") for t in heating.targets)
