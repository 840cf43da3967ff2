"""Abstaining instead of guessing: below the operating point (``nlu.act_below``) nothing moves; the device
asks between two readings or says it did not understand; the answer runs the chosen reading through the
gate; the turn is stored with ``asked`` = ``unsure``.

The question and the answer are pure (hand-made readings); the parser's side runs the committed model; the
turn engine runs on a LocalHome and the recorder's real SQLite store with a behavioural parser that gives
two fixed readings (what the model's runner-up is depends on the model, the dialogue does not)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from engine_turns import hear_lines

from edge.config import Settings, load_settings
from edge.context.model import ContextSnapshot
from edge.dialog.unsure import chosen_reading, unsure_question
from edge.errors import ConfigError
from edge.feedback.record import Asked, Dialog, TurnRecord
from edge.lab.sim.local import LocalHome
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import load_devices, make_snapshot
from edge.nlu.types import Intent
from edge.turns.confirming import decide

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / "tests" / "data" / "home_two_locks.toml"


def _snapshot(area: str = "kitchen") -> ContextSnapshot:
    return make_snapshot(load_devices(HOME), area)


def _reading(name: str, *targets: str, text: str = "the thing") -> Intent:
    return Intent(name, {}, 0.5, text, targets, 0.1, "text", tuple(1.0 for _ in targets))


ON_OFF = (_reading("HassTurnOn", "light.kitchen"), _reading("HassTurnOff", "light.kitchen"))
TWO_LIGHTS = (_reading("HassTurnOn", "light.kitchen"), _reading("HassTurnOn", "light.hallway"))
LOCK = (_reading("HassTurnOn", "lock.back_door"), _reading("HassTurnOff", "lock.back_door"))


# -- the question and the answer, pure ------------------------------------------------------------------
def test_the_question_names_what_differs() -> None:
    snap = _snapshot()
    assert unsure_question(ON_OFF, snap) == "Do you want me to turn on or turn off the kitchen light?"
    assert unsure_question(TWO_LIGHTS, snap) == "Did you mean the kitchen light or the hallway light?"
    both = (_reading("LightDimmer", "light.kitchen"), _reading("ClimateWarmer", "climate.office"))
    assert (
        unsure_question(both, snap)
        == "Do you want me to dim the kitchen light or warm up the office thermostat?"
    )
    assert unsure_question(LOCK, snap) == "Do you want me to lock or unlock the back door lock?"
    nothing = (_reading("HassTurnOn", "light.kitchen"), _reading("HassTurnOff"))
    assert unsure_question(nothing, snap) is None  # a reading with no device: not understood
    assert unsure_question(ON_OFF[:1], snap) is None


@pytest.mark.parametrize(
    ("readings", "answer", "index"),
    [
        (ON_OFF, "off", 1),
        (ON_OFF, "turn it on please", 0),
        (ON_OFF, "the second one", 1),
        (TWO_LIGHTS, "the hallway light", 1),
        (TWO_LIGHTS, "kitchen", 0),
        (ON_OFF, "turn on the hallway light", None),  # a new request, though it says "on"
        (ON_OFF, "what time is it", None),
        (TWO_LIGHTS, "the light", None),  # both have it
    ],
)
def test_the_answer_names_one_reading_or_is_a_new_request(
    readings: tuple[Intent, ...], answer: str, index: int | None
) -> None:
    assert chosen_reading(answer, readings, _snapshot()) == index


def test_the_operating_point_is_a_documented_setting() -> None:
    assert Settings().nlu.act_below == 0.7
    with pytest.raises(ConfigError):
        load_settings(overrides=["nlu.act_below=1.5"])


# -- the parser (committed model) -----------------------------------------------------------------------
@cache
def _parser(act_below: float = 0.7, runner_up: float = 0.2) -> NLUParser:
    settings = Settings()
    nlu = replace(settings.nlu, act_below=act_below, ask_runner_up_above=runner_up)
    return NLUParser(replace(settings, nlu=nlu))


@pytest.mark.parametrize(
    "text", ["turn on the kitchen light", "unlock the door", "set the thermostat to 21", "fan", "lock up"]
)
def test_below_the_operating_point_nothing_is_acted_on(text: str) -> None:
    snap = _snapshot()
    result = _parser(1.0, 0.0).analyse(text, snap)  # every request below the point
    assert result.intent is None or not result.abstained
    decision, question = decide(result.intent, snap, result.unsure)
    assert decision in {"ask", "not_understood", "answer", "confirm"}  # never "act"
    assert (decision in {"ask", "confirm"}) == bool(question)


def test_a_lock_below_the_point_is_left_to_the_gate_which_asks_first() -> None:
    """A safety-critical target is never acted on without a yes: the gate's question names exactly what
    would happen, so the reading is kept for it ("lock the front door" at 0.6 is no either-or question)."""
    snap = _snapshot()
    result = _parser(1.0, 0.0).analyse("unlock the door", snap)
    assert result.intent is not None and "lock.front_door" in result.intent.targets
    assert decide(result.intent, snap, result.unsure)[0] in {"confirm", "ask"}


def test_at_the_default_point_a_clear_request_acts_and_chit_chat_does_not() -> None:
    snap = _snapshot()
    clear = _parser().analyse("turn on the kitchen light", snap)
    assert clear.intent is not None and clear.intent.name == "HassTurnOn" and not clear.abstained
    assert decide(clear.intent, snap, clear.unsure)[0] == "act"
    joke = _parser(1.0, 0.0).analyse("tell me a joke", snap)
    assert decide(joke.intent, snap, joke.unsure)[0] == "not_understood"


# -- the turn engine: asked, answered, recorded ----------------------------------------------------------
class _TwoReadings:
    """A parser that is never sure: no intent, and the same two readings for every request."""

    def __init__(self, readings: tuple[Intent, ...]) -> None:
        self._readings = readings

    def parse(self, text: str, snapshot: ContextSnapshot) -> Intent | None:
        return None

    def readings(self, text: str, snapshot: ContextSnapshot) -> tuple[Intent, ...]:
        return self._readings


async def _turns(
    tmp_path: Path, readings: tuple[Intent, ...], lines: list[tuple[str, float]]
) -> tuple[LocalHome, list[TurnRecord]]:
    home = LocalHome.from_file(HOME, home_id="h")
    home.satellite = replace(home.satellite, area="kitchen")
    return home, await hear_lines(home, tmp_path / "t.db", _TwoReadings(readings), lines)


def _state(home: LocalHome, entity_id: str) -> str:
    return home.snapshot().states[entity_id].state


def test_the_device_asks_moves_nothing_and_the_answer_acts(tmp_path: Path) -> None:
    home, (ask, answer) = asyncio.run(_turns(tmp_path, ON_OFF, [("kitchen light thing", 1.0), ("on", 3.0)]))
    assert ask.response == "Do you want me to turn on or turn off the kitchen light?"
    assert ask.asked is Asked.UNSURE and ask.commands == () and not ask.intent
    assert [c["entity_id"] for c in answer.commands] == ["light.kitchen"] and answer.intent == "HassTurnOn"
    assert _state(home, "light.kitchen") == "on"


def test_a_no_drops_the_question(tmp_path: Path) -> None:
    home, (_ask, no) = asyncio.run(_turns(tmp_path, ON_OFF, [("kitchen light thing", 1.0), ("no", 3.0)]))
    assert no.dialog is Dialog.UNSURE and no.commands == () and no.response == "OK."
    assert _state(home, "light.kitchen") == "off"


def test_a_lock_chosen_in_the_answer_still_asks_first(tmp_path: Path) -> None:
    lines = [("the back door thing", 1.0), ("unlock", 3.0), ("yes", 5.0)]
    home, (ask, answer, yes) = asyncio.run(_turns(tmp_path, LOCK, lines))
    assert ask.asked is Asked.UNSURE and ask.commands == ()
    assert answer.asked is Asked.CONFIRM and answer.commands == ()
    assert answer.response == "Do you want me to unlock the back door lock?"
    assert [c["entity_id"] for c in yes.commands] == ["lock.back_door"]
    assert _state(home, "lock.back_door") == "unlocked" and _state(home, "lock.front_door") == "locked"
