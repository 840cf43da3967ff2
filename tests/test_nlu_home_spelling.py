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


def test_a_word_for_the_same_thing_is_the_one_the_home_uses() -> None:
    """ "Turn on the telly" in a home whose TV is the "samsung tv" turned on a speaker; "the lounge" in a
    home with a "living room" was "no area called 'lounge'"."""
    devices = {
        "media_player.tv": Device("media_player.tv", "samsung tv", "media_player", "living room"),
        "light.sofa": Device("light.sofa", "couch lamp", "light", "living room"),
    }
    home = make_snapshot(devices, "kitchen", areas=("living room", "kitchen"))
    assert home_spelling("turn on the telly", home) == "turn on the tv"
    assert home_spelling("pause the television", home) == "pause the tv"
    assert home_spelling("lights off in the sitting room", home) == "lights off in the living room"
    assert home_spelling("turn on the sofa lamp", home) == "turn on the couch lamp"
    text = "turn on the lights in the yard"  # no garden here: nothing to read it as
    assert home_spelling(text, home) is text
    both = make_snapshot(devices, "kitchen", areas=("living room", "lounge"))  # the home uses two: kept
    assert home_spelling("lights off in the lounge", both) == "lights off in the lounge"
    floors = {"light.hall": Device("light.hall", "hall light", "light", "hall", floor="ground floor")}
    home = make_snapshot(floors, "hall", areas=("hall",))
    assert home_spelling("turn off the lights downstairs", home) == "turn off the lights ground floor"
    two = {
        "light.hall": Device("light.hall", "hall light", "light", "hall", floor="ground floor"),
        "light.landing": Device("light.landing", "landing light", "light", "landing", floor="first floor"),
    }
    flat = make_snapshot(two, "hall", areas=("hall", "landing"))
    assert home_spelling("turn off the lights upstairs", flat) == "turn off the lights first floor"
    assert home_spelling("turn off the lights downstairs", flat) == "turn off the lights ground floor"
