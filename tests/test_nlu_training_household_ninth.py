"""The household data's ninth pass: a polite or question wrapper before a bare class word is the request, with
the kind the word names and no name tagged, beside "why is the X ..." questions that never act; scene and
script names that begin with a media or device word are tagged whole; the pools name nothing an evaluation
set uses; the ninth pass's own blind sentences are never generated."""

from __future__ import annotations

import json
import random
from pathlib import Path

from edge import resources
from edge.lab.training import pools as P
from edge.lab.training.examples import Example
from edge.lab.training.generate import _guard, family_examples
from edge.lab.training.heldout import heldout_sentences
from edge.lab.training.hwu64 import read_hwu64
from edge.lab.training.pools_household_eighth import WHOLE_SCENE_NAMES, WHOLE_SCRIPT_NAMES
from edge.lab.training.pools_household_ninth import DEVICE_SCENE_NAMES, MEDIA_SCENE_NAMES, MEDIA_SCRIPT_NAMES
from edge.lab.training.templates import FAMILIES, RULES
from edge.lab.training.templates_household import CLASS_WORDS, HOUSEHOLD_FAMILIES
from edge.lab.training.templates_household_eighth import EIGHTH_FAMILIES
from edge.lab.training.templates_household_ninth import NINTH_FAMILIES
from edge.lang import model_tokens
from edge.nlu.grammar import parse_template

_POOLS = (*MEDIA_SCENE_NAMES, *DEVICE_SCENE_NAMES, *MEDIA_SCRIPT_NAMES)
_WRAPPERS = ("why dont you", "why not", "could you", "would you mind", "can you please", "how about you")
_BLIND = Path(__file__).parent / "data" / "household_ninth_blind.jsonl"


def _generated(name: str, n: int) -> list[Example]:
    rng = random.Random(23)
    pools = P.build_pools(resources.data_dir(), rng)
    rules = {k: parse_template(v) for k, v in RULES.items()}
    return family_examples(FAMILIES[name], pools, rng, rules, n, household=True)


def _span(ex: Example, slot: str) -> str:
    return " ".join(t for t, tag in zip(ex.tokens, ex.tags, strict=True) if tag.endswith(f"-{slot}"))


def test_a_wrapped_request_to_a_bare_class_word_acts_on_the_kind_with_no_name() -> None:
    kinds = {
        "hh_asked_class_lights_on": ("HassTurnOn", "light"),
        "hh_asked_class_lights_off": ("HassTurnOff", "light"),
        "hh_asked_class_fan_on": ("HassTurnOn", "fan"), "hh_asked_class_fan_off": ("HassTurnOff", "fan"),
        "hh_asked_class_covers_open": ("HassTurnOn", "cover"),
        "hh_asked_class_covers_close": ("HassTurnOff", "cover"),
        "hh_asked_class_heat": ("ClimateWarmer", "climate"),
        "hh_asked_class_cool": ("ClimateCooler", "climate"),
    }  # fmt: skip
    seen_wrappers: set[str] = set()
    for family, label in kinds.items():
        examples = _generated(family, 400)
        assert {(ex.intent, ex.focus) for ex in examples} == {label}, family
        assert {tag for ex in examples for tag in ex.tags} <= {"O", "B-area", "I-area"}, family  # no name
        for ex in examples:
            assert set(ex.tokens) & {*CLASS_WORDS, "blind", "curtain", "shutters", "heat"}, ex
        texts = [" ".join(ex.tokens) for ex in examples]
        seen_wrappers |= {w for w in _WRAPPERS if any(t.startswith(w + " ") for t in texts)}
    assert seen_wrappers == set(_WRAPPERS)  # every wrapper the eighth pass's miss named


def test_the_same_wrappers_before_a_named_device_act_on_the_device() -> None:
    for family, intent in (("hh_asked_named_on", "HassTurnOn"), ("hh_asked_named_off", "HassTurnOff")):
        examples = _generated(family, 300)
        assert {ex.intent for ex in examples} == {intent}
        assert all(_span(ex, "name") for ex in examples)  # the device is named and tagged
        assert {"light", "cover"} <= {ex.focus for ex in examples}


def test_why_a_device_is_as_it_is_never_acts() -> None:
    examples = _generated("neg_why_device_is", 400)
    assert {(ex.intent, ex.focus) for ex in examples} == {("OutOfDomain", "")}
    assert all(ex.tokens[0] == "why" for ex in examples)
    assert any({"blinds", "curtains"} & set(ex.tokens) for ex in examples)
    assert any({"fan", "fans"} & set(ex.tokens) for ex in examples)


def test_a_scene_or_script_name_that_begins_with_a_media_or_device_word_is_one_name() -> None:
    examples = _generated("hh_scene_media_word", 800)
    assert {ex.intent for ex in examples} == {"HassTurnOn"}
    by_domain = {"scene": {*MEDIA_SCENE_NAMES, *DEVICE_SCENE_NAMES}, "script": set(MEDIA_SCRIPT_NAMES)}
    for ex in examples:
        assert _span(ex, "name") in by_domain[ex.focus], ex  # the whole name, never its last word alone
        if _span(ex, "name") in DEVICE_SCENE_NAMES:
            assert "scene" in ex.tokens, ex  # "the reading lamp" without "scene" is a light's name
    assert any(ex.tags[0] == "B-name" and "scene" not in ex.tokens for ex in examples)  # "tv mode please"
    assert any(ex.tags[0] == "B-name" and ex.tokens[-2:] == ("scene", "please") for ex in examples)
    negatives = _generated("neg_media_words_no_scene", 200)
    assert {(ex.intent, ex.focus) for ex in negatives} == {("OutOfDomain", "")}


def test_the_ninth_pools_name_no_evaluation_scene_and_are_new() -> None:
    held = heldout_sentences(None)
    assert [t for t in _POOLS if any(f" {t} " in f" {h} " for h in held)] == []
    for name in ("movie night", "good night", "party mode", "stealth mode"):
        assert name not in _POOLS
    assert not set(_POOLS) & {*WHOLE_SCENE_NAMES, *WHOLE_SCRIPT_NAMES}
    assert all(" ".join(model_tokens(t)) == t for t in _POOLS)
    assert len(set(_POOLS)) == len(_POOLS)


def test_no_ninth_pool_entry_is_in_a_held_out_hwu64_sentence(shared_data: Path) -> None:
    texts = [f" {' '.join(model_tokens(r.text))} " for r in read_hwu64(shared_data) if r.held_out]
    assert len(texts) > 2000
    assert [t for t in _POOLS if any(f" {t} " in x for x in texts)] == []


def test_the_ninth_blind_sentences_are_held_out_and_never_trained_on() -> None:
    blind = {" ".join(model_tokens(json.loads(line)["text"])) for line in _BLIND.read_text().splitlines()}
    held = heldout_sentences(None)
    assert len(blind) == 15 and blind <= held
    made = [ex for name in NINTH_FAMILIES for ex in _generated(name, 3000)]
    assert blind & {" ".join(ex.tokens) for ex in made}  # the families do say some of them word for word...
    for name in NINTH_FAMILIES:  # ...which the household data's guard leaves out, as any evaluation sentence
        kept = _guard(_generated(name, 3000), held, name, True)
        assert not {" ".join(ex.tokens) for ex in kept} & held, name


def test_the_ninth_families_are_household_data_appended_last() -> None:
    names = list(HOUSEHOLD_FAMILIES)
    assert names[-len(NINTH_FAMILIES) :] == list(NINTH_FAMILIES)
    assert names[-len(NINTH_FAMILIES) - len(EIGHTH_FAMILIES) : -len(NINTH_FAMILIES)] == list(EIGHTH_FAMILIES)
