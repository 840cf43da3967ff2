"""A reading the live state rules out gives its weight to the other (edge/nlu/state_fit.py): "turn on the tv"
with the TV off is not "resume the TV", so the device turns it on instead of asking which of the two."""

from __future__ import annotations

import dataclasses
import functools

from edge.config import Settings
from edge.context.homes import load_home
from edge.context.model import ContextSnapshot, DeviceState, Satellite
from edge.nlu.parser import NLUParser
from edge.nlu.state_fit import ruled_out
from edge.resources import demo_home

TV = "media_player.living_room_tv"


@functools.cache
def _parser() -> NLUParser:
    return NLUParser(Settings())


def _living_room(tv: str | None) -> ContextSnapshot:
    snapshot = load_home(demo_home()).snapshot(Satellite(area="living room"))
    states = {k: v for k, v in snapshot.states.items() if k != TV}
    if tv is not None:
        states[TV] = DeviceState(tv)
    return dataclasses.replace(snapshot, states=states)


def test_resuming_or_pausing_needs_a_player_in_that_state() -> None:
    off, paused, playing, unknown = (_living_room(s) for s in ("off", "paused", "playing", None))
    assert ruled_out("HassMediaUnpause", (TV,), off) and ruled_out("HassMediaUnpause", (TV,), playing)
    assert not ruled_out("HassMediaUnpause", (TV,), paused)
    assert ruled_out("HassMediaPause", (TV,), paused) and not ruled_out("HassMediaPause", (TV,), playing)
    assert not ruled_out("HassMediaUnpause", (TV,), unknown)  # a state not known rules nothing out
    assert not ruled_out("HassTurnOn", (TV,), off) and not ruled_out("HassMediaUnpause", (), off)


def test_turn_on_the_tv_turns_it_on_when_it_is_off_and_asks_when_it_is_paused() -> None:
    parser = _parser()
    off = parser.analyse("turn on the tv", _living_room("off"))
    assert off.intent is not None and (off.intent.name, off.intent.targets) == ("HassTurnOn", (TV,))
    assert off.intent.confidence >= Settings().nlu.act_below
    paused = parser.analyse("turn on the tv", _living_room("paused"))
    # a paused TV may be resumed: nothing is ruled out, and the torn reading (under the point) is not acted on
    assert paused.confidence < Settings().nlu.act_below and paused.intent is None
