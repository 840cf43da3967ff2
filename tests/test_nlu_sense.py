"""The NLU model's own reading of two requests (edge.nlu.sense) links a rewording after "Sorry" that shares no
word with the request it retries; the composition root hands it to the feedback recorder. Runs the committed
model on a real SQLite store."""

from __future__ import annotations

import asyncio
from functools import cache
from pathlib import Path

from edge.config import FeedbackSettings, Settings
from edge.feedback.record import TurnRecord
from edge.feedback.signals import detect_rephrases
from edge.lab.sim.local import LocalHome
from edge.nlu.parser import NLUParser
from edge.nlu.sense import IntentSense
from edge.wiring import build_turns

HOME = Path(__file__).resolve().parent / "data" / "home_two_locks.toml"
SORRY = "Sorry, I don't know that."


@cache
def _parser() -> NLUParser:
    return NLUParser(Settings())


def _turn(tid: str, t: float, text: str, intent: str | None = None, response: str = "") -> TurnRecord:
    return TurnRecord(tid, "s", "h", t, t + 1.5, asr_text=text, text=text, intent=intent, response=response)


def test_the_model_reads_the_same_wish_in_other_words() -> None:
    sense = IntentSense(_parser().model)
    assert sense("hoover the floor please", "start the robot vacuum") >= 0.95
    assert sense("make the room less bright", "dim the lights") >= 0.95
    assert sense("turn off the kitchen light", "what time is it") < 0.5
    assert (
        sense("what is the capital of france", "turn on the kitchen light") == 0.0
    )  # out of the home's domain
    assert sense("who wrote hamlet", "what is the capital of france") == 0.0  # two misses share nothing
    assert sense("", "turn on the light") == 0.0


def test_a_rewording_after_sorry_links_with_the_models_reading_and_not_without() -> None:
    sense = IntentSense(_parser().model)
    missed = _turn("a", 0, "hoover the floor please", response=SORRY)
    retry = _turn("b", 5, "start the robot vacuum", intent="HassVacuumStart")
    fb = FeedbackSettings()
    assert detect_rephrases([missed, retry], fb) == []  # nothing in common by wording, intent or device
    linked = detect_rephrases([missed, retry], fb, sense=sense)
    assert [(s.turn_id, s.related_turn_id) for s in linked] == [("a", "b")]
    other = _turn("b", 5, "what time is it", intent="HassGetCurrentTime")
    assert detect_rephrases([missed, other], fb, sense=sense) == []
    trivia = _turn("a", 0, "who won the game last night", response=SORRY)
    timer = _turn("b", 5, "set a timer for 5 minutes", intent="HassStartTimer")
    assert detect_rephrases([trivia, timer], fb, sense=sense) == []


def test_the_composition_root_gives_the_recorder_the_models_reading(tmp_path: Path) -> None:
    async def recorder_sense() -> object:
        home = LocalHome.from_file(HOME)
        async with await build_turns(
            Settings(), home, db=tmp_path / "t.db", parser=_parser(), rewriter=None, speaker=None
        ) as turns:
            return turns.recorder.sense

    assert isinstance(asyncio.run(recorder_sense()), IntentSense)


def test_the_kind_of_device_links_a_rewording_after_sorry_and_two_misses_share_none() -> None:
    sense = IntentSense(_parser().model)
    assert sense.domain("I need some air down here", "turn on the ceiling fan") >= 0.8
    assert sense.domain("it's too dark to read", "switch on the reading lamp") >= 0.8
    assert sense.domain("turn on the big light", "turn on the tv") < 0.5  # a light, then a media player
    assert sense.domain("order more dog food", "set a timer for 10 minutes") == 0.0  # no device kind
    assert sense.domain("what's the capital of peru", "turn on the kitchen light") == 0.0  # out of domain
    fb = FeedbackSettings()
    missed = _turn("a", 0, "I need some air down here", response=SORRY)
    fan = _turn("b", 4, "turn on the ceiling fan", intent="HassTurnOn")
    assert [(s.turn_id, s.related_turn_id) for s in detect_rephrases([missed, fan], fb, sense=sense)] == [
        ("a", "b")
    ]
    assert detect_rephrases([missed, fan], fb) == []  # no word, intent or device in common
    trivia = _turn("a", 0, "what's the capital of peru", response=SORRY)
    light = _turn("b", 4, "turn off the kitchen light", intent="HassTurnOff")
    assert detect_rephrases([trivia, light], fb, sense=sense) == []
