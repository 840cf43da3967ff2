"""The project's own sentence templates (hassil syntax), grouped in families with a labelling rule.

A family's ``label`` sees the sampled context facts and returns (intent, focus domain, media class). Most
families ignore the context; the ambiguous ones (see ``CONTEXT_FAMILIES``) are where the same words mean
different things in different homes, and are how the model learns to read its context input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["FAMILIES", "RULES", "Family", "Label"]

Facts = Mapping[str, float]
Label = tuple[str, str, str]  # intent, focus domain ("" none, "*" the sampled name's domain), media class

RULES: dict[str, str] = {
    "the": "(the|my|our)",
    "turn": "(turn|switch)",
    "light": "(light|lights|lamp|lamps|lighting)",
    "pls": "[please]",
    "can": "[(can you|could you|would you|please)]",
    "inarea": "(in|on) [the] {area}",
}


@dataclass(frozen=True, slots=True)
class Family:
    templates: tuple[str, ...]
    label: Callable[[Facts], Label]
    samples: int = 300


def _fixed(intent: str, focus: str = "", media: str = "") -> Callable[[Facts], Label]:
    return lambda _facts: (intent, focus, media)


def _temp_query(f: Facts) -> Label:
    return (
        ("OvenGetTemperature", "oven", "") if f["oven_on"] else ("HassClimateGetTemperature", "climate", "")
    )


def _temp_set(f: Facts) -> Label:
    return (
        ("OvenSetTemperature", "oven", "") if f["oven_on"] else ("HassClimateSetTemperature", "climate", "")
    )


def _up_down(direction: str) -> Callable[[Facts], Label]:
    def label(f: Facts) -> Label:
        if f["media_playing"]:
            return ("VolumeUp" if direction == "up" else "VolumeDown", "media_player", "")
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


def _play_title(f: Facts) -> Label:
    return ("HassMediaSearchAndPlay", "media_player", "movie" if f["satellite_screen"] else "audiobook")


F = Family
FAMILIES: dict[str, Family] = {
    # --- context-dependent ------------------------------------------------------------------------
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
            "start {title:search_query}",
            "can you play {title:search_query}",
            "i want {title:search_query}",
            "play {title:search_query} please",
            "let's play {title:search_query}",
        ),
        _play_title,
        2200,
    ),
    # --- fixed meaning ----------------------------------------------------------------------------
    "turn_on_light": F(
        (
            "<turn> on [the] <light>",
            "<turn> the <light> on",
            "<light> on <pls>",
            "<can> turn on the <light>",
            "<turn> on the {area} <light>",
            "<turn> on the <light> <inarea>",
            "<light> on <inarea>",
            "i need some light",
            "lights please",
            "<turn> it on",
            "<turn> that on",
        ),
        _fixed("HassTurnOn", "light"),
        900,
    ),
    "turn_off_light": F(
        (
            "<turn> off [the] <light>",
            "<turn> the <light> off",
            "<light> off <pls>",
            "kill the lights",
            "<turn> off the {area} <light>",
            "<turn> off the <light> <inarea>",
            "<can> turn off the <light>",
            "lights out",
            "shut off the <light>",
        ),
        _fixed("HassTurnOff", "light"),
        900,
    ),
    "turn_on_name": F(
        (
            "<turn> on [the] {name}",
            "<turn> [the] {name} on",
            "<can> turn on the {name}",
            "power on [the] {name}",
            "<turn> on the {name} <inarea>",
            "start the {name}",
            "{name} on <pls>",
            "activate the {name}",
        ),
        _fixed("HassTurnOn", "*"),
        1200,
    ),
    "turn_off_name": F(
        (
            "<turn> off [the] {name}",
            "<turn> [the] {name} off",
            "<can> turn off the {name}",
            "power off [the] {name}",
            "shut off the {name}",
            "<turn> off the {name} <inarea>",
            "{name} off <pls>",
            "deactivate the {name}",
        ),
        _fixed("HassTurnOff", "*"),
        1200,
    ),
    "light_set": F(
        (
            "set [the] {area} <light> to {brightness} percent",
            "dim the {light_name:name} to {brightness} percent",
            "set [the] brightness to {brightness} [percent]",
            "make the <light> {color}",
            "(change|turn) the {light_name:name} [to] {color}",
            "{color} <light> <pls>",
            "set the <light> <inarea> to {color}",
            "<light> to {brightness} percent",
            "set the {light_name:name} brightness to {brightness} percent",
        ),
        _fixed("HassLightSet", "light"),
        900,
    ),
    "brighter": F(
        (
            "brighten the <light>",
            "make it brighter",
            "brighter [please]",
            "turn up the <light>",
            "increase the brightness [<inarea>]",
            "more light",
            "<light> up",
            "make the {area} brighter",
            "it's too dark [in here]",
            "raise the <light>",
            "brighten up the {light_name:name}",
        ),
        _fixed("LightBrighter", "light"),
        700,
    ),
    "dimmer": F(
        (
            "dim the <light>",
            "make it darker",
            "darker [please]",
            "turn down the <light>",
            "lower the <light>",
            "decrease the brightness [<inarea>]",
            "it's too bright [in here]",
            "dim the {light_name:name} a bit",
            "<light> down",
            "less light",
        ),
        _fixed("LightDimmer", "light"),
        700,
    ),
    "volume_up": F(
        (
            "louder [please]",
            "turn up the (volume|music|sound)",
            "volume up",
            "make it louder",
            "increase the volume [by {volume_step}]",
            "i can't hear it",
            "pump up the volume",
            "turn the {media_name:name} up",
            "raise the volume",
        ),
        _fixed("VolumeUp", "media_player"),
        700,
    ),
    "volume_down": F(
        (
            "quieter [please]",
            "turn down the (volume|music|sound)",
            "volume down",
            "too loud",
            "lower the volume [by {volume_step}]",
            "make it quieter",
            "turn the {media_name:name} down",
            "decrease the volume",
            "it's too loud",
        ),
        _fixed("VolumeDown", "media_player"),
        700,
    ),
    "set_volume": F(
        (
            "set [the] volume to {volume_level} [percent]",
            "volume [to] {volume_level} [percent]",
            "change the volume to {volume_level}",
        ),
        _fixed("HassSetVolume", "media_player"),
        300,
    ),
    "pause": F(
        (
            "pause",
            "pause [the] (music|movie|show|tv|song|video)",
            "pause it",
            "pause [the] {media_name:name}",
            "hold on pause",
            "pause please",
            "stop the (music|movie|song)",
        ),
        _fixed("HassMediaPause", "media_player"),
        700,
    ),
    "resume": F(
        (
            "resume",
            "unpause",
            "continue playing",
            "resume the (music|movie|show)",
            "keep playing",
            "resume playback",
            "carry on playing",
        ),
        _fixed("HassMediaUnpause", "media_player"),
        400,
    ),
    "next": F(
        (
            "next [(song|track|episode)]",
            "skip [this] [(song|track)]",
            "play the next (song|track|episode)",
            "skip ahead",
            "next one",
        ),
        _fixed("HassMediaNext", "media_player"),
        400,
    ),
    "previous": F(
        (
            "previous [(song|track)]",
            "go back a (song|track)",
            "play the previous (song|track)",
            "last song again",
            "back one (song|track)",
        ),
        _fixed("HassMediaPrevious", "media_player"),
        400,
    ),
    "play_movie": F(
        (
            "(watch|play) the (movie|film) {title:search_query}",
            "i want to watch {title:search_query}",
            "put the movie {title:search_query} on",
            "play {title:search_query} on the (tv|television)",
        ),
        _fixed("HassMediaSearchAndPlay", "media_player", "movie"),
        400,
    ),
    "play_book": F(
        (
            "play the audiobook [of] {title:search_query}",
            "read me {title:search_query}",
            "i want to listen to [the audiobook] {title:search_query}",
            "continue [the audiobook] {title:search_query}",
        ),
        _fixed("HassMediaSearchAndPlay", "media_player", "audiobook"),
        400,
    ),
    "play_music": F(
        (
            "play {music:search_query}",
            "put on {music:search_query}",
            "i want to hear {music:search_query}",
            "play {music:search_query} <inarea>",
            "play {music:search_query} on the {media_name:name}",
        ),
        _fixed("HassMediaSearchAndPlay", "media_player", "music"),
        900,
    ),
    "climate_set": F(
        (
            "set the (thermostat|heating|heat) to {temperature} [degrees]",
            "make it {temperature} degrees <inarea>",
            "set the {area} to {temperature} degrees",
            "set the {climate_name:name} to {temperature}",
        ),
        _fixed("HassClimateSetTemperature", "climate"),
        500,
    ),
    "climate_get": F(
        (
            "(whats|what is) the temperature <inarea>",
            "how (warm|cold) is it <inarea>",
            "what is the {climate_name:name} set to",
            "what's the thermostat at",
            "how cold is it in here",
        ),
        _fixed("HassClimateGetTemperature", "climate"),
        400,
    ),
    "warmer": F(
        (
            "make it warmer",
            "i'm cold",
            "it's cold in here",
            "turn up the (heat|heating|thermostat)",
            "raise the temperature [a (bit|little)]",
            "warmer please",
            "heat it up [a bit]",
            "i'm freezing",
        ),
        _fixed("ClimateWarmer", "climate"),
        500,
    ),
    "cooler": F(
        (
            "make it cooler",
            "i'm hot",
            "it's too warm in here",
            "turn down the (heat|heating|thermostat)",
            "lower the temperature [a (bit|little)]",
            "cooler please",
            "cool it down",
            "it's boiling in here",
        ),
        _fixed("ClimateCooler", "climate"),
        500,
    ),
    "oven_set": F(
        (
            "preheat the oven [to {temperature} [degrees]]",
            "set the oven to {temperature} [degrees]",
            "heat the oven to {temperature}",
            "oven to {temperature} degrees",
            "turn the oven to {temperature}",
            "preheat to {temperature}",
        ),
        _fixed("OvenSetTemperature", "oven"),
        500,
    ),
    "oven_get": F(
        (
            "how hot is the oven",
            "(whats|what is) the oven temperature",
            "is the oven hot yet",
            "what temperature is the oven [at]",
            "has the oven preheated",
            "is the oven ready",
            "how warm is the oven",
        ),
        _fixed("OvenGetTemperature", "oven"),
        500,
    ),
    "coffee": F(
        (
            "make me a [cup of] coffee",
            "brew [a] [cup of] coffee",
            "start the {coffee_name:name}",
            "i need (a|some) coffee",
            "make [me] a {drink}",
            "brew a {drink}",
            "coffee please",
            "can i get a {drink}",
            "make a {drink} please",
        ),
        _fixed("CoffeeBrew", "coffee_maker"),
        500,
    ),
    "vacuum_start": F(
        (
            "start [the] (vacuum|robot|roomba|hoover)",
            "vacuum the {area}",
            "clean the {area}",
            "start cleaning",
            "run the {vacuum_name:name}",
            "hoover the {area}",
            "vacuum [the house]",
        ),
        _fixed("HassVacuumStart", "vacuum"),
        400,
    ),
    "vacuum_dock": F(
        (
            "send the (vacuum|robot|roomba) home",
            "(vacuum|robot) go back to the (dock|base)",
            "stop cleaning and go home",
            "return to base",
            "dock the {vacuum_name:name}",
        ),
        _fixed("HassVacuumReturnToBase", "vacuum"),
        300,
    ),
    "position": F(
        (
            "open the {cover_name:name} [to {position} percent]",
            "set the {cover_name:name} to {position} percent",
            "(raise|lower) the {cover_name:name} to {position} percent",
        ),
        _fixed("HassSetPosition", "cover"),
        300,
    ),
    "undo": F(
        (
            "undo [that]",
            "undo the last thing",
            "take that back",
            "revert that",
            "put it back [the way it was]",
            "that was wrong undo it",
            "go back to how it was",
            "undo what you just did",
            "change it back",
        ),
        _fixed("UndoLast"),
        400,
    ),
    "teach_macro": F(
        (
            "when i say {trigger} [then] {action}",
            "if i say {trigger} [please] {action}",
            "learn that {trigger} means {action}",
            "from now on {trigger} means {action}",
            "whenever i say {trigger} {action}",
        ),
        _fixed("TeachMacro"),
        500,
    ),
    "teach_pref": F(
        (
            "i prefer {preference}",
            "always use {preference}",
            "use {preference} from now on",
            "i'd rather have {preference}",
            "remember that i prefer {preference}",
        ),
        _fixed("TeachPreference"),
        300,
    ),
    "forget": F(
        (
            "forget {trigger}",
            "forget (what|the thing) i (taught|told) you about {trigger}",
            "stop doing {trigger}",
            "delete the {trigger} (command|shortcut)",
            "unlearn {trigger}",
            "remove [the] {trigger} (shortcut|command)",
        ),
        _fixed("ForgetTaught"),
        300,
    ),
    "confirm": F(
        (
            "yes",
            "yeah",
            "yep",
            "sure",
            "correct",
            "that's right",
            "do it",
            "go ahead",
            "yes please",
            "ok",
            "absolutely",
            "yes do it",
            "right",
        ),
        _fixed("Confirm"),
        400,
    ),
    "deny": F(
        (
            "no",
            "nope",
            "no thanks",
            "don't",
            "wrong",
            "that's wrong",
            "not that",
            "no that's not what i meant",
            "no don't",
            "negative",
        ),
        _fixed("Deny"),
        400,
    ),
    "nevermind": F(
        ("never mind", "nevermind", "cancel", "forget it", "nothing", "sorry not you", "oops", "cancel that"),
        _fixed("HassNevermind"),
        300,
    ),
    "time": F(
        ("what time is it", "(whats|what is) the time", "tell me the time", "do you know the time"),
        _fixed("HassGetCurrentTime"),
        200,
    ),
    "weather": F(
        (
            "(whats|what is) the weather [like] [(today|tomorrow|outside)]",
            "is it going to rain [today]",
            "do i need an umbrella",
            "how's the weather",
        ),
        _fixed("HassGetWeather"),
        200,
    ),
    "timer": F(
        (
            "set a timer for {minutes} minutes",
            "{minutes} minute timer",
            "timer for {seconds} seconds",
            "start a {timer_name:name} timer for {minutes} minutes",
            "set a timer for {hours} hour[s]",
        ),
        _fixed("HassStartTimer"),
        300,
    ),
}
