"""Entity resolution: which devices an intent's slots mean, given the home as it is now.

Pure and fast: ``resolve(intent, slots, snapshot)`` looks at the ``name`` slot (names and aliases: exact,
normalized, fuzzy, phonetic), the ``area`` / ``floor`` slots, the ``domain`` slot and the domain or
capability the intent needs; with no name it falls back to the satellite's own area ("turn on the light"
-> the lights where the user stands).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from edge.context.kinds import Kind, kind_of
from edge.context.model import Capability, ContextSnapshot, Device
from edge.lang import name_key
from edge.nlu.catalogue import is_safety_critical
from edge.nlu.phonetic import label_score
from edge.nlu.referents import reference

__all__ = [
    "INTENT_CAPABILITY",
    "INTENT_DOMAINS",
    "NO_TARGET_INTENTS",
    "PLURAL_WORDS",
    "Choice",
    "Outcome",
    "Resolution",
    "choose_one",
    "is_plural",
    "named_areas",
    "resolve",
]

Outcome = Literal["ok", "no_device", "ambiguous", "no_target_needed"]

NAME_THRESHOLD = 0.8
AREA_THRESHOLD = 0.82
TIE_MARGIN = 0.03

_MEDIA = ("HassMediaPause", "HassMediaUnpause", "HassMediaNext", "HassMediaPrevious", "HassSetVolume",
          "HassMediaSearchAndPlay", "HassSetVolumeRelative", "HassMediaPlayerMute",
          "HassMediaPlayerUnmute")  # fmt: skip
INTENT_DOMAINS: Mapping[str, frozenset[str]] = {
    **dict.fromkeys(("HassLightSet", "LightBrighter", "LightDimmer"), frozenset({"light"})),
    **dict.fromkeys(
        ("HassClimateSetTemperature", "HassClimateGetTemperature", "ClimateWarmer", "ClimateCooler"),
        frozenset({"climate"}),
    ),
    "CoffeeBrew": frozenset({"coffee_maker"}),
    **dict.fromkeys(("HassVacuumStart", "HassVacuumReturnToBase"), frozenset({"vacuum"})),
    "HassSetPosition": frozenset({"cover", "valve"}),
    **dict.fromkeys(_MEDIA, frozenset({"media_player"})),
}
INTENT_CAPABILITY: Mapping[str, Capability] = {
    "HassLightSet": Capability.BRIGHTNESS,
    "HassSetPosition": Capability.POSITION,
    "HassMediaSearchAndPlay": Capability.MEDIA_SEARCH,
}
NO_TARGET_INTENTS = frozenset(
    {"HassStartTimer", "HassCancelTimer", "HassCancelAllTimers", "HassIncreaseTimer", "HassDecreaseTimer",
     "HassPauseTimer", "HassUnpauseTimer", "HassTimerStatus", "HassNevermind", "HassRespond",
     "HassGetCurrentTime", "HassGetCurrentDate", "HassGetWeather", "HassShoppingListAddItem",
     "HassListAddItem", "HassBroadcast", "UndoLast", "TeachMacro", "TeachPreference", "ForgetTaught",
     "Confirm", "Deny"}
)  # fmt: skip

_DOMAIN_WORDS: Mapping[str, str] = {
    "light": "light", "lights": "light", "lamp": "light", "lamps": "light", "lighting": "light",
    "switch": "switch", "switches": "switch", "plug": "switch", "plugs": "switch",
    "fan": "fan", "fans": "fan",
    "cover": "cover", "covers": "cover", "blind": "cover", "blinds": "cover", "curtain": "cover",
    "curtains": "cover", "shade": "cover", "shades": "cover", "garage door": "cover", "lock": "lock",
    "locks": "lock", "door": "lock", "thermostat": "climate", "heating": "climate", "heater": "climate",
    "climate": "climate", "tv": "media_player", "television": "media_player", "speaker": "media_player",
    "speakers": "media_player", "music": "media_player", "media_player": "media_player", "vacuum": "vacuum",
    "oven": "oven", "coffee maker": "coffee_maker", "coffee": "coffee_maker", "sensor": "sensor",
}  # fmt: skip
_LABEL_SUFFIX = {"light": "light", "fan": "fan", "switch": "switch", "lock": "lock"}


@dataclass(frozen=True, slots=True)
class Resolution:
    """The devices an intent applies to, best first, with match scores in [0, 1]."""

    targets: tuple[str, ...] = ()
    scores: tuple[float, ...] = ()
    outcome: Outcome = "ok"
    message: str = ""
    areas: tuple[str, ...] = ()  # the areas the request was narrowed to, if any

    @property
    def ok(self) -> bool:
        return self.outcome in {"ok", "no_target_needed"}


def _labels(d: Device) -> Iterable[str]:
    yield d.name
    yield from d.aliases
    base = name_key(d.name)
    suffix = _LABEL_SUFFIX.get(d.domain)
    if suffix and suffix not in base.split():
        yield f"{base} {suffix}"
    area = name_key(d.area)
    if area and not base.startswith(area):
        yield f"{area} {base}"


def _name_score(query: str, d: Device) -> float:
    return max(label_score(query, label) for label in _labels(d))


def _match_areas(value: str, snapshot: ContextSnapshot) -> tuple[str, ...]:
    """Areas named by ``value``; a floor name gives every area on that floor."""
    areas = {name_key(a) for a in snapshot.areas} | {name_key(d.area) for d in snapshot.devices.values()}
    areas.discard("")
    floors: dict[str, set[str]] = {}
    for d in snapshot.devices.values():
        if d.floor and d.area:
            floors.setdefault(name_key(d.floor), set()).add(name_key(d.area))
    scored = sorted(((label_score(value, a), a) for a in areas), reverse=True)
    if scored and scored[0][0] >= AREA_THRESHOLD:
        best = scored[0][0]
        return tuple(sorted(a for s, a in scored if s >= best - 1e-9))
    floor_scored = sorted(((label_score(value, f), f) for f in floors), reverse=True)
    if floor_scored and floor_scored[0][0] >= AREA_THRESHOLD:
        return tuple(sorted(floors[floor_scored[0][1]]))
    return ()


def _another_area(name: str, d: Device, snapshot: ContextSnapshot) -> bool:
    """Whether ``name`` begins with an area of the home that ``d`` neither is in nor is named after: a near
    match on the rest is another room's device ("office temperature" is not "Outside Temperature")."""
    words = name.split()
    for area in sorted({name_key(a) for a in snapshot.areas} - {""}, key=len, reverse=True):
        if words[: len(area.split())] == area.split():
            return name_key(d.area) != area and area not in name_key(d.name)
    return False


def named_areas(value: str, snapshot: ContextSnapshot) -> tuple[str, ...]:
    """The areas (name keys) an ``area`` or ``floor`` slot names; a floor gives every area on it."""
    return _match_areas(value, snapshot)


def _is_area(value: str, snapshot: ContextSnapshot) -> bool:
    key = name_key(value)
    return any(name_key(a) == key for a in snapshot.areas) or any(
        name_key(d.area) == key or name_key(d.floor) == key for d in snapshot.devices.values()
    )


_KIND_DOMAINS: Mapping[Kind, str] = {Kind.TV: "media_player", Kind.SPEAKER: "media_player"}
"""Kinds that answer for a domain they are not: a plug called "TV" is what "is the tv on" asks about (media
intents still need a player's capabilities, which a plug lacks)."""


def _domain_ok(d: Device, domains: frozenset[str] | None) -> bool:
    # by kind too: "the oven" is ``switch.oven`` in a Zigbee2MQTT home, "the fan" may be a plug
    if domains is None or d.domain in domains or d.device_class in domains:
        return True
    kind = kind_of(d)
    return kind in domains or _KIND_DOMAINS.get(kind, "") in domains


def _fits(d: Device, domains: frozenset[str] | None, capability: Capability | None) -> bool:
    if capability is Capability.POSITION and Capability.OPEN_CLOSE in d.capabilities:
        return _domain_ok(d, domains)  # "open the garage": a door that only opens and closes still fits
    return _domain_ok(d, domains) and (capability is None or capability in d.capabilities)


def _wanted(
    intent: str,
    slots: Mapping[str, str],
    domains: Collection[str] | None,
    capability: Capability | None,
) -> tuple[frozenset[str] | None, Capability | None]:
    wanted: set[str] = set(domains or ())
    spoken = name_key(slots.get("domain", "") or slots.get("device_class", ""))
    if spoken:
        wanted.add(_DOMAIN_WORDS.get(spoken, spoken))
    if not wanted:
        wanted |= INTENT_DOMAINS.get(intent, frozenset())
    return (frozenset(wanted) if wanted else None), capability or INTENT_CAPABILITY.get(intent)


def _result(scored: list[tuple[float, Device]], areas: tuple[str, ...], what: str) -> Resolution:
    if not scored:
        return Resolution(outcome="no_device", message=f"no device {what}", areas=areas)
    scored.sort(key=lambda x: (-x[0], x[1].entity_id))
    best = scored[0][0]
    close = [(s, d) for s, d in scored if s >= best - TIE_MARGIN]
    targets = tuple(d.entity_id for _s, d in close)
    scores = tuple(round(s, 4) for s, _d in close)
    if len(close) > 1 and best < 0.999:
        names = ", ".join(d.name for _s, d in close[:4])
        return Resolution(targets, scores, "ambiguous", f"{what} could be {names}", areas)
    return Resolution(targets, scores, "ok", "", areas)


def resolve(
    intent_name: str,
    slots: Mapping[str, str],
    snapshot: ContextSnapshot,
    *,
    domains: Collection[str] | None = None,
    capability: Capability | None = None,
) -> Resolution:
    """Resolve the devices ``intent_name`` with ``slots`` refers to in ``snapshot``."""
    want_domains, want_cap = _wanted(intent_name, slots, domains, capability)
    name = name_key(slots.get("name", ""))
    area_slot = slots.get("area", "") or slots.get("floor", "")
    if intent_name in NO_TARGET_INTENTS and not name and not area_slot:
        return Resolution(outcome="no_target_needed")
    devices = list(snapshot.devices.values())
    areas: tuple[str, ...] = ()
    if area_slot:
        areas = _match_areas(area_slot, snapshot)
        if not areas:
            return Resolution(outcome="no_device", message=f"no area called {area_slot!r}")
    if name and area_slot and not name.endswith("s"):
        # "the bedroom light" tagged as area + name: a device called exactly that is the one meant (the
        # other lights of the room are not); a plural ("bedroom lights") still means the room's lights
        said = name_key(f"{area_slot} {slots['name']}")
        exact = [(1.0, d) for d in devices if _name_score(said, d) >= 0.999 and _domain_ok(d, want_domains)]
        if exact:
            return _result(exact, areas, f"called {said!r}")
    if name:
        pool = [d for d in devices if not areas or name_key(d.area) in areas]
        scored = [
            (s, d)
            for d in pool
            if (s := _name_score(name, d)) >= NAME_THRESHOLD
            and (s >= 0.999 or not _another_area(name, d, snapshot))
        ]
        if not scored and _plural_noun(name.split()[-1]) and len(name.split()) > 1:
            # "the countertop lights" for a light called "Kitchen countertop": the name said with its kind
            # in the plural, as "the countertop light" finds it
            one = " ".join([*name.split()[:-1], _singular(name.split()[-1])])
            scored = [(s, d) for d in pool if (s := _name_score(one, d)) >= NAME_THRESHOLD]
            nearby = [(s, d) for s, d in scored if name_key(d.area) == name_key(snapshot.satellite.area)]
            scored = nearby or scored  # "the ceiling lights" in the kitchen: the kitchen's
        if not scored and len(name.split()) == 1 and len(name) >= _INSIDE_MIN and name not in _KINDS_INSIDE:
            # "the strip" for the "tv lightstrip": a word said whole inside one word of one device's name
            inside = [d for d in pool if any(name in w and name != w for w in name_key(d.name).split())]
            scored = [(NAME_THRESHOLD, inside[0])] if len(inside) == 1 else []
        if not areas and not any(s >= 0.95 for s, _d in scored) and _is_area(name, snapshot):
            scored = []  # "turn off the living room": the name is an area, not a device
        in_domain = [(s, d) for s, d in scored if _domain_ok(d, want_domains)]
        routine = want_domains is not None and want_domains <= _ROUTINES
        if in_domain or routine:  # a scene or script said by its class word is never another device
            scored = in_domain
        if scored:
            where = f" in the {' / '.join(areas)}" if areas else ""
            return _result(scored, areas, f"called {slots['name']!r}{where}")
        if not areas and (named_areas := _match_areas(name, snapshot)):
            areas = named_areas  # "turn off the living room": a name that is really an area
        else:
            where = f" in the {area_slot}" if area_slot else ""
            what = "/".join(sorted(want_domains)) if routine and want_domains else "device"
            return Resolution(outcome="no_device", message=f"no {what} called {slots['name']!r}{where}")
    if want_domains is None and want_cap is None and intent_name in {"HassTurnOn", "HassTurnOff"}:
        want_domains = frozenset({"light"})  # "turn on the kitchen" means its lights, as in HA
    fitting = [d for d in devices if _fits(d, want_domains, want_cap)]
    what = "/".join(sorted(want_domains)) if want_domains else (str(want_cap) if want_cap else "device")
    if areas:
        local = [(1.0, d) for d in fitting if name_key(d.area) in areas]
        return (
            _result(local, areas, f"{what} in the {' / '.join(areas)}")
            if local
            else Resolution(outcome="no_device", message=f"no {what} in the {' / '.join(areas)}", areas=areas)
        )
    here = name_key(snapshot.satellite.area)
    local = [(1.0, d) for d in fitting if here and name_key(d.area) == here]
    if local:
        return Resolution(tuple(d.entity_id for _s, d in local), tuple(1.0 for _ in local), "ok", "", (here,))
    if want_domains is None and want_cap is None:
        return Resolution(outcome="ambiguous", message="which device?")
    if len(fitting) == 1:
        return Resolution((fitting[0].entity_id,), (0.9,), "ok")
    if fitting:
        return _result([(0.5, d) for d in fitting], (), f"{what} (which one?)")
    return Resolution(outcome="no_device", message=f"no {what} in this home")


_LOCK_VERBS = frozenset({"lock", "unlock"})
_INSIDE_MIN = 5  # letters of a word found inside a compound name word ("strip" in "lightstrip")
_KINDS_INSIDE = frozenset(
    {"light", "lights", "lamps", "switch", "plugs", "blind", "blinds", "speaker", "night"}
)
"""Words found inside many compound names ("lightstrip", "nightstand"): never one device's by themselves."""
_ROUTINES = frozenset({"scene", "script"})
PLURAL_WORDS = frozenset(
    {"all", "every", "everything", "both", "each", "them", "they", "those", "these", "everywhere"}
)
"""Words that make a request mean a whole set ("all the lights", "both locks", "turn them off")."""


def _singular(word: str) -> str:
    return word[:-2] if word.endswith("es") and word[:-2] in _DOMAIN_WORDS else word[:-1]


def _plural_noun(word: str) -> bool:
    if len(word) < 4 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return False
    return word[:-1] in _DOMAIN_WORDS or (word.endswith("es") and word[:-2] in _DOMAIN_WORDS)


def is_plural(text: str, slots: Mapping[str, str]) -> bool:
    """Whether the request means a set of devices, not one: a set word ("all", "everything", "both",
    "them"), a device word in the plural ("the lights", "the doors"), a name slot in the plural or one that
    joins names ("office lamp and printer": :func:`edge.nlu.conjunctions.joined`)."""
    words = name_key(text).split()
    name = name_key(slots.get("name", "")).split()
    if any(w in PLURAL_WORDS for w in words + name) or "and" in name:
        return True  # "and" in the name slot: several names said ("office lamp and printer")
    if any(_plural_noun(w) for w in words):
        return True
    last = name[-1] if name else ""
    return len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is"))


@dataclass(frozen=True, slots=True)
class Choice:
    """Which of a singular request's matching devices is meant: ``targets`` (narrowed when the satellite's
    area settles it), or, with ``ask``, the candidates to ask about (nothing is acted on)."""

    targets: tuple[str, ...]
    ask: bool = False


_GLUE = frozenset({"the", "a", "an", "on", "off", "in", "of", "to", "my", "and", "please", "up", "down"})
_CLASS_WORDS = frozenset({
    "light", "lights", "fan", "fans", "switch", "switches", "plug", "plugs", "speaker", "speakers", "lock",
    "locks", "thermostat", "sensor", "device", "thing",
})  # fmt: skip
"""A kind's own word never tells devices apart: "turn on the light" in a room with a "Kitchen Light" and
"Kitchen Spots" is the room's lights, as Home Assistant reads it."""


def said_apart(text: str, devices: list[Device]) -> list[Device]:
    """The devices whose names hold a word the request said that the other devices' names do not ("turn on
    the lamp" in a room with a ceiling light and a lamp: the lamp; "the light" names neither apart, so
    both stay). Never more devices than given; all of them when no said word tells some apart."""
    said = set(name_key(text).split()) - _GLUE - _CLASS_WORDS
    names = [set(name_key(d.name).split()) for d in devices]
    telling = {w for w in said if 0 < sum(w in n for n in names) < len(devices)}
    if not telling:
        return devices
    return [d for d, n in zip(devices, names, strict=True) if telling <= n] or devices


def choose_one(
    text: str, slots: Mapping[str, str], targets: tuple[str, ...], snapshot: ContextSnapshot
) -> Choice:
    """The device a *singular* request means when several match ("unlock the door" with two locks, "set
    the thermostat to 21" with three thermostats; docs/nlu.md "Which one").

    A plural or whole-set request (:func:`is_plural`) and a request that named an area keep every target.
    "lock" / "unlock" keep only the locks among them ("lock the door" never means the garage door).
    Otherwise: the one target in the satellite's area when there is exactly one; the area's targets when
    all of them are there, none is safety-critical and the request named no device ("turn on the light"
    in a room with two lights: the room's lights, as Home Assistant does) nor said "it" / "that" (one of
    several active devices: ask); else ask which one, among the area's targets when it holds several, or
    among all of them."""
    devices = [snapshot.devices[t] for t in targets if t in snapshot.devices]
    if len(devices) <= 1 or is_plural(text, slots):
        return Choice(targets)
    if _LOCK_VERBS & set(name_key(text).split()) and any(kind_of(d) is Kind.LOCK for d in devices):
        devices = [d for d in devices if kind_of(d) is Kind.LOCK]  # "lock the door": not the garage door
        targets = tuple(d.entity_id for d in devices)
        if len(devices) == 1:
            return Choice(targets)
    named = name_key(slots.get("name", ""))
    if slots.get("area") or slots.get("floor") or (named and _is_area(named, snapshot)):
        return Choice(targets)
    devices = said_apart(text, devices)
    targets = tuple(d.entity_id for d in devices)
    if len(devices) == 1:
        return Choice(targets)
    here = name_key(snapshot.satellite.area)
    local = [d for d in devices if here and name_key(d.area) == here]
    if len(local) == 1:
        return Choice((local[0].entity_id,))
    critical = any(is_safety_critical(d) for d in devices)
    if len(local) == len(devices) and not critical and not named and reference(text, slots) != "one":
        return Choice(targets)
    pool = local if len(local) > 1 else devices
    return Choice(tuple(d.entity_id for d in pool), ask=True)
