"""Household phrasing families, ninth pass: what stopped the eighth pass's model from shipping.

- A polite or question wrapper ("why don't you", "why not", "could you", "would you mind", "can you
  please", "how about you") before a bare class word ("the blinds", "the lights", "the fan", "the
  heating") is the request, labelled with the kind the word names and no name tagged: the sixth pass
  wrapped only named devices ("why don't you close the patio blinds"), and the household data reads a bare
  class word as no name, so "why don't you close the blinds" had no example and fell under the operating
  point. The same wrappers before a named device, beside questions that ask why a device is as it is ("why
  are the blinds closed", "why is the fan on", "why won't the lights turn off"), which never act.
- A scene's or script's name whose first word is a media or device word ("movie marathon", "tv mode", "the
  reading lamp scene"), said whole with and without "scene" / "script" and with polite tails, tagged as one
  name: the eighth pass's names began with other words, and "movie" elsewhere is only a media word, so "movie
  night scene please" tagged "night" alone. Device-word names are said only before "scene" / "script".
  Beside them questions about films and shows that turn nothing on.

Written from kinds of request, never from evaluation sentences (``heldout.drop_heldout`` removes any
generated example equal to one; the pools name no scene an evaluation set uses). Part of
``HOUSEHOLD_FAMILIES`` (``edge train``'s household data), appended after the eighth pass's families.
"""

from __future__ import annotations

from edge.lab.training.templates_base import Family, fixed

__all__ = ["NINTH_FAMILIES"]

F = Family
_ASK = (
    "(why don't you|why not|could you|could you please|can you please|can you|would you|would you please"
    "|will you|will you please|how about you|why don't we|how about we|maybe you could|please could you"
    "|do you think you could|can you just|could you just)"
)
_IN = "[in [the] {area}]"
_MIND = "(would you mind|do you mind|how about|what about|mind)"
_END = "[(please|for me|now|right now|thanks|thank you|if you would|when you can|for a bit)]"
_LIGHTS = "(lights|light|lamps|lamp|lighting)"
_FAN = "(fan|fans)"
_COVERS = "(blinds|curtains|shades|shutters|blind|curtain)"
_HEAT = "(heating|heat|thermostat)"


NINTH_FAMILIES: dict[str, Family] = {
    "hh_asked_class_lights_on": F(
        (
            f"{_ASK} (turn on|switch on|put on) the {_LIGHTS} {_IN} {_END}",
            f"{_ASK} (turn|switch|put) the {_LIGHTS} on {_IN} {_END}",
            f"{_MIND} (turning|switching|putting) (on the {_LIGHTS}|the {_LIGHTS} on) {_END}",
        ),
        fixed("HassTurnOn", "light"),
        300,
    ),
    "hh_asked_class_lights_off": F(
        (
            f"{_ASK} (turn off|switch off|shut off|put out) the {_LIGHTS} {_IN} {_END}",
            f"{_ASK} (turn|switch) the {_LIGHTS} off {_IN} {_END}",
            f"{_MIND} (turning|switching) (off the {_LIGHTS}|the {_LIGHTS} off) {_END}",
        ),
        fixed("HassTurnOff", "light"),
        300,
    ),
    "hh_asked_class_fan_on": F(
        (
            f"{_ASK} (turn on|switch on|start|put on) the {_FAN} {_IN} {_END}",
            f"{_ASK} (turn|switch|put) the {_FAN} on {_IN} {_END}",
            f"{_ASK} get the {_FAN} going {_END}",
            f"{_MIND} (turning|switching|putting) (on the {_FAN}|the {_FAN} on) {_END}",
        ),
        fixed("HassTurnOn", "fan"),
        300,
    ),
    "hh_asked_class_fan_off": F(
        (
            f"{_ASK} (turn off|switch off|stop|shut off) the {_FAN} {_IN} {_END}",
            f"{_ASK} (turn|switch) the {_FAN} off {_IN} {_END}",
            f"{_MIND} (turning|switching) (off the {_FAN}|the {_FAN} off) {_END}",
            f"{_MIND} stopping the {_FAN} {_END}",
        ),
        fixed("HassTurnOff", "fan"),
        300,
    ),
    "hh_asked_class_covers_open": F(
        (
            f"{_ASK} (open|raise|pull up|roll up|draw back) the {_COVERS} {_IN} {_END}",
            f"{_ASK} (open|pull|roll) the {_COVERS} up {_END}",
            f"{_MIND} (opening|raising|pulling up) the {_COVERS} {_IN} {_END}",
        ),
        fixed("HassTurnOn", "cover"),
        300,
    ),
    "hh_asked_class_covers_close": F(
        (
            f"{_ASK} (close|lower|shut|draw|pull down|roll down) the {_COVERS} {_IN} {_END}",
            f"{_ASK} (pull|roll|let) the {_COVERS} down {_END}",
            f"{_MIND} (closing|lowering|shutting|drawing) the {_COVERS} {_IN} {_END}",
        ),
        fixed("HassTurnOff", "cover"),
        300,
    ),
    "hh_asked_class_heat": F(
        (
            f"{_ASK} (turn up|put up|raise) the {_HEAT} [a (bit|little)] {_END}",
            f"{_ASK} (turn|put) the {_HEAT} up [a (bit|little)] {_END}",
            f"{_MIND} (turning up|putting up|raising) the {_HEAT} [a (bit|little)] {_END}",
        ),
        fixed("ClimateWarmer", "climate"),
        200,
    ),
    "hh_asked_class_cool": F(
        (
            f"{_ASK} (turn down|lower) the {_HEAT} [a (bit|little)] {_END}",
            f"{_ASK} (turn|put) the {_HEAT} down [a (bit|little)] {_END}",
            f"{_MIND} (turning down|lowering) the {_HEAT} [a (bit|little)] {_END}",
        ),
        fixed("ClimateCooler", "climate"),
        200,
    ),
    "hh_asked_named_on": F(
        (
            f"{_ASK} (turn on|switch on|put on) the {{light_name:name}} {_END}",
            f"{_ASK} (turn|switch) the {{light_name:name}} on {_END}",
            f"{_ASK} (turn on|switch on|start) the {{appliance_name:name}} {_END}",
            f"{_ASK} (open|raise) the {{cover_name:name}} {_END}",
            f"{_MIND} (turning on|switching on) the {{light_name:name}} {_END}",
        ),
        fixed("HassTurnOn", "*"),
        300,
    ),
    "hh_asked_named_off": F(
        (
            f"{_ASK} (turn off|switch off|shut off) the {{light_name:name}} {_END}",
            f"{_ASK} (turn|switch) the {{light_name:name}} off {_END}",
            f"{_ASK} (turn off|switch off|stop) the {{appliance_name:name}} {_END}",
            f"{_ASK} (close|lower|shut) the {{cover_name:name}} {_END}",
            f"{_MIND} (turning off|switching off) the {{light_name:name}} {_END}",
        ),
        fixed("HassTurnOff", "*"),
        300,
    ),
    "neg_why_device_is": F(
        (
            f"why (is|are) the ({_LIGHTS}|{_FAN}|{_COVERS}|{_HEAT}) (on|off|open|closed|shut|up|down|still on"
            "|still off|still open|still closed) [<inarea>]",
            f"why (is|are) the ({_LIGHTS}|{_FAN}|{_COVERS}|{_HEAT}) (so|too) (bright|dim|loud|noisy|slow|hot"
            "|cold|dark)",
            f"why (did|does|do) the ({_LIGHTS}|{_FAN}|{_COVERS}|{_HEAT}) (turn on|turn off"
            "|keep (turning|going) (on|off)|close|open|come on|go off|make that noise|flicker)",
            f"why (won't|doesn't|don't|can't) the ({_LIGHTS}|{_FAN}|{_COVERS}|{_HEAT}) (turn on|turn off|open"
            "|close|go (up|down)|stay (on|off|open|closed)|work)",
            "why (is|are) the {light_name:name} (on|off|still on) [<inarea>]",
            "why (is|are) the {cover_name:name} (open|closed|still open|still closed)",
            "why (is|was) the {appliance_name:name} (on|off|running|left on)",
            f"why (did|do) you (turn|switch) (on|off) the ({_LIGHTS}|{_FAN}|{_HEAT})",
            f"why (did|do) you (open|close) the {_COVERS}",
        ),
        fixed("OutOfDomain"),
        500,
    ),
    "hh_scene_media_word": F(
        (
            f"[the] {{scene_media:name}} scene {_END}",
            "{scene_media:name} (please|now|thanks|thank you|on)",
            "[<can>] (activate|start|turn on|switch to|go to|put on|set|run) [the] {scene_media:name}"
            f" [scene] {_END}",
            f"{_ASK} (activate|start|turn on|switch to|put on|set) [the] {{scene_media:name}} [scene] {_END}",
            f"(it's|time for|let's have|let's do) {{scene_media:name}} [scene] {_END}",
            f"[the] {{scene_device:name}} scene {_END}",
            f"[<can>] (activate|start|turn on|switch to|set) the {{scene_device:name}} scene {_END}",
            f"[the] {{script_media:name}} (script|routine) {_END}",
            f"[<can>] (run|start|execute|trigger) [the] {{script_media:name}} [(script|routine)] {_END}",
        ),
        fixed("HassTurnOn", "*"),
        600,
    ),
    "neg_media_words_no_scene": F(
        (
            "(what|which) (movie|film|show|series) should (we|i) watch [tonight]",
            "what's on (tv|the telly|the radio) (tonight|now|this evening)",
            "(how long|what time) is the (movie|film|show|match|concert)",
            "(did you|do you) (like|enjoy) the (movie|film|show|music|concert)",
            "(recommend|suggest) (a|some) (movie|film|music|podcast|show) for (tonight|the weekend)",
            "(is|was) the (movie|film|show|concert|match) (any good|worth watching|sold out)",
        ),
        fixed("OutOfDomain"),
        200,
    ),
}
"""Appended after the eighth pass's families (``templates_household.HOUSEHOLD_FAMILIES``)."""
