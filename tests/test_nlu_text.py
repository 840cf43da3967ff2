"""Normalization, features, slot decoding and context features (pure units)."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from edge.lang import model_tokens, model_words
from edge.nlu.context_features import CONTEXT_FEATURES, context_facts
from edge.nlu.features import FEATURES_PER_TOKEN, featurize
from edge.nlu.parser import decode_slots
from edge.nlu.snapshots import demo_devices, make_snapshot


def test_whisper_style_text_normalizes() -> None:
    assert model_tokens("Hey Jarvis, set the lights to 50%.") == [
        "set",
        "the",
        "lights",
        "to",
        "50",
        "percent",
    ]
    assert model_tokens("What's the temperature?") == ["whats", "the", "temperature"]
    assert model_tokens("preheat the oven to three hundred fifty degrees") == [
        "preheat",
        "the",
        "oven",
        "to",
        "350",
        "degrees",
    ]
    assert model_tokens("turn on that one") == ["turn", "on", "that", "one"]


def test_number_merging_keeps_alignment() -> None:
    tokens, source = model_words(["set", "twenty", "one", "minutes"])
    assert tokens == ["set", "21", "minutes"]
    assert source == [0, 1, 3]


def test_features_are_deterministic_and_padded() -> None:
    a = featurize(["kitchen", "light"])
    assert a.shape == (2, FEATURES_PER_TOKEN)
    assert np.array_equal(a, featurize(["kitchen", "light"]))
    assert (a[:, 0] != 0).all()
    assert featurize([]).shape == (1, FEATURES_PER_TOKEN)


def test_bio_decoding() -> None:
    tokens = ["set", "the", "living", "room", "to", "50"]
    tags = ["O", "O", "B-area", "I-area", "O", "B-brightness"]
    assert decode_slots(tokens, tags) == {"area": "living room", "brightness": "50"}


def test_context_facts_from_a_snapshot() -> None:
    devices = demo_devices()
    snap = make_snapshot(
        devices,
        area="kitchen",
        states={"oven.kitchen": "on", "media_player.living_room_tv": "playing:movie", "light.kitchen": "on"},
        screen=True,
        time=datetime(2025, 1, 1, 8, 0),
    )
    facts = context_facts(snap)
    assert set(facts) == set(CONTEXT_FEATURES)
    on = {k for k, v in facts.items() if v}
    assert {
        "oven_on",
        "media_playing",
        "media_playing_video",
        "tv_on",
        "satellite_screen",
        "area_lights_on",
    } <= on
    assert {"time_morning"} <= on
    assert "media_playing_audio" not in on
