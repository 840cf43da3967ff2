"""Questions about sensors: "is the phone battery low", "is there a gas leak", "is the front door open",
"what's the humidity in the living room", "what is the outside temperature".

Pure and small, beside :mod:`edge.nlu.questions` (which tells a question from a request): a question about the
home read by its grammar and by the *kinds* its words name, never by a list of sentences.

- The words of a device class (Home Assistant's ``device_class``: battery, gas, smoke, carbon monoxide,
  moisture/leak, motion, occupancy, sound, opening, humidity, temperature, power, energy, illuminance...)
  and the state words that only a binary sensor has ("low", "detected", "triggered", "wet", "occupied",
  "plugged in", "connected", "vibrating", "up to date") say which kind of sensor is asked about.
- The device is the sensor whose whole name the question says ("the phone battery": a sensor called
  "Phone" of class battery; "what is the battery level of my phone": "My Phone"), the longest name first,
  and never a sensor when a longer name of another device is said ("is the kitchen light on" is the
  light's, not a light-level sensor called "Light"); else, with a class named, the sensors of that class
  in the area named (a sensor without an area whose name starts with the area's name counts: "living
  room humidity"), else in the satellite's area, else in the whole home.

:func:`sensor_question` gives the ``HassGetState`` intent (``domain``, ``device_class``, ``name``, ``area``
and ``state`` slots), or ``None`` when the words name no sensor of this home; the parser then keeps its
other readings (docs/nlu.md, "Questions about sensors").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from edge.context.model import ContextSnapshot, Device
from edge.lang import model_tokens, name_key

__all__ = [
    "CLASS_WORDS",
    "SENSOR_STATES",
    "SensorAsk",
    "asks_another_quantity",
    "read_sensor_question",
    "sensor_question",
]

_SENSOR_DOMAINS = frozenset({"sensor", "binary_sensor"})
# words (and pairs of words) that name a device class; a pair is read before its words
CLASS_WORDS: Mapping[str, str] = {
    "battery": "battery", "batteries": "battery", "gas": "gas", "smoke": "smoke", "co": "carbon_monoxide",
    "carbon monoxide": "carbon_monoxide", "co2": "carbon_dioxide", "carbon dioxide": "carbon_dioxide",
    "leak": "moisture", "leaks": "moisture", "leaking": "moisture", "moisture": "moisture",
    "flood": "moisture", "water sensor": "moisture", "water sensors": "moisture", "gas leak": "gas",
    "motion": "motion", "movement": "motion", "occupancy": "occupancy", "sound": "sound", "noise": "sound",
    "opening": "opening", "openings": "opening", "humidity": "humidity", "humid": "humidity",
    "temperature": "temperature", "power": "power", "energy": "energy", "illuminance": "illuminance",
    "pressure": "pressure", "voltage": "voltage", "vibration": "vibration", "tamper": "tamper",
    "problem": "problem", "problems": "problem", "update": "update", "updates": "update",
    "air quality": "aqi",
}  # fmt: skip
# state words only a sensor has: (the class they imply or "", "on" / "off" in Home Assistant's terms)
SENSOR_STATES: Mapping[str, tuple[str, str]] = {
    "low": ("battery", "on"), "normal": ("", "off"), "charged": ("battery", "off"),
    "charging": ("battery_charging", "on"), "connected": ("connectivity", "on"),
    "disconnected": ("connectivity", "off"), "plugged": ("plug", "on"), "unplugged": ("plug", "off"),
    "powered": ("power", "on"), "vibrating": ("vibration", "on"), "wet": ("moisture", "on"),
    "dry": ("moisture", "off"), "flooded": ("moisture", "on"), "occupied": ("occupancy", "on"),
    "detected": ("", "on"), "triggered": ("", "on"), "tampered": ("tamper", "on"),
    "available": ("update", "on"), "clear": ("", "off"), "safe": ("safety", "off"),
    "unsafe": ("safety", "on"), "hot": ("heat", "on"), "cold": ("cold", "on"), "gone": ("presence", "off"),
}  # fmt: skip
# classes read only for a sensor the question names ("are the water pipes cold"), never for a room ("is the
# kitchen cold" is a temperature question)
# and temperature: a room's, an appliance's or the weather's (the temperature rules of edge.nlu.targets),
# a sensor's only when the question names it ("what is the furnace temperature")
_NAMED_ONLY = frozenset({"heat", "cold", "safety", "presence", "temperature"})
_OPENING_STATES = {"open": "on", "opened": "on", "closed": "off", "shut": "off"}
_OPENING_CLASSES = frozenset({"door", "garage_door", "opening", "window"})
_LOCK_STATES = {"locked": "off", "unlocked": "on"}
_YES_NO = frozenset({"is", "are", "was", "were", "has", "have", "does", "do", "isnt", "arent"})
_WH = frozenset({"what", "whats", "which", "how", "hows", "when", "whens"})
_OPENERS = frozenset({"um", "uh", "so", "hey", "ok", "okay", "and", "but", "well", "oh", "please", "quick"})
_EVERY = frozenset({"any", "all", "which", "many", "anything", "every"})
_DEVICE_WORDS = frozenset(
    {"light", "lights", "lamp", "lamps", "fan", "fans", "tv", "television", "speaker", "vacuum", "blinds",
     "curtains", "thermostat", "heating", "heater", "oven", "kettle", "switch", "switches", "plug", "plugs"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SensorAsk:
    """What a sensor question names: ``wh`` (a "what / which / how" question, else a yes/no one), the device
    classes its words name (``classes``, in order), the state asked about (``state``, "on"/"off" in Home
    Assistant's terms, "" for a reading), whether it asks of every sensor of the class (``every``) and
    whether it names a device that is not a sensor by its kind ("is the fan running")."""

    tokens: tuple[str, ...]
    wh: bool
    classes: tuple[str, ...] = ()
    state: str = ""
    every: bool = False
    names_other_kind: bool = False
    class_named: bool = False  # a class *noun* ("battery", "gas"), not only a state word ("wet", "open")


def read_sensor_question(tokens: Sequence[str]) -> SensorAsk | None:
    """The sensor question in ``tokens`` (:func:`edge.lang.model_tokens`), ``None`` when it is no question
    opened by an auxiliary ("is there any leak") or a wh- word ("what is the humidity")."""
    words = tuple(tokens)
    if words[:1] == ("any",) and len(words) > 1:
        words = ("is", "there", *words)  # "any carbon monoxide in the kitchen": "is there any ..."
    start = next((i for i, w in enumerate(words[:3]) if w in _YES_NO or w in _WH), None)
    if start is None or not words[start + 1 :] or not set(words[:start]) <= _OPENERS:
        return None
    rest = words[start + 1 :]
    if rest[0] in {"you", "u", "i", "we"} and words[start] not in {"do", "have"}:
        return None  # "are you listening", "what do I do": about the user or the assistant
    classes: list[str] = []
    state = ""
    opening = False
    for i, word in enumerate(rest):
        pair = f"{word} {rest[i + 1]}" if i + 1 < len(rest) else ""
        if pair in CLASS_WORDS:
            classes.append(CLASS_WORDS[pair])
        elif word in CLASS_WORDS and not (i > 0 and f"{rest[i - 1]} {word}" in CLASS_WORDS):
            classes.append(CLASS_WORDS[word])
        if word in SENSOR_STATES:
            implied, state = SENSOR_STATES[word]
            if implied:
                classes.insert(0, implied)  # "is the phone charging": battery_charging before battery
        elif word in _OPENING_STATES and not state:
            state = _OPENING_STATES[word]
            opening = True
        elif word in _LOCK_STATES:
            state = _LOCK_STATES[word]
        elif word == "date" and i > 0 and rest[i - 1] == "to":
            classes.insert(0, "update")  # "is the phone up to date"
            state = "off"
    if opening:
        classes.append("opening")  # "is the pet door open": its opening sensor, not its lock
    every = bool(_EVERY & set(words[: start + 3])) or words[start] == "which"
    nouns = [w for i, w in enumerate(rest) if w in CLASS_WORDS or " ".join(rest[i : i + 2]) in CLASS_WORDS]
    return SensorAsk(
        words,
        wh=words[start] in _WH,
        classes=tuple(dict.fromkeys(classes)),
        state=state,
        every=every,
        names_other_kind=bool(_DEVICE_WORDS & set(rest)),
        class_named=bool(nouns),
    )


def _name_tokens(name: str) -> list[str]:
    return model_tokens(name_key(name))


def _said(name: str, words: Sequence[str]) -> bool:
    """Every word of the name, in order and together, in the question (a possessive "s" allowed)."""
    want = _name_tokens(name)
    if not want:
        return False
    n = len(want)
    for i in range(len(words) - n + 1):
        window = words[i : i + n]
        if all(
            w == v or (k == n - 1 and w == f"{v}s" and w not in _DEVICE_WORDS)
            for k, (w, v) in enumerate(zip(window, want, strict=True))
        ):
            return True
    return False


def _said_devices(snapshot: ContextSnapshot, words: Sequence[str]) -> list[Device]:
    """Devices whose name (or an alias) the question says, the longest name first."""
    said: list[tuple[int, Device]] = []
    for device in snapshot.devices.values():
        lengths = [
            len(_name_tokens(label)) for label in (device.name, *device.aliases) if _said(label, words)
        ]
        if lengths:
            said.append((max(lengths), device))
    said.sort(key=lambda item: -item[0])
    return [d for n, d in said if n == said[0][0]] if said else []


def _areas_said(snapshot: ContextSnapshot, words: Sequence[str]) -> list[str]:
    known = {name_key(d.area) for d in snapshot.devices.values() if d.area} | {
        name_key(a) for a in snapshot.areas
    }
    return sorted((a for a in known if a and _said(a, words)), key=lambda a: -len(a))


_FUNCTION_WORDS = frozenset(
    {"is", "are", "was", "were", "has", "have", "does", "do", "isnt", "arent", "the", "a", "an", "any", "all",
     "my", "our", "there", "in", "at", "on", "of", "by", "sensor", "sensors", "things", "devices", "anything",
     "many", "much", "currently", "right", "now", "still", "up", "to", "it", "its", "here"}
) | _WH  # fmt: skip


def _own_words(words: Sequence[str], area: str) -> list[str]:
    """Words that could name a device besides the question's grammar, states, classes and the area."""
    area_words = set(area.split())
    return [
        w
        for w in words
        if w not in _FUNCTION_WORDS
        and w not in SENSOR_STATES
        and w not in CLASS_WORDS
        and w not in area_words
        and w not in _OPENING_STATES
        and w not in _LOCK_STATES
    ]


def _leftover(words: Sequence[str], area: str) -> bool:
    return bool(_own_words(words, area))


def _of_class(devices: Sequence[Device], classes: Sequence[str]) -> list[Device]:
    for cls in classes:
        wanted = _OPENING_CLASSES if cls == "opening" else frozenset({cls})
        if found := [d for d in devices if d.device_class.lower() in wanted]:
            return found
    return []


def _pick(ask: SensorAsk, snapshot: ContextSnapshot) -> tuple[list[Device], str, str]:
    """(the sensors asked about, the name said, the area said)."""
    words = ask.tokens
    said = _said_devices(snapshot, words)
    areas = _areas_said(snapshot, words)
    area = areas[0] if areas else ""
    sensors = [d for d in said if d.domain in _SENSOR_DOMAINS]
    if said and not sensors:
        return [], "", area  # a longer name of a light, a lock, a TV...: not a sensor question
    if sensors:
        narrowed = _of_class(sensors, ask.classes) or sensors
        binary = ask.state != "" or not ask.wh  # "is the phone battery low": its binary sensor, not its level
        narrowed = [d for d in narrowed if (d.domain == "binary_sensor") == binary] or narrowed
        if not binary and "much" in words and all(d.domain == "binary_sensor" for d in narrowed):
            # "how much gas did we use": an amount, never the gas leak detector called "Gas"
            kinds = {d.device_class for d in narrowed}
            amounts = [
                d for d in snapshot.devices.values() if d.domain == "sensor" and d.device_class in kinds
            ]
            if amounts:
                return _local_first(amounts, snapshot), "", area
        if {"locked", "unlocked"} & set(words):
            narrowed = [d for d in narrowed if d.device_class == "lock"] or narrowed
        return narrowed, sensors[0].name, area if not _said(area, _name_tokens(sensors[0].name)) else ""
    if not ask.names_other_kind and (distinct := _by_distinct_words(words, area, snapshot)):
        return distinct, distinct[0].name, area  # "how much energy is in the powerwall"
    classes = [c for c in ask.classes if c not in _NAMED_ONLY]
    if not classes or ask.names_other_kind:
        return [], "", area
    if not ask.class_named and _leftover(words, area):
        return [], "", area  # "is the sliding door open": a name this home's sensors do not have
    pool = [d for d in snapshot.devices.values() if d.domain in _SENSOR_DOMAINS]
    if ask.state or not ask.wh:
        pool = [d for d in pool if d.domain == "binary_sensor"] or pool
    else:
        pool = [d for d in pool if d.domain == "sensor"] or pool
    pool = _of_class(pool, classes)
    if area:
        here = [d for d in pool if name_key(d.area) == area] or [
            d for d in pool if not d.area and name_key(d.name).startswith(area)
        ]
        return here, "", area
    local = name_key(snapshot.satellite.area)
    return [d for d in pool if local and name_key(d.area) == local] or pool, "", ""


def _local_first(devices: Sequence[Device], snapshot: ContextSnapshot) -> list[Device]:
    local = name_key(snapshot.satellite.area)
    return [d for d in devices if local and name_key(d.area) == local] or list(devices)


_NOT_OWN = frozenset(
    {"today", "tonight", "tomorrow", "yesterday", "morning", "evening", "night", "week", "weekend", "month",
     "year", "date", "time", "day", "weather", "level", "levels", "reading", "value", "current", "total",
     "please", "tell", "me", "know", "you", "we", "did", "use", "using", "used", "get", "got", "doing"}
)  # fmt: skip
"""Words of a question that name no sensor ("what's the date today" is not about "Water pump usage today")."""
_DISTINCT_MAX = 2  # a word in the names of at most this many devices tells a sensor apart
_STEM = 4  # a said word this long matches a name word it begins ("month" -> "monthly")


def _by_distinct_words(words: Sequence[str], area: str, snapshot: ContextSnapshot) -> list[Device]:
    """The sensor whose name holds the most of the question's own words that few devices' names hold
    ("powerwall" of "Powerwall stored energy", "ozone" of "Living room ozone sensor", "solar"), when one
    sensor holds the most; [] otherwise. The question's grammar, states, classes and area are not its own
    words."""
    own = [w for w in _own_words(words, area) if len(w) > 2 and w not in _NOT_OWN]
    if not own:
        return []
    names = {
        d.entity_id: set(_name_tokens(" ".join((d.name, *d.aliases)))) for d in snapshot.devices.values()
    }

    def holds(word: str, name: set[str]) -> bool:
        return word in name or (len(word) >= _STEM and any(n.startswith(word) for n in name))

    distinct = [w for w in own if 0 < sum(holds(w, n) for n in names.values()) <= _DISTINCT_MAX]
    scored = [(sum(holds(w, names[d.entity_id]) for w in distinct), d) for d in snapshot.devices.values()]
    best = max((n for n, _ in scored), default=0)
    found = [d for n, d in scored if n == best] if best else []
    if len(found) != 1 or found[0].domain not in _SENSOR_DOMAINS:
        return []  # two devices hold them ("back door": the lock and its contact), or not a sensor does
    return found


def sensor_question(
    tokens: Sequence[str], snapshot: ContextSnapshot
) -> tuple[dict[str, str], tuple[str, ...]] | None:
    """(slots, targets) of ``HassGetState`` for a question about this home's sensors, else ``None``."""
    ask = read_sensor_question(tokens)
    if ask is None:
        return None
    devices, name, area = _pick(ask, snapshot)
    if not devices:
        return None
    slots: dict[str, str] = {"domain": devices[0].domain}
    if len({d.device_class for d in devices}) == 1 and devices[0].device_class:
        slots["device_class"] = devices[0].device_class
    if name:
        slots["name"] = name
    if area:
        slots["area"] = area
    if ask.state:
        slots["state"] = ask.state
    return slots, tuple(sorted(d.entity_id for d in devices))


_NOT_SENSED = {"volume": "volume", "loud": "volume", "brightness": "brightness", "bright": "brightness"}
"""Quantities a question may ask that no sensor answers (a player's volume, a light's brightness)."""


def asks_another_quantity(tokens: Sequence[str], devices: Sequence[Device]) -> bool:
    """Whether a question (:func:`edge.lang.model_tokens`) asks a quantity ("what's the humidity", "what's the
    volume") that none of ``devices``, all of them sensors, measures: it must not be answered with theirs
    ("the hallway temperature is 21 degrees")."""
    if not devices or any(d.domain not in _SENSOR_DOMAINS for d in devices):
        return False
    words = list(tokens)
    pairs = {f"{a} {b}" for a, b in pairwise(words)}
    asked = {CLASS_WORDS[w] for w in (*words, *pairs) if w in CLASS_WORDS}
    asked |= {_NOT_SENSED[w] for w in words if w in _NOT_SENSED}
    if not asked:
        return False
    for device in devices:
        measures = {device.device_class.lower(), *_name_tokens(device.name)}
        if measures & (asked | set(words)) - {""}:
            return False
    return True
