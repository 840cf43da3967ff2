"""The custom-domain grammar matcher: ASR slips snap onto the grammar; what the grammar does not cover is
left to the NLU model; HA custom sentences (rules, ranges, free text) and Rhino files both work."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from edge.config import load_settings
from edge.lang import number_words, spoken_words
from edge.nlu.domain_match import DomainGrammar
from edge.nlu.domain_parser import DomainParser, domain_prompt, load_parser
from edge.nlu.domains import load_domain
from edge.nlu.snapshots import demo_devices, make_snapshot
from edge.nlu.spoken import skeleton

ROOT = Path(__file__).resolve().parent.parent

COFFEE = """
context:
  expressions:
    orderDrink:
      - "[can I get, make me, I want] (a, an) $size:size $drink:drink (with $milk:milk)"
      - "[can I get, make me, I want] (a, an) $drink:drink (with $milk:milk)"
    cancelOrder:
      - "cancel [my, the] order"
  slots:
    size: ["small", "large", "sixteen ounce", "twenty ounce"]
    drink: ["iced mocha", "mocha", "americano", "cappuccino", "latte"]
    milk: ["milk", "skim milk", "a lot of milk", "soy milk"]
"""

GARDEN = """
language: en
intents:
  WaterPlants:
    data:
      - sentences:
          - "<water> [the] {plant} [for {minutes} minutes]"
  AddNote:
    data:
      - sentences:
          - "(note|remember) that {note}"
expansion_rules:
  water: "(water|give water to)"
lists:
  plant:
    values:
      - fern
      - in: "(rubber tree|rubber plant)"
        out: ficus
  minutes:
    range:
      from: 1
      to: 30
  note:
    wildcard: true
"""


@pytest.fixture
def coffee(tmp_path: Path) -> Path:
    path = tmp_path / "coffee.yaml"
    path.write_text(COFFEE)
    return path


def grammar_of(path: Path) -> DomainGrammar:
    spec = load_domain(path)
    return DomainGrammar(spec.templates, spec.lists, spec.rules)


def test_spoken_words_write_numbers_out() -> None:
    assert spoken_words("I'd like a 16-ounce latte") == ("id", "like", "a", "sixteen", "ounce", "latte")
    assert spoken_words("Hey Jarvis, 350 degrees") == ("three", "hundred", "fifty", "degrees")
    assert number_words(21) == ["twenty", "one"]
    assert skeleton("mocha") == skeleton("maka")
    assert skeleton("skimmelk") == skeleton("skim milk")


def test_exact_sentences_match_with_their_slots(coffee: Path) -> None:
    g = grammar_of(coffee)
    m = g.match("Can I get a large iced mocha with soy milk?")
    assert m is not None
    assert (m.intent, dict(m.slots), m.score) == (
        "orderDrink",
        {"size": "large", "drink": "iced mocha", "milk": "soy milk"},
        1.0,
    )
    cancel = g.match("cancel my order")
    assert cancel is not None and cancel.intent == "cancelOrder" and dict(cancel.slots) == {}


@pytest.mark.parametrize(
    ("heard", "slots"),
    [
        ("make me a 16-ounce ice mocha", {"size": "sixteen ounce", "drink": "iced mocha"}),
        ("make me a 60-nounce ice mocha", {"size": "sixteen ounce", "drink": "iced mocha"}),
        ("can I get a small maka with skimmelk", {"size": "small", "drink": "mocha", "milk": "skim milk"}),
        ("um I want a large americano with a lot of milk please",
         {"size": "large", "drink": "americano", "milk": "a lot of milk"}),
        ("I want a cap you chino", {"drink": "cappuccino"}),
    ],
)  # fmt: skip
def test_asr_slips_snap_onto_the_grammar(coffee: Path, heard: str, slots: dict[str, str]) -> None:
    m = grammar_of(coffee).match(heard)
    assert m is not None
    assert m.intent == "orderDrink"
    assert dict(m.slots) == slots
    assert m.accepted(0.8, 0.6), m


@pytest.mark.parametrize(
    "text",
    ["what's the capital of france", "turn on the kitchen light", "tell me a joke", "i need a good joke",
     "set a timer for ten minutes", "how is the weather tomorrow"],
)  # fmt: skip
def test_requests_outside_the_grammar_are_not_accepted(coffee: Path, text: str) -> None:
    m = grammar_of(coffee).match(text)
    assert m is None or not m.accepted(0.8, 0.6), m


def test_hassil_rules_ranges_and_free_text(tmp_path: Path) -> None:
    path = tmp_path / "garden.yaml"
    path.write_text(GARDEN)
    g = grammar_of(path)
    m = g.match("give water to the rubber plant for 12 minutes")
    assert m is not None and m.intent == "WaterPlants"
    assert dict(m.slots) == {"plant": "ficus", "minutes": "12"}
    note = g.match("remember that the keys are in the drawer")
    assert note is not None and note.intent == "AddNote"
    assert note.slots["note"] == "the keys are in the drawer"


def test_the_prompt_names_every_short_value(coffee: Path) -> None:
    phrases = domain_prompt(load_domain(coffee))
    assert {"small", "iced mocha", "cappuccino", "soy milk", "sixteen ounce"} <= set(phrases)
    assert sum(len(p.split()) for p in phrases) <= 120


def test_domain_parser_gives_home_requests_to_the_model(coffee: Path) -> None:
    settings = load_settings(None, None, [f"nlu.domain={json.dumps(str(coffee))}"])
    parser = load_parser(settings)
    assert isinstance(parser, DomainParser)
    snapshot = make_snapshot(demo_devices(), area="kitchen")
    drink = parser.parse("can I get a large latte", snapshot)
    assert drink is not None and drink.name == "orderDrink" and drink.source == "domain"
    assert dict(drink.slots) == {"size": "large", "drink": "latte"}
    light = parser.parse("turn on the kitchen light", snapshot)
    assert light is not None and light.name == "HassTurnOn" and light.source != "domain"
    assert parser.parse("what's the capital of france", snapshot) is None


def test_parse_and_replay_take_a_domain(coffee: Path, tmp_path: Path) -> None:
    edge = [sys.executable, "-m", "edge"]
    out = subprocess.run(
        [*edge, "parse", "make me a small ice mocha", "--domain", str(coffee)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    parsed = json.loads(out.stdout)
    assert parsed["intent"] == "orderDrink"
    assert parsed["slots"] == {"size": "small", "drink": "iced mocha"}
    missing = subprocess.run(
        [*edge, "parse", "hello", "--domain", str(tmp_path / "nope.yaml")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert missing.returncode != 0 and "does not exist" in missing.stderr


def test_replay_with_a_domain_orders_from_speech(coffee: Path, synth: Callable[..., Path]) -> None:
    wav = synth("can I get a large cappuccino with soy milk")
    out = subprocess.run(
        [sys.executable, "-m", "edge", "replay", str(wav), "--no-wake", "--json", "--domain", str(coffee)],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    events = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    intents = [e for e in events if e["type"] == "intent"]
    assert intents, out.stdout + out.stderr
    assert intents[0]["intent"] == "orderDrink"
    assert intents[0]["slots"] == {"size": "large", "drink": "cappuccino", "milk": "soy milk"}
    response = next(e for e in events if e["type"] == "response")
    assert "cappuccino" in response["text"]
    assert events[-1]["type"] == "end"
