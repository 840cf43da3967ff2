"""A device request for later is a timer carrying it, never the request now (edge/nlu/delayed.py)."""

from __future__ import annotations

import pytest

from edge.config import Settings
from edge.nlu.delayed import Delayed, delayed
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import demo_devices, make_snapshot

_HOUR_AND_HALF = {"hours": "1", "minutes": "30"}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("open the garage door in 5 minutes", Delayed("open the garage door", {"minutes": "5"})),
        ("in 5 minutes, open the garage door", Delayed("open the garage door", {"minutes": "5"})),
        ("turn the heating off in half an hour", Delayed("turn the heating off", {"minutes": "30"})),
        (
            "after 1 hour and 30 minutes turn off the tv",
            Delayed("turn off the tv", {"hours": "1", "minutes": "30"}),
        ),
        ("turn off the lights for an hour", None),  # how long, not when
        ("turn on the light in the kitchen", None),
        ("set a timer for 5 minutes", None),
        ("cancel the timer in 5 minutes", Delayed("cancel the timer", {"minutes": "5"})),
    ],
)
def test_a_delay_at_either_end(text: str, found: Delayed | None) -> None:
    assert delayed(text) == found


def test_the_parse_is_a_timer_and_moves_nothing_now() -> None:
    parser = NLUParser(Settings())
    snapshot = make_snapshot(demo_devices(), "living room")
    for text in ("open the garage door in 5 minutes", "in 10 minutes turn off the tv"):
        intent = parser.parse(text, snapshot)
        assert intent is not None and intent.name == "HassStartTimer", text
        assert intent.targets == () and intent.slots["conversation_command"].startswith(("open", "turn"))
    now = parser.parse("open the garage door", snapshot)
    assert now is not None and now.name == "HassTurnOn"
