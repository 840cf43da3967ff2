"""The household data's eighth pass: an area said alone after "turn on / off" is the area's lights; films,
shows and songs after "play" are media beside the game titles; a scene's or script's name of more than one
word said whole before "scene" / "script" is tagged as one name; the pools name nothing an evaluation set
uses."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

from edge import resources
from edge.lab.training import pools as P
from edge.lab.training import pools_ood as O
from edge.lab.training.examples import Example
from edge.lab.training.generate import family_examples
from edge.lab.training.heldout import heldout_sentences
from edge.lab.training.hwu64 import read_hwu64
from edge.lab.training.pools_games import GAME_TITLES, MORE_GAME_TITLES, SIXTH_GAME_TITLES
from edge.lab.training.pools_household_eighth import (
    FILM_SHOW_TITLES,
    SONG_TITLES,
    WHOLE_SCENE_NAMES,
    WHOLE_SCRIPT_NAMES,
)
from edge.lab.training.templates import FAMILIES, RULES
from edge.lab.training.templates_household import HOUSEHOLD_FAMILIES
from edge.lab.training.templates_household_eighth import EIGHTH_FAMILIES
from edge.lang import model_tokens
from edge.nlu.grammar import parse_template

_POOLS = (*FILM_SHOW_TITLES, *SONG_TITLES, *WHOLE_SCENE_NAMES, *WHOLE_SCRIPT_NAMES)


def _generated(name: str, n: int) -> tuple[list[Example], list[str]]:
    rng = random.Random(19)
    pools = P.build_pools(resources.data_dir(), rng)
    rules = {k: parse_template(v) for k, v in RULES.items()}
    return family_examples(FAMILIES[name], pools, rng, rules, n, household=True), pools.areas


def _span(ex: Example, slot: str) -> str:
    return " ".join(t for t, tag in zip(ex.tokens, ex.tags, strict=True) if tag.endswith(f"-{slot}"))


def test_an_area_said_alone_after_turn_on_or_off_is_the_areas_lights_tagged_as_the_area() -> None:
    for family, intent in (("hh_area_alone_on", "HassTurnOn"), ("hh_area_alone_off", "HassTurnOff")):
        examples, areas = _generated(family, 300)
        assert {(ex.intent, ex.focus, ex.media_class) for ex in examples} == {(intent, "light", "")}
        for ex in examples:
            assert _span(ex, "area") in areas, ex  # the whole area, and nothing else, is tagged
            assert set(ex.tags) <= {"O", "B-area", "I-area"}, ex
            said = {t for t, tag in zip(ex.tokens, ex.tags, strict=True) if tag == "O"}
            assert not {"tv", "television", "speaker", "lights", "lamp"} & said, (
                ex
            )  # no device named beside the area


def test_a_film_or_show_after_play_is_played_where_the_satellite_is_a_song_is_music() -> None:
    films, _ = _generated("hh_play_film_show", 600)
    assert {(ex.intent, ex.focus) for ex in films} == {("HassMediaSearchAndPlay", "media_player")}
    assert {ex.media_class for ex in films} == {"movie", "audiobook"}  # a screen decides, as for other titles
    assert {_span(ex, "search_query") for ex in films} <= set(FILM_SHOW_TITLES)
    assert any(ex.tokens[0] == "play" for ex in films)
    songs, _ = _generated("hh_play_song", 400)
    assert {(ex.intent, ex.focus, ex.media_class) for ex in songs} == {
        ("HassMediaSearchAndPlay", "media_player", "music")
    }
    queries = {_span(ex, "search_query") for ex in songs}
    assert queries <= set(SONG_TITLES) and "blinding lights" in queries  # a class word inside a song is music


def test_a_scene_or_script_name_said_whole_is_one_name_of_that_domain() -> None:
    examples, _ = _generated("hh_scene_said_whole", 600)
    assert {ex.intent for ex in examples} == {"HassTurnOn"}
    by_domain = {"scene": set(WHOLE_SCENE_NAMES), "script": set(WHOLE_SCRIPT_NAMES)}
    for ex in examples:
        assert _span(ex, "name") in by_domain[ex.focus], ex  # the whole name, never its last word alone
    bare = [ex for ex in examples if ex.tags[0] == "B-name" and "scene" in ex.tokens]
    assert bare  # "date night scene please": the name first, nothing in front
    assert {ex.focus for ex in examples} == {"scene", "script"}
    negatives, _ = _generated("neg_scene_script_words", 200)
    assert {(ex.intent, ex.focus) for ex in negatives} == {("OutOfDomain", "")}
    assert all({"scene", "script", "screenplay", "lines"} & set(ex.tokens) for ex in negatives)


def test_the_eighth_pools_name_no_evaluation_title_scene_or_game() -> None:
    held = heldout_sentences(None)  # the project's own sets (the catalogue and context sets among them)
    assert [t for t in _POOLS if any(f" {t} " in f" {h} " for h in held)] == []
    for name in ("frozen", "paw patrol", "the matrix", "movie night", "good night", "party mode"):
        assert name not in _POOLS
    games = {*O.GAMES, *GAME_TITLES, *MORE_GAME_TITLES, *SIXTH_GAME_TITLES}
    assert not games & set(_POOLS)
    assert all(" ".join(model_tokens(t)) == t for t in _POOLS)  # said as the model reads it
    assert len(set(_POOLS)) == len(_POOLS)


def test_no_eighth_pool_entry_is_in_a_held_out_hwu64_sentence(shared_data: Path) -> None:
    texts = [f" {' '.join(model_tokens(r.text))} " for r in read_hwu64(shared_data) if r.held_out]
    assert len(texts) > 2000
    assert [t for t in _POOLS if any(f" {t} " in x for x in texts)] == []
    assert [t for t in _POOLS if any(f" {t} " in f" {h} " for h in heldout_sentences(shared_data))] == []


def test_the_eighth_families_are_household_data_after_the_earlier_ones() -> None:
    names = list(HOUSEHOLD_FAMILIES)  # the ninth pass's come after them (test_nlu_training_household_ninth)
    at = names.index(next(iter(EIGHTH_FAMILIES)))
    assert names[at : at + len(EIGHTH_FAMILIES)] == list(EIGHTH_FAMILIES)
    assert names.index("wish_air_fan") < at


def test_edge_train_refuses_a_draw_without_members(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "edge", "train", "--members", "0", "--out", str(tmp_path / "m")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert out.returncode != 0 and "--members 0: at least one member" in out.stderr
    assert not (tmp_path / "m").exists()  # refused before any data is generated or written
