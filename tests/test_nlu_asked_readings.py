"""A state question that asks for one reading (`edge/nlu/asked_attributes.py`, `edge/nlu/now_playing.py`,
`edge/actions/attribute_answers.py`): "what's the volume on the kitchen speaker", "how bright is the office
lamp", "what's playing in the kitchen", "how far open are the blinds" are answered with that reading from
the snapshot, never with a number the device does not report, and never move anything. Pure pieces, then
the real NLU model and planner on the demo home."""

from __future__ import annotations

from edge.actions.attribute_answers import attribute_answer
from edge.actions.planner import plan
from edge.config import Settings
from edge.context.model import ContextSnapshot, DeviceState
from edge.nlu.asked_attributes import asked_attribute
from edge.nlu.now_playing import now_playing
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import demo_devices, make_snapshot


def _snap(area: str, states: dict[str, DeviceState]) -> ContextSnapshot:
    return make_snapshot(demo_devices(), area, base=states)


def test_the_reading_a_question_asks_for() -> None:
    assert asked_attribute(["whats", "the", "volume", "on", "the", "speaker"]) == "volume"
    assert asked_attribute(["how", "loud", "is", "it"]) == "volume"
    assert asked_attribute(["how", "bright", "is", "the", "lamp"]) == "brightness"
    assert asked_attribute(["whats", "playing"]) == "media"
    assert asked_attribute(["how", "far", "open", "are", "the", "blinds"]) == "position"
    assert asked_attribute(["is", "the", "lamp", "on"]) == ""


def test_each_reading_from_the_state_and_none_it_does_not_report() -> None:
    devices = demo_devices()
    speaker, lamp = devices["media_player.kitchen_speaker"], devices["light.office_lamp"]
    blinds = devices["cover.living_room_blinds"]
    playing = DeviceState(
        "playing", {"volume_level": 0.4, "media_title": "So What", "media_artist": "Miles Davis"}
    )
    assert attribute_answer(speaker, playing, "volume", "the kitchen speaker", "playing") == (
        "The kitchen speaker's volume is 40%."
    )
    assert attribute_answer(speaker, playing, "media", "the kitchen speaker", "playing") == (
        "The kitchen speaker is playing So What by Miles Davis."
    )
    quiet = DeviceState("playing", {})
    assert attribute_answer(speaker, quiet, "volume", "the kitchen speaker", "playing") == (
        "The kitchen speaker is playing; it doesn't report its volume."
    )
    assert attribute_answer(speaker, quiet, "media", "the kitchen speaker", "playing") is None  # its state
    on = DeviceState("on", {"brightness": 128})
    assert attribute_answer(lamp, on, "brightness", "the office lamp", "on") == (
        "The office lamp is on at 50% brightness."
    )
    assert (
        attribute_answer(lamp, DeviceState("off", {"brightness": 128}), "brightness", "the lamp", "off")
        is None
    )
    half = DeviceState("open", {"current_position": 75})
    assert attribute_answer(blinds, half, "position", "the living room blinds", "open") == (
        "The living room blinds are 75% open."
    )
    assert attribute_answer(lamp, on, "volume", "the office lamp", "on") is None  # a lamp has no volume


def test_what_is_playing_is_asked_of_a_player_here_or_named() -> None:
    playing = {"media_player.kitchen_speaker": DeviceState("playing", {"media_title": "So What"})}
    here = now_playing("what's playing", _snap("kitchen", playing))
    assert here is not None and here.targets == ("media_player.kitchen_speaker",)
    named = now_playing("what's playing in the bedroom", _snap("kitchen", playing))
    assert named is not None and named.targets == ("media_player.bedroom_speaker",)
    assert now_playing("what's playing on netflix", _snap("kitchen", playing)) is None
    assert now_playing("what's on the calendar", _snap("kitchen", playing)) is None
    assert now_playing("what's playing", _snap("office", {})) is None  # nothing plays anywhere


def test_answered_through_the_real_model_and_planner_and_nothing_moves() -> None:
    settings = Settings()
    parser = NLUParser(settings)
    states = {
        "media_player.kitchen_speaker": DeviceState(
            "playing", {"volume_level": 0.3, "media_title": "So What", "media_artist": "Miles Davis"}
        ),
        "light.office_lamp": DeviceState("on", {"brightness": 255}),
    }
    cases = {
        ("what's the volume on the kitchen speaker", "kitchen"): "volume is 30%",
        ("what's playing in the kitchen", "office"): "So What by Miles Davis",
        ("how bright is the office lamp", "office"): "100% brightness",
    }
    for (text, area), want in cases.items():
        snap = _snap(area, states)
        intent = parser.parse(text, snap)
        assert intent is not None and intent.name == "HassGetState", (text, intent)
        planned = plan(intent, snap)
        assert planned.outcome == "answer" and not planned.commands, (text, planned)
        assert want in planned.answer, (text, planned.answer)
