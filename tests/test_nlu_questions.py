"""Questions never move a device: the guard's reading of questions (pure), the committed model behind it
(state questions become HassGetState on what was asked, other questions are not understood, requests
phrased as questions still act), the planner's answers from the snapshot, and the reply a turn says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from edge.actions.answers import state_answer
from edge.actions.planner import plan
from edge.config import Settings
from edge.context.model import ContextSnapshot, Device
from edge.lab.bench.nlu import (
    QUESTION_STATES,
    QUESTIONS_BLIND,
    QUESTIONS_EVAL,
    evaluate_questions,
    read_questions,
)
from edge.nlu.catalogue import by_name
from edge.nlu.parser import NLUParser
from edge.nlu.questions import Question, read_question
from edge.nlu.snapshots import demo_devices, make_snapshot

ROOT = Path(__file__).resolve().parent.parent
DEMO = str(ROOT / "devices" / "homes" / "demo.toml")


@pytest.fixture(scope="module")
def parser() -> NLUParser:
    return NLUParser(Settings())


# --- the pure reader ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind", "state", "subject"),
    [
        ("is the office lamp on", "state", "on", "the office lamp"),
        ("Are the blinds closed?", "state", "closed", "the blinds"),
        ("hey jarvis, is the garage door open", "state", "open", "the garage door"),
        ("was the light on", "state", "on", "the light"),
        ("is the front door locked", "state", "locked", "the front door"),
        ("is the tv playing", "state", "playing", "the tv"),
        ("is the dishwasher running", "state", "on", "the dishwasher"),
        ("did I leave the oven on", "state", "on", "the oven"),
        ("did I lock the back door", "state", "locked", "the back door"),
        ("did you turn off the lights", "state", "off", "the lights"),
        ("did I forget to lock the door", "state", "unlocked", "the door"),
        ("can you tell me if the garage door is open", "state", "open", "the garage door"),
        ("do you know whether the porch light is on", "state", "on", "the porch light"),
        ("check if the window is closed", "state", "closed", "the window"),
        ("what's the status of the garage door", "state", "", "the garage door"),
        ("is anyone home", "presence", "home", ""),
        ("is anna home", "presence", "home", "anna"),
        ("who's home", "presence", "", ""),
        ("is it cold in here", "temperature", "", ""),
        ("how warm is it", "temperature", "", ""),
        ("what's the temperature in the bedroom", "temperature", "", ""),
        ("how are you", "other", "", ""),
        ("do you like music", "other", "", ""),
        ("how do I turn on the tv", "other", "", ""),
        ("is it going to rain", "other", "", ""),
        ("what can you do", "other", "", ""),
        ("can you turn on the light", "request", "", ""),
        ("could you open the blinds", "request", "", ""),
        ("would you mind dimming the lights", "request", "", ""),
        ("will you lock the door", "request", "", ""),
        ("why don't you turn it off", "request", "", ""),
        ("can I get some music in here", "request", "", ""),
        ("is it possible to turn the heating up", "request", "", ""),
        ("are you able to close the curtains", "request", "", ""),
        ("how about some jazz", "request", "", ""),
        ("is it ok to lower the lights", "request", "", ""),
        ("have you turned off the lights", "state", "off", "the lights"),
    ],
)
def test_the_reader_tells_questions_from_requests(text: str, kind: str, state: str, subject: str) -> None:
    question = read_question(text)
    assert question is not None
    assert (question.kind, question.state, question.subject) == (kind, state, subject)


@pytest.mark.parametrize(
    "text",
    [
        "turn on the office lamp",
        "open the blinds",
        "lock the front door",
        "play some jazz",
        "um stop",
        "",
        "have the roomba do the living room",  # causative "have": a request
        "please have vacuum go for one hour",
        "could the hallway light be blue tonight",  # a modal before a device: an indirect request
        "don't make any sounds",  # a negative request
        "and do that",  # the safety attack's learned rewrite to undo must still reach the gate
        "do it again",
    ],
)
def test_an_imperative_is_no_question(text: str) -> None:
    assert read_question(text) is None


def test_which_questions_ask_of_every_device_of_a_kind() -> None:
    which = read_question("which lights are on")
    assert which is not None and which.every and which.state == "on"
    any_on = read_question("are any lights on upstairs")
    assert any_on is not None and any_on.every and any_on.kind == "state"
    assert Question("state", "on", "the kitchen lights").domain == "light"
    assert Question("state", "open", "the living room blinds").domain == "cover"
    assert Question("state", "open", "the garage door").domain == ""


# --- the parser with the committed model --------------------------------------------------------------------
def snap(area: str = "office", **states: str) -> ContextSnapshot:
    return make_snapshot(
        demo_devices(), area=area, states={k.replace("__", "."): v for k, v in states.items()}
    )


def test_the_issue_question_is_a_state_question(parser: NLUParser) -> None:
    """The issue's case: "is the office lamp on" was HassTurnOn on the office lamp (0.87)."""
    home = snap(light__office_lamp="on")
    result = parser.analyse("is the office lamp on", home)
    # the retrained model reads the question itself (trained on HA's and our state questions); the question
    # reader still keeps any question from moving a device
    assert result.label == "HassGetState"
    intent = result.intent
    assert intent is not None and not result.needs_confirmation
    assert (intent.name, intent.targets, intent.slots.get("state")) == (
        "HassGetState",
        ("light.office_lamp",),
        "on",
    )
    answer = plan(intent, home)
    assert (answer.outcome, answer.commands, answer.answer) == ("answer", (), "The office lamp is on.")


@pytest.mark.parametrize(
    ("text", "area", "states", "answer"),
    [
        ("is the garage door open", "garage", {"cover.garage_door": "closed"}, "The garage door is closed."),
        ("are the kitchen lights on", "kitchen", {}, "Both kitchen lights are off."),
        ("did I leave the oven on", "office", {"oven.kitchen": "on"}, "The oven is on."),
        (
            "is the front door locked",
            "hallway",
            {"lock.front_door": "unlocked"},
            "The front door lock is unlocked.",
        ),
        ("is the vacuum running", "office", {"vacuum.robot": "docked"}, "The robot vacuum is docked."),
        (
            "is the tv playing",
            "office",
            {"media_player.living_room_tv": "playing"},
            "The living room tv is playing.",
        ),
        (
            "which lights are on",
            "office",
            {"light.living_room_ceiling": "on"},
            "The living room ceiling light is on; the other 5 lights are off.",
        ),
    ],
)
def test_state_questions_are_answered_from_the_snapshot(
    parser: NLUParser, text: str, area: str, states: dict[str, str], answer: str
) -> None:
    home = make_snapshot(demo_devices(), area=area, states=states)
    intent = parser.parse(text, home)
    assert intent is not None and intent.name == "HassGetState", intent
    result = plan(intent, home)
    assert (result.outcome, result.commands, result.answer) == ("answer", (), answer)


@pytest.mark.parametrize(
    "text",
    ["how do I turn on the tv", "do you like music", "are you listening", "can I ask you something"],
)
def test_other_questions_move_nothing(parser: NLUParser, text: str) -> None:
    intent = parser.parse(text, snap())
    spec = by_name(intent.name) if intent else None
    assert not (spec and spec.moves_device), intent


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("can you turn on the light", "HassTurnOn"),
        ("could you open the blinds", "HassTurnOn"),
        ("will you switch on the bedroom fan", "HassTurnOn"),
        ("can you turn off the kitchen lights", "HassTurnOff"),
    ],
)
def test_requests_phrased_as_questions_still_act(parser: NLUParser, text: str, name: str) -> None:
    intent = parser.parse(text, snap("living room"))
    assert intent is not None and intent.name == name
    assert plan(intent, snap("living room")).commands


def test_presence_is_answered_from_people_and_says_so_without_them(parser: NLUParser) -> None:
    people = {
        "person.anna": Device("person.anna", "Anna", "person"),
        "person.ben": Device("person.ben", "Ben", "person"),
        **demo_devices(),
    }
    home = make_snapshot(people, area="kitchen", states={"person.anna": "home", "person.ben": "not_home"})
    intent = parser.parse("is anyone home", home)
    assert intent is not None and intent.name == "HassGetState"
    assert intent.targets == ("person.anna", "person.ben")
    assert plan(intent, home).answer == "Anna is home."
    away = make_snapshot(people, states={"person.anna": "not_home", "person.ben": "not_home"})
    assert plan(intent, away).answer == "Nobody is home."
    bare = parser.parse("is anyone home", snap())
    assert bare is not None and bare.targets == ()
    assert plan(bare, snap()).answer == "I can't tell who is home: no one's presence is shared with me."


# --- the planner's answers ----------------------------------------------------------------------------------
def _home(devices: list[Device], states: dict[str, str]) -> ContextSnapshot:
    return make_snapshot({d.entity_id: d for d in devices}, states=states)


@pytest.mark.parametrize(
    ("device", "state", "answer"),
    [
        (Device("lock.back", "back door", "lock"), "locked", "The back door is locked."),
        (Device("lock.back", "back door", "lock"), "on", "The back door is locked."),
        (Device("cover.garage", "garage door", "cover", device_class="garage"), "off",
         "The garage door is closed."),
        (Device("binary_sensor.w", "bathroom window", "binary_sensor", device_class="window"), "on",
         "The bathroom window is open."),
        (Device("binary_sensor.m", "hall motion", "binary_sensor", device_class="motion"), "off",
         "The hall motion is clear."),
        (Device("binary_sensor.l", "leak sensor", "binary_sensor", device_class="moisture"), "on",
         "The leak sensor is wet."),
        (Device("media_player.tv", "den TV", "media_player"), "paused", "The den TV is paused."),
        (Device("vacuum.r", "robot", "vacuum"), "returning", "The robot is returning to its dock."),
        (Device("device_tracker.phone", "Anna's phone", "device_tracker"), "not_home",
         "Anna's phone is away."),
        (Device("switch.kettle", "kettle", "switch"), "unavailable",
         "I don't know whether the kettle is on: it isn't reporting."),
    ],
)  # fmt: skip
def test_one_device_answer_says_its_state_in_its_own_words(device: Device, state: str, answer: str) -> None:
    home = _home([device], {device.entity_id: state})
    assert state_answer([device], home, {}) == answer


def test_many_devices_are_summed_up() -> None:
    lights = [Device(f"light.k{i}", f"kitchen light {i}", "light", area="kitchen") for i in range(4)]
    home = _home(lights, {"light.k2": "on"})
    assert state_answer(lights[:2], home, {}) == "Both kitchen lights are off."
    assert state_answer(lights, home, {}) == "The kitchen light 2 is on; the other 3 lights are off."
    locks = [Device("lock.a", "front door", "lock", area="hall"), Device("cover.b", "garage door", "cover")]
    mixed = _home(locks, {"lock.a": "locked", "cover.b": "open"})
    assert state_answer(locks, mixed, {}) == "The front door is locked; the garage door is open."
    # a domain asked about narrows the answer to that kind ("are the kitchen lights on" in a full kitchen)
    kettle = Device("switch.kettle", "kettle", "switch", area="kitchen")
    assert state_answer([*lights[:2], kettle], _home([*lights, kettle], {}), {"domain": "light"}) == (
        "Both kitchen lights are off."
    )


# --- the question sets (tests/data/questions_*.jsonl) -------------------------------------------------
@pytest.mark.parametrize("path", [QUESTIONS_EVAL, QUESTIONS_BLIND], ids=["dev", "blind"])
def test_the_question_sets_are_well_formed(path: Path) -> None:
    rows = read_questions(path)
    assert len(rows) >= 30
    assert {r["kind"] for r in rows} == {"state", "question", "request"}
    assert all(set(r) == {"text", "kind", "area"} for r in rows)
    other = QUESTIONS_BLIND if path == QUESTIONS_EVAL else QUESTIONS_EVAL
    assert not {r["text"] for r in rows} & {r["text"] for r in read_questions(other)}


def test_no_question_of_the_dev_set_acts_and_every_state_question_is_answered(parser: NLUParser) -> None:
    figures = evaluate_questions(read_questions(QUESTIONS_EVAL), parser.parse)
    assert figures["question_false_actions"] == 0, figures["misses"]
    assert figures["state_answered"] == 1.0, figures["misses"]
    # below the operating point (nlu.act_below, docs/nlu.md "Abstaining") two requests phrased as questions
    # are asked about or not understood instead of acted on: "would you mind dimming the lights", "why don't
    # you turn it off" (all 13 acted before the operating point)
    assert figures["request_acted"] >= 11 / 13, figures["misses"]


def test_the_blind_set_figures(parser: NLUParser) -> None:
    """Written before any result and never tuned on. The model alone: 9 of 23 questions acted, 5 of 14 state
    questions answered, 8 of 11 requests acted; with the guard: 1 question acts ("should I turn off the
    lights when I leave": not read as a question), every state question is answered, requests unchanged."""
    figures = evaluate_questions(read_questions(QUESTIONS_BLIND), parser.parse)
    assert figures["question_false_actions"] <= 1, figures["misses"]
    assert figures["state_answered"] == 1.0, figures["misses"]
    assert figures["request_acted"] >= 8 / 11, figures["misses"]
    assert QUESTION_STATES["lock.front_door"] == "locked"


# --- what a turn says ---------------------------------------------------------------------------------
def test_a_turn_answers_a_question_and_sends_nothing(tmp_path: Path) -> None:
    """Through `edge session` (the int8 NLU, learned rewriter, planner, simulated demo home, SQLite turn
    store): a question is answered, and one that is not understood is not rewritten into a command."""
    script = tmp_path / "script.jsonl"
    lines = [
        {"t": 0, "say": "turn on the office lamp"},
        {"t": 5, "say": "is the office lamp on"},
        {"t": 10, "say": "are the kitchen lights on"},
        {
            "t": 15,
            "say": "how do I turn on the tv",
        },  # once retrieval rewrote it to "turn on the living room tv"
    ]
    script.write_text("".join(json.dumps(line) + "\n" for line in lines))
    db = str(tmp_path / "t.db")
    out = subprocess.run(
        [sys.executable, "-m", "edge", "session", str(script), "--home", DEMO, "--db", db],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    turns = [json.loads(line)["turn"] for line in out.stdout.splitlines() if line.startswith("{")]
    assert turns[0]["intent"] == "HassTurnOn"
    assert (turns[1]["intent"], turns[1]["response"]) == ("HassGetState", "The office lamp is on.")
    assert (turns[2]["intent"], turns[2]["response"]) == ("HassGetState", "Both kitchen lights are off.")
    assert (turns[3]["intent"], turns[3]["rewrite"]) == (None, None)
    assert not turns[1]["commands"] and not turns[2]["commands"] and not turns[3]["commands"], turns
