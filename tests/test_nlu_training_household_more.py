"""The household data's sixth pass: whole names that end in a class word, polite-question requests, games."""

from __future__ import annotations

import random
from pathlib import Path

from edge import resources
from edge.lab.training import pools as P
from edge.lab.training.examples import Example
from edge.lab.training.generate import _area_kind_retagged, family_examples, template_lists
from edge.lab.training.hwu64 import read_hwu64
from edge.lab.training.pools_games import GAME_TITLES, MORE_GAME_TITLES, SIXTH_GAME_TITLES
from edge.lab.training.pools_household import CLASS_NAME_WORDS
from edge.lab.training.pools_ood import GAMES
from edge.lab.training.templates import FAMILIES, RULES
from edge.lab.training.templates_household import CLASS_WORDS, HOUSEHOLD_FAMILIES
from edge.lang import model_tokens
from edge.nlu.grammar import parse_template


def _generated(name: str, n: int, *, household: bool = True) -> list[Example]:
    rng = random.Random(11)
    pools = P.build_pools(resources.data_dir(), rng)
    rules = {k: parse_template(v) for k, v in RULES.items()}
    return family_examples(FAMILIES[name], pools, rng, rules, n, household=household)


def _name(ex: Example) -> str:
    return " ".join(tok for tok, tag in zip(ex.tokens, ex.tags, strict=True) if tag.endswith("-name"))


def test_a_name_that_ends_in_a_class_word_is_tagged_whole_with_its_domain() -> None:
    areas = P.build_pools(resources.data_dir(), random.Random(11)).areas
    for family in (
        "hh_class_name_on",
        "hh_class_name_off",
        "hh_class_name_open",
        "hh_class_name_temperature",
    ):
        examples = _generated(family, 150)
        assert len(examples) >= 140
        for ex in examples:
            name = _name(ex)
            words = CLASS_NAME_WORDS[ex.focus]  # the focus is the class word's domain
            assert any(name.endswith(" " + w) for w in words), ex  # a word in front, then the class word
            assert name not in CLASS_WORDS
            assert not any(name.startswith(area + " ") for area in areas), ex  # "kitchen fans": area + kind
            at = [i for i, tag in enumerate(ex.tags) if tag.endswith("-name")]
            assert at == list(range(at[0], at[0] + len(at))) and ex.tags[at[0]] == "B-name", ex  # one span


def test_requests_wrapped_in_a_polite_question_act_and_questions_with_the_wrapper_do_not() -> None:
    acts = {"hh_polite_on": "HassTurnOn", "hh_polite_off": "HassTurnOff", "hh_polite_level": "LightDimmer"}
    for family, intent in acts.items():
        examples = _generated(family, 120)
        assert {ex.intent for ex in examples} == {intent}
        assert any(ex.tokens[:3] == ("why", "dont", "you") for ex in examples)
        assert any(ex.tokens[:4] == ("would", "you", "be", "so") for ex in examples)
    negatives = _generated("neg_polite_questions", 200)
    assert {ex.intent for ex in negatives} == {"OutOfDomain"}
    assert any(ex.tokens[:3] == ("why", "dont", "you") for ex in negatives)


def test_the_sixth_game_titles_are_household_data_only() -> None:
    rng = random.Random(3)
    pools = P.build_pools(resources.data_dir(), rng)
    with_household = {template_lists(pools, {}, household=True)("game_title", rng)[0] for _ in range(3000)}
    without = {template_lists(pools, {}, household=False)("game_title", rng)[0] for _ in range(3000)}
    only_sixth = set(SIXTH_GAME_TITLES) - {*GAMES, *GAME_TITLES, *MORE_GAME_TITLES}
    assert len(only_sixth) > 100
    assert with_household & only_sixth
    assert not without & only_sixth
    games = _generated("neg_games_titles", 300)
    assert {ex.intent for ex in games} == {"OutOfDomain"}
    assert any(ex.tokens[0] == "play" for ex in games)
    assert {"hh_class_name_on", "hh_polite_on", "neg_games_titles"} <= set(HOUSEHOLD_FAMILIES)


def test_no_sixth_game_title_is_in_a_held_out_hwu64_sentence(shared_data: Path) -> None:
    """Written from general knowledge: the held-out half (what measures them) names none of them."""
    texts = [f" {' '.join(model_tokens(r.text))} " for r in read_hwu64(shared_data) if r.held_out]
    assert len(texts) > 2000
    assert [t for t in SIXTH_GAME_TITLES if any(f" {t} " in x for x in texts)] == []


def test_an_area_and_a_plural_class_word_are_the_area_and_the_kind_a_singular_stays_a_name() -> None:
    areas = frozenset({"kitchen", "living room"})
    fans = Example(("turn", "on", "kitchen", "fans"), ("O", "O", "B-name", "I-name"), "HassTurnOn", "fan")
    assert _area_kind_retagged(fans, areas).tags == ("O", "O", "B-area", "O")
    lights = Example(
        ("the", "living", "room", "lights", "off"),
        ("O", "B-name", "I-name", "I-name", "O"),
        "HassTurnOff",
        "light",
    )
    assert _area_kind_retagged(lights, areas).tags == ("O", "B-area", "I-area", "O", "O")
    one = Example(("turn", "on", "kitchen", "light"), ("O", "O", "B-name", "I-name"), "HassTurnOn", "light")
    porch = Example(("turn", "on", "porch", "lights"), ("O", "O", "B-name", "I-name"), "HassTurnOn", "light")
    assert _area_kind_retagged(one, areas) == one  # "the garage light" may be one device's name
    assert _area_kind_retagged(porch, areas) == porch  # not an area here: a name


def test_polite_gerund_requests_act() -> None:
    examples = _generated("hh_polite_off", 300)
    gerund = [
        ex for ex in examples if ex.tokens[:3] == ("would", "you", "mind") and ex.tokens[3].endswith("ing")
    ]
    assert gerund
    assert {ex.intent for ex in gerund} == {"HassTurnOff"}
