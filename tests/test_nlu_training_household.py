"""The household phrasing families, the evaluation-sentence guard over every family, the cleaning gold."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from edge import resources
from edge.lab.training import pools as P
from edge.lab.training.examples import Example, dataset_digest
from edge.lab.training.generate import _class_word_untagged, build_dataset, family_examples
from edge.lab.training.heldout import DEDUPE_KEEP, dedupe_heldout, drop_heldout, heldout_sentences
from edge.lab.training.hwu64 import HwuRow, iot_gold
from edge.lab.training.pipeline import HOME_MEMBERS, HOME_SEED
from edge.lab.training.templates import FAMILIES, RULES
from edge.lab.training.templates_household import CLASS_WORDS, HOUSEHOLD_FAMILIES
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
        assert spec is not None
        # named timers and past-tense state questions are the catalogue's; every other family moves a device
        assert spec.moves_device or name.startswith(("hh_timer", "hh_state"))


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


def test_dedupe_keeps_up_to_k_copies_of_each_reading() -> None:
    undo = Example(("undo", "what", "you", "just", "did"), ("O",) * 5, "UndoLast")
    other = Example(("undo", "that"), ("O", "O"), "UndoLast")
    made = [undo] * 10 + [other] * 10
    kept = dedupe_heldout(made, frozenset({"undo what you just did"}), "undo", keep=DEDUPE_KEEP)
    assert kept.count(undo) == DEDUPE_KEEP > 1  # a small family's own sentence keeps some weight
    assert kept.count(other) == 10


@pytest.mark.parametrize(
    "name", ["hh_drink_word_lights_on", "hh_drink_word_lights_off", "hh_drink_word_things"]
)
def test_a_drink_word_in_front_of_a_device_names_the_device(name: str) -> None:
    examples = _generated(name, 200)
    drinks = {"coffee", "tea", "wine", "beer", "drinks", "juice", "milk", "whisky", "cocktail", "water"}
    with_drink = [ex for ex in examples if drinks & set(ex.tokens)]
    assert len(with_drink) > 50
    for ex in with_drink:
        assert ex.intent in {"HassTurnOn", "HassTurnOff"}, ex
        named = {ex.tokens[i] for i, tag in enumerate(ex.tags) if tag.endswith("-name")}
        assert drinks & named, ex  # the drink word is part of the name, not a request for a drink


def test_a_bare_class_word_is_not_tagged_as_a_name() -> None:
    thermostat = Example(
        ("set", "the", "thermostat", "to", "21"), ("O", "O", "B-name", "O", "B-temperature"),
        "HassClimateSetTemperature", "climate",
    )  # fmt: skip
    untagged = _class_word_untagged(thermostat)
    assert untagged.tags == ("O", "O", "O", "O", "B-temperature")
    assert untagged.focus == "climate"
    office = Example(
        ("set", "the", "office", "thermostat", "to", "21"),
        ("O", "O", "B-name", "I-name", "O", "B-temperature"),
        "HassClimateSetTemperature", "climate",
    )  # fmt: skip
    assert _class_word_untagged(office) == office  # a name with more than the class word stays a name
    assert {"thermostat", "lights", "fan"} <= CLASS_WORDS


def test_training_data_is_the_household_data_the_shipped_model_was_trained_on(
    shared_data: Path,
) -> None:
    card = json.loads((resources.data_dir() / "models" / "nlu" / "nlu.json").read_text())
    household = build_dataset(resources.data_dir(), shared_data, scale=0.8, household=True)
    # `make models-nlu` (`edge train`, the household data by default) rebuilds the shipped model
    assert dataset_digest(household.examples) == card["dataset_sha256"]
    assert (card["members"], card["seed"], card.get("household_data")) == (HOME_MEMBERS, HOME_SEED, True)
    shipped = build_dataset(resources.data_dir(), shared_data, scale=0.8)  # --no-household: the data before
    texts = {" ".join(ex.tokens) for ex in household.examples}
    assert any("coffee table lamp" in t for t in texts)
    assert not any("coffee table lamp" in " ".join(ex.tokens) for ex in shipped.examples)
    names = [
        " ".join(tok for tok, tag in zip(ex.tokens, ex.tags, strict=True) if tag.endswith("-name"))
        for ex in household.examples
        if ex.source.startswith("template") and "thermostat" in ex.tokens
    ]
    assert "" in names  # the bare class word is still taught, untagged
    assert any(n.endswith(" thermostat") for n in names)  # "the office thermostat" is still a name
    assert not CLASS_WORDS & set(names)  # "set the thermostat to 21": a class, never a name


def test_named_timers_tag_the_name_and_past_tense_questions_ask_the_state() -> None:
    for ex in _generated("hh_timer_named", 150):
        assert "B-name" in ex.tags and "B-minutes" in ex.tags, ex
    for ex in _generated("hh_state_past", 150):
        assert ex.tokens[0] in {"was", "were"} and ex.intent == "HassGetState", ex
