"""Requests as a recognizer writes them (`tests/data/spoken_probe.jsonl`: hesitations, "turn of", numbers
in words, a word said twice, names split or joined, a trailing "and"), on the demo home and the flat,
written before any ran (15 of 35 blind), scored once on main: dev 20 of 20, blind 14 of 15 ("er switch off
the kitchen lights": "no device called 'er switch'"). `hesitations.py` drops such sounds first: 15 of 15."""

from __future__ import annotations

from nlu_rows import misses, read_rows

from edge.config import Settings
from edge.nlu.hesitations import without_hesitations
from edge.nlu.parser import NLUParser


def test_requests_as_a_recognizer_writes_them() -> None:
    missed = misses(NLUParser(Settings()), read_rows("spoken_probe.jsonl"))
    assert not missed, missed


def test_hesitations_are_dropped_and_nothing_else() -> None:
    assert without_hesitations("er switch off the uh kitchen lights") == "switch off the kitchen lights"
    assert without_hesitations("Erm, set it to 21") == "set it to 21"
    text = "turn on the hermit crab lamp"  # "er" inside a word is a word
    assert without_hesitations(text) is text
    assert without_hesitations("um uh") == "um uh"  # nothing else said: left as it was
