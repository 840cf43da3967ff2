"""Targets for a parsed intent: named/area/floor entities via :mod:`edge.nlu.resolve`, references ("it",
"them", "everything") via :mod:`edge.nlu.referents`, and context defaults when the request names nothing
("pause" -> what is playing, "turn on the light" -> lights in the satellite's area, a temperature question ->
the running oven, else the area's thermostat; "play X" -> the area's TV for a film on a screen satellite).

Devices are told apart by kind (:func:`edge.context.kinds.kind_of`: ``switch.oven`` is an oven), never by
entity-id prefix alone. The intent itself is never changed here; only which devices it applies to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from edge.context.kinds import APPLIANCE_KINDS, Kind, is_active, kind_of, name_words, temperature_sources
from edge.context.model import Capability, ContextSnapshot, Device
from edge.lang import model_tokens
from edge.nlu.naming import actionable, area_kind, said_name, whole_home
from edge.nlu.narrowing import MEDIA_PLAYING, narrowed
from edge.nlu.referents import refer
from edge.nlu.resolve import named_areas, resolve
from edge.nlu.sensor_questions import asks_another_quantity
from edge.nlu.types import Intent

__all__ = ["VIDEO_CLASSES", "choose_targets", "nothing_here", "referred", "shows_video"]

_GET_TEMPERATURE = frozenset({"HassClimateGetTemperature"})
_SET_TEMPERATURE = frozenset({"HassClimateSetTemperature"})
_INTENT_DOMAIN = {
    "HassLightSet": "light",
    "LightBrighter": "light",
    "LightDimmer": "light",
    "HassClimateGetTemperature": "climate",
    "HassClimateSetTemperature": "climate",
    "ClimateWarmer": "climate",
    "ClimateCooler": "climate",
    "HassVacuumStart": "vacuum",
    "HassVacuumReturnToBase": "vacuum",
    "CoffeeBrew": "coffee_maker",
    "HassVacuumCleanArea": "vacuum",
    "HassFanSetSpeed": "fan",
    "HassClimateSetFanMode": "climate",
    "HassLawnMowerStartMowing": "lawn_mower",
    "HassLawnMowerDock": "lawn_mower",
    "HassSetPosition": "cover",
    "HassMediaUnpause": "media_player",
    "HassMediaSearchAndPlay": "media_player",
    **dict.fromkeys(MEDIA_PLAYING, "media_player"),
}
_NO_TARGET = {
    "HassStartTimer",
    "HassCancelTimer",
    "HassTimerStatus",
    "HassNevermind",
    "HassGetCurrentTime",
    "HassGetCurrentDate",
    "HassGetWeather",
    "HassShoppingListAddItem",
    "HassShoppingListCompleteItem",
    "HassListAddItem",
    "HassListCompleteItem",
    "HassListRemoveItem",
    "HassBroadcast",
    "HassRespond",
    "HassCancelAllTimers",
    "HassIncreaseTimer",
    "HassDecreaseTimer",
    "HassPauseTimer",
    "HassUnpauseTimer",
    "UndoLast",
    "TeachMacro",
    "TeachPreference",
    "ForgetTaught",
    "Confirm",
    "Deny",
}
VIDEO_CLASSES = frozenset({"movie", "tv_show", "tvshow", "video", "episode", "channel"})
_SHOW_WORDS = frozenset({"show", "watch", "display"})
_THERMOSTAT_WORDS = frozenset({"thermostat", "thermostats", "heating", "heater", "radiator", "ac"})


_BY_KIND = {"light": Kind.LIGHT, "fan": Kind.FAN}
"""Domains a relay can stand in for: a ``switch`` called "hallway lights" is a light, one called "desk fan"
or "extractor" a fan (Zigbee2MQTT and Tasmota homes), so the room's lights or fan include it."""
_SWITCHED_MEDIA = frozenset({"HassTurnOn", "HassTurnOff", "HassGetState"})
"""Media-player requests a plug-powered TV or speaker (a ``switch`` called "TV") can answer."""


def _in_domain(d: Device, domain: str) -> bool:
    kind = kind_of(d)
    if domain == "oven":
        return kind is Kind.OVEN
    if domain == "climate":
        return d.domain == "climate" and kind is not Kind.OVEN
    if domain == "coffee_maker":
        return kind is Kind.COFFEE_MAKER and (
            d.domain == "coffee_maker" or bool({Capability.BREW, Capability.ON_OFF} & d.capabilities)
        )  # a coffee machine on a smart plug too: turned on for a plain coffee (actions.deciders._brew)
    if domain in _BY_KIND:
        return kind is _BY_KIND[domain] and (d.domain == domain or Capability.ON_OFF in d.capabilities)
    return d.domain == domain


def _switched_media(d: Device) -> bool:
    return d.domain != "media_player" and Capability.ON_OFF in d.capabilities and kind_of(d) in {
        Kind.TV, Kind.SPEAKER}  # fmt: skip


def _has_screen(d: Device) -> bool:
    return d.domain == "media_player" and kind_of(d) is Kind.TV


def _ids(devices: Iterable[Device]) -> tuple[str, ...]:
    return tuple(sorted(d.entity_id for d in devices))


def _local(devices: Iterable[Device], snapshot: ContextSnapshot) -> list[Device]:
    area = snapshot.satellite.area.strip().lower()
    return [d for d in devices if area and d.area.lower() == area]


def shows_video(text: str) -> bool:
    """Whether the words ask to *see* something ("show me the news", "I want to watch frozen")."""
    return bool(_SHOW_WORDS & set(model_tokens(text)))


def _media_default(intent: str, media_class: str, text: str, snapshot: ContextSnapshot) -> tuple[str, ...]:
    pool = [d for d in snapshot.devices.values() if d.domain == "media_player"]
    if intent in _SWITCHED_MEDIA:  # "is the tv on" where the TV hangs on a plug
        pool += [d for d in snapshot.devices.values() if _switched_media(d)]
    local = _local(pool, snapshot)
    if intent in MEDIA_PLAYING or intent == "HassTurnOff":
        playing = [m.entity_id for m in snapshot.media if m.state == "playing"]
        if playing:
            return tuple(playing[:1])
    if intent == "HassMediaUnpause":
        paused = [m.entity_id for m in snapshot.media if m.state == "paused"]
        if paused:
            return tuple(paused[:1])
    if intent == "HassMediaSearchAndPlay":
        show = shows_video(text)
        video = show or media_class in VIDEO_CLASSES
        screens = [d for d in local if _has_screen(d)]
        speakers = [d for d in local if not _has_screen(d)]
        if video and screens and (snapshot.satellite.has_screen or show or not speakers):
            return _ids(screens)[:1]  # a film on a screen satellite: the area's TV
        if show:
            return ()  # "show me X" with no screen here: say so, never play it elsewhere
        if whole_home(text) and not video:  # "play the beatles everywhere": every speaker of the home
            everywhere = [d for d in pool if not _has_screen(d) and d.domain == "media_player"]
            if everywhere:
                return _ids(everywhere)
        for group in (speakers, local):
            if group:
                return _ids(group)[:1]  # audio, or no screen to watch on: the area's speaker
        fitting = [d for d in pool if _has_screen(d) == video]
        return _ids(fitting or pool)[:1]
    group = local or pool
    return (group[0].entity_id,) if group else ()


def _running_appliances(snapshot: ContextSnapshot, kinds: frozenset[Kind]) -> list[Device]:
    here = _local(snapshot.devices.values(), snapshot)
    return [d for d in here if kind_of(d) in kinds and is_active(snapshot, d.entity_id)]


def _companions(snapshot: ContextSnapshot) -> set[str]:
    """Temperature sensors that belong to an appliance (the oven's), not to the room."""
    found: set[str] = set()
    for d in snapshot.devices.values():
        if kind_of(d) in APPLIANCE_KINDS | {Kind.OVEN}:
            found |= {s for s in temperature_sources(d, snapshot) if s != d.entity_id}
    return found


def _sources(devices: Iterable[Device], snapshot: ContextSnapshot) -> tuple[str, ...]:
    """Where each device's temperature is read (itself, or the sensor that belongs to it)."""
    out: list[str] = []
    for d in devices:
        out.extend(temperature_sources(d, snapshot) or (d.entity_id,))
    return tuple(sorted(set(out)))


def _temperature_default(oven: bool, snapshot: ContextSnapshot) -> tuple[str, ...]:
    """A temperature question naming nothing: a running appliance in the area (the oven on), else the
    area's thermostat or room temperature sensor, else the home's thermostat(s); the oven intents the oven."""
    devices = list(snapshot.devices.values())
    running = _running_appliances(snapshot, APPLIANCE_KINDS | {Kind.OVEN})
    running = [d for d in running if temperature_sources(d, snapshot)]
    if running:
        return _sources(running, snapshot)
    if oven:
        ovens = [d for d in devices if kind_of(d) is Kind.OVEN]
        return _sources(_local(ovens, snapshot) or ovens, snapshot)
    thermostats = [d for d in devices if kind_of(d) is Kind.THERMOSTAT]
    if here := _local(thermostats, snapshot):
        return _ids(here)
    owned = _companions(snapshot)
    rooms = [d for d in devices if kind_of(d) is Kind.TEMPERATURE_SENSOR and d.entity_id not in owned]
    if here := _local(rooms, snapshot):
        return _ids(here)
    return _ids(thermostats)


def _set_temperature_default(
    intent: str, oven: bool, text: str, snapshot: ContextSnapshot
) -> tuple[str, ...] | None:
    """ "set it to 200" with the oven running here (and no thermostat named) sets the oven; None: the usual
    climate default."""
    if intent not in _SET_TEMPERATURE or _THERMOSTAT_WORDS & set(model_tokens(text)):
        return None
    ovens = [d for d in snapshot.devices.values() if kind_of(d) is Kind.OVEN]
    settable = [d for d in ovens if Capability.TEMPERATURE_SET in d.capabilities]
    running = [d for d in _running_appliances(snapshot, frozenset({Kind.OVEN})) if d in settable]
    if running:
        return _ids(running)
    if oven:
        return _ids(_local(settable, snapshot) or settable or _local(ovens, snapshot) or ovens)
    return None


def _defaults(
    intent: str, focus: str, media_class: str, text: str, snapshot: ContextSnapshot
) -> tuple[str, ...]:
    oven = focus == "oven"  # "preheat to 200": the model's focus head names the oven, not a thermostat
    if intent in _GET_TEMPERATURE:
        return _temperature_default(oven, snapshot)
    if (ovens := _set_temperature_default(intent, oven, text, snapshot)) is not None:
        return ovens
    domain = _INTENT_DOMAIN.get(intent, focus)
    if not domain:
        return ()
    if domain == "media_player":
        return _media_default(intent, media_class, text, snapshot)
    pool = [d for d in snapshot.devices.values() if _in_domain(d, domain)]
    if domain == "climate" and (named := _named_climate(pool, text, snapshot)):
        return named
    if whole_home(text):  # "all the lights in the house", "everywhere": not the satellite's room
        return _ids(pool)
    if local := _local(pool, snapshot):
        return _ids(local)
    if domain in {"oven", "climate", "vacuum", "coffee_maker", "person"} or len(pool) == 1:
        return _ids(pool)
    return ()


def _area_thermometers(areas: Sequence[str], snapshot: ContextSnapshot) -> tuple[str, ...]:
    """The room temperature sensors of the areas named (not an appliance's own: the oven's probe)."""
    owned = _companions(snapshot)
    wanted = {a.lower() for a in areas}
    return _ids(
        d
        for d in snapshot.devices.values()
        if kind_of(d) is Kind.TEMPERATURE_SENSOR and d.area.lower() in wanted and d.entity_id not in owned
    )


def _named_climate(pool: Sequence[Device], text: str, snapshot: ContextSnapshot) -> tuple[str, ...]:
    """The thermostat a kind word names when it is that device's whole name and no other thermostat is called
    by that word ("set the heating to 19" with a thermostat called "heating" on the landing and an aircon in
    the bedroom); () otherwise: a "Thermostat" beside an "Office Thermostat" is asked about, the room's own
    thermostat stays the default (Home Assistant's matcher tries the home's names first)."""
    said = _THERMOSTAT_WORDS & set(model_tokens(text))
    if not said:
        return ()
    called = [d for d in pool if said & set(name_words(d))]
    exact = [d for d in called if any(" ".join(model_tokens(n)) in said for n in (d.name, *d.aliases))]
    return _ids(exact) if len(exact) == 1 and len(called) == 1 else ()


def _temperature_of(targets: Sequence[str], snapshot: ContextSnapshot) -> tuple[str, ...]:
    devices = [snapshot.devices[t] for t in targets if t in snapshot.devices]
    return _sources(devices, snapshot) if devices else tuple(targets)


def choose_targets(
    intent: str,
    slots: Mapping[str, str],
    focus: str,
    media_class: str,
    snapshot: ContextSnapshot,
    *,
    text: str = "",
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """(entity_ids, scores) for the intent; empty when nothing fits (the planner then asks or says so).
    ``text`` (the request's words) lets a reference ("it", "them", "everything") and "show me" count."""
    if intent in _NO_TARGET:
        return (), ()
    referent = refer(intent, slots, text, snapshot, _named_areas(slots, snapshot)) if text else None
    if referent is not None:
        return referent.targets, tuple(1.0 for _ in referent.targets)
    domain = _INTENT_DOMAIN.get(intent, focus)
    if text and not slots.keys() & {"name", "floor"}:
        # a device's name said word for word that the tagger missed: "turn off the living room lamp" tagged
        # as an area and a kind, "is gas detected" (a sensor named "Gas") tagged as nothing: the device is
        # meant (as Home Assistant's matcher, which tries the home's names first)
        said = said_name(text, slots.get("area", ""), snapshot, slots)
        if said:
            slots = {**{k: v for k, v in slots.items() if k != "area"}, "name": said}
    if whole_home(f"in the {slots.get('area', '')}"):  # an area tagged "every room", "the whole house"
        slots = {k: v for k, v in slots.items() if k != "area"}
        text = text or "everywhere"
    slots = area_kind(slots, snapshot, text)
    if slots.keys() & {"name", "area", "floor"}:
        # a temperature asked of, or set on, a device named: whatever its kind ("the oven", "the furnace")
        named = "name" in slots and intent in _GET_TEMPERATURE | _SET_TEMPERATURE
        res = resolve(
            "HassGetState" if named else intent,
            dict(slots),
            snapshot,
            domains=(domain,) if domain and "name" not in slots else (),
        )
        if intent in _GET_TEMPERATURE and res.targets:
            found = _temperature_of(res.targets, snapshot)
            return found, tuple(1.0 for _ in found)
        if intent in _GET_TEMPERATURE and "name" not in slots:  # "the temperature in the garden": no
            found = _area_thermometers(_named_areas(slots, snapshot), snapshot)  # thermostat, a sensor
            return found, tuple(1.0 for _ in found)
        kept = narrowed(intent, slots, text, actionable(intent, res.targets, snapshot), snapshot)
        if kept != res.targets:
            return kept, tuple(sc for t, sc in zip(res.targets, res.scores, strict=True) if t in kept)
        return res.targets, res.scores
    kind = focus or slots.get("domain", "")  # no focus: the domain the words named ("is the tv on")
    targets = _by_class(slots, snapshot, text) or _defaults(intent, kind, media_class, text, snapshot)
    targets = narrowed(intent, slots, text, targets, snapshot)
    if intent == "HassGetState" and asks_another_quantity(
        model_tokens(text), [snapshot.devices[t] for t in targets]
    ):
        return (), ()  # "what's the humidity" with a temperature sensor only: not its temperature
    return targets, tuple(1.0 for _ in targets)


def _by_class(slots: Mapping[str, str], snapshot: ContextSnapshot, text: str = "") -> tuple[str, ...]:
    """Home Assistant's convention for a question about a kind of sensor ("is there a gas leak": domain
    ``binary_sensor``, device class ``gas``): the devices of that class, the satellite's area's if it has
    any, else the home's."""
    cls = slots.get("device_class", "").strip().lower()
    if not cls:
        return ()
    domain = slots.get("domain", "").strip().lower()
    pool = [
        d
        for d in snapshot.devices.values()
        if d.device_class.lower() == cls and (not domain or d.domain == domain)
    ]
    return _ids(pool if whole_home(text) else (_local(pool, snapshot) or pool))


def _named_areas(slots: Mapping[str, str], snapshot: ContextSnapshot) -> tuple[str, ...]:
    return tuple(a for key in ("area", "floor") if (v := slots.get(key)) for a in named_areas(v, snapshot))


def referred(intent: Intent, snapshot: ContextSnapshot) -> Intent:
    """The intent with what its reference ("it", "them", "everything") means as targets, unless it already
    carries some of those devices (the parser's choice, or the one the answer to "Which one?" named: a
    confirmed plan acts on what was named, nothing more)."""
    found = refer(intent.name, intent.slots, intent.text, snapshot, _named_areas(intent.slots, snapshot))
    if found is None or not found.targets or (intent.targets and set(intent.targets) <= set(found.targets)):
        return intent
    return replace(intent, targets=found.targets, target_scores=tuple(1.0 for _ in found.targets))


def nothing_here(intent: Intent, snapshot: ContextSnapshot) -> str:
    """Why a request about what is here has nothing to act on ("close them" with nothing open, "show me
    the news" where there is no screen), or "" when it has something."""
    area = snapshot.satellite.area
    screens = [d for d in snapshot.in_area(area) if _has_screen(d)]
    shows = intent.name == "HassMediaSearchAndPlay" and shows_video(intent.text)
    if shows and not intent.targets and not screens:
        return f"There's no screen in the {area} to show it on." if area else "There's no screen here."
    found = refer(intent.name, intent.slots, intent.text, snapshot, _named_areas(intent.slots, snapshot))
    return found.message if found is not None and not found.targets else ""
