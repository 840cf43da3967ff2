"""Requests whose whole utterance says what to do with which device of this home, read from the words and the
home when the model was unsure or read nothing (``NLUParser.analyse``: only then, so a reading the model is
sure of is never overridden).

Five shapes, each in the form of Home Assistant's templates, each acting only on devices the words name or
the reference rules pick, never on a guess:

- **a position for a valve or cover named whole**: "set main valve to 100", "open the pool valve to 25",
  "increase garden valve position to 80", "set the lounge shutters to 30 percent" (``HassSetPosition``, HA's
  "set <name> [position] to <position>"): the name is one valve or cover of the home, the number a position
  (0-100);
- **a temperature for a thermostat named**: "set the nest to 20", "set the guest radiator to 18.5"
  (``HassClimateSetTemperature``, HA's "set <name> to <temperature>"): the name is one thermostat of the
  home, whole or without its kind word ("nest" for "Nest Thermostat"), never a room's name; "what's the
  nest set to" asks its temperature (``HassClimateGetTemperature``);
- **a name that begins with a command word, said whole with "on" / "off"**: "play corner light on" for a
  light called "Play Corner", "turn open shelf off" (``HassTurnOn`` / ``HassTurnOff``, HA's "[turn] <name>
  on"): a name whose first word opens requests (``edge.lang.REQUEST_OPENERS``: "play", "open", "set",
  "start"...), which the model reads as the verb, is still a name when the utterance is nothing but it,
  its kind word and "on" / "off"; lights, switches, plugs and fans only (other names are the model's);
- **"put on the <name>" / "put the <name> on"** ("put on the kettle", "put on the tv"; ``HassTurnOn``): a
  light, switch, plug, fan or media player named whole ("tv" / "television" / "telly" also the one TV of the
  satellite's area, or of the home) (the model reads "put on" as a media request and its
  search as the name, which :mod:`edge.nlu.not_media` vetoes);
- **"open / close / shut everything"** ("it all", "all of it", "the lot"; "in the <area>" optional): the
  openings of the area, as :func:`edge.nlu.referents.refer` picks them (the covers that would change,
  never one that is safety-critical), when the area has any; otherwise the model's reading stands.

A name that fits several devices is no reading (the model's stands). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from edge.context.kinds import Kind, kind_of
from edge.context.model import ContextSnapshot, Device
from edge.lang import REQUEST_OPENERS, model_tokens, name_key
from edge.nlu.catalogue import is_safety_critical
from edge.nlu.referents import refer
from edge.nlu.types import Intent

__all__ = ["KIND_WORDS", "said_request"]

_END = r"(?: (?:now|please|thanks|thank you|for me))?$"
_THE = r"(?:the |my )?"
_POSITION = (
    r"^(?:please )?(?:set|open|close|move|adjust|put|change|increase|decrease|raise|lower|turn) " + _THE
    + r"(?P<name>{names})(?: (?:position|opening))? to (?P<n>\d+)(?: percent)?" + _END
)  # fmt: skip
_TEMPERATURE = (
    r"^(?:please )?(?:set|put|change|turn|adjust) " + _THE
    + r"(?P<name>{names})(?: (?:temperature|thermostat))? to (?P<n>\d+(?:\.5)?)(?: degrees?)?" + _END
)  # fmt: skip
_TEMPERATURE_ASKED = (
    r"^(?:what|whats|what s) (?:is |s )?" + _THE
    + r"(?P<name>{names})(?: (?:thermostat|temperature))? (?:set to|set at|at|on|reading)"
    + r"(?: now| right now)?$"
)  # fmt: skip
_THERMOSTAT_WORDS = frozenset({"thermostat", "heating", "heater", "radiator", "ac", "aircon", "climate"})
_SWITCH_AFTER = (
    r"^(?:please )?(?:(?:turn|switch) " + _THE + r")?(?P<name>{names})(?: (?:{kinds}))? (?P<on>on|off)" + _END
)
_SWITCH_BEFORE = (
    r"^(?:please )?(?:turn|switch) (?P<on>on|off) " + _THE + r"(?P<name>{names})(?: (?:{kinds}))?" + _END
)
_PUT_ON = (
    r"^(?:please |(?:can|could|would|will) you (?:please )?)?(?:put on "
    + _THE
    + r"(?P<first>{names})|put "
    + _THE
    + r"(?P<then>{names}) on)"
    + _END
)
_PUT_ON_DOMAINS = frozenset({"light", "switch", "fan", "media_player"})
_TV_WORDS = ("tv", "television", "telly")
_OPENINGS = (
    r"^(?:please )?(?P<verb>open|close|shut) (?:everything|it all|all of it|the lot)"
    r"(?: (?:in|of) (?:the )?(?P<area>{areas}))?(?: up)?" + _END
)
KIND_WORDS: Mapping[Kind, tuple[str, ...]] = {
    Kind.LIGHT: ("light", "lights", "lamp", "lamps"),
    Kind.FAN: ("fan", "fans"),
    Kind.SWITCH: ("switch",),
    Kind.PLUG: ("plug", "socket", "outlet"),
}
"""The kind words that may follow a device's name in "<name> [kind word] on"."""
_KIND_WORD_SET = frozenset(w for words in KIND_WORDS.values() for w in words)
_SWITCHED_DOMAINS = frozenset({"light", "switch", "fan"})
_COMMAND_WORDS = REQUEST_OPENERS - {"what", "whats", "how", "is", "are", "when", "who", "can"}
"""The first words of a name the model reads as a command ("play", "open", "set", "start")."""


def said_request(text: str, snapshot: ContextSnapshot) -> Intent | None:
    """The request the whole of ``text`` makes in one of the module's shapes, with its targets; None when
    it has none of them, or its name fits no device or several."""
    said = " ".join(model_tokens(text))
    if not said:
        return None
    return (
        _position(text, said, snapshot)
        or _temperature(text, said, snapshot)
        or _switch(text, said, snapshot)
        or _put_on(text, said, snapshot)
        or _openings(text, said, snapshot)
    )


def _names(devices: Sequence[Device]) -> dict[str, list[Device]]:
    names: dict[str, list[Device]] = {}
    for device in devices:
        for name in (device.name, *device.aliases):
            if key := " ".join(model_tokens(name)):
                names.setdefault(key, []).append(device)
    return names


def _alternatives(keys: Sequence[str]) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


def _one(names: Mapping[str, list[Device]], key: str) -> Device | None:
    found = {d.entity_id: d for d in names.get(key, [])}
    return next(iter(found.values())) if len(found) == 1 else None


def _position(text: str, said: str, snapshot: ContextSnapshot) -> Intent | None:
    names = _names([d for d in snapshot.devices.values() if d.domain in {"valve", "cover"}])
    if not names:
        return None
    match = re.match(_POSITION.replace("{names}", _alternatives(list(names))), said)
    if match is None or int(match.group("n")) > 100 or (device := _one(names, match.group("name"))) is None:
        return None
    return _intent(
        "HassSetPosition",
        {"name": device.name, "domain": device.domain, "position": match.group("n")},
        text,
        (device.entity_id,),
    )


def _temperature(text: str, said: str, snapshot: ContextSnapshot) -> Intent | None:
    """ "set the nest to 20": a thermostat named whole, or by its name without its kind word ("nest" of "nest
    thermostat"; never a room's name), set to a temperature (HA's "set <name> to <temperature>"); "what's the
    nest set to": its temperature asked (``HassClimateGetTemperature``)."""
    thermostats = [d for d in snapshot.devices.values() if d.domain == "climate"]
    names = _names(thermostats)
    areas = {" ".join(model_tokens(a)) for a in snapshot.areas}
    for key, devices in list(names.items()):
        short = " ".join(w for w in key.split() if w not in _THERMOSTAT_WORDS)
        if short and short != key and short not in areas:
            names.setdefault(short, []).extend(devices)
    if not names:
        return None
    alternatives = _alternatives(list(names))
    if (match := re.match(_TEMPERATURE_ASKED.replace("{names}", alternatives), said)) is not None:
        if (device := _one(names, match.group("name"))) is None:
            return None
        slots = {"name": device.name, "domain": "climate"}
        return _intent("HassClimateGetTemperature", slots, text, (device.entity_id,))
    match = re.match(_TEMPERATURE.replace("{names}", alternatives), said)
    if match is None or (device := _one(names, match.group("name"))) is None:
        return None
    slots = {"name": device.name, "domain": "climate", "temperature": match.group("n")}
    return _intent("HassClimateSetTemperature", slots, text, (device.entity_id,))


def _switch(text: str, said: str, snapshot: ContextSnapshot) -> Intent | None:
    switched = [
        d
        for d in snapshot.devices.values()
        if d.domain in _SWITCHED_DOMAINS and not is_safety_critical(d) and kind_of(d) in KIND_WORDS
    ]
    names = {k: v for k, v in _names(switched).items() if k.split()[0] in _COMMAND_WORDS}
    if not names:
        return None
    kinds = _alternatives(list(_KIND_WORD_SET))
    for shape in (_SWITCH_AFTER, _SWITCH_BEFORE):
        pattern = shape.replace("{names}", _alternatives(list(names))).replace("{kinds}", kinds)
        if (match := re.match(pattern, said)) is None:
            continue
        device = _one(names, match.group("name"))
        kind_said = said[match.end("name") :].split()[:1]
        if device is None or (
            kind_said and kind_said[0] in _KIND_WORD_SET and not _fits(device, kind_said[0])
        ):
            return None  # "play corner fan on" for a light called "Play Corner": not that device
        name = "HassTurnOn" if match.group("on") == "on" else "HassTurnOff"
        return _intent(name, {"name": device.name, "domain": device.domain}, text, (device.entity_id,))
    return None


def _put_on(text: str, said: str, snapshot: ContextSnapshot) -> Intent | None:
    if "put " not in said:
        return None
    put = [d for d in snapshot.devices.values() if d.domain in _PUT_ON_DOMAINS and not is_safety_critical(d)]
    names = _names(put)
    tvs = [d for d in put if kind_of(d) is Kind.TV]
    here = [d for d in tvs if name_key(d.area) == name_key(snapshot.satellite.area)]
    for word in _TV_WORDS:  # "put on the tv" where the TV is called "lounge tv": the TV here, or the one
        if word not in names and len(here or tvs) == 1:
            names[word] = here or tvs
    if not names:
        return None
    match = re.match(_PUT_ON.replace("{names}", _alternatives(list(names))), said)
    if match is None or (device := _one(names, match.group("first") or match.group("then"))) is None:
        return None
    return _intent("HassTurnOn", {"name": device.name, "domain": device.domain}, text, (device.entity_id,))


def _fits(device: Device, word: str) -> bool:
    return word in KIND_WORDS.get(kind_of(device), ())


def _openings(text: str, said: str, snapshot: ContextSnapshot) -> Intent | None:
    areas = {" ".join(model_tokens(a)): a for a in snapshot.areas}
    pattern = _OPENINGS.replace("{areas}", _alternatives(list(areas)) or "(?!)")
    if (match := re.match(pattern, said)) is None:
        return None
    area = areas[match.group("area")] if match.group("area") else snapshot.satellite.area
    here = name_key(area)
    covers = [
        d
        for d in snapshot.devices.values()
        if here and name_key(d.area) == here and kind_of(d) is Kind.COVER and not is_safety_critical(d)
    ]
    if not covers:
        return None  # nothing here opens: the model's reading stands
    name = "HassTurnOn" if match.group("verb") == "open" else "HassTurnOff"
    slots = {"domain": "cover", **({"area": area} if match.group("area") else {})}
    found = refer(name, slots, text, snapshot, (area,) if match.group("area") else ())
    if found is None or not found.targets:
        return None
    return _intent(name, slots, text, found.targets)


def _intent(name: str, slots: Mapping[str, str], text: str, targets: tuple[str, ...]) -> Intent:
    return Intent(
        name=name,
        slots=slots,
        confidence=1.0,  # a whole-utterance match of a template over this home's names and rooms
        text=text,
        targets=targets,
        source="text",
    )
