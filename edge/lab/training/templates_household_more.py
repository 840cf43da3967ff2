"""Household phrasing families, sixth pass (issue 14's HWU64 iot target): what the fifth pass's data cost.

Written from kinds of request, never from evaluation sentences (``heldout.drop_heldout`` removes any
generated example equal to one):
- a device's whole name that ends in a class word ("the porch lights", "the desk fan", "the patio blinds"),
  tagged ``name`` as a whole, beside the bare class words that the household data leaves untagged
  (``templates_household.CLASS_WORDS``): a word in front that is not an area makes it a name; an area in
  front ("kitchen fans") stays an area and a kind, as Home Assistant's templates and tests read it, and is
  generated so beside them (``hh_area_*``);
- requests wrapped in a polite question ("why don't you close the blinds", "would you be so kind as to
  switch on the lamp", "could you possibly lock the door", "would you mind opening the shades") are the
  command, beside question negatives that share the wrapper ("why don't you like jazz");
- games, more of them (``pools_games.SIXTH_GAME_TITLES``: card, board, console and phone games), said as
  "play X", "start playing X", "a round of X": out of domain.
Part of ``HOUSEHOLD_FAMILIES`` (``edge train --household``).
"""

from __future__ import annotations

from edge.lab.training.templates_base import Family, fixed

__all__ = ["SIXTH_FAMILIES"]

F = Family
_POLITE = (
    "(why don't you|why not|would you be so kind as to|would you be so good as to|could you possibly"
    "|can you possibly|would you possibly|would you kindly|could you kindly|would you be able to"
    "|could you be a dear and|be a dear and|do you think you could|i wonder if you could|i was wondering if"
    " you could|any chance you could|would it be too much trouble to|would you mind terribly if you"
    "|is there any way you could|might you|how about you|maybe you could|perhaps you could)"
)
_END = "[(please|for me|for me please|now|right now|thanks|thank you)]"
_GERUND = "(would you mind|do you mind|how about|what about|could you try|would you consider|can you try)"

SIXTH_FAMILIES: dict[str, Family] = {
    "hh_class_name_on": F(
        (
            "[<pls>] (turn|switch|put) on [the|my|all the] {class_light:name} [<pls>]",
            "[<pls>] (turn|switch) [the|my|all the] {class_light:name} on [<pls>]",
            "[<can>] (activate|enable|light up|power on) [the|all the] {class_light:name} [<pls>]",
            "[all] [the] {class_light:name} on [<pls>]",
            "[<pls>] (turn|switch) on [the|all the] {class_fan:name} [<pls>]",
            "[<pls>] (turn|switch) [the|all the] {class_fan:name} on",
            "[<can>] (activate|start|power on) [the|all the] {class_fan:name} [<pls>]",
            "[all] [the] {class_fan:name} on [<pls>]",
        ),
        fixed("HassTurnOn", "*"),
        600,
    ),
    "hh_class_name_off": F(
        (
            "[<pls>] (turn|switch|shut) off [the|my|all the] {class_light:name} [<pls>]",
            "[<pls>] (turn|switch) [the|my|all the] {class_light:name} off [<pls>]",
            "[<can>] (deactivate|disable|kill|power off) [the|all the] {class_light:name} [<pls>]",
            "[all] [the] {class_light:name} off [<pls>]",
            "[<pls>] (turn|switch) off [the|all the] {class_fan:name} [<pls>]",
            "[<pls>] (turn|switch) [the|all the] {class_fan:name} off",
            "[<can>] (deactivate|stop|power off) [the|all the] {class_fan:name} [<pls>]",
            "[all] [the] {class_fan:name} off [<pls>]",
        ),
        fixed("HassTurnOff", "*"),
        600,
    ),
    "hh_class_name_open": F(
        ("[<can>] (open|raise|roll up|pull up) [the|all the] {class_cover:name} [<pls>]",),
        fixed("HassTurnOn", "cover"),
        200,
    ),
    "hh_class_name_close": F(
        ("[<can>] (close|lower|shut|roll down|pull down|draw) [the|all the] {class_cover:name} [<pls>]",),
        fixed("HassTurnOff", "cover"),
        200,
    ),
    "hh_class_name_temperature": F(
        (
            "[<can>] set the {class_climate:name} to {temperature} [degrees] [<pls>]",
            "[<pls>] (put|turn) the {class_climate:name} (to|on) {temperature} [degrees]",
        ),
        fixed("HassClimateSetTemperature", "climate"),
        200,
    ),
    "hh_area_fans_on": F(
        (
            "[<pls>] (turn|switch) on [all] [the] {area} fans [<pls>]",
            "[<pls>] (turn|switch) [all] [the] {area} fans on [<pls>]",
            "[<can>] (activate|start|power on|run) [all] [the] {area} fans [<pls>]",
            "[all] [the] {area} fans on [<pls>]",
        ),
        fixed("HassTurnOn", "fan"),
        200,
    ),
    "hh_area_fans_off": F(
        (
            "[<pls>] (turn|switch) off [all] [the] {area} fans [<pls>]",
            "[<pls>] (turn|switch) [all] [the] {area} fans off [<pls>]",
            "[<can>] (deactivate|stop|power off) [all] [the] {area} fans [<pls>]",
            "[all] [the] {area} fans off [<pls>]",
        ),
        fixed("HassTurnOff", "fan"),
        200,
    ),
    "hh_area_covers_open": F(
        ("[<can>] (open|raise|roll up) [all] [the] {area} (blinds|curtains|shades|shutters) [<pls>]",),
        fixed("HassTurnOn", "cover"),
        150,
    ),
    "hh_area_covers_close": F(
        (
            "[<can>] (close|lower|shut|roll down) [all] [the] {area} (blinds|curtains|shades|shutters)"
            " [<pls>]",
        ),
        fixed("HassTurnOff", "cover"),
        150,
    ),
    "hh_polite_on": F(
        (
            _POLITE + " (turn on|switch on|put on|light up) the {light_name:name} [<inarea>] " + _END,
            _POLITE + " (turn|switch) the {light_name:name} on [<inarea>] " + _END,
            _POLITE + " (turn on|switch on|start|power on) the {appliance_name:name} " + _END,
            _POLITE + " (open|raise|pull up) the {cover_name:name} [<inarea>] " + _END,
            _POLITE + " lock the {lock_name:name} " + _END,
            _POLITE + " (turn|switch) (it|them|the lights|the light) on " + _END,
            _GERUND + " (turning on|switching on|putting on) the {light_name:name} [<inarea>] " + _END,
            _GERUND + " (turning on|switching on|starting|running) the {appliance_name:name} " + _END,
            _GERUND + " (opening|raising) the {cover_name:name} " + _END,
            _GERUND + " locking the {lock_name:name} " + _END,
        ),
        fixed("HassTurnOn", "*"),
        600,
    ),
    "hh_polite_off": F(
        (
            _POLITE + " (turn off|switch off|shut off|put out) the {light_name:name} [<inarea>] " + _END,
            _POLITE + " (turn|switch) the {light_name:name} off [<inarea>] " + _END,
            _POLITE + " (turn off|switch off|stop|power down) the {appliance_name:name} " + _END,
            _POLITE + " (close|lower|shut|draw) the {cover_name:name} [<inarea>] " + _END,
            _POLITE + " unlock the {lock_name:name} " + _END,
            _POLITE + " (turn|switch) (it|them|the lights|the light) off " + _END,
            _GERUND + " (turning off|switching off|shutting off) the {light_name:name} [<inarea>] " + _END,
            _GERUND + " (turning off|switching off|stopping) the {appliance_name:name} " + _END,
            _GERUND + " (closing|lowering) the {cover_name:name} " + _END,
            _GERUND + " unlocking the {lock_name:name} " + _END,
        ),
        fixed("HassTurnOff", "*"),
        600,
    ),
    "hh_polite_level": F(
        (
            _POLITE + " (dim|lower|turn down) the {light_name:name} [a (bit|little)] " + _END,
            _POLITE + " make the {light_name:name} (dimmer|darker|softer) " + _END,
            _GERUND + " (dimming|lowering|turning down) the {light_name:name} [a (bit|little)] " + _END,
        ),
        fixed("LightDimmer", "light"),
        200,
    ),
    "hh_polite_brighter": F(
        (
            _POLITE + " (brighten|turn up|raise) the {light_name:name} [a (bit|little)] " + _END,
            _POLITE + " make the {light_name:name} brighter " + _END,
            _GERUND + " (brightening|turning up|raising) the {light_name:name} [a (bit|little)] " + _END,
        ),
        fixed("LightBrighter", "light"),
        200,
    ),
    "neg_polite_questions": F(
        (
            "why don't you (like|know|understand|remember|speak|sing|dance|have) {topic}",
            "why (don't|can't|won't) you (answer|listen|understand|talk to) me [properly]",
            "why (doesn't|won't|isn't) the {light_name:name} (work|working|turning on|responding)",
            "(would|could) you (possibly|kindly) (tell|explain to) me (how|why) the {appliance_name:name}"
            " (works|broke|stopped)",
            "would you be so kind as to (tell me a joke|tell me about {topic}|explain {topic})",
            "(do you think|i wonder if) the {light_name:name} (is|was) (broken|too old|expensive)",
        ),
        fixed("OutOfDomain"),
        350,
    ),
    "neg_games_titles": F(
        (
            "[<pls>] play {game_title} [<pls>]",
            "[(i want to|i'd like to|let's|lets|can i|can we)] (start|begin|keep|go on) playing {game_title}",
            "(i want to|i'd like to|i wanna|let's|lets|can we|can i) play [a game of|a round of|some]"
            " {game_title}",
            "play (a game of|a round of|a match of|some) {game_title} [(with me|for me|on the (tv|console))]",
            "(load|boot|fire) up {game_title} [on the (console|xbox|playstation|switch|tablet|phone)]",
            "(time for|how about) [a game of|a round of|some] {game_title}",
            "{game_title} (game|time) [please]",
        ),
        fixed("OutOfDomain"),
        700,
    ),
}
