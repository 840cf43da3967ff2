"""Custom domains: Rhino and HA custom-sentence files compile into templates, vocabulary and phrases."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from edge.errors import ConfigError
from edge.nlu.domains import domain_vocabulary, example_phrases, load_domain
from edge.nlu.grammar import parse_template, rhino_to_hassil, sample

RHINO = """
context:
  expressions:
    orderPizza:
      - "[give me, I want] (a) $size:size pizza (please)"
      - "$size:size $topping:topping pizza"
  slots:
    size: ["small", "large", "twelve inch"]
    topping: ["ham", "extra cheese"]
"""

HASSIL = """
language: en
intents:
  WaterPlants:
    data:
      - sentences:
          - "water [the] {plant} [for {minutes} minutes]"
          - "(give|pour) [some] water (to|on) [the] {plant}"
lists:
  plant:
    values:
      - fern
      - in: "rubber tree"
        out: ficus
  minutes:
    range:
      from: 1
      to: 30
"""


def test_rhino_syntax_converts_to_hassil() -> None:
    assert rhino_to_hassil("[brew, get me] (a) $size:size") == "(brew|get me) [a] {size:size}"


def test_rhino_domain_compiles(tmp_path: Path) -> None:
    path = tmp_path / "pizza.yaml"
    path.write_text(RHINO)
    spec = load_domain(path)
    assert spec.kind == "rhino"
    assert set(spec.templates) == {"orderPizza"}
    assert spec.slot_values() == {
        "size": ["large", "small", "twelve inch"],
        "topping": ["extra cheese", "ham"],
    }
    vocab = domain_vocabulary(path)
    assert {"give", "pizza", "twelve", "inch", "cheese", "please"} <= set(vocab)
    phrases = example_phrases(path, limit=50)
    assert "give me a small pizza please" in phrases or "give me small pizza" in phrases
    assert all("$" not in p and "[" not in p for p in phrases)


def test_hassil_domain_compiles(tmp_path: Path) -> None:
    path = tmp_path / "garden.yaml"
    path.write_text(HASSIL)
    spec = load_domain(path)
    assert spec.kind == "hassil"
    assert spec.slot_values()["plant"] == ["fern", "ficus"]
    assert {"water", "pour", "rubber", "tree", "fern"} <= set(domain_vocabulary(path))
    assert any(p.startswith("water the fern") for p in example_phrases(path, limit=200))


def test_sampled_spans_carry_slot_values() -> None:
    template = parse_template("set [the] {area} lights to {brightness}[%]")
    s = sample(
        template,
        lambda name, rng: ("living room", "living room") if name == "area" else ("50", "50"),
        {},
        random.Random(1),
    )
    assert [(slot, s.text[a:b]) for a, b, slot, _v in s.spans] == [
        ("area", "living room"),
        ("brightness", "50"),
    ]


@pytest.mark.parametrize("text", ["nothing: here", "intents: [1, 2]", "context: {expressions: {}}", "{{{"])
def test_bad_domain_files_are_config_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError):
        load_domain(path)


def test_barista_grammar_compiles(shared_data: Path) -> None:
    path = shared_data / "barista" / "coffee_maker.yaml"
    spec = load_domain(path)
    assert set(spec.templates) == {"orderDrink"}
    values = spec.slot_values()
    assert "iced mocha" in values["coffeeDrink"]
    assert "a little bit of skim milk" in values["milkAmount"]
    vocab = set(domain_vocabulary(path))
    assert {"americano", "cappuccino", "sweetener", "ounce", "triple"} <= vocab
    assert len(example_phrases(path, limit=300)) == 300
