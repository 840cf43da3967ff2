"""A name of the home said with other spacing is read as the home spells it (edge/nlu/home_spelling.py)."""

from __future__ import annotations

from edge.context.model import ContextSnapshot, Device
from edge.nlu.home_spelling import home_spelling
from edge.nlu.snapshots import make_snapshot


def _home(*names: str, aliases: tuple[str, ...] = ()) -> ContextSnapshot:
    devices = {
        f"light.d{i}": Device(f"light.d{i}", name, "light", "bedroom", aliases=aliases if i == 0 else ())
        for i, name in enumerate(names)
    }
    return make_snapshot(devices, "bedroom", areas=("bedroom", "living room"))


def test_words_run_together_or_apart_become_the_home_spelling() -> None:
    home = _home("aircon", "night light", aliases=("sound bar",))
    assert home_spelling("set the air con to 21", home) == "set the aircon to 21"
    assert home_spelling("turn on the nightlight", home) == "turn on the night light"
    assert home_spelling("turn up the soundbar", home) == "turn up the sound bar"
    assert home_spelling("turn off the bed room light", home) == "turn off the bedroom light"


def test_text_without_such_a_name_is_left_as_it_is() -> None:
    home = _home("aircon", "night light", "nightlight", "Trader Joe[']s")
    text = "Turn ON the Night Light, please!"
    assert home_spelling(text, home) is text  # already the home's spelling: untouched, punctuation kept
    assert home_spelling("turn on the nightlight", home) == "turn on the nightlight"  # both spellings exist
    assert home_spelling("add apples to my trader joes list", home) == "add apples to my trader joes list"
    assert home_spelling("the air is con", home) == "the air is con"  # not next to each other
    assert home_spelling("is it on", _home("is it", "on it")) == "is it on"  # under five letters: never
