"""Slots as Home Assistant gives them: a started timer's duration as said (edge/nlu/timer_slots.py), a number
under the slot its intent takes (edge/nlu/value_slots.py)."""

from __future__ import annotations

from edge.config import Settings
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import demo_devices, make_snapshot
from edge.nlu.timer_slots import timer_slots, timer_verb_of
from edge.nlu.value_slots import value_slots


def test_the_nlu_gives_a_started_timer_the_duration_said() -> None:
    """The tagger misses halves and sometimes tags a starting duration; the parse carries what was said, in
    Home Assistant's slots ("5 and a half minutes": minutes 5, seconds 30)."""
    assert timer_slots("HassStartTimer", {"minutes": "5"}, "set a timer for 5 and a half minutes") == {
        "minutes": "5", "seconds": "30"
    }  # fmt: skip
    assert timer_slots("HassStartTimer", {}, "set a timer for half an hour") == {"minutes": "30"}
    assert timer_slots("HassStartTimer", {"start_hours": "1"}, "create 1 hour timer") == {"hours": "1"}
    assert timer_slots("HassStartTimer", {"minutes": "90"}, "a timer for 90 minutes") == {"minutes": "90"}
    assert timer_slots("HassIncreaseTimer", {"minutes": "5", "name": "pizza"}, "add 5 minutes to pizza") == {
        "minutes": "5", "name": "pizza"
    }  # fmt: skip
    # the 10 minute timer is named by its duration, the 5 minutes are the amount
    assert timer_slots(
        "HassIncreaseTimer", {"start_minutes": "10"}, "add 5 minutes to the 10 minute timer"
    ) == {"start_minutes": "10", "minutes": "5"}
    assert timer_slots("HassCancelTimer", {"start_minutes": "5"}, "cancel the 5 minute timer") == {
        "start_minutes": "5"
    }
    # a running timer asked about by its name ("the pizza timer"), never by an article, place or duration
    asked = "how much time is left on the pizza timer"
    assert timer_slots("HassTimerStatus", {}, asked) == {"name": "pizza"}
    for text in ("how much time is left on the timer", "how long is left on my kitchen timer",
                 "is the 5 minute timer done", "cancel all timers"):  # fmt: skip
        assert "name" not in timer_slots("HassTimerStatus", {}, text), text
    assert timer_slots("HassTimerStatus", {"start_minutes": "5"}, "the 5 minute timer") == {
        "start_minutes": "5"
    }
    parsed = NLUParser(Settings()).parse(
        "set a timer for 5 and a half minutes", make_snapshot(demo_devices())
    )
    assert parsed is not None and parsed.name == "HassStartTimer"
    assert (parsed.slots.get("minutes"), parsed.slots.get("seconds")) == ("5", "30")


def test_a_number_belongs_to_the_slot_its_intent_takes() -> None:
    assert value_slots("HassSetPosition", {"temperature": "100", "name": "main valve"}) == {
        "position": "100", "name": "main valve"
    }  # fmt: skip
    assert value_slots("HassSetPosition", {"position": "40"}) == {"position": "40"}
    assert value_slots("HassLightSet", {"temperature": "100"}) == {"temperature": "100"}  # takes two: left
    assert value_slots("HassSetVolume", {"brightness": "30", "position": "2"}) == {
        "brightness": "30", "position": "2"
    }  # fmt: skip


def test_the_verb_decides_among_timer_intents_at_parse_time() -> None:
    """ "get rid of the 15 minute timer" was read as starting one, "put the timer on hold" as adding time
    (HA's catalogue, the blind set's misses read after it was scored): the verb decides, in the parse too."""
    assert timer_verb_of("get rid of the 15 minute timer") == "HassCancelTimer"
    assert timer_verb_of("get rid of all the timers") == "HassCancelAllTimers"
    assert timer_verb_of("put the timer on hold") == "HassPauseTimer"
    assert timer_verb_of("set a timer for 15 minutes") is None
    parser = NLUParser(Settings())
    snap = make_snapshot(demo_devices(), "kitchen")
    cancel = parser.parse("get rid of the 15 minute timer", snap)
    assert (
        cancel is not None and cancel.name == "HassCancelTimer" and cancel.slots.get("start_minutes") == "15"
    )
    later = parser.parse("turn off the oven in 10 minutes", snap)
    assert later is not None and later.name == "HassStartTimer"  # a request for later still starts its timer
