"""Household phrasing families (issue 14's HWU64 iot target, third retrain): the ways people ask for a
colour change, a light level, a plug or a coffee that the earlier families said too narrowly.

Written from *kinds* of request, never from evaluation sentences (``heldout.drop_heldout`` removes any
generated example equal to one): a colour change said with another verb or noun ("alter the hue of the
lamps", "swap the lights from red to blue"), lights made suitable for an activity ("make the lights good
for reading"), a low or soft light asked for as a thing ("give me dim lighting in the hall"), "less bright"
said with a comparative, lights raised to their maximum ("turn the lamps up to full"), a plug with a word in
front of it ("start the new smart plug", "the spare socket on"), a coffee wanted because one is tired, and
ordering a drink from the house (ordering from a shop stays out of domain: ``templates_ood``). Negatives,
labelled ``OutOfDomain``: questions about a light's colour or a plug's price that share these words.
Named timers ("set a 5 minute timer for the lasagna") and state questions in the past tense ("was the
hall light on") keep the weight the other families take from them. "Shut down" with nothing to shut down
(the assistant itself) moves no device.
Devices named after a drink ("the coffee table lamp", "tea lights", "the wine fridge") say that the noun at
the end of a name decides what it is, not a drink word in front of it.

The sixth pass's families (``templates_household_more``: whole names that end in a class word, requests
wrapped in a polite question, more game titles) come after these. These families, ``HOUSEHOLD_SAMPLES``
and ``CLASS_WORDS`` are the household data: ``generate.build_dataset`` uses them with ``household=True``,
which ``edge train`` (``make models-nlu``) does by default since the ninth pass's model shipped
(``--no-household``: the data of the model before it; docs/nlu.md).
"""

from __future__ import annotations

from edge.lab.training.templates_base import Family, fixed
from edge.lab.training.templates_household_eighth import EIGHTH_FAMILIES
from edge.lab.training.templates_household_more import SIXTH_FAMILIES
from edge.lab.training.templates_household_ninth import NINTH_FAMILIES
from edge.lab.training.templates_household_wish import WISH_FAMILIES

__all__ = ["CLASS_WORDS", "HOUSEHOLD_FAMILIES", "HOUSEHOLD_SAMPLES"]

F = Family
_LIGHTS = "(lights|lamps|lighting|bulbs|light|lamp|{light_name:name})"
_WHERE = "[(at home|in the house|in the flat|in the apartment|everywhere|throughout the house|<inarea>)]"
_COLOUR = "(colour|color|hue|shade|tint|tone|colours|colors)"
_ACTIVITY = (
    "(reading|watching (tv|a movie|a film|the game)|movie night|gaming|sleeping|sleep|studying|working"
    "|dinner|a party|relaxing|meditation|yoga|the baby|the kids)"
)
_LOW = "(low|dim|soft|subdued|gentle|muted|dimmed|faint|lower|softer|dimmer|mellow|low level)"
_FULL = (
    "(full|maximum|max|the max|the maximum|full power|full brightness|full blast|the highest (level|setting)"
    "|the brightest setting|one hundred percent|a hundred percent)"
)
_PLUG_MOD = "(new|other|second|spare|old|main|little|extra|white|black|smart|wifi|wi fi|wemo)"
_WHEN_RULE = (
    "(now|right now|during the day|at night|tonight|in the morning|when i leave|when nobody is home|after ten"
    "|before bed|by midnight)"
)
_WISH_ALL = "(i want|i'd like|i would like|i'd love|give me|can i have|let's have)"
_TIRED = "(i'm (tired|sleepy|exhausted|knackered|drowsy)|i need to wake up|i want to wake up|i can't wake up)"

HOUSEHOLD_SAMPLES: dict[str, int] = {"neg_games_apps": 1200}
"""Earlier families sampled more in the household data (the game negatives, with ``MORE_GAME_TITLES``)."""
CLASS_WORDS = frozenset(
    {"light", "lights", "lamp", "lamps", "lighting", "thermostat", "thermostats", "heating", "fan", "fans",
     "blinds", "curtains", "shades", "lock", "locks"}
)  # fmt: skip
"""Words for a kind of device that the pools also use as a device's name ("set the thermostat to 21"): in
the household data they are never tagged as a name, so that the resolver reads them as the class (the one
in the satellite's area, or a question when several are left) even in a home with a device called
"Thermostat"."""

_FIFTH: dict[str, Family] = {
    "hh_colour_change": F(
        (
            "[<pls>] (alter|change|switch|swap|replace|modify|vary|adjust|update|shift|mix up) the "
            + _COLOUR
            + " of [the|my|all the] "
            + _LIGHTS
            + " "
            + _WHERE
            + " [<pls>]",
            "[<pls>] (alter|change|switch|swap|replace|shift) [the|my] "
            + _LIGHTS
            + " "
            + _COLOUR
            + " "
            + _WHERE,
            "[<pls>] (replace|swap|switch|change|shift|turn) [the] (colour|color|lights|lighting|lamps) from"
            " {color} to {color} " + _WHERE,
            "[<pls>] (change|switch|set|turn) the " + _LIGHTS + " to a (darker|lighter|warmer|cooler|deeper"
            "|softer|brighter|different|new|nicer) (colour|color|shade|tone|hue)",
            "(give|put) the "
            + _LIGHTS
            + " (a different|another|a new|a fresh) (colour|color|look|shade) "
            + _WHERE,
            "[<can>] make the " + _LIGHTS + " (good|nice|right|perfect|suitable|better) for " + _ACTIVITY,
            "[<can>] (set|get|make) the " + _LIGHTS + " (ready|up) for " + _ACTIVITY + " " + _WHERE,
            "[<can>] make the " + _LIGHTS + " (movie|tv|film|reading|gaming|sleep|study|party|eye|kid|baby)"
            " friendly",
            _WISH_ALL
            + " (colourful|colorful|multicoloured|multicolored|multi coloured|multi colored|rainbow)"
            " (lights|lighting) " + _WHERE + " [(please|tonight|for the party)]",
            "[<pls>] (put|turn) on (colourful|colorful|multicoloured|multicolored|rainbow|party)"
            " (lights|lighting) " + _WHERE,
        ),
        fixed("HassLightSet", "light"),
        900,
    ),
    "hh_dim_wish": F(
        (
            "[<can>] (give me|i want|i'd like|i need|can i have|let's have|i prefer|put on) [some] "
            + _LOW
            + " (lighting|light|lights) "
            + _WHERE
            + " [<pls>]",
            "[<pls>] " + _LOW + " (lighting|light|lights) " + _WHERE + " [<pls>]",
            "(i want|i'd like|make|get|i need) the "
            + _LIGHTS
            + " (less|not as|not so|a bit less|a little less)"
            " (bright|brighter|strong|intense|harsh|glaring|powerful) " + _WHERE,
            "(the|these) "
            + _LIGHTS
            + " (are|is) (too|way too|a bit too|far too) (bright|harsh|strong|intense)"
            " " + _WHERE + " [(dim|lower) (them|it)]",
        ),
        fixed("LightDimmer", "light"),
        700,
    ),
    "hh_brighter_full": F(
        (
            "[<can>] (raise|turn up|bring up|crank up|put up|push|boost|take) [the|all the|my] "
            + _LIGHTS
            + " [<inarea>] to "
            + _FULL
            + " [<pls>]",
            "[<can>] (turn|crank|bring|put) [the|all the|my] "
            + _LIGHTS
            + " (all the way up|up to "
            + _FULL
            + "|up full) [<inarea>]",
            "(full|maximum|max) (brightness|power) (on the|for the) " + _LIGHTS + " [<inarea>] [please]",
            "[<can>] (increase|raise|boost|up) the (light|lighting|lamp)"
            " (power|intensity|level|strength|output) [<inarea>] [<pls>]",
            "[<can>] (make|get) the " + _LIGHTS + " as bright as (possible|they go|it goes|they can be)",
        ),
        fixed("LightBrighter", "light"),
        600,
    ),
    "hh_plug_more_on": F(
        (
            "[<pls>] (start|activate|turn on|switch on|power up|power on|enable|energize) [the|my|a] "
            + _PLUG_MOD
            + " {plug_word:name} [<inarea>] [<pls>]",
            "[<pls>] (turn|switch|put) [the|my] " + _PLUG_MOD + " {plug_word:name} on [<inarea>]",
            "[<pls>] (turn|switch|power) on the {plug_word:name} (in|of|for) [the|my] {area}",
            "[the] {area} {plug_word:name} on [<pls>]",
            "(get|put) power (to|into|through) the {plug_word:name} [<inarea>]",
            "[the|my] {plug_word:name} (has|needs|must|should) [to] be (turned|switched) on [<inarea>]",
        ),
        fixed("HassTurnOn", "switch"),
        500,
    ),
    "hh_plug_more_off": F(
        (
            "[<pls>] (stop|deactivate|turn off|switch off|power down|power off|disable|cut) [the|my|a] "
            + _PLUG_MOD
            + " {plug_word:name} [<inarea>] [<pls>]",
            "[<pls>] (turn|switch) [the|my] " + _PLUG_MOD + " {plug_word:name} off [<inarea>]",
            "[<pls>] (turn|switch|power) off the {plug_word:name} (in|of|for) [the|my] {area}",
            "[the] {area} {plug_word:name} off [<pls>]",
            "(cut|kill|stop) the power (to|at|going to) the {plug_word:name} [<inarea>]",
            "[the|my] {plug_word:name} (has|needs|must|should) [to] be (turned|switched) off [<inarea>]",
        ),
        fixed("HassTurnOff", "switch"),
        500,
    ),
    "hh_coffee_wish": F(
        (
            _TIRED + " [so] [<can>] (make|brew|fix|get|pour) me (a|some|a cup of|a mug of) (coffee|{drink})",
            _TIRED + " (coffee|a {drink}|some coffee) [please]",
            "[<can>] order (me|us) (a|one|two|a cup of) (coffee|{drink}) [<pls>]",
            "(i'd|i would) like to order (a|one|two) {drink} [<pls>]",
            "(i need|i want|give me|time for) (my|a|the) (morning|daily|usual|afternoon) (coffee|{drink}|brew"
            "|cup) [<pls>]",
            "(get|start) (my|the) (morning|usual) (coffee|{drink}|brew) (going|started|on) [<pls>]",
        ),
        fixed("CoffeeBrew", "coffee_maker"),
        500,
    ),
    "hh_lights_must_be_off": F(
        (
            "[all] [the|my] "
            + _LIGHTS
            + " (have|has|need|needs|must|should|ought) [to] be (turned|switched|shut"
            "|put) (off|out) " + _WHERE + " [" + _WHEN_RULE + "]",
            "(nobody|no one) needs the " + _LIGHTS + " [on] " + _WHERE + " [" + _WHEN_RULE + "]",
        ),
        fixed("HassTurnOff", "light"),
        400,
    ),
    "hh_lights_must_be_on": F(
        (
            "[all] [the|my] " + _LIGHTS + " (have|has|need|needs|must|should|ought) [to] be (turned|switched"
            "|put) on " + _WHERE + " [" + _WHEN_RULE + "]",
        ),
        fixed("HassTurnOn", "light"),
        300,
    ),
    "hh_device_must_be": F(
        (
            "[the|my] {appliance_name:name} (has|needs|must|should|ought) [to] be"
            " (turned|switched|shut|powered) (off|down) [" + _WHEN_RULE + "]",
        ),
        fixed("HassTurnOff", "*"),
        300,
    ),
    "hh_device_must_be_on": F(
        (
            "[the|my] {appliance_name:name} (has|needs|must|should|ought) [to] be (turned|switched|powered)"
            " on [" + _WHEN_RULE + "]",
        ),
        fixed("HassTurnOn", "*"),
        300,
    ),
    "hh_time_to_dim": F(
        (
            "[(ok|okay|right|well)] (it's|it is) time to (lower|dim|turn down|bring down|soften) the "
            + _LIGHTS
            + " [<inarea>]",
            "time to (lower|dim|turn down) the " + _LIGHTS + " [<inarea>] [<pls>]",
        ),
        fixed("LightDimmer", "light"),
        250,
    ),
    "hh_time_to_off": F(
        (
            "[(ok|okay|right|well)] (it's|it is) time to (turn off|switch off|put out|shut off) the "
            + _LIGHTS
            + " [<inarea>]",
            "time to (turn off|switch off|put out) the " + _LIGHTS + " [<inarea>] [<pls>]",
        ),
        fixed("HassTurnOff", "light"),
        250,
    ),
    "hh_coffee_ready": F(
        (
            "[<can>] (make sure|ensure|see to it) [that] the {coffee_name:name} (is|gets)"
            " (ready|going|on) [with (my|a) (coffee|{drink})]"
            " [in [about|around|approximately|roughly] {minutes} minutes [from now]]",
            "[<can>] (make sure|ensure|see to it) [that] (my|a|the) (coffee|{drink}) (is|will be)"
            " (ready|waiting|made) [(when i get up|when i come down|in {minutes} minutes|soon)]",
            "[<can>] (get|have) the {coffee_name:name} (to make|make|brew) (my|a) (coffee|{drink}) [<pls>]",
        ),
        fixed("CoffeeBrew", "coffee_maker"),
        400,
    ),
    "neg_household_questions": F(
        (
            "(what|which) (colour|color) (are|is) the " + _LIGHTS + " [<inarea>] [right now]",
            "(how much|where can i buy|where do i buy|what brand is) (a|the|my) (smart plug|smart socket|wemo"
            "|smart bulb|colour bulb|color bulb)",
            "(what|which) (colours|colors) can the " + _LIGHTS + " (do|show|make)",
            "(is|was) it (too|very) (dark|bright) (outside|out there|at the park)",
            "(order|get|buy) (me|us) [a|one|two] (coffee|{drink}) from {shop}",
            "how much caffeine is in (a|an|one) {drink}",
        ),
        fixed("OutOfDomain"),
        400,
    ),
    "hh_drink_word_lights_on": F(
        (
            "[<pls>] (turn|switch|put|flip) on the {drink_light:name} [<inarea>] [<pls>]",
            "[<pls>] (turn|switch|put|flip) the {drink_light:name} on [<inarea>] [<pls>]",
            "[<can>] (light up|brighten) the {drink_light:name} [<pls>]",
            "[the] {drink_light:name} on [<pls>]",
        ),
        fixed("HassTurnOn", "light"),
        400,
    ),
    "hh_drink_word_lights_off": F(
        (
            "[<pls>] (turn|switch|put|flip) off the {drink_light:name} [<inarea>] [<pls>]",
            "[<pls>] (turn|switch|put|flip) the {drink_light:name} off [<inarea>] [<pls>]",
            "[the] {drink_light:name} off [<pls>]",
        ),
        fixed("HassTurnOff", "light"),
        300,
    ),
    "hh_drink_word_things": F(
        (
            "[<pls>] (turn|switch|power) on the {drink_thing:name} [<inarea>] [<pls>]",
            "[<pls>] (turn|switch) the {drink_thing:name} on [<inarea>]",
            "[<can>] (start|run) the {drink_thing:name} [<pls>]",
        ),
        fixed("HassTurnOn", "switch"),
        250,
    ),
    "hh_drink_word_things_off": F(
        (
            "[<pls>] (turn|switch|power) off the {drink_thing:name} [<inarea>] [<pls>]",
            "[<pls>] (turn|switch) the {drink_thing:name} off [<inarea>]",
            "[<can>] (stop|shut down) the {drink_thing:name} [<pls>]",
        ),
        fixed("HassTurnOff", "switch"),
        250,
    ),
    "neg_shut_down_nothing": F(
        (
            "<can> (shut|power|close) down [now] [<pls>]",
            "[<can>] (turn|switch|shut|power) yourself off [<pls>]",
            "[<can>] (shut|power) down (the assistant|yourself|the voice assistant|the system) [<pls>]",
        ),
        fixed("OutOfDomain"),
        250,
    ),
    "hh_timer_named": F(
        (
            "[<can>] (set|start) (a|an) {minutes} minute timer (for|called|named) [the]"
            " {any_timer_name:name}",
            "{minutes} minute timer (for|called|named) [the] {any_timer_name:name}",
            "[<can>] (set|start) [a] timer (called|named|for) [the] {any_timer_name:name} for {minutes}"
            " minutes",
            "timer for {minutes} minutes (called|named|for) [the] {any_timer_name:name}",
            "[<can>] (set|start) a {any_timer_name:name} timer for {minutes} minutes",
        ),
        fixed("HassStartTimer"),
        300,
    ),
    "hh_timer_named_more": F(
        (
            "[<can>] add {minutes} minutes to [the] {any_timer_name:name} timer",
            "[<can>] add {minutes} minutes to [the] timer (called|named|for) [the] {any_timer_name:name}",
            "[<can>] (increase|extend) [the] {any_timer_name:name} timer by {minutes} minutes",
        ),
        fixed("HassIncreaseTimer"),
        150,
    ),
    "hh_timer_named_status": F(
        (
            "[the] {any_timer_name:name} timer status",
            "(status of|how much time is left on|how long is left on) [the] {any_timer_name:name} timer",
            "how much time (is left|remains) (on|for) [the] {any_timer_name:name} timer",
        ),
        fixed("HassTimerStatus"),
        150,
    ),
    "hh_state_past": F(
        (
            "(was|were) the {light_name:name} {onoff_state:state} [<inarea>]",
            "(was|were) the {appliance_name:name} (on|off|running) [<inarea>]",
            "(was|were) the {cover_name:name} {cover_state:state} [<inarea>]",
            "was the {lock_name:name} {lock_state:state}",
        ),
        fixed("HassGetState", "*"),
        250,
    ),
}
HOUSEHOLD_FAMILIES: dict[str, Family] = {
    **_FIFTH, **SIXTH_FAMILIES, **WISH_FAMILIES, **EIGHTH_FAMILIES, **NINTH_FAMILIES
}  # fmt: skip
"""The fifth pass's families, the sixth's (``templates_household_more``), the seventh's
(``templates_household_wish``), the eighth's and the ninth's, in that order."""
