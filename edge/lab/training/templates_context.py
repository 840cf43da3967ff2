"""Context-dependent families: the same words mean different things in different homes; each sentence is
labelled by a rule over the randomly sampled home state, which is how the model learns to read its context
input.
"""

from __future__ import annotations

from collections.abc import Callable

from edge.lab.training.templates_base import Facts, Family, Label

__all__ = ["CONTEXT_FAMILIES", "play_title_label"]


def _temp_query(f: Facts) -> Label:
    return (
        ("HassClimateGetTemperature", "oven", "")
        if f["oven_on"]
        else ("HassClimateGetTemperature", "climate", "")
    )


def _temp_set(f: Facts) -> Label:
    return (
        ("HassClimateSetTemperature", "oven", "")
        if f["oven_on"]
        else ("HassClimateSetTemperature", "climate", "")
    )


def _up_down(direction: str) -> Callable[[Facts], Label]:
    def label(f: Facts) -> Label:
        if f["media_playing"]:
            return ("HassSetVolumeRelative", "media_player", "")  # the direction is in the words
        if f["area_lights_on"] or not f["thermostat_present"]:
            return ("LightBrighter" if direction == "up" else "LightDimmer", "light", "")
        return ("ClimateWarmer" if direction == "up" else "ClimateCooler", "climate", "")

    return label


def _it_off(f: Facts) -> Label:
    if f["media_playing"] and not f["area_lights_on"]:
        return ("HassTurnOff", "media_player", "")
    return ("HassTurnOff", "light", "")


def _stop(f: Facts) -> Label:
    return ("HassMediaPause", "media_player", "") if f["media_playing"] else ("HassNevermind", "", "")


def play_title_label(f: Facts) -> Label:
    """A title after "play": a film on a satellite with a screen, audio (an audiobook) elsewhere."""
    return ("HassMediaSearchAndPlay", "media_player", "movie" if f["satellite_screen"] else "audiobook")


F = Family
CONTEXT_FAMILIES: dict[str, Family] = {
    "ctx_temp_query": F(
        (
            "(whats|what is) the [current] (temperature|temp) [right now]",
            "how (hot|warm) is it [now]",
            "what temperature is it",
            "whats it at",
            "(tell me|check) the temperature",
            "is it hot yet",
            "what is the temperature at",
            "how hot is it getting",
        ),
        _temp_query,
        1800,
    ),
    "ctx_temp_set": F(
        (
            "set the (temperature|temp) to {temperature} [degrees]",
            "set it to {temperature} degrees",
            "change the temperature to {temperature} [degrees]",
            "make it {temperature} degrees",
            "put it (on|at) {temperature} [degrees]",
            "{temperature} degrees please",
        ),
        _temp_set,
        1500,
    ),
    "ctx_up": F(
        (
            "turn it up [a (bit|little|notch)]",
            "(up|higher) a (bit|little)",
            "crank it up",
            "increase it",
            "bump it up",
            "turn it up please",
            "a (bit|little) (more|higher)",
            "more please",
            "higher",
            "turn that up",
            "up please",
            "can you turn it up",
        ),
        _up_down("up"),
        2000,
    ),
    "ctx_down": F(
        (
            "turn it down [a (bit|little|notch)]",
            "(down|lower) a (bit|little)",
            "tone it down",
            "decrease it",
            "bring it down",
            "turn it down please",
            "a (bit|little) (less|lower)",
            "less please",
            "lower",
            "turn that down",
            "down please",
            "can you turn it down",
        ),
        _up_down("down"),
        2000,
    ),
    "ctx_it_off": F(
        (
            "<turn> it off",
            "<turn> (that|this) off",
            "shut it off",
            "<turn> off",
            "<turn> it off please",
            "kill it",
        ),
        _it_off,
        1400,
    ),
    "ctx_stop": F(("stop", "stop it", "stop that", "enough", "please stop", "ok stop"), _stop, 1000),
    "ctx_play_title": F(
        (
            "play {title:search_query}",
            "put on {title:search_query}",
            "start playing {title:search_query}",
            "can you play {title:search_query}",
            "play {title:search_query} please",
            "let's play {title:search_query}",
        ),
        play_title_label,
        2200,
    ),
    # --- fixed meaning ----------------------------------------------------------------------------
}
