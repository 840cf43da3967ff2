"""The media search query completed from the request's shape (pure logic on tokens and tags)."""

from __future__ import annotations

import pytest

from edge.nlu.wildcard import complete_query, query_stretch


def tagged(text: str, slots: dict[str, str]) -> tuple[list[str], list[str]]:
    """Tokens and BIO tags with each slot value tagged where it occurs."""
    tokens = text.split()
    tags = ["O"] * len(tokens)
    for slot, value in slots.items():
        words = value.split()
        for i in range(len(tokens) - len(words) + 1):
            if tokens[i : i + len(words)] == words:
                tags[i : i + len(words)] = [f"B-{slot}"] + [f"I-{slot}"] * (len(words) - 1)
                break
    return tokens, tags


@pytest.mark.parametrize(
    ("text", "slots", "want"),
    [
        ("play norah jones", {}, "norah jones"),  # nothing tagged
        ("put on some norah jones", {"search_query": "jones"}, "norah jones"),  # part of the name
        ("play something by miles davis please", {"search_query": "davis"}, "miles davis"),
        ("play jazz in the kitchen", {"search_query": "jazz", "area": "kitchen"}, "jazz"),
        ("play the hunger games on tv", {"search_query": "hunger games", "name": "tv"}, "the hunger games"),
        ("i want to listen to daft punk", {"search_query": "daft punk"}, "daft punk"),
        # the tagger's span is kept when it is not part of the stretch
        ("play some jazz", {"search_query": "some jazz"}, "some jazz"),
    ],
)
def test_query(text: str, slots: dict[str, str], want: str) -> None:
    tokens, tags = tagged(text, slots)
    assert complete_query(tokens, tags, slots.get("search_query")) == want


def test_no_verb_or_nothing_after_it_keeps_the_tagger() -> None:
    tokens, tags = tagged("music please", {})
    assert query_stretch(tokens, tags) is None
    assert complete_query(tokens, tags, None) is None
    tokens, tags = tagged("play please", {})
    assert complete_query(tokens, tags, "x") == "x"


def test_a_name_slot_ends_the_stretch_even_without_a_link_word() -> None:
    tokens, tags = tagged("play queen bedroom speaker", {"name": "bedroom speaker"})
    assert complete_query(tokens, tags, None) == "queen"
