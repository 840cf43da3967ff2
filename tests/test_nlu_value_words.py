"""Amounts said in words (`edge/nlu/value_words.py`): "to half", "full brightness", "a quarter", "max",
"21 and a half". Pure helpers, then the real NLU model on the demo home."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from edge.config import Settings
from edge.lang import model_tokens
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import demo_devices, make_snapshot
from edge.nlu.types import Intent
from edge.nlu.value_words import in_numbers, light_step, with_half

VALUE_WORDS = Path(__file__).parent / "data" / "value_words.jsonl"
KNOWN_MISSES = {
    "make the reading lamp three quarters brightness",  # the tagger's 3
    "play half a world away",  # a song the model does not read as one
}


def test_amounts_in_words_become_percentages_only_where_they_are_amounts() -> None:
    assert in_numbers(["lights", "to", "half"]) == "lights to 50 percent"
    assert in_numbers(["the", "lamp", "to", "full", "brightness"]) == "the lamp to 100 percent brightness"
    assert in_numbers(["dim", "it", "to", "a", "quarter"]) == "dim it to 25 percent"
    assert in_numbers(["half", "volume"]) == "50 percent volume"
    assert in_numbers(["3", "quarters", "brightness"]) == "75 percent brightness"
    assert in_numbers(["play", "half", "a", "world", "away"]) is None  # not an amount there
    assert in_numbers(["im", "half", "asleep"]) is None


def test_a_half_goes_back_on_a_temperature_only() -> None:
    words = ["set", "the", "heating", "to", "21", "and", "a", "half"]
    assert with_half({"temperature": "21"}, words) == {"temperature": "21.5"}
    assert with_half({"minutes": "21"}, words) == {"minutes": "21"}  # timers have their own reading
    assert with_half({"temperature": "21"}, words[:5]) == {"temperature": "21"}


def test_the_value_words_set() -> None:
    """tests/data/value_words.jsonl: written before the code was run on them, scored once (main 2 / 12, this
    change 7 / 12; 8 with "three quarters" matched as the model's "3 quarters"; 2026-12-08, a level said of
    lights read as brighter or on, `value_words.light_set`: 10 / 12); the known misses stay."""
    parser = NLUParser(Settings())
    missed = []
    for row in (json.loads(line) for line in VALUE_WORDS.read_text("utf-8").splitlines() if line.strip()):
        if row["text"] in KNOWN_MISSES:
            continue
        context = row["context"]
        snap = make_snapshot(demo_devices(), context["area"], context.get("states") or {})
        intent = parser.parse(row["text"], snap)
        slot, value = row.get("slot") or ("", "")
        got = intent.slots.get(slot, "") if intent is not None else ""
        if row["acts_on"] and (intent is None or got != value):
            missed.append(f"{row['text']} -> {intent}")
        if not row["acts_on"] and intent is not None and slot and got != value:
            missed.append(f"{row['text']} -> {intent}")
    assert not missed, missed


def test_a_percentage_said_with_brighter_or_by_is_a_step_not_a_level() -> None:
    lamp = ("light.lamp",)
    level = Intent("HassLightSet", {"brightness": "20"}, 0.53, "", lamp)
    brighter = Intent("LightBrighter", {"brightness": "20"}, 0.53, "", lamp)
    for text, readings, want in (
        ("make the lamp 20 percent brighter", (level, brighter), "LightBrighter"),
        ("make the lamp 20 percent darker", (level,), "LightDimmer"),
        ("dim the lamp by 20 percent", (level,), "LightDimmer"),
    ):
        step = light_step(readings, model_tokens(text))
        assert step is not None and step.name == want and step.slots["brightness"] == "20", text
        assert step.targets == lamp, text
    for text, readings in (
        ("set the lamp to 20 percent", (level,)),  # a level
        ("make the lamp 20 percent", (level,)),  # no step word
        ("make the lamp 20 percent brighter", (brighter,)),  # the model's step stands
        ("make the lamp 20 percent brighter", (replace(level, targets=("switch.plug",)),)),  # not lights
    ):
        assert light_step(readings, model_tokens(text)) is None, text
