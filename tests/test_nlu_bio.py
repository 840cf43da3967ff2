"""Constrained BIO decoding (pure logic on score matrices)."""

from __future__ import annotations

import numpy as np

from edge.nlu.bio import allowed_transitions, decode_bio
from edge.nlu.parser import decode_slots

TAGS = ["O", "B-name", "I-name", "B-area", "I-area"]


def scores(rows: list[dict[str, float]]) -> np.ndarray:
    """Log-probabilities per token from {tag: probability} (the rest share what is left)."""
    out = np.full((len(rows), len(TAGS)), 1e-3)
    for t, row in enumerate(rows):
        for tag, p in row.items():
            out[t, TAGS.index(tag)] = p
    return np.log(out / out.sum(axis=1, keepdims=True))


def test_an_inside_tag_never_follows_another_slot() -> None:
    # per token: "dining" B-name, "room" I-area (best alone), "lamp" I-name
    s = scores([{"O": 0.9}, {"B-name": 0.6, "B-area": 0.4}, {"I-area": 0.5, "I-name": 0.45}, {"I-name": 0.9}])
    alone = [TAGS[i] for i in s.argmax(axis=1)]
    assert alone == ["O", "B-name", "I-area", "I-name"]
    path = [TAGS[i] for i in decode_bio(s, *allowed_transitions(TAGS))]
    assert path == ["O", "B-name", "I-name", "I-name"]
    assert decode_slots(["the", "dining", "room", "lamp"], path) == {"name": "dining room lamp"}


def test_no_inside_tag_first_and_valid_paths_are_kept() -> None:
    s = scores([{"I-name": 0.7, "B-name": 0.3}, {"I-name": 0.9}])
    assert [TAGS[i] for i in decode_bio(s, *allowed_transitions(TAGS))] == ["B-name", "I-name"]
    valid = scores([{"B-area": 0.8}, {"I-area": 0.8}, {"O": 0.8}, {"B-name": 0.8}])
    assert list(decode_bio(valid, *allowed_transitions(TAGS))) == list(valid.argmax(axis=1))


def test_empty_input() -> None:
    assert decode_bio(np.zeros((0, len(TAGS))), *allowed_transitions(TAGS)).shape == (0,)
