"""Idiom families (issue 14's missed HWU64 targets): everyday phrasings of device requests, and what must
move nothing although it shares their words.

Requests: phrasal verbs ("put out the lights", "bring the lights up", "suck up the dust"), wishes about a
device's state ("I'd like the plug not to be active"), "more/less visible", requests wrapped in a question
("is it ok to dim the lights"). Negatives, labelled ``OutOfDomain``: media-player settings (shuffle, repeat,
equaliser), list edits and list screens, games and apps ("play a round of X", "start playing X"), jokes to
hear, questions about how to use a device. Slot values come from the shared pools (``{game_title}`` draws from
``pools_ood.GAMES`` and ``pools_ood.GAME_TITLES``), never from evaluation sentences.
"""

from __future__ import annotations

from edge.lab.training.templates_base import Family, fixed

__all__ = ["IDIOM_FAMILIES"]


F = Family
_LIGHT = "(light|lights|lamp|lamps|lighting|{light_name:name})"
_PLUG = "{plug_word:name}"
_ASKING = (
    "(is it (ok|okay|alright|all right|possible) (to|if you|if we)|would you mind (if you|if we)"
    "|do you mind if (you|we)|could we|can we|shall we|should we|why don't you|why not)"
)
_WISH = "(i'd like|i would like|i'd love|i would love|i want|i need|i'd prefer|i would prefer)"

IDIOM_FAMILIES: dict[str, Family] = {
    "idiom_light_off": F(
        (
            "put out [the|all the] " + _LIGHT + " [<inarea>] [<pls>]",
            "put [the|all the] " + _LIGHT + " out [<inarea>]",
            "(extinguish|douse|snuff out|blow out) [the|all the] " + _LIGHT + " [<inarea>]",
            "lights out [<inarea>] [<pls>]",
            _WISH + " [the|all the] " + _LIGHT + " (off|out|not on|dark) [<inarea>] [(now|right now)]",
            _WISH + " the " + _LIGHT + " (not to be on|to not be on|to be off) [(now|right now)]",
            "[<pls>] let's (put out|kill|cut|switch off) the " + _LIGHT,
            _ASKING + " (put out|switch off|turn off|kill) the " + _LIGHT + " [<inarea>]",
            "the " + _LIGHT + " (can|should) go (off|out) [now]",
        ),
        fixed("HassTurnOff", "light"),
        500,
    ),
    "idiom_brighter": F(
        (
            "(raise|lift|bring up|turn up|put up|push up|crank up) the " + _LIGHT + " [a (bit|little|notch)]"
            " [for me] [<inarea>] [<pls>]",
            "(bring|turn|put|crank) the " + _LIGHT + " up [a (bit|little|notch)] [for me] [<inarea>]",
            "(make|get) the " + _LIGHT + " (more (visible|intense|vivid|luminous|glowing)|less dim|less dark)"
            " [<inarea>] [<pls>]",
            "<can> (raise|bring up|turn up) the " + _LIGHT + " [for me] [<pls>]",
            _ASKING + " (raise|brighten|turn up|bring up) the " + _LIGHT + " [<inarea>]",
            _WISH + " the " + _LIGHT + " (brighter|more visible|stronger|up a bit) [<inarea>]",
            "(more|a bit more|a little more) (visibility|glow|light) (please|in here|<inarea>)",
            "i (can't|cannot|can not) see (well|a thing|much) [in here] (brighten|raise|turn up) the "
            + _LIGHT,
        ),
        fixed("LightBrighter", "light"),
        600,
    ),
    "idiom_dimmer": F(
        (
            "(bring|turn|put|take) the " + _LIGHT + " down [a (bit|little|notch)] [for me] [<inarea>]",
            "(bring down|turn down|take down|tone down) the " + _LIGHT + " [a (bit|little|notch)] [<inarea>]",
            "(make|get) the " + _LIGHT + " (less (visible|intense|bright|glaring|harsh)|more (dim|subtle))"
            " [<inarea>] [<pls>]",
            _ASKING + " (lower|dim|turn down|bring down) the " + _LIGHT + " [<inarea>]",
            _WISH + " the " + _LIGHT + " (dimmer|lower|softer|less bright|down a bit) [<inarea>]",
            "(less|a bit less|a little less) (glare|light) (please|in here|<inarea>)",
            "(the|these) " + _LIGHT + " (hurt|hurts) my eyes",
        ),
        fixed("LightDimmer", "light"),
        600,
    ),
    "idiom_set_mode": F(
        (
            "(switch|change|set|put) the (lights|lighting|lamps) to (night light|reading|relax|movie|party"
            "|daylight|evening|concentrate|energize|nightlight|cinema) (setting|mode|preset|colour|color)",
            "(night light|reading light|daylight|warm white|cool white) (setting|mode)"
            " for the (lights|lamps)",
            "(change|switch|set) the (lights|lamps|lighting) [<inarea>] (setting|mode|preset) to {color}",
        ),
        fixed("HassLightSet", "light"),
        300,
    ),
    "idiom_device_state_wish": F(
        (
            _WISH + " [the|my] {appliance_name:name} (not to be|to not be) (on|active|running|powered)"
            " [(now|right now|anymore|tonight)]",
            _WISH + " [the|my] {appliance_name:name} to be (off|inactive|powered down|switched off)"
            " [(now|right now|tonight)]",
            "[the|my] {appliance_name:name} (should not|shouldn't|doesn't need to|does not need to)"
            " be (on|active|running) [anymore|now]",
            "make [the|my] {appliance_name:name} (inactive|not active|stop running)",
        ),
        fixed("HassTurnOff", "*"),
        500,
    ),
    "idiom_device_state_wish_on": F(
        (
            _WISH + " [the|my] {appliance_name:name} to be (on|active|running|powered|switched on)"
            " [(now|right now|tonight)]",
            "make [the|my] {appliance_name:name} active [now]",
            "(bring|get) [the|my] {appliance_name:name} (online|up and running|going)",
            "(give|restore) power to [the|my] {appliance_name:name}",
        ),
        fixed("HassTurnOn", "*"),
        400,
    ),
    "idiom_plug_on": F(
        (
            "<turn> on [the|my] " + _PLUG + " [<inarea>] [<pls>]",
            "<turn> [the|my] " + _PLUG + " on [<inarea>] [<pls>]",
            "(activate|enable|power up|start|energize) [the|my] " + _PLUG + " [<inarea>]",
            _WISH + " [the|my] " + _PLUG + " (on|active|to be on|to be active) [<inarea>] [(now|right now)]",
        ),
        fixed("HassTurnOn", "switch"),
        400,
    ),
    "idiom_plug_off": F(
        (
            "<turn> off [the|my] " + _PLUG + " [<inarea>] [<pls>]",
            "<turn> [the|my] " + _PLUG + " off [<inarea>] [<pls>]",
            "(deactivate|disable|power down|kill|cut) [the|my] " + _PLUG + " [<inarea>]",
            _WISH + " [the|my] " + _PLUG + " (off|inactive|not on|not active|not to be active"
            "|to not be active|to be off) [<inarea>] [(now|right now)]",
        ),
        fixed("HassTurnOff", "switch"),
        400,
    ),
    "idiom_color_wish": F(
        (
            _WISH + " [some|the] {color} (light|lights|lighting) [<inarea>] [(now|right now|tonight|please)]",
            _WISH + " the (lights|lamps|lighting|{light_name:name}) [<inarea>] (to be|in) {color}"
            " [(now|tonight|please)]",
        ),
        fixed("HassLightSet", "light"),
        300,
    ),
    "idiom_vacuum": F(
        (
            "[(let's|lets)] (suck|hoover|vacuum|sweep) (up|out) [all] the (dust|dirt|crumbs|pet hair|dog hair"
            "|cat hair|fluff|mess) [<inarea>]",
            "(get|clear) [all] the (dust|dirt|crumbs) (off|out of|up from)"
            " the (floor|floors|carpet|rug|{area})",
            "(there's|there is) (dust|dirt|hair) (everywhere|all over the floor) [<inarea>]",
            "the (floor|floors|carpet|rug) (needs|need) (a clean|cleaning|vacuuming|hoovering) [<inarea>]",
            "(let's|lets) get (the|this) (place|house|floor) (clean|cleaned|dust free)",
        ),
        fixed("HassVacuumStart", "vacuum"),
        500,
    ),
    "neg_media_settings": F(
        (
            "[<pls>] (turn|switch) (off|on) [the] (shuffle|repeat|crossfade|autoplay|bass boost|loudness"
            "|equaliser|equalizer|gapless playback) [(setting|mode|option|function|feature)] [<pls>]",
            "[<pls>] (turn|switch) [the] (shuffle|repeat|crossfade|autoplay) [(setting|mode)] (off|on)",
            "(shuffle|repeat|crossfade|autoplay) (setting|mode|option) (off|on) [<pls>]",
            "(enable|disable|stop|cancel|change|adjust|reset) [the] (shuffle|repeat|crossfade|autoplay"
            "|equaliser|equalizer|bass|treble) [(setting|settings|mode)]",
            "set the (equaliser|equalizer) to (rock|jazz|pop|flat|classical|bass boost)",
            "(stop|don't|do not) (shuffling|repeating) [the] [(songs|tracks|playlist)]",
            "(play|put) (the|my) (songs|tracks|playlist) in order",
            "(no|without) (shuffle|repeat) [please]",
        ),
        fixed("OutOfDomain"),
        600,
    ),
    "neg_list_edits": F(
        (
            "(kill|scrap|erase|drop|cross out|cross off|strike|ditch) (the|this|that|an|one) [last|first]"
            " (item|entry|thing) [(from|on) (my|the) list]",
            "(scrap|erase|drop|remove|delete) (the|that|this) (item|entry) number {n}",
            "(put|show|display|bring up) (my|the) (lists|list|to do list|to do lists)"
            " on the (screen|tv|display)",
            "(show|tell) me (my|all my|all the) lists",
            "which lists do i have",
            "(rename|sort|share|print) (my|the) (list|lists|shopping list|to do list)",
        ),
        fixed("OutOfDomain"),
        500,
    ),
    "neg_games_apps": F(
        (
            "[<pls>] play a (game|round|match) of {game_title}",
            "[<pls>] (start|begin|keep) playing {game_title}",
            "[<pls>] (open|launch|start|load) [the] {game_title} (app|game) [<pls>]",
            "(open|launch|start) the (app|game) [called] {game_title}",
            "(let's|lets|i want to|i wanna) play [some|a bit of] {game_title} [on my (phone|console|tablet)]",
            "play {game_title} (with me|on my (phone|tablet|console|xbox|playstation)|against me)",
            "[<pls>] play {game_title} [<pls>]",
            "can (i|we) play {game_title} [(now|tonight)]",
        ),
        fixed("OutOfDomain"),
        900,
    ),
    "neg_hear_jokes": F(
        (
            _WISH + " to hear (a|some|another) [good|funny|new|silly|bad] (joke|jokes|riddle|riddles|pun|puns"
            "|fun fact|fun facts|story)",
            "(give|tell) me (a|some|another) [good|funny|new|silly|bad] (joke|jokes|riddle|riddles|pun|puns)",
            "(make|help) me laugh",
            "(say|tell me) something funny",
            "(do you know|got) any [good|funny] (jokes|riddles)",
        ),
        fixed("OutOfDomain"),
        400,
    ),
    "neg_device_howto": F(
        (
            "(how do i|how can i|how to|how should i) (use|set|program|set up|clean|descale|adjust|time)"
            " (my|the) {device}",
            "(how do i|how can i|how to) set the (timer|clock|schedule|strength|temperature)"
            " on (my|the) {device}",
            "(explain|tell me|show me) how (to|i) (use|set|program|set up|clean) (my|the) {device}",
            "(what does|what do) the (button|buttons|light|lights|symbols) on (my|the) {device} mean",
            "(where is|where's) the (manual|instructions) for (my|the) {device}",
            "(is there|do you have) a (guide|manual|tutorial) for (my|the) {device}",
        ),
        fixed("OutOfDomain"),
        250,
    ),
}
