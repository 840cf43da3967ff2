"""The phrase offered for teaching: what the household said, not the part of it the NLU took as a name."""

from __future__ import annotations

import pytest

from edge.dialog.teach import offer_phrase, teachable_phrase


@pytest.mark.parametrize(
    ("text", "name_slot", "phrase"),
    [
        ("study mode", "", "study mode"),
        ("activate study mode", "", "study mode"),
        ("study mode", "study", "study mode"),  # the model took "study" as the name: the phrase said wins
        ("movie time", "movie", "movie time"),
        ("turn on the vexfais", "vexfais", "vexfais"),
        ("turn on the vexfais in the den", "vexfais", "vexfais"),  # more than one word around it: the name
        ("switch on the blue gizmo please", "blue gizmo", "blue gizmo"),
    ],
)
def test_the_phrase_is_what_was_said(text: str, name_slot: str, phrase: str) -> None:
    assert teachable_phrase(text, name_slot) == phrase


def test_a_request_we_failed_to_parse_is_not_offered() -> None:
    assert offer_phrase("study mode", "study") == "study mode"
    assert offer_phrase("close them") is None  # a command word first: a failed request, not a new name
    assert offer_phrase("turn on the kitchen light") is None  # a device word
