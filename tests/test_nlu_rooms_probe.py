"""Rooms named with numbers and floors (`tests/data/rooms_home.toml`: "bedroom 1", "bedroom 2", "bathroom
2", "upstairs hallway", "kids' room"; devices named only by their kind) and 24 requests on them
(`tests/data/rooms_probe.jsonl`, 10 blind), written before any ran, scored once on main: dev 13 of 14, blind
6 of 10 ("set bedroom 2 to 19 degrees" set 2 degrees; "is the light on in bedroom 2" asked of every
bedroom's lights; "turn on the lights in bedroom one" turned on bedroom 2's too). `numbered_names.py` reads
a numbered room without its number and keeps the reading to that room's devices: 14 and 10."""

from __future__ import annotations

from nlu_rows import misses, read_rows

from edge.config import Settings
from edge.nlu.parser import NLUParser


def test_requests_in_numbered_rooms() -> None:
    missed = misses(NLUParser(Settings()), read_rows("rooms_probe.jsonl"))
    assert not missed, missed
