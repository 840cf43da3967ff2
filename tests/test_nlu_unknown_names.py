"""A device named by words the home does not know is a name, never the room's devices of that kind (issue 14,
"never acting on a guess"): "set overhead light to red" in a kitchen with no overhead light turned the
kitchen lights red. The pure rule on the demo home, then the real model and planner."""

from __future__ import annotations

from functools import cache

import pytest

from edge.actions.planner import plan
from edge.config import Settings
from edge.lang import model_tokens
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import demo_devices, make_snapshot
from edge.nlu.unknown_names import named_phrase, routine_domain, unknown_object


@cache
def _parser() -> NLUParser:
    return NLUParser(Settings())


def test_unknown_words_before_a_kind_word_are_a_name() -> None:
    snap = make_snapshot(demo_devices(), "kitchen")
    assert named_phrase("set overhead light to red", {"color": "red"}, snap) == "overhead light"
    assert named_phrase("overhead light off", {"domain": "light"}, snap) == "overhead light"
    # the tagged area stays the area; the unknown word before the kind is the name
    assert named_phrase("turn on the kitchen overhead light", {"area": "kitchen"}, snap) == "overhead light"
    # a room with one device of the kind: a name for it is the household's own (the bedroom has one light)
    bedroom = make_snapshot(demo_devices(), "bedroom")
    assert named_phrase("turn on the overhead light", {}, bedroom) == ""
    assert named_phrase("turn on the overhead light", {}, snap) == "overhead light"
    # a name the tagger cut before its kind word, when no device is called that
    assert named_phrase("turn off overhead light", {"name": "overhead"}, snap) == "overhead light"
    for text, slots in (
        ("turn on the lights", {"domain": "light"}),  # nothing named
        ("turn on the kitchen light", {"area": "kitchen"}),  # an area
        ("turn on the office lamp", {}),  # words of a device's name
        ("turn the light red", {"color": "red"}),
        ("turn on the big light", {}),  # an everyday adjective
        ("switch all the lights off", {}),
        ("turn on the kitten light", {}),  # sounds like "kitchen": a mishearing, left to the resolver
        ("light on", {}),
    ):
        assert named_phrase(text, slots, snap) == "", text


@pytest.mark.parametrize(
    ("text", "acts_on", "says"),
    [
        ("set overhead light to red", [], "no device called 'overhead light'"),
        ("overhead light off", [], "no device called 'overhead light'"),
        ("turn on the lights", ["light.kitchen", "light.kitchen_ceiling"], ""),
        ("turn on the kitten light", ["light.kitchen"], ""),
        # a scene or script said by its class word is never another device (the demo home has none)
        # (the name as tagged: "tv" by the model before the ninth household draw, "tv off" whole by it)
        ("run the tv off script please", [], "no script called 'tv"),
        ("turn on the kitchen scene", [], "no scene in the kitchen"),
    ],
)
def test_the_planner_acts_on_no_guess(text: str, acts_on: list[str], says: str) -> None:
    snap = make_snapshot(demo_devices(), "kitchen")
    intent = _parser().parse(text, snap)
    assert intent is not None, text
    steps = plan(intent, snap)
    assert sorted(c.entity_id for c in steps.commands) == acts_on
    assert says in (steps.message or "")


def test_a_scene_or_script_is_said_by_its_class_word() -> None:
    assert routine_domain(model_tokens("run the tv off script please")) == "script"
    assert routine_domain(model_tokens("turn on the kitchen scene")) == "scene"
    assert routine_domain(model_tokens("turn on the kitchen light")) == ""
    assert routine_domain(model_tokens("run the scene script")) == ""  # both: the words do not say which


def test_a_thing_no_word_of_the_home_names_is_a_name_not_the_rooms_lights() -> None:
    """ "Turn on the fire" (Whisper's hearing of "turn on the fan") was read as the room's lights and turned
    them on; "turn on the geyser" (HWU64) too. A plain on/off request whose object no word of the home or of
    a kind names is a name: "no device called 'fire'"."""
    snap = make_snapshot(demo_devices(), "office")
    for text in ("turn on the fire", "switch the geyser on", "turn on the fire please", "turn off makie go",
                 "start moving", "please turn on console"):  # fmt: skip
        assert unknown_object("HassTurnOn", model_tokens(text), {"domain": "light"}, snap), text
    for text, slots in (
        ("turn on the lights", {"domain": "light"}),  # a kind
        ("turn on the telly", {"domain": "media_player"}),  # a kind said another way
        ("turn on the office lamp", {}),  # the home's words
        ("all lights has to be turned off during the day", {"domain": "light"}),  # a kind said anywhere
        ("it's dark in the study", {"domain": "light"}),  # no "turn on the X"
        ("turn off", {"domain": "light"}),  # nothing named: the room's lights, as HA
        ("turn everything off", {"domain": "light"}),  # a reference
        ("start cleaning", {"domain": "vacuum"}),  # a kind's own word
        ("turn on the fire", {"name": "fire"}),  # a name already tagged
    ):
        assert unknown_object("HassTurnOn", model_tokens(text), slots, snap) == "", text
    assert unknown_object("LightBrighter", model_tokens("brighten the fire"), {}, snap) == ""
    in_room = unknown_object(
        "HassTurnOn", model_tokens("turn on the fire in the bedroom"), {"area": "bedroom"}, snap
    )
    assert in_room == "fire"  # the room says where, not what: still no such device there
    fire = _parser().parse("turn on the fire", snap)
    assert fire is not None and fire.slots.get("name") == "fire" and fire.targets == ()
