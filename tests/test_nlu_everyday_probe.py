"""Everyday requests on three homes (`tests/data/everyday_probe.jsonl`: the demo home, and
`tests/data/probe_home.toml`, a home named as people name things: a christmas tree and a kettle on plugs, two
bedside lamps, an air purifier), written before the code they led to (`cover_steps.py`,
`temperature_steps.py`, `area_quantities.py`) was run on them. Scored once: the demo rows main 27 of 30,
the probe home's 39 of 42 on main; the blind rows (a set temperature moved "by N") main 2 -> 6 of 6, (a
room's quantity said as a name, "what's the office temperature") main 2 -> 5 of 5, (a level said of
lights, "put the porch light on 100 percent") main 2, scored 3, now 5 of 6. The known misses stay listed."""

from __future__ import annotations

from nlu_rows import misses, read_rows

from edge.config import Settings
from edge.nlu.parser import NLUParser

# Fixed since (session 34): "turn off the lamps" turned off the light strip too (targets._narrowed: a word
# that tells one light from another); "make the pendant 20 percent brighter" asked "brighten or change?"
# (value_words.light_step: a step of 20); "send the mower out" was not understood (named_requests: "send"
# and "the mower" for the home's one mower). Every row now passes.


def test_everyday_requests() -> None:
    missed = misses(NLUParser(Settings()), read_rows("everyday_probe.jsonl"))
    assert not missed, missed
