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
    "can": "[(can you|could you|would you|will you|please|kindly) [please]]",
    "inarea": "(in|on) [the] {area}",
    "want": "(i want|i'd like|i would like|i need|can i have|can i get|give me)",
    "vac": "(vacuum|vacuum cleaner|robot vacuum|robot cleaner|roomba|hoover|robot)",
    "mood": "(romantic|cozy|relaxing|party|festive|calm|soothing)",
    "tz": "(eastern|pacific|gmt|central|{city})",
    "day": "(today|tomorrow|tonight|on monday|on tuesday|on friday|this weekend|next week)",
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
            "enable [the] {name}",
            "power up the {name}",
            "<want> the {name} on [now]",
            "get the {name} (going|running)",
            "put the {name} on",
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
            "disable [the] {name}",
            "(cut|kill) [the] power (to|on) the {name}",
            "power down the {name}",
            "<want> the {name} off [now]",
            "the {name} (shouldn't|should not) be on [anymore]",
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
    # --- paraphrase families (new phrasings for the same intents) ----------------------------------
    "vacuum_on": F(
        (
            "<turn> on [the] <vac> [now]",
            "<turn> [the] <vac> on [now]",
            "<turn> on the {vacuum_name:name} [<inarea>]",
            "power on the <vac>",
            "(activate|launch|enable) the <vac>",
            "(get|set) the <vac> (going|running)",
            "(have|let|tell) the <vac> (clean|run|vacuum) [the {area}]",
            "send the <vac> to clean [the {area}]",
            "(clean|vacuum|hoover|sweep) [up] the (floor|floors|carpet|carpets|rug|house|whole house|place)",
            "the (floor|floors|carpet|house) (is|are) (dirty|dusty|a mess) [<pls>]",
            "(do|start) [some|the] (cleaning|vacuuming|hoovering) [<inarea>]",
            "run a cleaning (cycle|session) [<inarea>]",
            "i need the {area} (vacuumed|cleaned|hoovered)",
            "(start|begin) (vacuuming|cleaning) [the {area}] [in {minutes} minutes]",
            "(vacuum|clean) the {area} [for {minutes} minutes]",
            "time to (clean|vacuum) [the {area}]",
            "(suck up|get rid of|pick up) the (dust|dirt|crumbs) [<inarea>]",
            "<can> start the <vac> [<pls>]",
        ),
        _fixed("HassVacuumStart", "vacuum"),
        700,
    ),
    "coffee_more": F(
        (
            "<turn> on [the] (coffee maker|coffee machine|coffee pot|espresso machine|coffee)",
            "<turn> [the] (coffee maker|coffee machine|coffee pot) on",
            "(put|get) the coffee (on|going)",
            "start (brewing|the coffee) [a {drink}]",
            "<want> [a|some] {drink} [please]",
            "(get|fix|pour|prepare|make) me (a|some|a cup of) (coffee|{drink}) [please]",
            "(one|a) {drink} [please]",
            "i could (use|do with) a (coffee|{drink}|cup of coffee)",
            "(can|could) you (make|brew|prepare|fix) (a|me a) (coffee|{drink}) [please]",
            "i want (a|some) (coffee|{drink})",
            "(brew|make) (a pot of|some|fresh) coffee",
            "(a|one) cup of (coffee|joe) please",
            "(coffee|caffeine) time",
            "i need (caffeine|my coffee|a {drink})",
            "(make|brew) [me] a {drink} (with milk|with sugar|with no sugar|with oat milk|without sugar)",
            "have the coffee (ready|brewing) [in {minutes} minutes]",
            "{drink} for me [please]",
            "(serve|bring) me [a|some] (coffee|{drink}) [please]",
            "(i'm (tired|sleepy|exhausted)|i need to wake up) [so] <can> (make|brew) me (a|some) coffee",
            "(make|brew) me (a|the) (strong|strongest|extra strong|large|small|hot) (coffee|{drink})",
            "have the {coffee_name:name} ready with [a|my] {drink} [in {minutes} minutes]",
        ),
        _fixed("CoffeeBrew", "coffee_maker"),
        700,
    ),
    "light_on_more": F(
        (
            "(lights|light) on <inarea>",
            "<want> (some|the) (lights|light) [on] [<inarea>]",
            "(illuminate|light up) the {area}",
            "<turn> the {area} (lights|lamps|light) on",
            "put the (lights|light) on [<inarea>]",
            "(lights|light) on [please]",
            "put [the] <light> on [<inarea>]",
            "put the {light_name:name} on",
            "it's (dark|pitch black) in here turn on the <light>",
        ),
        _fixed("HassTurnOn", "light"),
        400,
    ),
    "light_off_more": F(
        (
            "(lights|light) off <inarea>",
            "(cut|kill|shut down) the (lights|lighting|lamps) [<inarea>]",
            "i (don't|do not) (want|need) the (lights|light) on [anymore]",
            "<turn> [all] the (lights|lamps) off [<inarea>]",
            "<turn> the {area} (lights|lamps|light) off",
            "(no more|stop the) lights [<inarea>]",
            "all (lights|lamps) off [please]",
            "(switch|turn) everything off in the {area}",
        ),
        _fixed("HassTurnOff", "light"),
        400,
    ),
    "dimmer_more": F(
        (
            "(<want>|i prefer) (dimmer|darker|softer|lower|less bright) (lights|lighting)",
            "(give me|i want|set|put on) (low|soft|dim|gentle|subdued) (light|lighting|lights) [<inarea>]",
            "(lower|reduce|decrease|drop) the (brightness|light level|lights|lighting) [<inarea>]",
            "(lower|dim|darken) the {area} (lights|lamps|lighting)",
            "(darken|dim) the {area} [a (bit|little)]",
            "make the {area} (darker|dimmer|less bright)",
            "{area} (darker|dimmer) [please]",
            "(make|turn) the (lights|lighting|lamps) (dimmer|darker|softer|less bright) [<inarea>]",
            "the (lights|lighting) (are|is) too (bright|strong|harsh)",
            "(less|lower) brightness [please]",
            "(take|bring|turn) the (lights|lamps) down a (notch|bit|little) [<inarea>]",
            "tone down the (lights|brightness|lighting)",
            "(cut|halve) the brightness [<inarea>]",
            "not so bright [please]",
            "<want> the (lights|lighting|lamps) (less bright|not so bright|a bit lower)",
            "<can> dim the <light> [a (bit|little)] [<inarea>]",
            "(reduce|lower) the <light> by {brightness} percent",
            "(lights|lamps) (lower|dimmer|softer) [please]",
            "(lights|lamps|lighting) dim [<inarea>] [please]",
            "{area} (darken|dim|dimmer) [please]",
            "{area} (lights|lamps) (down|dim|dimmer|lower)",
        ),
        _fixed("LightDimmer", "light"),
        900,
    ),
    "brighter_more": F(
        (
            "(increase|raise|boost|turn up) (the|its|their) (intensity|brightness|light level) [<inarea>]",
            "(increase|raise|boost) the (intensity|brightness) of the (lights|lamps|{light_name:name})",
            "(make|turn) the (lights|lighting|lamps) (brighter|stronger|more intense) [<inarea>]",
            "(more|extra) (brightness|light) [<inarea>] [please]",
            "i (need|want) more light [<inarea>]",
            "(i can't see|it's dark|it is too dark) [in here]",
            "brighten [up] the {area}",
            "{area} (brighter|lighter) [please]",
            "the (lights|lighting) (are|is) too (dim|dark|low)",
            "(boost|bump up|pump up) the (lights|brightness)",
            "<can> brighten the <light> [a (bit|little)] [<inarea>]",
            "(increase|raise) the <light> by {brightness} percent",
            "(every|each|all the) (light|lights) [<inarea>] brighter",
            "(lights|lamps) (brighter|stronger) [please]",
        ),
        _fixed("LightBrighter", "light"),
        800,
    ),
    "light_color_more": F(
        (
            "make it {color} [in here]",
            "(change|set|switch|turn) the (lights|lighting|colour|color) [<inarea>] to {color}",
            "(change|set|turn) the {area} (lights|lamps|lighting) [to] {color}",
            "<want> {color} (light|lights|lighting) [<inarea>]",
            "{color} (lights|lighting) [<inarea>] [please]",
            "(set|create|give me) (a|some) <mood> (mood|ambiance|ambience|atmosphere|lighting) [<inarea>]",
            "<want> [some] (ambiance|ambience|atmosphere|mood lighting) [<inarea>] [please]",
            "(set|put) the lights (for|to) (reading|relaxing|a party|movie night|dinner|sleeping) [<inarea>]",
            "(romantic|party|relaxing|cozy|colourful|colorful|rainbow) (lighting|lights) [<inarea>] [please]",
            "(change|switch) the colo[u]r of the (lights|lamp|{light_name:name}) [to {color}]",
            "make the (lights|lighting) (warmer|cooler|more {color}|{color})",
            "(bathe|light) the (room|{area}) in {color} [light]",
            "turn the {area} {color}",
            "(adjust|change) the lights so (i can|that i can) (sleep|relax|read|focus)",
        ),
        _fixed("HassLightSet", "light"),
        900,
    ),
    "like_song": F(
        (
            "(i|we) (like|love|really like|enjoy) this (song|track|tune|artist|band|album)",
            "(add|save) this (song|track) to my (favorites|favourites|liked songs)",
            "this (song|track) is (great|awesome|amazing|my favourite|my favorite)",
            "(remember|note) that i (like|love) {music}",
            "(i|we) (like|love) {music}",
            "(give|rate) this (song|track) five stars",
            "(nice|great|good|awesome|lovely) (song|music|track|tune)",
        ),
        _fixed("TeachPreference"),
        300,
    ),
    "shopping_add": F(
        (
            "(add|put) {item} (to|on) [my|the] [shopping|grocery] list",
            "<can> add {item} to [my|the] (shopping|grocery) list",
            "on my (shopping|grocery) list [please] (add|put) {item}",
            "put {item} on the list",
            "{item} (to|on) the shopping list",
            "add {item} and {item} to [my|the] shopping list",
        ),
        _fixed("HassShoppingListAddItem"),
        300,
    ),
    "date": F(
        (
            "(whats|what is) (the date|todays date) [today]",
            "what day is it [today]",
            "(tell me|give me) the date",
            "what day of the week is it",
            "which day is (it|today)",
            "(current|todays) date [please]",
            "(do you know|can you tell me) (the date|what day it is)",
        ),
        _fixed("HassGetCurrentDate"),
        250,
    ),
    "mute": F(
        (
            "mute [the] (tv|music|sound|audio|speaker|speakers|television|volume)",
            "mute [the] {media_name:name}",
            "(mute|silence) (it|that|everything) [please]",
            "(turn|switch) (the sound|the audio) off",
            "(silent|mute) mode [on]",
            "(set|put) the (speaker|tv|sound) (on|to) mute",
            "no sound [please]",
        ),
        _fixed("HassMediaPlayerMute", "media_player"),
        300,
    ),
    "unmute": F(
        (
            "unmute [the] (tv|music|sound|speaker|speakers|television|audio)",
            "unmute [the] {media_name:name}",
            "unmute [it|that] [please]",
            "(turn|switch) the sound back on",
            "sound back on [please]",
        ),
        _fixed("HassMediaPlayerUnmute", "media_player"),
        200,
    ),
    # --- out of domain, sharing words with home commands ------------------------------------------
    "ood_games": F(
        (
            "(let's|lets) play {game} [together]",
            "(can|could|shall|should) we play {game}",
            "play {game} with me [please]",
            "i (want|would like|wanna) to play {game} [with you]",
            "(do|would) you (want|like) to play {game} [with me]",
            "play a game [of {game}] [with me]",
            "(let's|lets|can we|shall we) play a game",
            "(start|begin|open|launch|load) [a game of|the] {game} [game|app]",
            "how about a [nice] game of {game}",
            "i challenge you to [a game of] {game}",
            "(start|play) a (game|quiz) [with me]",
            "what games can (you|we) play",
            "play me a game of {game}",
        ),
        _fixed("OutOfDomain"),
        800,
    ),
    "ood_alarms_calendar": F(
        (
            "(set|create|add) [an|my] alarm (for|at) {n} [am|pm|oclock] [<day>]",
            "(turn off|cancel|delete|remove|disable|stop|switch off) [my|the|all] [morning|wake up] alarm[s]",
            "(when is|what time is) my next alarm",
            "next alarm",
            "(what|which) alarms do i have [set]",
            "snooze [the alarm] [for {minutes} minutes]",
            "(remove|delete|cancel|clear|take off) [my|the] {event} [<day>]",
            "(what's|what is) (on|in) my (calendar|agenda|schedule) [<day>]",
            "(add|put|schedule|set up|book) [a|my] {event} [<day>] [at {n}]",
            "remind me (about|of) [the|my] {event} [<day>]",
            "(move|change|reschedule|push back) [the|my] {event} [to tomorrow|to friday|to next week]",
            "do i have (a|an|any) {event} <day>",
            "(clear|free up) my (calendar|schedule) [<day>]",
            "next {event}",
            "when is my next {event}",
        ),
        _fixed("OutOfDomain"),
        900,
    ),
    "ood_messages_lists": F(
        (
            "(check|read) my (email|emails|inbox|messages|texts)",
            "(send|write) (an email|a message|a text) to {person} [saying (hi|i'm late|call me)]",
            "(do i have|any) new (emails|messages)",
            "(add|save) {person} to my contacts",
            "(what is|what's) {person}'s (email|number|phone number|address)",
            "(reply|respond) to {person}",
            "(remove|delete|take|cross) {item} (from|off) [my|the] [shopping|to do|grocery] list",
            "(what's|what is) on [my|the] (shopping|to do|grocery) list",
            "(read|show) me [my|the] [shopping|to do] list",
            "(clear|delete|erase|remove) [my|the] [shopping|to do|grocery] list",
            "(create|make|start) a [new] (list|to do list|packing list|grocery list) [for {event}]",
            "is {item} on my list",
            "how many (items|things) are on my list",
            "(check|tick) off {item}",
            "(remove|delete) (the|that) [last] item",
        ),
        _fixed("OutOfDomain"),
        900,
    ),
    "ood_music_info": F(
        (
            "(what|which) song is (this|playing|that) [right now]",
            "(what's|what is) (this|that|the) song called",
            "who (sings|sang|wrote|is singing) (this|that) [song]",
            "(name|identify) this (song|track|tune)",
            "(turn on|turn off|enable|disable) (shuffle|repeat) [mode]",
            "shuffle (on|off|my playlist|this playlist|the songs)",
            "(put|set) (this|the current) (song|track) on repeat",
            "repeat (this|the) (song|track)",
            "what album is this [song] from",
            "what genre is this [song]",
            "(when|what year) did this (song|album) come out",
            "who is the (artist|singer|band)",
            "(i|we) (don't like|hate|dislike) this (song|track|music)",
        ),
        _fixed("OutOfDomain"),
        700,
    ),
    "ood_time_travel": F(
        (
            "what time is it in {city} [right now]",
            "(what's|what is) the [current] time in {city}",
            "[what is the] time difference between {city} and {city}",
            "convert {n} (am|pm) [from] <tz> [time] to <tz> [time]",
            "(change|set) my time zone to <tz>",
            "how many hours ahead is {city}",
            "what day is (christmas|easter|thanksgiving|new years eve) [this year]",
            "(when is|what time is) the next (train|bus|flight|ferry) to {city}",
            "next (train|bus|flight) to {city}",
            "(how is|how's|what's|check) the traffic [to work|to the airport|on the way home] [today]",
            "book a (taxi|cab|uber) [to the airport|to work|to {city}]",
            "(buy|book) a (train|plane|bus) ticket to {city}",
        ),
        _fixed("OutOfDomain"),
        700,
    ),
    "ood_misc": F(
        (
            "start over",
            "knock knock",
            "(repeat|say) that again",
            "what movies are (playing|showing) (tonight|nearby|this weekend)",
            "recommend a (song|podcast|show|restaurant|movie)",
            "(find|show) me a recipe for (pasta|pancakes|curry|lasagna)",
            "how do i (cook|make) (rice|pasta|salmon|an omelette)",
            "(post|tweet|share) (this|that|a photo) (on|to) (facebook|twitter|instagram)",
            "(order|get) (a pizza|takeout|sushi|chinese food) [for dinner]",
            "(what's|what is) the (stock|share) price of (apple|google|tesla)",
            "how much is (a dollar|one euro|a pound) in (euros|yen|dollars)",
            "(tell me|read me|play me) the (news|headlines)",
            "(what's|what is) happening in the world [today]",
            "give me directions to (the bank|the airport|{city}|work)",
        ),
        _fixed("OutOfDomain"),
        600,
    ),
}
