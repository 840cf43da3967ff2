"""Courtesy after a request (issue 14): the request without it, read again when the whole was under the
operating point; the same intent, then sure, stands; nothing else changes. Real NLU model, demo home."""

from __future__ import annotations

from edge.config import Settings
from edge.nlu.courtesy import without_courtesy
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import demo_devices, make_snapshot


def test_the_tail_goes_and_nothing_else() -> None:
    assert without_courtesy("Light up the living room for me.") == "light up the living room"
    assert without_courtesy("turn off the fan if you don't mind, thanks") == "turn off the fan"
    assert without_courtesy("turn on the fan now please") == "turn on the fan"
    assert without_courtesy("turn on the fan") == ""  # nothing to take away
    assert without_courtesy("please") == ""  # nothing would be left
    assert without_courtesy("please turn on the fan") == ""  # only what ends the request


def test_a_request_unsure_for_its_tail_is_read_without_it() -> None:
    parser = NLUParser(Settings())
    snap = make_snapshot(demo_devices(), "living room")
    result = parser.analyse("light up the living room for me", snap)
    assert result.intent is not None and result.intent.name == "HassTurnOn"
    assert result.intent.text == "light up the living room for me"  # the words heard are kept
    assert sorted(result.intent.targets) == ["light.living_room_ceiling", "light.living_room_lamp"]
    # out of domain with or without it: still nothing
    assert parser.analyse("tell me a joke please", snap).intent is None
