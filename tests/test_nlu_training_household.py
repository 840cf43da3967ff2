"""The household phrasing families, the evaluation-sentence guard over every family, the cleaning gold."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from edge import resources
from edge.lab.training import pools as P
from edge.lab.training.examples import Example
from edge.lab.training.generate import family_examples
from edge.lab.training.heldout import dedupe_heldout, drop_heldout, heldout_sentences
from edge.lab.training.hwu64 import HwuRow, iot_gold
from edge.lab.training.templates import FAMILIES, RULES
from edge.lab.training.templates_household import HOUSEHOLD_FAMILIES
from edge.nlu.catalogue import by_name
from edge.nlu.grammar import parse_template


def _generated(name: str, n: int, seed: int = 7) -> list[Example]:
    rng = random.Random(seed)
    pools = P.build_pools(resources.data_dir(), rng)
    rules = {k: parse_template(v) for k, v in RULES.items()}
    return family_examples(FAMILIES[name], pools, rng, rules, n)


@pytest.mark.parametrize("name", sorted(HOUSEHOLD_FAMILIES))
def test_every_household_family_labels_one_catalogue_intent(name: str) -> None:
    examples = _generated(name, 80)
    assert len(examples) >= 70
    intents = {ex.intent for ex in examples}
    assert len(intents) == 1
    (intent,) = intents
    if name.startswith("neg_"):
        assert intent == "OutOfDomain"
    else:
        spec = by_name(intent)
        assert spec is not None and spec.moves_device


def test_plug_words_with_a_word_in_front_stay_tagged_as_the_name() -> None:
    examples = _generated("hh_plug_more_on", 200)
    tagged = [ex for ex in examples if "B-name" in ex.tags]
    assert len(tagged) == len(examples)
    for ex in tagged:
        start = ex.tags.index("B-name")
        assert ex.tokens[start] in {"plug", "smart", "socket", "power", "wall", "outlet", "extension"}, ex


def test_ordering_a_drink_from_a_shop_moves_nothing() -> None:
    examples = _generated("neg_household_questions", 300)
    from_shop = [ex for ex in examples if "from" in ex.tokens and ex.tokens[0] in {"order", "get", "buy"}]
    assert from_shop
    assert {ex.intent for ex in from_shop} == {"OutOfDomain"}


def test_no_family_carries_an_evaluation_sentence_into_training(shared_data: Path) -> None:
    held = heldout_sentences(shared_data)
    assert {"turn it off", "pause", "start cleaning"} <= held  # short commands every family may produce
    for name in ("ctx_it_off", "pause", "vacuum_start", *HOUSEHOLD_FAMILIES):
        made = _generated(name, 300, seed=3)
        kept = drop_heldout(made, held, name)
        assert not [ex for ex in kept if " ".join(ex.tokens) in held]
        assert kept  # the family still teaches its request in other words


def test_dedupe_keeps_one_copy_of_each_reading_of_an_evaluation_sentence() -> None:
    light = Example(("turn", "it", "off"), ("O", "O", "O"), "HassTurnOff", "light")
    fan = Example(("turn", "it", "off"), ("O", "O", "O"), "HassTurnOff", "fan")
    other = Example(("turn", "the", "fan", "off"), ("O", "O", "B-name", "O"), "HassTurnOff", "fan")
    made = [light, fan, light, other, fan, other, light]
    kept = dedupe_heldout(made, frozenset({"turn it off"}), "test")
    assert kept == [light, fan, other, other]


def test_the_earlier_families_keep_a_short_command_once_per_reading(shared_data: Path) -> None:
    held = heldout_sentences(shared_data)
    made = _generated("ctx_it_off", 600, seed=3)
    kept = dedupe_heldout(made, held, "ctx_it_off")
    equal = [ex for ex in kept if " ".join(ex.tokens) in held]
    assert equal  # "turn it off" is still taught, in each of its readings
    readings = [(ex.tokens, ex.intent, ex.focus, ex.media_class) for ex in equal]
    assert len(readings) == len(set(readings))
    assert len(kept) < len(made)


def _cleaning(place: str) -> HwuRow:
    return HwuRow("1", "iot", "cleaning", f"vacuum the {place}", (("house_place", place),), True)


@pytest.mark.parametrize("place", ["whole house", "entire flat", "the whole floor", "all rooms", "house"])
def test_cleaning_everywhere_is_a_start_not_an_area(place: str) -> None:
    assert iot_gold(_cleaning(place)) == "HassVacuumStart"


@pytest.mark.parametrize("place", ["living room", "whole kitchen", "mud room"])
def test_cleaning_a_named_place_is_an_area(place: str) -> None:
    assert iot_gold(_cleaning(place)) == "HassVacuumCleanArea"
